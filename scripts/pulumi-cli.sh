#!/usr/bin/env bash
# Print, as the only line on stdout, a directory holding a working Pulumi CLI
# setup for Python: pulumi, pulumi-resource-pulumi-python,
# pulumi-language-python-exec and, when it could be built,
# pulumi-language-python. Progress and go output go to stderr.
#
# Order of preference:
#   1. `pulumi` on PATH, version >= 3.181.0 (Automation API minimum for inline
#      refresh/destroy), with pulumi-resource-pulumi-python next to it or on PATH.
#   2. A cached build: $CACHE/pulumi-v$VERSION/bin, where
#      CACHE=${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}.
#   3. A fresh build from the Go module proxy into that cache (needs `go`).
#   4. Otherwise exit 1 with install instructions.
#
# Environment:
#   PULUMI_WXO_CLI_VERSION    CLI version to build (default 3.274.1)
#   PULUMI_WXO_CACHE          cache root (see above)
#   PULUMI_WXO_LANGHOST_REF   commit hash or pseudo-version of the untagged module
#                             github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
#                             (default: the release commit, if the proxy reports it)
#   PULUMI_WXO_LEGACY_LANGHOST   1 (default): if that language host cannot be built, build the
#                             v3.68.0 one instead, into the same directory (the newest the proxy
#                             serves; it ignores Pulumi.yaml's runtime.options.virtualenv, so
#                             set PULUMI_PYTHON_CMD). 0: build none. One build then serves
#                             `make test` and `make demo`; see docs/dev/pulumi-cli.md.
#
# Usage:  DIR=$(scripts/pulumi-cli.sh) && export PATH="$DIR:$PATH"
#         (Automation API: auto.PulumiCommand(root=dirname "$DIR") also works.)
# Details: docs/dev/pulumi-cli.md
set -euo pipefail

readonly MIN_VERSION=3.181.0
readonly DEFAULT_VERSION=3.274.1
readonly LEGACY_LANGHOST_SDK=3.68.0
readonly PKG_MOD=github.com/pulumi/pulumi/pkg/v3
readonly SDK_MOD=github.com/pulumi/pulumi/sdk/v3
readonly LANGHOST_MOD=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
readonly LEGACY_LANGHOST_PKG=github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python
readonly VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
readonly BUILD_TAGS=osusergo,grpcnotrace

VERSION="${PULUMI_WXO_CLI_VERSION:-$DEFAULT_VERSION}"
VERSION="${VERSION#v}"
readonly VERSION
readonly CACHE_ROOT="${PULUMI_WXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-wxo}"
readonly DEST="$CACHE_ROOT/pulumi-v$VERSION"

log() { printf 'pulumi-cli.sh: %s\n' "$*" >&2; }

# shellcheck source=lib/cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache.sh"

is_exe() { [[ -f "$1" && -x "$1" ]]; }

