#!/usr/bin/env bash
# `make dist-check`: what a user who installs the wheel gets, outside this clone.
#
# Installs the wheel that `make dist` wrote into dist/ (with the emulator extra) into a new
# virtualenv in a temporary folder, checks the console script and the import, starts the
# emulator from that virtualenv on a free port, makes a project there from templates/python
# with `pulumi new`, and runs `pulumi up`, a preview that must show no change, and
# `pulumi destroy` through the engine, on Pulumi's file backend. These are the steps of
# docs/guide/getting-started.md. It fails on a warning in the engine's output.
#
# Environment:
#   PYTHON               the interpreter that makes the virtualenv (default python3)
#   PULUMI_WXO_CLI_DIR   the Pulumi CLI's bin directory (default: what scripts/pulumi-cli.sh prints)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
readonly TOKEN=dist-check-token
EMULATOR_PID=""
WORK=""

log() { printf 'dist-check: %s\n' "$*" >&2; }
fail() {
    log "$*"
    exit 1
}

cleanup() {
    if [[ -n "$EMULATOR_PID" ]]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
    fi
    [[ -z "$WORK" ]] || rm -rf "$WORK"
}

main() {
    local wheels wheel work cli url out started=$SECONDS
    shopt -s nullglob
    wheels=("$ROOT"/dist/pulumi_wxo-*-py3-none-any.whl)
    ((${#wheels[@]} == 1)) || fail "expected one wheel in dist/ (run make dist), found ${#wheels[@]}"
    wheel=${wheels[0]}
    work=$(mktemp -d)
    WORK=$work
    trap cleanup EXIT

    "${PYTHON:-python3}" -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel[emulator]"
    "$work/venv/bin/pulumi-wxo" --help >/dev/null
    "$work/venv/bin/python" -c "import pulumi_wxo, importlib.metadata as m; assert pulumi_wxo.__version__ == m.version('pulumi-wxo')"

    cli=${PULUMI_WXO_CLI_DIR:-$(bash "$ROOT/scripts/pulumi-cli.sh" | tail -n 1)}
    [[ -x "$cli/pulumi" ]] || fail "no pulumi in '$cli'"

    # The user's shell: the virtualenv activated, nothing from this clone or the caller's WXO_*.
    cd "$work"
    unset WXO_URL WXO_TOKEN WXO_API_KEY PULUMI_PYTHON_CMD PYTHONPATH
    # shellcheck disable=SC1091
    source "$work/venv/bin/activate"
    export PATH="$cli:$PATH" PULUMI_BACKEND_URL="file://$work/state" PULUMI_HOME="$work/pulumi-home" \
        PULUMI_CONFIG_PASSPHRASE=dist-check PULUMI_SKIP_UPDATE_CHECK=true \
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
    mkdir -p "$work/state"

    pulumi-wxo emulator --port 0 --db "$work/emulator.db" --token "$TOKEN" >"$work/emulator.log" 2>&1 &
    EMULATOR_PID=$!
    for _ in $(seq 1 100); do
        url=$(sed -n 's/^wxO emulator listening on \(http[^ ]*\).*/\1/p' "$work/emulator.log")
        [[ -n "$url" ]] && break
        kill -0 "$EMULATOR_PID" 2>/dev/null || fail "the emulator stopped: $(cat "$work/emulator.log")"
        sleep 0.1
    done
    [[ -n "$url" ]] || fail "the emulator did not start: $(cat "$work/emulator.log")"

    pulumi new "$ROOT/templates/python" --dir app --name dist-check --yes --generate-only \
        >"$work/new.log" 2>&1 || fail "pulumi new failed: $(cat "$work/new.log")"
    cd app
    pulumi stack init dev >/dev/null 2>&1
    pulumi config set wxo:url "$url"
    printf '%s' "$TOKEN" | pulumi config set --secret wxo:token
    printf '%s' sk-dist-check | pulumi config set --secret openaiKey
    # As docs/guide/getting-started.md says: the plugin into the cache, the engine told to use it there.
    pulumi-wxo plugin install >/dev/null
    export PULUMI_IGNORE_AMBIENT_PLUGINS=true
    out=$(pulumi up --yes --non-interactive --color never 2>&1) || fail "pulumi up failed: $out"
    grep -q '+ 3 created' <<<"$out" || fail "pulumi up did not create the stack, the model and the policy: $out"
    ! grep -qi 'warning' <<<"$out" || fail "pulumi up printed a warning: $out"
    curl -fsS -H "Authorization: Bearer $TOKEN" "$url/v1/models" | grep -q gpt-4o-mini ||
        fail "the model is not on the emulator"
    out=$(pulumi preview --expect-no-changes --non-interactive --color never 2>&1) ||
        fail "a second preview is not clean: $out"
    out=$(pulumi destroy --yes --non-interactive --color never 2>&1) || fail "pulumi destroy failed: $out"
    log "$(basename "$wheel"): installed in a clean virtualenv, pulumi new + up + clean preview +" \
        "destroy against its emulator, outside the clone, in $((SECONDS - started)) s"
}

main "$@"
