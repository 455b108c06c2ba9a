"""IBM's ADK CLI itself (the ``orchestrate`` console script) against the emulator.

Each command runs as a subprocess with its own ``HOME`` (the ADK keeps its environments in
``~/.config/orchestrate`` and its tokens in ``~/.cache/orchestrate``), logs in with
``orchestrate env add`` / ``env activate`` (no hand-written credentials file, no
``--skip-validation``) and calls the emulator over loopback (api-contract §12).

Over HTTPS on a free port, not on the local Developer Edition's fixed port 4321: why, and the
helpers, are in tests/support/adk_cli.py.
"""

from __future__ import annotations

import ssl
import zipfile
from pathlib import Path

import httpx
import jwt
import pytest
import yaml

from tests.support.adk_cli import Cli, Emu, fails, login, make_cli, ok

pytestmark = pytest.mark.emulator

GPT = "virtual-model/openai/gpt-4o"
KEY = '{"api_key": "sk-x"}'
CLAUDE = "virtual-model/anthropic/claude-3-5-sonnet"


# ---------------------------------------------------------------------------------------------
# env add / env activate (api-contract §7, §12.1, §12.6)

FLOWS = {"mcsp": "mcsp_v1", "mcsp_v2": "mcsp_v2", "ibm_iam": "iam", "cpd": "cpd"}


@pytest.mark.parametrize("auth_type", list(FLOWS))
def test_env_activate_logs_in_and_passes_the_check(emu: Emu, tmp_path: Path, auth_type: str) -> None:
    cli = make_cli(tmp_path, emu.ca)

    output = login(cli, emu, auth_type)

    assert "Environment 'emu' is now active" in output
    assert emu.server.control.tokens_issued()[FLOWS[auth_type]] == 1
    assert ("GET", "/knowledge-bases", 200) in emu.calls()  # the activation check
    stored = yaml.safe_load((tmp_path / ".cache/orchestrate/credentials.yaml").read_text())["auth"]["emu"]
    claims = jwt.decode(stored["wxo_mcsp_token"], options={"verify_signature": False})
    # the ADK keeps exp beside the token, and refuses the token within 600 s of it
    assert stored["wxo_mcsp_token_expiry"] == claims["exp"]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["tenant_id"] == emu.server.settings.tenant_id


def test_env_activate_with_a_wrong_key_fails(emu: Emu, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, emu.ca)
    ok(cli("env", "add", "-n", "emu", "-u", emu.instance, "--type", "mcsp", "--iam-url", emu.server.url))

    # v1, then v2, both refused
    fails(cli("env", "activate", "emu", "--api-key", "wrong"), "Error getting MCSP_V2 Token")
    assert not any(path == "/knowledge-bases" for _m, path, _s in emu.calls())


def test_a_token_within_600_seconds_of_expiry_is_refused_by_the_adk(emu: Emu, tmp_path: Path) -> None:
    # The emulator accepts a 600 s token; the ADK counts it as expired at once (api-contract §7.1):
    # --token-ttl must exceed 600 for the ADK (docs/guide/emulator.md).
    emu.server.control.settings(token_ttl=600)
    cli = make_cli(tmp_path, emu.ca)
    login(cli, emu)

    fails(cli("models", "list"), "missing or expired")


# ---------------------------------------------------------------------------------------------
# models add / list / import / export / remove (api-contract §2, §12.2)

MODEL_FILE = f"""\
spec_version: v1
kind: model
name: {CLAUDE}
display_name: Claude
description: Claude via Anthropic
provider_config:
  api_key: sk-ant-secret
tags: [team-a]
"""


def test_models_commands(emu: Emu, logged_in: Cli, home: Path) -> None:
    ok(logged_in("models", "add", "-n", "openai/gpt-4o", "-d", "GPT", "--provider-config", KEY))
    (home / "claude.yaml").write_text(MODEL_FILE)
    imported = ok(logged_in("models", "import", "-f", "claude.yaml"))

    gpt, claude = emu.state()["models"]
    assert (gpt["name"], gpt["description"], gpt["provider_config"]) == (
        GPT,
        "GPT",
        {"provider": "openai", "api_key": "sk-x"},
    )
    assert (claude["name"], claude["display_name"], claude["tags"]) == (CLAUDE, "Claude", ["team-a"])
    assert claude["config"] == {"max_tokens": 4096}  # the ADK's default for anthropic
    assert "Result" in imported and "passed" in imported  # the validation report was printed
    validations = [c for c in emu.calls() if c[:2] == ("POST", "/models/validate")]
    assert [status for _m, _p, status in validations] == [200, 200]

    listed = ok(logged_in("models", "list"))
    assert GPT in listed and CLAUDE in listed

    ok(logged_in("models", "export", "-n", CLAUDE, "-o", "claude.zip"))
    with zipfile.ZipFile(home / "claude.zip") as archive:
        exported = yaml.safe_load(archive.read("claude/models/claude-3-5-sonnet.yaml"))
    assert exported["name"] == CLAUDE and exported["description"] == "Claude via Anthropic"
    assert "api_key" not in exported["provider_config"]  # secrets are not read back (--secrets omit)

    ok(logged_in("models", "remove", "-n", GPT))
    assert [m["name"] for m in emu.state()["models"]] == [CLAUDE]
    fails(logged_in("models", "remove", "-n", GPT), f"No model found with the name '{GPT}'")


