"""Spec files both ways through the ``orchestrate`` console script itself, for every credential
shape: ``pulumi-wxo export --for adk`` -> ``orchestrate models import --app-id`` (and ``models
policy import``, no ``--skip-validation``) -> the emulator holds the same models;
``orchestrate models export`` / ``models policy export`` -> ``pulumi-wxo validate`` -> the loader.
The default (``--for pulumi``) file is refused by ``orchestrate models import``.

The login, HTTPS emulator and CLI runner are tests/emulator/test_orchestrate_cli.py's; the
shapes are tests/emulator/test_adk_roundtrip.py's (the same flows in process).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_wxo.cli import main
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.schema import SECRET_FIELDS
from pulumi_wxo.specs import read_specs
from tests.support.adk_cli import Cli, Emu, ok
from tests.support.adk_exports import BEDROCK, POLICY, SHAPES, load_all, tenant, write_exports
from tests.support.adk_exports import CONNECTION_CREDENTIALS as CREDENTIALS

pytestmark = pytest.mark.emulator


def plain(model: dict[str, Any]) -> dict[str, Any]:
    """What must survive a round trip: every field but the credentials and the server's own."""
    pc = {k: v for k, v in (model.get("provider_config") or {}).items() if k not in SECRET_FIELDS}
    pc.pop("provider", None)
    keys = ("display_name", "description", "tags", "model_type", "config")
    return {**{k: model.get(k) for k in keys}, "provider_config": pc}


def test_our_adk_files_and_the_adks_exports_round_trip_through_orchestrate(
    emulator: EmulatorThread,
    http: httpx.Client,
    emu: Emu,
    logged_in: Cli,
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant(emulator, http)
    before = {m["name"]: m for m in emulator.control.state()["models"]}
    adk_files = write_exports(http, home / "adk", "adk")
    pulumi_files = write_exports(http, home / "pulumi", "pulumi")

    # One key_value connection holding every credential the shapes need.
    ok(logged_in("connections", "add", "-a", "creds"))
    ok(logged_in("connections", "configure", "-a", "creds", "--env", "draft", "--kind", "key_value",
                 "--type", "team"))  # fmt: skip
    pairs = [arg for k, v in CREDENTIALS.items() for arg in ("-e", f"{k}={v}")]
    ok(logged_in("connections", "set-credentials", "-a", "creds", "--env", "draft", *pairs))
    [connection] = emu.state()["connections"]

    # A pulumi-wxo file: refused before anything is sent, naming the marker.
    gpt = home / "pulumi" / "openai-gpt-4o.yaml"
    assert gpt in pulumi_files
    refused = logged_in("models", "import", "-f", str(gpt))
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "secrets_resolved_by" in output, output
    assert emu.state()["models"] == []

    # Our ADK files: imported as they are, with --app-id, validation included.
    for file in adk_files:
        if file.name.startswith("policy-"):
            continue
        ok(logged_in("models", "import", "-f", str(file), "--app-id", "creds"))
    [policy_file] = [f for f in adk_files if f.name.startswith("policy-")]
    ok(logged_in("models", "policy", "import", "-f", str(policy_file)))
    after = {m["name"]: m for m in emu.state()["models"]}
    assert set(after) == set(before)
    for name, was in before.items():
        now = after[name]
        assert now["connection_id"] == connection["connection_id"], name
        expected = plain(was)
        if name == BEDROCK:  # the ADK adds max_tokens to an anthropic name (validate --adk warns)
            expected["config"] = {"max_tokens": 4096}
        assert plain(now) == expected, name
    [policy] = emu.state()["policies"]
    assert {k: policy[k] for k in ("name", "display_name", "description", "policy")} == POLICY

    # The ADK's exports: each model on its own, and the policy (its zip repeats its targets).
    folder = tmp_path / "exported"
    folder.mkdir()
    ok(logged_in("models", "policy", "export", "-n", str(POLICY["name"]), "-o", "policy.zip"))
    with zipfile.ZipFile(home / "policy.zip") as zf:
        assert {Path(m).name for m in zf.namelist()} >= {"resilient.yaml", "gpt-4o.yaml", "gpt-4o-eu.yaml"}
        (folder / "resilient.yaml").write_bytes(zf.read("policy/models/resilient.yaml"))
    connections = tmp_path / "connections"
    connections.mkdir()
    for i, body in enumerate(SHAPES.values()):
        ok(logged_in("models", "export", "-n", body["name"], "-o", f"m{i}.zip"))
        with zipfile.ZipFile(home / f"m{i}.zip") as zf:
            [member] = [m for m in zf.namelist() if f"m{i}/models/" in m]
            (folder / Path(member).name).write_bytes(zf.read(member))
            for conn in [m for m in zf.namelist() if f"m{i}/connections/" in m]:  # the model's connection
                (connections / Path(conn).name).write_bytes(zf.read(conn))
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert ": model_name: warning: is set by the server (an export wrote it); ignored" in out
    # A model the ADK bound to a connection names it by app_id; its connection file is not here.
    assert "is not declared here (no connection file with that app_id)" in out
    # The ADK's own connection files are connection specs as they are; beside the models, every
    # app_id names a connection declared with it.
    conn_specs, problems = read_specs(connections)
    assert conn_specs and problems == [], problems
    assert main(["validate", str(folder), str(connections)]) == 0, capsys.readouterr().out
    assert "is not declared here (no connection file" not in capsys.readouterr().out
    loaded = load_all(folder, before)
    for name, now in after.items():
        spec = loaded[name]
        dumped = spec.model_dump(exclude_none=True, by_alias=False)
        assert {k: dumped.get(k) for k in ("display_name", "description", "model_type")} == {
            k: now[k] for k in ("display_name", "description", "model_type")
        }, name
        assert plain(dumped)["provider_config"] == plain(now)["provider_config"], name
