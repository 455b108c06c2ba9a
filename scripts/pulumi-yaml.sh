#!/usr/bin/env bash
# Print, as the only line on stdout, a directory holding the Pulumi YAML language host
# (pulumi-language-yaml), built once from the Go module proxy into the cache that
# scripts/pulumi-cli.sh uses. Progress and go output go to stderr. It fails (exit 1) rather than
# printing nothing: a test that needs YAML must not pass without it.
#
# Environment:
#   PULUMI_WXO_YAML_VERSION   pulumi-yaml version (default 1.25.0; it pins its own pkg/v3)
#   PULUMI_WXO_CACHE          cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo)
#
# Usage:  DIR=$(scripts/pulumi-yaml.sh) && export PATH="$DIR:$PATH"
# Details: docs/dev/sdks.md
set -euo pipefail

readonly MOD=github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
VERSION="${PULUMI_WXO_YAML_VERSION:-1.25.0}"
VERSION="${VERSION#v}"
readonly VERSION
readonly CACHE_ROOT="${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}"
readonly DEST="$CACHE_ROOT/pulumi-yaml-v$VERSION"

log() { printf 'pulumi-yaml.sh: %s\n' "$*" >&2; }

cache_ok() { [[ -x "$DEST/bin/pulumi-language-yaml" && -f "$DEST/BUILD-INFO" ]]; }

build() {
    local stage started=$SECONDS
    command -v go >/dev/null 2>&1 || {
        log "no 'go' on PATH: install Go 1.26 or newer to build the YAML language host"
        exit 1
    }
    stage=$(mktemp -d "$CACHE_ROOT/.build-yaml-v$VERSION.XXXXXX")
    # shellcheck disable=SC2064 # expand $stage now
    trap "log 'build of pulumi-language-yaml v$VERSION failed (see above)'; rm -rf '$stage'" EXIT
    mkdir -p "$stage/bin"
    log "go install $MOD@v$VERSION into $DEST (cold: a few minutes)"
    (
        cd "$stage"
        GOBIN="$stage/bin" GOFLAGS=-buildvcs=false GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off \
            GOGC="${GOGC:-400}" go install -trimpath -ldflags "-s -w" "$MOD@v$VERSION" >&2
    )
    [[ -x "$stage/bin/pulumi-language-yaml" ]] || {
        log "go install finished but produced no pulumi-language-yaml"
        exit 1
    }
    {
        echo "pulumi-language-yaml v$VERSION built by scripts/pulumi-yaml.sh"
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "go: $(go env GOVERSION)"
        echo "build seconds: $((SECONDS - started))"
    } >"$stage/BUILD-INFO"
    rm -rf "$DEST"
    mv -T "$stage" "$DEST"
    trap - EXIT
    log "built pulumi-language-yaml v$VERSION in $((SECONDS - started)) s"
}

main() {
    mkdir -p "$CACHE_ROOT"
    if ! cache_ok; then
        exec 9>"$CACHE_ROOT/.lock-yaml-v$VERSION"
        command -v flock >/dev/null 2>&1 && flock 9
        cache_ok || build
    fi
    printf '%s\n' "$DEST/bin"
}

main "$@"
