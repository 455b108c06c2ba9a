"""A spec folder with a connection through the real engine, on both hosts: laid out as an ADK
export (a model file whose ``app_id`` names its connection, that connection's file under
``connections/``), declared in one line. ``up`` creates the connection first and the model with
its ``connection_id``; the next preview is clean; ``destroy`` deletes the model, then the
connection. The credential is the stack's secret: in the connection, never in the engine's
output or the state's plaintext."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pulumi
from pulumi import automation as auto

from pulumi_wxo.specs import declare
from tests.support.engine import Engine, at_rest, changes, connections

KEY = "sk-specs-conn-e2e-KNOWN-5151"
CONFIG = {"wxo-e2e:openaiKey": auto.ConfigValue(KEY, secret=True)}
# What `orchestrate models export` writes for a model bound to a connection (app_id, the
# provider in provider_config), and the connection's file as `orchestrate connections export`
# writes it, with pulumi-wxo's credentials block.
MODEL = """\
spec_version: v1
kind: model
name: virtual-model/openai/gpt-4o
display_name: GPT-4o
provider_config:
  provider: openai
app_id: openai-platform
"""
CONNECTION = """\
app_id: openai-platform
spec_version: v1
kind: connection
environments:
  draft:
    kind: key_value
    type: team
    credentials:
      api_key: ${secret:openaiKey}
  live:
    kind: key_value
    type: team
    credentials:
      api_key: ${secret:openaiKey}
"""


def specs_program(path: Path, host: str) -> Callable[[], None]:
    def program() -> None:
        resources = declare(str(path), host=host)  # type: ignore[arg-type]
        pulumi.export("names", sorted(resources))

    return program


def first(eng: Engine, method: str, *suffixes: str) -> int:
    """The index of the first ``method`` request whose path contains one of ``suffixes``."""
    requests = eng.emulator.control.requests()
    return next(
        i for i, r in enumerate(requests) if r["method"] == method and any(s in r["path"] for s in suffixes)
    )


def test_an_adk_model_file_with_app_id_and_its_connection_file(
    host: str, engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    (specs / "connections").mkdir(parents=True)
    (specs / "gpt-4o.yaml").write_text(MODEL)
    (specs / "connections" / "openai-platform.yaml").write_text(CONNECTION)
    eng = engine_factory(specs_program(specs, host), config=CONFIG)

    up = eng.up()
    assert changes(up.summary.resource_changes) == {"create": 3}, eng.text()  # connection, model, stack
    assert up.outputs["names"].value == ["openai-platform", "virtual-model/openai/gpt-4o"]
    [conn] = connections(eng)
    [model] = eng.models()
    assert conn["app_id"] == "openai-platform"
    assert model["connection_id"] == conn["connection_id"]  # app_id resolved to the connection's id
    assert "api_key" not in (model.get("provider_config") or {})
    assert KEY in json.dumps(conn)  # the stack's secret, as the connection's credential
    assert first(eng, "POST", "/connections/") < first(eng, "POST", "/models")

    assert changes(eng.preview(diff=True).change_summary) == {}, eng.text()
    state = at_rest(eng)
    kinds = {r["type"].rsplit(":", 1)[1] for r in json.loads(state)["deployment"]["resources"]}
    assert {"Connection", "Model"} <= kinds
    assert KEY not in state and KEY not in eng.text()

    eng.emulator.control.clear_requests()
    eng.destroy()
    assert connections(eng) == [] and eng.models() == []
    assert first(eng, "DELETE", "/models/") < first(eng, "DELETE", "/connections/")
