#!/usr/bin/env bash
# Print, as the only line on stdout, a directory holding an OpenTofu CLI (`tofu`) of the version
# the Terraform host is tested with. Progress and go output go to stderr.
#
# Order of preference:
#   1. A cached build: $CACHE/tofu-v$VERSION/bin, where
#      CACHE=${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}.
#   2. A fresh build from the Go module proxy into that cache (needs `go`):
#      GOBIN=<stage> go install github.com/opentofu/opentofu/cmd/tofu@v$VERSION
#   3. Otherwise exit 1 with install instructions.
#
# A `tofu` on PATH is not used: the tests pin the version they were written against.
#
# Environment:
#   PULUMI_WXO_TOFU_VERSION   OpenTofu version to build (default 1.6.3; releases from 1.7.0 on
#                             carry replace directives and `go install` refuses them)
#   PULUMI_WXO_CACHE          cache root (see above)
#
# Usage:  DIR=$(scripts/tofu.sh) && export PATH="$DIR:$PATH"
# Details: docs/dev/terraform.md
set -euo pipefail

readonly DEFAULT_VERSION=1.6.3
readonly TOFU_PKG=github.com/opentofu/opentofu/cmd/tofu

VERSION="${PULUMI_WXO_TOFU_VERSION:-$DEFAULT_VERSION}"
VERSION="${VERSION#v}"
readonly VERSION
readonly CACHE_ROOT="${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}"
readonly DEST="$CACHE_ROOT/tofu-v$VERSION"

log() { printf 'tofu.sh: %s\n' "$*" >&2; }

# shellcheck source=lib/cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache.sh"

# `tofu version` of a go-installed build prints "OpenTofu v1.6.3-dev" on its first line.
tofu_version() {
    "$1" version 2>/dev/null | head -n 1 | sed -n 's/^OpenTofu v\([0-9.]*\).*/\1/p'
}

cache_ok() {
    [[ -f "$DEST/bin/tofu" && -x "$DEST/bin/tofu" ]] &&
        [[ "$(tofu_version "$DEST/bin/tofu")" == "$VERSION" ]]
}

build_into_cache() {
    local stage started=$SECONDS go_version
    go_version=$(go env GOVERSION 2>/dev/null || echo unknown)
    log "building OpenTofu v$VERSION from the Go module proxy with $go_version into $DEST"
    log "(several minutes of Go compiling when cold)"
    stage=$(mktemp -d "$CACHE_ROOT/.build-tofu-v$VERSION.XXXXXX")
    # shellcheck disable=SC2064 # expand $stage now
    trap "log 'build of OpenTofu v$VERSION failed (see above)'; rm -rf '$stage'" EXIT
    mkdir -p "$stage/bin"
    (
        cd "$stage"
        export GOFLAGS="-buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
        export GOGC="${GOGC:-400}"
        GOBIN="$stage/bin" go install -trimpath "$TOFU_PKG@v$VERSION" >&2
    )
    local v
    v=$(tofu_version "$stage/bin/tofu")
    if [[ "$v" != "$VERSION" ]]; then
        log "the built tofu reports version '${v:-?}', expected $VERSION"
        exit 1
    fi
    {
        echo "tofu v$VERSION built by scripts/tofu.sh"
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "go: $go_version"
        echo "build seconds: $((SECONDS - started))"
    } >"$stage/BUILD-INFO"
    # Move into place with rename(2), so a half-built cache is never visible as $DEST.
    if [[ -e "$DEST" ]]; then
        local old
        old=$(mktemp -d "$CACHE_ROOT/.old-tofu-v$VERSION.XXXXXX")
        mv "$DEST" "$old/"
        rm -rf "$old"
    fi
    mv -T "$stage" "$DEST"
    trap - EXIT
    log "built OpenTofu v$VERSION in $((SECONDS - started)) s"
}

fail_no_go() {
    cat >&2 <<EOF
tofu.sh: no cached OpenTofu v$VERSION in $DEST/bin and no 'go' to build one with.
Install Go (1.21 or newer) and run this script again: it builds tofu from the Go module
proxy into $CACHE_ROOT. Or place an OpenTofu v$VERSION binary at $DEST/bin/tofu.
EOF
    exit 1
}

main() {
    if ! cache_ok; then
        command -v go >/dev/null 2>&1 || fail_no_go
        build_once ".lock-tofu-v$VERSION" build_into_cache
    fi
    printf '%s\n' "$DEST/bin"
}

main "$@"; exit
