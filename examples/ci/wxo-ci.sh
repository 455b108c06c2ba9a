#!/usr/bin/env bash
# The one script behind the pull-request workflow in models.yml: every `run:` step there is
# `./wxo-ci.sh SUBCOMMAND`, so the workflow holds no logic of its own and this script is what
# the end-to-end tests run against the emulator. The loop is explained in docs/guide/pr-workflow.md.
#
#   ./wxo-ci.sh install          pip install -r requirements.txt
#   ./wxo-ci.sh validate         every stack's spec files, offline, with the guardrails (no secrets)
#   ./wxo-ci.sh preview STACK    pulumi preview with the policy pack; the JSON for the review
#   ./wxo-ci.sh review           the review comment from every preview; posted when WXO_CI_PR is set
#   ./wxo-ci.sh up STACK         pulumi up with the policy pack
#
# Settings (environment; secrets come from the CI secret store, never from a command line):
#   WXO_API_KEY, PULUMI_CONFIG_PASSPHRASE, PULUMI_BACKEND_URL   read by the provider and the engine
#   WXO_CI_PROJECT        the Pulumi project directory (default: this script's directory)
#   WXO_CI_SPECS          the spec folder, relative to it (default: specs)
#   WXO_CI_POLICY_CONFIG  the policy pack's configuration (default: policy.json; none if absent)
#   WXO_CI_OUT            where previews, the pack and the review go (default: .wxo-ci)
#   WXO_CI_PR             the pull request to comment on and label (gh and GH_TOKEN)
#   WXO_CI_LABEL          the label of a pull request that changes something (default: wxo-changes)
set -euo pipefail

cd "${WXO_CI_PROJECT:-$(dirname "$0")}"
specs="${WXO_CI_SPECS:-specs}"
policy_config="${WXO_CI_POLICY_CONFIG:-policy.json}"
out="${WXO_CI_OUT:-.wxo-ci}"
label="${WXO_CI_LABEL:-wxo-changes}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

usage() {
    echo "usage: wxo-ci.sh install | validate | preview STACK | review | up STACK" >&2
    exit 2
}

# The stack named on the command line; it names files, so only a plain stack name.
stack_arg() {
    [ $# -eq 1 ] || usage
    if [[ ! "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
        echo "wxo-ci.sh: '$1' is not a stack name (letters, digits, '.', '_', '-')" >&2
        exit 2
    fi
    printf '%s' "$1"
}

# The policy pack in its file form (docs/guide/policy.md), written for this job's Python, and its
# configuration when the project has one.
pack_args=()
write_pack() {
    mkdir -p "$out"
    if ! pulumi-wxo policy-pack --output "$out/policy" >"$out/policy-pack.log" 2>&1; then
        cat "$out/policy-pack.log" >&2
        return 1
    fi
    pack_args=(--policy-pack "$out/policy/wxo-guardrails")
    if [ -f "$policy_config" ]; then
        pack_args+=(--policy-pack-config "$policy_config")
    fi
}

cmd_install() {
    python -m pip install -r requirements.txt
}

# Each stack's effective spec files (its overrides applied) under the guardrails scoped to it.
cmd_validate() {
    local policy=() stacks=() failed=0 file stack
    [ -f "$policy_config" ] && policy=(--policy-config "$policy_config")
    for file in Pulumi.*.yaml; do
        [ -f "$file" ] && stacks+=("${file#Pulumi.}")
    done
    if [ ${#stacks[@]} -eq 0 ]; then
        pulumi-wxo validate "$specs" ${policy[@]+"${policy[@]}"}
        return
    fi
    for stack in "${stacks[@]%.yaml}"; do
        echo "== stack $stack"
        pulumi-wxo validate "$specs" --overrides "Pulumi.$stack.yaml" --stack "$stack" \
            ${policy[@]+"${policy[@]}"} || failed=1
    done
    return $failed
}

# The preview goes to $out/preview-STACK.json as the engine's event stream (the only JSON that
# carries policy violations); the job log shows it as the review comment will. The step fails
# when the preview does (a mandatory violation, a refused credential, bad input).
cmd_preview() {
    local stack status=0 shown=0
    stack=$(stack_arg "$@")
    write_pack
    PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --stack "$stack" --non-interactive \
        --json "${pack_args[@]}" >"$out/preview-$stack.json" || status=$?
    pulumi-wxo review "$out/preview-$stack.json" || shown=$?
    if [ "$status" -ne 0 ]; then
        echo "wxo-ci.sh: the preview of stack '$stack' failed (exit $status); see above" >&2
        return "$status"
    fi
    [ "$shown" -eq 0 ] || [ "$shown" -eq 3 ] || return "$shown"
}

# One comment per part of the review (each fits GitHub's limit), and the label when something
# changes (review's exit status 3); without WXO_CI_PR the parts are only written.
cmd_review() {
    local previews=() status=0 part
    shopt -s nullglob
    previews=("$out"/preview-*.json)
    if [ ${#previews[@]} -eq 0 ]; then
        echo "wxo-ci.sh: no preview in $out (run ./wxo-ci.sh preview STACK first)" >&2
        return 1
    fi
    pulumi-wxo review "${previews[@]}" --output-dir "$out/review" >"$out/review-parts.txt" || status=$?
    [ "$status" -eq 0 ] || [ "$status" -eq 3 ] || return "$status"
    while IFS= read -r part; do
        cat "$part"
        [ -z "${GITHUB_STEP_SUMMARY:-}" ] || cat "$part" >>"$GITHUB_STEP_SUMMARY"
        [ -z "${WXO_CI_PR:-}" ] || gh pr comment "$WXO_CI_PR" --body-file "$part" </dev/null
    done <"$out/review-parts.txt"
    if [ -n "${WXO_CI_PR:-}" ]; then
        gh label create "$label" --force --color FBCA04 --description "pulumi-wxo: the preview changes models"
        if [ "$status" -eq 3 ]; then
            gh pr edit "$WXO_CI_PR" --add-label "$label"
        else
            gh pr edit "$WXO_CI_PR" --remove-label "$label"
        fi
    fi
}

cmd_up() {
    local stack
    stack=$(stack_arg "$@")
    write_pack
    pulumi up --stack "$stack" --non-interactive --yes "${pack_args[@]}"
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
install | validate | review) [ $# -eq 0 ] || usage ;;
preview | up) ;;
*) usage ;;
esac
"cmd_$command" "$@"