# ---------------------------------------------------------------------------------------------
# models policy add / import / export / remove (api-contract §6)

POLICY_FILE = f"""\
spec_version: v1
kind: model
name: balanced
display_name: Balanced
description: half and half
policy:
  strategy: {{mode: loadbalance}}
  targets:
    - {{model_name: {GPT}, weight: 0.5}}
    - {{model_name: {CLAUDE}, weight: 0.5}}
"""


def seed_models(emu: Emu, *names: str) -> None:
    """Models created over the API with the fixed token (faster than one CLI process each)."""
    context = ssl.create_default_context(cafile=str(emu.ca))
    headers = {"Authorization": f"Bearer {emu.server.settings.token}"}
    with httpx.Client(
        timeout=30, base_url=f"{emu.instance}/v1/orchestrate", headers=headers, verify=context
    ) as http:
        for name in names:
            http.post("/models", json={"name": name, "provider_config": {"api_key": "sk"}}).raise_for_status()


def test_policy_commands(emu: Emu, logged_in: Cli, home: Path) -> None:
    seed_models(emu, GPT, CLAUDE)

    ok(logged_in("models", "policy", "add", "-n", "fallback", "-m", GPT, "-m", CLAUDE, "-s", "fallback",
                 "--strategy-on-code", "503", "--retry-attempts", "2", "--retry-on-code", "429"))  # fmt: skip
    (home / "balanced.yaml").write_text(POLICY_FILE)
    ok(logged_in("models", "policy", "import", "-f", "balanced.yaml"))

    fallback, balanced = emu.state()["policies"]
    assert fallback["name"] == "virtual-policy/fallback"
    assert fallback["description"] == "virtual-policy/fallback"  # the CLI fills it with the name
    assert fallback["policy"] == {
        "strategy": {"mode": "fallback", "on_status_codes": [503]},
        "retry": {"attempts": 2, "on_status_codes": [429]},
        "targets": [{"model_name": GPT}, {"model_name": CLAUDE}],
    }
    assert (balanced["name"], balanced["display_name"]) == ("virtual-policy/balanced", "Balanced")
    assert [t["weight"] for t in balanced["policy"]["targets"]] == [0.5, 0.5]
    listed = ok(logged_in("models", "list"))
    assert "virtual-policy/balanced" in listed and "virtual-policy/fallback" in listed

    ok(logged_in("models", "policy", "export", "-n", "virtual-policy/balanced", "-o", "balanced.zip"))
    with zipfile.ZipFile(home / "balanced.zip") as archive:
        names = sorted(archive.namelist())
        exported = yaml.safe_load(archive.read("balanced/models/balanced.yaml"))
    assert names == [f"balanced/models/{n}.yaml" for n in ("balanced", "claude-3-5-sonnet", "gpt-4o")]
    assert exported["description"] == "half and half"

    ok(logged_in("models", "policy", "remove", "-n", "virtual-policy/balanced"))
    ok(logged_in("models", "policy", "remove", "-n", "virtual-policy/fallback"))
    assert emu.state()["policies"] == []


# ---------------------------------------------------------------------------------------------
# connections and --app-id; model selection (api-contract §12.3, §12.4)


def test_connections_and_app_id(emu: Emu, logged_in: Cli, home: Path) -> None:
    ok(logged_in("connections", "add", "-a", "openai-creds"))
    ok(logged_in("connections", "configure", "-a", "openai-creds", "--env", "draft", "--kind", "key_value",
                 "--type", "team"))  # fmt: skip
    ok(logged_in("connections", "set-credentials", "-a", "openai-creds", "--env", "draft", "-e", "api_key=c"))
    listed = ok(logged_in("connections", "list"))
    assert "openai-creds" in listed and "key_value_creds" in listed

    ok(logged_in("models", "add", "-n", "openai/gpt-4o-mini", "--app-id", "openai-creds"))

    [model] = emu.state()["models"]
    [connection] = emu.state()["connections"]
    assert model["connection_id"] == connection["connection_id"]
    ok(logged_in("models", "export", "-n", "virtual-model/openai/gpt-4o-mini", "-o", "mini.zip"))
    with zipfile.ZipFile(home / "mini.zip") as archive:
        exported = yaml.safe_load(archive.read("mini/models/gpt-4o-mini.yaml"))
        connection = yaml.safe_load(archive.read("mini/connections/openai-creds.yaml"))
    assert exported["app_id"] == "openai-creds"  # the connection id resolved back to its app id
    assert connection["environments"]["draft"] == {"kind": "key_value", "type": "team"}

    unknown = logged_in("models", "add", "-n", "openai/gpt-4o", "--app-id", "nope")
    fails(unknown, "No connection exists with the app-id 'nope'")


def test_model_selection(emu: Emu, logged_in: Cli) -> None:
    granite = "watsonx/ibm/granite-3-8b-instruct"
    shown = ok(logged_in("models", "config", "list"))
    assert '"default_llm": "watsonx/meta-llama/llama-3-2-90b-vision-instruct"' in shown

    ok(logged_in("models", "config", "denylist", "add", "-n", granite))

    assert emu.server.control.state()["settings"][0]["llm_denylist"] == [granite]
    [line] = [line for line in ok(logged_in("models", "list")).splitlines() if granite in line]
    assert "✖" in line  # the catalogue entry carries the deny tag the ADK shows
