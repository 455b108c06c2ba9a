#!/usr/bin/env bash
# Print, as the only line on stdout, a directory holding the SDKs generated from this checkout's
# Pulumi package schema: DIR/nodejs (the TypeScript package @pulumi-wxo/wxo) and DIR/go (the Go
# module github.com/pulumi-wxo/pulumi-wxo/sdk/go, package .../sdk/go/wxo). Both are written by
# Pulumi's own code generators through the small Go program in sdkgen/. Progress and go output
# go to stderr; any failure exits 1 (never an empty or stale directory).
#
# Everything lives in the cache that scripts/pulumi-cli.sh uses, outside the repository:
#   $CACHE/sdkgen-<hash of sdkgen/>/sdkgen   the generator, built once per source change
#   $CACHE/sdks/<hash of schema+generator>/  the SDKs, regenerated when the schema changes
#
# Usage:  scripts/sdks.sh [SCHEMA.json]
#   Without an argument the schema is what the plugin serves:
#   `python -m pulumi_wxo.native.schema`, run with $PULUMI_WXO_PYTHON (default: .venv/bin/python
#   when it exists, else python3) on this checkout's provider/ directory.
# Environment:
#   PULUMI_WXO_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo)
# Details: docs/dev/sdks.md
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
readonly CACHE_ROOT="${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}"

log() { printf 'sdks.sh: %s\n' "$*" >&2; }

# A short hash of stdin.
digest() { sha256sum | cut -c1-16; }

# Build the generator unless a build of the same sources (and Go version) is cached; print its path.
generator() {
    local key dest stage started=$SECONDS
    command -v go >/dev/null 2>&1 || {
        log "no 'go' on PATH: install Go 1.26 or newer to build the SDK generator (sdkgen/)"
        return 1
    }
    # This script is part of the key: it holds the build flags.
    key=$({ go env GOVERSION; cat "$0" "$ROOT"/sdkgen/go.mod "$ROOT"/sdkgen/go.sum "$ROOT"/sdkgen/*.go; } | digest)
    dest="$CACHE_ROOT/sdkgen-$key"
    if [[ ! -x "$dest/sdkgen" ]]; then
        exec 8>"$CACHE_ROOT/.lock-sdkgen-$key"
        command -v flock >/dev/null 2>&1 && flock 8
        if [[ ! -x "$dest/sdkgen" ]]; then
            log "building the SDK generator (sdkgen/, github.com/pulumi/pulumi/pkg/v3 codegen) into $dest"
            stage=$(mktemp -d "$CACHE_ROOT/.sdkgen-$key.XXXXXX")
            if ! (cd "$ROOT/sdkgen" &&
                GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off \
                    GOGC="${GOGC:-400}" go build -trimpath -o "$stage/sdkgen" . >&2); then
                rm -rf "$stage"
                log "the build of the SDK generator failed (see above)"
                return 1
            fi
            rm -rf "$dest"
            mv -T "$stage" "$dest"
            log "built the SDK generator in $((SECONDS - started)) s"
        fi
        exec 8>&-
    fi
    printf '%s\n' "$dest/sdkgen"
}

python_cmd() {
    if [[ -n "${PULUMI_WXO_PYTHON:-}" ]]; then
        printf '%s\n' "$PULUMI_WXO_PYTHON"
    elif [[ -x "$ROOT/.venv/bin/python" ]]; then
        printf '%s\n' "$ROOT/.venv/bin/python"
    else
        printf '%s\n' python3
    fi
}

main() {
    local gen schema tmp key out stage
    mkdir -p "$CACHE_ROOT/sdks"
    gen=$(generator)
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064 # expand $tmp now
    trap "rm -rf '$tmp'" EXIT
    schema="$tmp/schema.json"
    if (($# > 0)); then
        schema="$1"
    elif ! PYTHONPATH="$ROOT/provider${PYTHONPATH:+:$PYTHONPATH}" "$(python_cmd)" -m pulumi_wxo.native.schema >"$schema"; then
        log "python -m pulumi_wxo.native.schema failed (see above)"
        return 1
    fi
    key=$(cat "$gen" "$schema" | digest)
    out="$CACHE_ROOT/sdks/$key"
    if [[ ! -f "$out/schema.json" ]]; then
        # Staged beside the result and moved with rename(2): a half-written directory is never
        # visible as $out. schema.json, written last, marks a complete one.
        stage=$(mktemp -d "$CACHE_ROOT/sdks/.gen-$key.XXXXXX")
        if ! "$gen" -schema "$schema" -out "$stage/sdk"; then
            rm -rf "$stage"
            log "the SDK generator failed (see above)"
            return 1
        fi
        cp "$schema" "$stage/sdk/schema.json"
        rm -rf "$out"
        # A concurrent run may have won the race; its result is the same.
        mv -T "$stage/sdk" "$out" 2>/dev/null || [[ -f "$out/schema.json" ]]
        rm -rf "$stage"
        log "generated the TypeScript and Go SDKs into $out"
    fi
    printf '%s\n' "$out"
}

main "$@"