# Print "X Y Z" for a version such as v3.274.1 or 3.100.0-dev.0; fail if it is not one.
version_triplet() {
    local v="${1#v}"
    v="${v%%[-+]*}"
    [[ "$v" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || return 1
    printf '%d %d %d\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
}

# version_ge A B: true when A >= B.
version_ge() {
    local a b a1 a2 a3 b1 b2 b3
    a=$(version_triplet "$1") || return 1
    b=$(version_triplet "$2") || return 1
    read -r a1 a2 a3 <<<"$a"
    read -r b1 b2 b3 <<<"$b"
    ((a1 > b1 || (a1 == b1 && (a2 > b2 || (a2 == b2 && a3 >= b3)))))
}

cli_version() {
    PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | tail -n 1 | tr -d '[:space:]'
}

want_legacy_langhost() { [[ "${PULUMI_WXO_LEGACY_LANGHOST:-1}" == 1 ]]; }

# --- 1. pulumi on PATH ------------------------------------------------------
try_path_cli() {
    local p dir v
    p=$(command -v pulumi 2>/dev/null) || return 1
    dir=$(dirname "$p")
    v=$(cli_version "$p")
    if ! version_ge "$v" "$MIN_VERSION"; then
        log "ignoring $p: its version '${v:-?}' is not >= v$MIN_VERSION"
        return 1
    fi
    if ! is_exe "$dir/pulumi-resource-pulumi-python" &&
        ! command -v pulumi-resource-pulumi-python >/dev/null 2>&1; then
        log "ignoring $p ($v): no pulumi-resource-pulumi-python next to it or on PATH"
        return 1
    fi
    printf '%s\n' "$dir"
}

# --- 2. cached build --------------------------------------------------------
cache_ok() {
    local bin="$DEST/bin"
    is_exe "$bin/pulumi" &&
        is_exe "$bin/pulumi-resource-pulumi-python" &&
        is_exe "$bin/pulumi-language-python-exec" &&
        { ! want_legacy_langhost || is_exe "$bin/pulumi-language-python"; } &&
        [[ "$(cli_version "$bin/pulumi")" == "v$VERSION" ]]
}

report_langhost() {
    local info="$DEST/BUILD-INFO"
    if ! is_exe "$DEST/bin/pulumi-language-python"; then
        log "note: no pulumi-language-python in $DEST/bin (the Python language host could not be" \
            "built: see $info). Automation API inline programs work; 'pulumi up' on a Python" \
            "project directory does not. See docs/dev/pulumi-cli.md."
    elif grep -q '^language host: legacy' "$info" 2>/dev/null; then
        log "note: pulumi-language-python in $DEST/bin is the legacy v$LEGACY_LANGHOST_SDK host: it" \
            "ignores runtime.options.virtualenv, so set PULUMI_PYTHON_CMD=<venv>/bin/python."
    fi
}

# --- 3. build from the Go module proxy --------------------------------------

# Print the path of the go.mod of module $1 at version $2 (downloads it if needed).
gomod_file() {
    local json
    if ! json=$(go mod download -json "$1@$2" 2>&1); then
        log "the Go module proxy does not serve $1@$2:" \
            "$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
        return 1
    fi
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$json"
}

# Print the non-local replace directives of go.mod file $1 as `go mod edit`
# arguments (-replace=OLD[@V]=NEW@V). Local-path replaces (=> ../sdk and the
# like) are dropped: in a wrapper module they would point nowhere.
nonlocal_replaces() {
    awk '
        function emit(line,    parts, l, r, nl, nr) {
            sub(/\/\/.*/, "", line)
            if (split(line, parts, "=>") != 2) return
            nl = split(parts[1], l, " ")
            nr = split(parts[2], r, " ")
            if (nr != 2) return
            print "-replace=" ((nl == 2) ? l[1] "@" l[2] : l[1]) "=" r[1] "@" r[2]
        }
        /^replace[[:space:]]*\(/ { inblock = 1; next }
        inblock && /^\)/         { inblock = 0; next }
        inblock                  { emit($0); next }
        /^replace[[:space:]]/    { sub(/^replace[[:space:]]+/, ""); emit($0) }
    ' "$1"
}

# In the current directory, create a wrapper module that requires $SDK_MOD (and
# $PKG_MOD unless $2 is "sdk-only") at version $1, with the tags' non-local
# replace directives copied.
init_wrapper() {
    local v="$1" mode="${2:-}" gomod
    local -a mods=("$SDK_MOD") replaces=() r
    [[ "$mode" == sdk-only ]] || mods+=("$PKG_MOD")
    go mod init pulumi-wxo.local/pulumi-cli-build 2>/dev/null
    local m
    for m in "${mods[@]}"; do # sdk first, so pkg's replaces win
        gomod=$(gomod_file "$m" "v$v") || return 1
        mapfile -t r < <(nonlocal_replaces "$gomod")
        replaces+=("${r[@]}")
    done
    if ((${#replaces[@]})); then
        mapfile -t replaces < <(printf '%s\n' "${replaces[@]}" | awk '!seen[$0]++')
        log "copying replace directives: ${replaces[*]}"
        go mod edit "${replaces[@]}"
    fi
    go get "${mods[@]/%/@v$v}" >&2
    check_versions "$v" "${mods[@]}"
}

# check_versions V MOD...: every MOD is selected at vV in the current module.
check_versions() {
    local v="$1" got
    shift
    got=$(go list -m -f '{{.Version}}' "$@" | sort -u)
    if [[ "$got" != "v$v" ]]; then
        log "expected $* at v$v, the build list has: $got"
        return 1
    fi
}

# Try to build the Python language host into $2/bin. Prints a one-line status.
# The module has no tags: it can only be fetched by commit / pseudo-version.
build_langhost() {
    local work="$1" out="$2" ref="${PULUMI_WXO_LANGHOST_REF:-}" err lwork
    if [[ -z "$ref" ]]; then
        # The release commit, if the proxy reports it (Origin.Hash of sdk/v3@vX).
        ref=$(cd "$work" && go mod download -json "$SDK_MOD@v$VERSION" |
            sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)",\{0,1\}$/\1/p' | head -n 1)
    fi
    if [[ -z "$ref" ]]; then
        echo "not built: the Go module proxy reports no commit (Origin.Hash) for" \
            "$SDK_MOD@v$VERSION and $LANGHOST_MOD has no tags (set PULUMI_WXO_LANGHOST_REF)"
        return 1
    fi
    log "language host: go get $LANGHOST_MOD@$ref"
    # A copy of the wrapper, so that this cannot disturb the pulumi build list.
    lwork="$work-langhost"
    cp -r "$work" "$lwork"
    if ! err=$(cd "$lwork" && go get "$LANGHOST_MOD@$ref" "$PKG_MOD@v$VERSION" "$SDK_MOD@v$VERSION" 2>&1); then
        echo "not built: go get $LANGHOST_MOD@$ref failed: $(printf '%s' "$err" | tr '\n' ' ')"
        return 1
    fi
    if ! (cd "$lwork" && check_versions "$VERSION" "$PKG_MOD" "$SDK_MOD" &&
        go build -trimpath -tags "$BUILD_TAGS" -ldflags "-s -w -X $VERSION_VAR=v$VERSION" \
            -o "$out/bin/pulumi-language-python" "$LANGHOST_MOD" >&2); then
        echo "not built: go build of $LANGHOST_MOD@$ref failed"
        return 1
    fi
    cp "$lwork/go.mod" "$out/build/go.mod.langhost"
    echo "built from $(cd "$lwork" && go list -m -f '{{.Path}}@{{.Version}}' "$LANGHOST_MOD")"
}

# The newest sdk/v3 on the proxy that still contains the language host in-module.
build_legacy_langhost() {
    local work="$1" out="$2" lwork="$1-legacy"
    mkdir -p "$lwork"
    if ! (cd "$lwork" && init_wrapper "$LEGACY_LANGHOST_SDK" sdk-only &&
        go build -trimpath -tags "$BUILD_TAGS" \
            -ldflags "-s -w -X $VERSION_VAR=v$LEGACY_LANGHOST_SDK" \
            -o "$out/bin/pulumi-language-python.legacy" "$LEGACY_LANGHOST_PKG" >&2); then
        echo "not built: legacy build of $LEGACY_LANGHOST_PKG@v$LEGACY_LANGHOST_SDK failed"
        return 1
    fi
    cp "$lwork/go.mod" "$out/build/go.mod.langhost-legacy"
    echo "legacy $LEGACY_LANGHOST_PKG from $SDK_MOD@v$LEGACY_LANGHOST_SDK (ignores runtime.options.virtualenv)"
}

build_into_cache() {
    local go_version stage work out started=$SECONDS v langhost
    go_version=$(go env GOVERSION 2>/dev/null || echo unknown)
    log "building Pulumi CLI v$VERSION from the Go module proxy with $go_version into $DEST"
    log "(cold: ~300 modules, about 1.5 GB of module cache and 1.7 GB of build cache; minutes)"

    stage=$(mktemp -d "$CACHE_ROOT/.build-v$VERSION.XXXXXX")
    # On any failure (set -e) drop the half-built stage; nothing partial reaches $DEST.
    # shellcheck disable=SC2064 # expand $stage now
    trap "log 'build of Pulumi CLI v$VERSION failed (see above)'; rm -rf '$stage'" EXIT
    work="$stage/src"
    out="$stage/out"
    mkdir -p "$work" "$out/bin" "$out/build"

    export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
    # The compiler spends a good part of a cold build collecting garbage; the machine has the
    # memory to let it collect less often.
    export GOGC="${GOGC:-400}"

    # The legacy language host (own module graph) builds in the background while the CLI's
    # modules download and compile; it is used only if the current host cannot be built.
    local legacy_pid="" legacy_status="$stage/legacy-status"
    if want_legacy_langhost; then
        (build_legacy_langhost "$work" "$out" >"$legacy_status" 2>&1 || echo "FAILED" >>"$legacy_status") &
        legacy_pid=$!
    fi

    cd "$work"
    init_wrapper "$VERSION"
    log "go build $PKG_MOD/cmd/pulumi"
    go build -trimpath -tags "$BUILD_TAGS" -ldflags "-s -w -X $VERSION_VAR=v$VERSION" \
        -o "$out/bin/pulumi" "$PKG_MOD/cmd/pulumi" >&2

    # The shims ship in the sdk/v3 module zip (read-only, without exec bits).
    local sdk_dir
    sdk_dir=$(go list -m -f '{{.Dir}}' "$SDK_MOD")
    install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$out/bin/"
    install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$out/bin/"
    cp go.mod go.sum "$out/build/"

    if langhost=$(build_langhost "$work" "$out"); then
        if [[ -n "$legacy_pid" ]]; then
            wait "$legacy_pid" || true
            rm -f "$out/bin/pulumi-language-python.legacy"
        fi
    else
        log "language host: $langhost"
        if [[ -n "$legacy_pid" ]]; then
            log "language host: waiting for the legacy v$LEGACY_LANGHOST_SDK one (PULUMI_WXO_LEGACY_LANGHOST=0 skips it)"
            wait "$legacy_pid" || true
            if grep -q '^FAILED$' "$legacy_status" || [[ ! -x "$out/bin/pulumi-language-python.legacy" ]]; then
                cat "$legacy_status" >&2
                log "language host: the legacy build failed"
            else
                mv "$out/bin/pulumi-language-python.legacy" "$out/bin/pulumi-language-python"
                langhost=$(tail -n 1 "$legacy_status")
            fi
        fi
    fi

    v=$(cli_version "$out/bin/pulumi")
    if [[ "$v" != "v$VERSION" ]]; then
        log "the built pulumi reports version '$v', expected v$VERSION"
        exit 1
    fi
    {
        echo "pulumi v$VERSION built by scripts/pulumi-cli.sh"
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "go: $go_version"
        echo "build seconds: $((SECONDS - started))"
        echo "language host: $langhost"
    } >"$out/BUILD-INFO"

    # Move into place with rename(2), so a half-built cache is never visible as $DEST.
    if [[ -e "$DEST" ]]; then
        local old
        old=$(mktemp -d "$CACHE_ROOT/.old-v$VERSION.XXXXXX")
        mv "$DEST" "$old/"
        rm -rf "$old"
    fi
    mv -T "$out" "$DEST"
    cd /
    rm -rf "$stage"
    trap - EXIT
    log "built Pulumi CLI v$VERSION in $((SECONDS - started)) s"
}

fail_no_cli() {
    cat >&2 <<EOF
pulumi-cli.sh: no usable Pulumi CLI was found: none on PATH that is >= v$MIN_VERSION
with pulumi-resource-pulumi-python, no cached build in $DEST/bin,
and no 'go' to build one with.
Either install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/), e.g.
    curl -fsSL https://get.pulumi.com | sh        # then add ~/.pulumi/bin to PATH
or install Go (1.26 or newer for Pulumi v$DEFAULT_VERSION) and run this script again:
it then builds the CLI from the Go module proxy into $CACHE_ROOT.
EOF
    exit 1
}

main() {
    local dir
    if dir=$(try_path_cli); then
        printf '%s\n' "$dir"
        return 0
    fi
    if ! cache_ok; then
        command -v go >/dev/null 2>&1 || fail_no_cli
        build_once ".lock-v$VERSION" build_into_cache
    fi
    report_langhost
    printf '%s\n' "$DEST/bin"
}

main "$@"; exit
