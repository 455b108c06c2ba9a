"""Spec files both ways with IBM's ADK in the loop, for every provider shape the schema knows.

* ours -> the ADK: ``pulumi-wxo export --for adk`` files go through the ADK's own import code
  (``ModelsController.import_model``, the function behind ``orchestrate models import``) and its
  client into the emulator, and come back with every field but the credential; the default
  (``--for pulumi``) files are refused by the ADK's parser, naming the marker.
* the ADK -> ours: the ADK's own ``export_model`` / ``export_model_policy`` write the zip
  ``orchestrate models export`` writes; its files pass ``pulumi-wxo validate`` unchanged and
  load with the fields the server holds.

``get_connection_id`` (the ADK asks the connections service for ``--app-id``) and
``get_app_id_from_conn_id`` are replaced by a table: the connections API is another service
(api-contract §4.5). Running the ``orchestrate`` console script itself is
tests/emulator/test_orchestrate_cli.py's job.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from ibm_watsonx_orchestrate.cli.commands.models import models_controller as adk
from ibm_watsonx_orchestrate_clients.model_policies.model_policies_client import ModelPoliciesClient
from ibm_watsonx_orchestrate_clients.models.models_client import ModelsClient
from pydantic import ValidationError

from pulumi_wxo.cli import main
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.emulator.switches import Secrets
from pulumi_wxo.schema import SECRET_FIELDS
from tests.support.adk_exports import BEDROCK, POLICY, SHAPES, create_all, load_all, tenant, write_exports
from tests.support.emulator import EMULATOR_TOKEN

pytestmark = pytest.mark.emulator

APPS = {"anthropic-app": "conn-anthropic", "openai-app": "conn-openai"}


@pytest.fixture
def adk_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ADK's connection lookups answered from :data:`APPS` (no connections service)."""
    monkeypatch.setattr(adk, "get_connection_id", lambda app_id, supported_schemas=None: APPS[app_id])
    by_id = {conn: app for app, conn in APPS.items()}
    monkeypatch.setattr(adk, "get_app_id_from_conn_id", lambda conn_id: by_id[conn_id])
    # The ADK's export adds the connection's own spec to the zip (the connections service).
    monkeypatch.setattr(adk, "export_connection", lambda **_: None)


@pytest.fixture
def adk_clients(emulator: EmulatorThread, adk_connections: None) -> Iterator[adk.ModelsController]:
    """The ADK's controller (what `orchestrate models ...` runs) on the emulator's local prefix,
    its connection lookups answered (``adk_connections``)."""
    controller = adk.ModelsController()
    controller.models_client = ModelsClient(base_url=emulator.url, api_key=EMULATOR_TOKEN, is_local=True)
    controller.model_policies_client = ModelPoliciesClient(
        base_url=emulator.url, api_key=EMULATOR_TOKEN, is_local=True
    )
    yield controller


def stored(http: httpx.Client) -> dict[str, dict[str, Any]]:
    """What the server holds per name (secrets echoed), snake_case, the server's own fields dropped."""
    models = http.get("/v1/models").json()
    out: dict[str, dict[str, Any]] = {}
    for m in models:
        out[m["name"]] = {
            "display_name": m["display_name"],
            "description": m["description"],
            "tags": m["tags"],
            "model_type": m["model_type"],
            "config": m["config"] or {},
            "connection_id": m["connection_id"],
            "provider_config": m["provider_config"],
        }
    return out


def without_secrets(pc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in pc.items() if k != "provider"} if pc else {}


# --------------------------------------------------------------------------- ours -> the ADK


def test_adk_files_import_with_the_adk_and_lose_nothing_but_credentials(
    emulator: EmulatorThread,
    http: httpx.Client,
    adk_clients: adk.ModelsController,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant(emulator, http)
    before = stored(http)
    files = write_exports(http, tmp_path / "adk", "adk")
    text = "".join(f.read_text() for f in files)
    assert "SECRET" not in text and "${secret" not in text and "connection_id" not in text
    assert main(["validate", "--adk", str(tmp_path / "adk")]) == 0
    out = capsys.readouterr().out
    # Warnings only: how to import (--app-id, with what), and what the ADK adds on its own.
    assert (
        sum("only with `--app-id`: a key_value connection holding" in line for line in out.splitlines()) == 6
    )
    bedrock = tmp_path / "adk" / "bedrock-anthropic.claude-3.yaml"
    assert f"{bedrock}:6: name: warning: the ADK adds config.max_tokens: 4096" in out

    emulator.control.reset()
    emulator.control.settings(secrets="echo")
    for file in [f for f in files if not f.name.startswith("policy-")]:
        with pytest.raises(SystemExit):  # no credential and no --app-id: the ADK refuses it
            adk_clients.import_model(str(file), app_id=None)
        app = "anthropic-app" if "anthropic" in file.name else "openai-app"
        for model in adk_clients.import_model(str(file), app_id=app):
            adk_clients.publish_model(model)
    for file in [f for f in files if f.name.startswith("policy-")]:
        for policy in adk_clients.import_model_policy(str(file)):
            adk_clients.publish_policy(policy)

    after = stored(http)
    assert set(after) == set(before)
    for name, was in before.items():
        now = after[name]
        # The credential now comes from the connection the ADK bound with --app-id.
        assert now["connection_id"] == (APPS["anthropic-app"] if "anthropic" in name else APPS["openai-app"])
        assert without_secrets(now["provider_config"]) == {
            k: v for k, v in without_secrets(was["provider_config"]).items() if _plain(k)
        }, name
        for key in ("display_name", "description", "tags", "model_type", "config"):
            if key == "config" and name == BEDROCK:  # what validate --adk warned about
                assert (now[key], was[key]) == ({"max_tokens": 4096}, {})
                continue
            assert now[key] == was[key], (name, key)
    [policy] = http.get("/v1/model_policy").json()
    assert {k: policy[k] for k in ("name", "display_name", "description", "policy")} == POLICY


def _plain(wire_key: str) -> bool:
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in wire_key)
    aliases = {"_resource_name": "azure_resource_name", "_deployment_id": "azure_deployment_id"}
    return aliases.get(snake, snake) not in SECRET_FIELDS


