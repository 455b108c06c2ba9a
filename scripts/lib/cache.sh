# Sourced by the scripts that build a tool into the cache outside the repo (pulumi-cli.sh,
# tofu.sh). The caller defines CACHE_ROOT, DEST, log, cache_ok and the build function.

# build_once LOCK BUILD: unless the cache already passes cache_ok, take the lock file LOCK under
# CACHE_ROOT (one build per cache entry at a time: parallel test runs share the cache), check the
# cache again once the lock is held, and run BUILD if it still fails; a build whose result does
# not pass cache_ok ends the script.
build_once() {
    local lock=$1 build=$2
    cache_ok && return 0
    mkdir -p "$CACHE_ROOT"
    exec 9>"$CACHE_ROOT/$lock"
    if command -v flock >/dev/null 2>&1; then
        flock 9
    fi
    if ! cache_ok; then
        "$build"
        if ! cache_ok; then
            log "the build finished but $DEST/bin does not pass the checks"
            exit 1
        fi
    fi
}
