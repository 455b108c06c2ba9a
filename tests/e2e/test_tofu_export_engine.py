"""`pulumi-wxo export --format hcl` through the real ``tofu`` (v1.6.3, scripts/tofu.sh): a tenant
made by hand comes under OpenTofu management by its ``import`` blocks, without a recreate.

The plan after the export shows imports only; after ``tofu apply`` a plan is empty and the server
holds the same objects under the same ids. Hostile texts (quotes, backslashes, ``${``, ``%{``, a
newline, Unicode) in the server's values are part of the tenant: a plan without changes is
OpenTofu's own word that it read the file back as the server's values.

A connection made by hand, with a model that uses it by ``connection_id``, comes under management
the same way: its credentials (never read back) are a sensitive variable and one documented update.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_wxo.cli import main
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.version import __version__
from tests.support.emulator import EMULATOR_TOKEN, by_hand, hand_policy
from tests.support.hcl import imports, resources
from tests.support.tofu import TofuDir, tofu_bin

GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
CLAUDE = "virtual-model/anthropic/claude-3.7-sonnet"
GPT = "virtual-model/openai/gpt-4o"
HOSTILE = 'say "hi" \\ ${var.x} %{ if true }x%{ endif } $${y}\nsecond line é 😀'
SECRET = "sk-export-e2e-5d1c7a"


@pytest.fixture(scope="module")
def tofu() -> Path:
    return tofu_bin()


@pytest.fixture
def work(tmp_path: Path, tofu: Path, emulator: EmulatorThread) -> Iterator[TofuDir]:
    yield TofuDir(tmp_path, tofu, {"WXO_URL": emulator.url, "WXO_TOKEN": EMULATOR_TOKEN})


def server(emulator: EmulatorThread) -> dict[str, str]:
    """Every model and policy on the emulator: name -> id."""
    state = emulator.control.state()
    return {o["name"]: o["id"] for o in [*state["models"], *state["policies"]]}


def export_hcl(
    emulator: EmulatorThread, out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    """``pulumi-wxo export --format hcl -o <config dir>``: the file written and what it said."""
    monkeypatch.setenv("WXO_TOKEN", EMULATOR_TOKEN)
    capsys.readouterr()
    assert main(["export", "--url", emulator.url, "--format", "hcl", "-o", str(out)]) == 0
    said = capsys.readouterr().err
    return (out / "wxo.tf").read_text(encoding="utf-8"), said


def test_an_exported_tenant_is_imported_without_a_change(
    work: TofuDir,
    emulator: EmulatorThread,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mix = hand_policy(
        "virtual-policy/mix", "loadbalance", {GRANITE: 0.5, CLAUDE: 0.5}, "mix", "Half and half"
    )
    with by_hand(emulator) as raw:
        raw.post(
            "/models",
            json={
                "name": GRANITE,
                "display_name": HOSTILE,
                "description": HOSTILE,
                "connection_id": "conn-wx",
            },
        ).raise_for_status()
        raw.post(
            "/models",
            json={
                "name": CLAUDE,
                "connection_id": "conn-anthropic",
                "tags": ["team-a", HOSTILE],
                "config": {"max_tokens": 100, "temperature": 0.5},
            },
        ).raise_for_status()
        raw.post("/model_policy", json=mix).raise_for_status()
    before = server(emulator)

    text, said = export_hcl(emulator, work.dir, capsys, monkeypatch)
    assert "wrote 3 resources with import blocks" in said
    assert set(imports(text).values()) == set(before.values())
    found = resources(text)
    targets = found["wxo_model_policy.mix"]["targets"]
    assert [t["model_name"] for t in targets] == [
        "wxo_model.watsonx-ibm-granite-3-3-8b-instruct.name",
        "wxo_model.anthropic-claude-3_7-sonnet.name",
    ]

    assert work.ok("fmt", "-check") == ""  # written as `tofu fmt` writes it
    assert "Success!" in work.ok("validate")
    code, out = work.plan_exit()
    assert code == 2, out  # imports are changes to the state
    assert "Plan: 3 to import, 0 to add, 0 to change, 0 to destroy." in out, out

    emulator.control.clear_requests()
    out = work.apply()
    assert "Apply complete! Resources: 3 imported, 0 added, 0 changed, 0 destroyed." in out, out
    assert {r["method"] for r in emulator.control.requests()} <= {"GET"}  # an import only reads

    code, out = work.plan_exit()
    assert code == 0, out  # no change: OpenTofu read every value back as the server's
    assert server(emulator) == before  # nothing created, duplicated or replaced
    state = work.ok("state", "list").split()
    assert sorted(state) == sorted(imports(text))


def test_a_credential_is_a_sensitive_variable_and_one_update(
    work: TofuDir,
    emulator: EmulatorThread,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with by_hand(emulator) as raw:
        raw.post("/models", json={"name": GPT, "provider_config": {"api_key": SECRET}}).raise_for_status()
    before = server(emulator)

    text, said = export_hcl(emulator, work.dir, capsys, monkeypatch)
    assert SECRET not in text and SECRET not in said
    assert resources(text)["wxo_model.openai-gpt-4o"]["provider_config"] == {"api_key": "var.openai_api_key"}
    assert "export TF_VAR_openai_api_key=<value>" in said

    # Without the variable OpenTofu asks for it: no plan runs on a guessed credential.
    proc = work.run("plan", "-input=false")
    assert proc.returncode == 1 and "No value for required variable" in proc.stdout + proc.stderr

    env: dict[str, Any] = {"TF_VAR_openai_api_key": SECRET}
    proc = work.run("plan", "-detailed-exitcode", "-input=false", env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    # The server never returns a key, so the import reads none: the one change is that key.
    assert "Plan: 1 to import, 0 to add, 1 to change, 0 to destroy." in out, out
    assert "will be updated in-place" in out and "(sensitive value)" in out and SECRET not in out
    out = work.ok("apply", "-auto-approve", "-input=false", env=env)
    assert "1 imported, 0 added, 1 changed, 0 destroyed" in out and SECRET not in out
    proc = work.run("plan", "-detailed-exitcode", "-input=false", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert server(emulator) == before
    [model] = emulator.control.state()["models"]
    assert model["provider_config"]["api_key"] == SECRET  # sent once, by the update


def test_a_text_not_in_normal_form_c_is_read_normalised_without_a_change(
    work: TofuDir,
    emulator: EmulatorThread,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decomposed = "cafe\u0301"  # "café" with a combining accent: OpenTofu reads it as "caf\u00e9"
    with by_hand(emulator) as raw:
        raw.post(
            "/models", json={"name": GPT, "description": decomposed, "connection_id": "c"}
        ).raise_for_status()
    text, said = export_hcl(emulator, work.dir, capsys, monkeypatch)
    assert (
        resources(text)["wxo_model.openai-gpt-4o"]["description"] == decomposed
    )  # written as the server has it
    assert "not in Unicode normal form C; OpenTofu reads it normalised, without showing a change" in said
    code, out = work.plan_exit()
    assert code == 2 and "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy." in out, out


def hand_connection(emulator: EmulatorThread, app_id: str, key: str) -> str:
    """A key-value connection with a draft credential, as a person makes it; its connection_id."""
    with by_hand(emulator) as raw:
        raw.post("/connections/applications", json={"app_id": app_id}).raise_for_status()
        raw.post(
            f"/connections/applications/{app_id}/configurations",
            json={
                "app_id": app_id,
                "environment": "draft",
                "preference": "team",
                "security_scheme": "key_value_creds",
            },
        ).raise_for_status()
        raw.post(
            f"/connections/applications/{app_id}/configs/draft/runtime_credentials",
            json={"runtime_credentials": {"api_key": key}},
        ).raise_for_status()
    [conn] = emulator.control.state()["connections"]
    return str(conn["connection_id"])


def test_a_connection_and_its_model_are_imported_without_a_duplicate(
    work: TofuDir,
    emulator: EmulatorThread,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connection_id = hand_connection(emulator, "openai-creds", SECRET)
    with by_hand(emulator) as raw:
        raw.post("/models", json={"name": GPT, "connection_id": connection_id}).raise_for_status()
    before = server(emulator)
    connections_before = emulator.control.state()["connections"]

    text, said = export_hcl(emulator, work.dir, capsys, monkeypatch)
    assert SECRET not in text and SECRET not in said
    found = resources(text)
    assert str(found["wxo_model.openai-gpt-4o"]["connection_id"]) == (
        "wxo_connection.openai-creds.connection_id"
    )
    assert imports(text)["wxo_connection.openai-creds"] == "openai-creds"
    assert "Success!" in work.ok("validate")

    variables = [line.split("=")[0].removeprefix("export ") for line in said.split() if "TF_VAR_" in line]
    env = dict.fromkeys(variables, SECRET)
    proc = work.run("plan", "-detailed-exitcode", "-input=false", env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert SECRET not in out
    # The server never answers a credential: the one change is the connection's, that credential
    # (and the provider version the update records). The model is imported unchanged.
    assert variables == ["TF_VAR_openai_creds_api_key"], said
    assert "Plan: 2 to import, 0 to add, 1 to change, 0 to destroy." in out, out
    assert "wxo_model.openai-gpt-4o will be imported" in out, out
    changes = out[out.index("# wxo_connection.openai-creds will be updated") :]
    changes = changes[: changes.index("# wxo_model")]
    changed = [line.strip() for line in changes.splitlines() if line.strip()[:1] in ("+", "-", "~")]
    assert changed == [
        '~ resource "wxo_connection" "openai-creds" {',
        '+ provider_version = "0.2.0.dev0"'.replace("0.2.0.dev0", __version__),
        '~ environments "draft" {',
        "+ credentials = {",
        "+ api_key = (sensitive value)",
    ], changes

    out = work.ok("apply", "-auto-approve", "-input=false", env=env)
    assert "2 imported, 0 added, 1 changed, 0 destroyed" in out and SECRET not in out
    proc = work.run("plan", "-detailed-exitcode", "-input=false", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert server(emulator) == before  # one model, same id: nothing created or duplicated
    after = emulator.control.state()["connections"]
    assert [c["connection_id"] for c in after] == [c["connection_id"] for c in connections_before]
    [model] = emulator.control.state()["models"]
    assert model["connection_id"] == connection_id
    [conn] = after
    assert SECRET in json.dumps(conn)  # the credential was sent once, by the update
