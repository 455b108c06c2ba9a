#!/usr/bin/env bash
# Print, as the only line on stdout, a directory whose node_modules holds what the generated
# TypeScript SDK compiles against: @pulumi/pulumi, typescript and @types/node at the versions
# pinned below, installed once with npm into the cache that scripts/pulumi-cli.sh uses (npm's
# own download cache goes there too). Progress goes to stderr. It fails (exit 1) rather than
# printing nothing: the TypeScript test must not pass without a compiler.
#
# Environment:
#   PULUMI_WXO_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo)
#
# Usage:  DIR=$(scripts/ts-deps.sh) && "$DIR/node_modules/.bin/tsc" --version
# Details: docs/dev/sdks.md
set -euo pipefail

# Exact pins (checked against the registry): the Node.js SDK's typescript peer range is < 7, and
# @types/node follows the Node.js 20 on the CI machine.
readonly DEPS='"@pulumi/pulumi": "3.270.0", "typescript": "5.9.3", "@types/node": "20.19.43"'
readonly CACHE_ROOT="${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}"
KEY=$(printf '%s' "$DEPS" | sha256sum | cut -c1-12)
readonly KEY
readonly DEST="$CACHE_ROOT/ts-deps-$KEY"

log() { printf 'ts-deps.sh: %s\n' "$*" >&2; }

cache_ok() { [[ -x "$DEST/node_modules/.bin/tsc" && -f "$DEST/node_modules/@pulumi/pulumi/package.json" ]]; }

install_deps() {
    local stage started=$SECONDS
    command -v npm >/dev/null 2>&1 || {
        log "no 'npm' on PATH: install Node.js (20 or newer) to compile the TypeScript SDK"
        exit 1
    }
    stage=$(mktemp -d "$CACHE_ROOT/.ts-deps-$KEY.XXXXXX")
    # shellcheck disable=SC2064 # expand $stage now
    trap "log 'npm install failed (see above)'; rm -rf '$stage'" EXIT
    printf '{"name": "pulumi-wxo-ts-deps", "private": true, "dependencies": {%s}}\n' "$DEPS" >"$stage/package.json"
    log "npm install $DEPS into $DEST"
    (cd "$stage" && npm_config_cache="$CACHE_ROOT/npm-cache" npm install --no-audit --no-fund \
        --ignore-scripts --loglevel=error >&2)
    rm -rf "$DEST"
    mv -T "$stage" "$DEST"
    trap - EXIT
    log "installed in $((SECONDS - started)) s"
}

main() {
    mkdir -p "$CACHE_ROOT"
    if ! cache_ok; then
        exec 9>"$CACHE_ROOT/.lock-ts-deps-$KEY"
        command -v flock >/dev/null 2>&1 && flock 9
        cache_ok || install_deps
    fi
    printf '%s\n' "$DEST"
}

main "$@"
