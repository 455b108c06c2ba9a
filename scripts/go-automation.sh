#!/usr/bin/env bash
# Print, as the only line on stdout, a directory holding `go-automation`: the inline
# Automation-API program examples/go-automation built against the Go SDK that scripts/sdks.sh
# generates (a `replace` directive in a copy of its go.mod). Built once per program source and
# SDK into the cache that scripts/pulumi-cli.sh uses; Go's own build cache does the rest.
# Progress and go output go to stderr; a failed build exits 1.
#
# Environment:
#   PULUMI_WXO_SDK_DIR   the generated SDKs (default: what scripts/sdks.sh prints)
#   PULUMI_WXO_CACHE     cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo)
# Details: docs/dev/sdks.md
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT SRC="$ROOT/examples/go-automation"
readonly SDK_MODULE=github.com/pulumi-wxo/pulumi-wxo/sdk/go
readonly CACHE_ROOT="${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}"

log() { printf 'go-automation.sh: %s\n' "$*" >&2; }

main() {
    local sdk key dest stage started=$SECONDS
    command -v go >/dev/null 2>&1 || {
        log "no 'go' on PATH: install Go 1.26 or newer to build the Go Automation-API program"
        return 1
    }
    sdk="${PULUMI_WXO_SDK_DIR:-$(bash "$ROOT/scripts/sdks.sh")}"
    [[ -f "$sdk/go/go.mod" ]] || {
        log "no generated Go SDK in $sdk/go"
        return 1
    }
    key=$({ go env GOVERSION; printf '%s\n' "$sdk"; cat "$0" "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go"; } |
        sha256sum | cut -c1-16)
    dest="$CACHE_ROOT/go-automation-$key"
    if [[ ! -x "$dest/go-automation" ]]; then
        mkdir -p "$CACHE_ROOT"
        log "building examples/go-automation against $sdk/go into $dest"
        stage=$(mktemp -d "$CACHE_ROOT/.go-automation-$key.XXXXXX")
        # shellcheck disable=SC2064 # expand $stage now
        trap "log 'the build failed (see above)'; rm -rf '$stage'" EXIT
        cp "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" "$stage/"
        (
            cd "$stage"
            export GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off \
                GOGC="${GOGC:-400}"
            go mod edit "-replace=$SDK_MODULE=$sdk/go"
            # -trimpath as for sdkgen/: the sdk/v3 packages it compiled are reused from Go's build cache.
            go build -trimpath -o go-automation . >&2
        )
        rm -rf "$dest"
        mv -T "$stage" "$dest"
        trap - EXIT
        log "built in $((SECONDS - started)) s"
    fi
    printf '%s\n' "$dest"
}

main "$@"