def test_pulumi_files_are_refused_by_the_adk_and_accepted_by_validate(
    http: httpx.Client, adk_clients: adk.ModelsController, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_all(http)
    files = write_exports(http, tmp_path / "pulumi", "pulumi")
    assert main(["validate", str(tmp_path / "pulumi")]) == 0, capsys.readouterr().out
    capsys.readouterr()
    refused = 0
    for file in files:
        doc = yaml.safe_load(file.read_text())
        if not any(str(v).startswith("${secret:") for v in (doc.get("provider_config") or {}).values()):
            continue
        assert doc["provider_config"]["secrets_resolved_by"] == "pulumi-wxo"
        with pytest.raises(ValidationError) as info:
            adk.parse_model_file(str(file))
        errors = info.value.errors()
        assert [e["loc"] for e in errors if e["type"] == "extra_forbidden"] == [
            ("provider_config", "secrets_resolved_by")
        ], file.name
        refused += 1
    assert refused == 5  # every shape with a credential in the file; the connection has none
    assert main(["validate", "--adk", str(tmp_path / "pulumi")]) == 1
    out = capsys.readouterr().out
    assert "provider_config.secrets_resolved_by: the ADK refuses this key: the file is for pulumi-wxo" in out
    assert (
        "vertex_service_account_json: the ADK would store the text ${secret:...} as the credential (and"
        in out
    )


# --------------------------------------------------------------------------- the ADK -> ours


def adk_export(controller: adk.ModelsController, tmp_path: Path) -> Path:
    """``orchestrate models export`` / ``models policy export`` for everything, unzipped."""
    out = tmp_path / "adk-export.zip"
    with zipfile.ZipFile(out, "w") as zf:
        controller.export_model_policy(name=str(POLICY["name"]), output_path=str(out), zip_file_out=zf)
        for body in SHAPES.values():
            controller.export_model(name=body["name"], output_path=str(out), zip_file_out=zf)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(folder)
    return folder / "adk-export" / "models"


@pytest.mark.parametrize("secrets", ["omit", "echo"])
def test_adk_exports_pass_validate_unchanged_and_load(
    emulator: EmulatorThread,
    http: httpx.Client,
    adk_clients: adk.ModelsController,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    secrets: Secrets,
) -> None:
    tenant(emulator, http, secrets)
    before = stored(http)
    folder = adk_export(adk_clients, tmp_path)
    # One file per object (the ADK names them after the name's last part, skipping a clash).
    assert len(list(folder.iterdir())) == len(SHAPES) + 1

    code = main(["validate", str(folder)])
    out = capsys.readouterr().out
    if secrets == "echo":
        # The ADK writes what the server echoes: a secret in a file stays an error (by field).
        assert code == 1 and "secret values must not be written in spec files" in out
        assert "SECRET" not in out
        return
    assert code == 0, out
    lines = out.splitlines()
    # Every server-set field is dropped with a warning that names file:line and the field.
    gpt = folder / "gpt-4o.yaml"
    text = gpt.read_text().splitlines()
    at = next(i for i, line in enumerate(text, 1) if line.startswith("model_name:"))
    assert f"{gpt}:{at}: model_name: warning: is set by the server (an export wrote it); ignored" in lines
    # The model the ADK bound to a connection has its app_id: it names that connection (not
    # declared in this folder: a warning), so no credential is missing; the others lack theirs.
    assert any(": app_id: warning: 'anthropic-app' is not declared here" in line for line in lines)
    assert sum("`pulumi preview` refuses to create or adopt the model" in line for line in lines) == 5

    by_name = load_all(folder, before)
    for name, was in before.items():
        spec = by_name[name]
        pc = spec.provider_config.model_dump(by_alias=True, exclude_none=True) if spec.provider_config else {}
        assert pc == {k: v for k, v in without_secrets(was["provider_config"]).items() if _plain(k)}, name
        assert (spec.display_name, spec.description, spec.model_type) == (  # type: ignore[union-attr]
            was["display_name"],
            was["description"],
            was["model_type"],
        )
    policy = by_name[str(POLICY["name"])]
    assert policy.description == POLICY["description"]  # type: ignore[union-attr]
