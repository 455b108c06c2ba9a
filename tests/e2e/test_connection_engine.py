"""Connection through the real engine, on both hosts: up creates it and a model that uses its
``connection_id``, a clean preview, a credential rotation as one update, destroy in order; the
credential is never in the state's plaintext or the engine's output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from tests.support.emulator import by_hand
from tests.support.engine import Engine, at_rest, changes, connections
from tests.support.native import install_plugin

SECRET_SIG = "4dabf18193072939515e22adb298388d"  # the key of a secret envelope in state
KEY, ROTATED = "sk-conn-e2e-KNOWN-4242", "sk-conn-e2e-ROTATED-4343"


def program(host: str, key: str = KEY, app_id: str = "openai-creds") -> Callable[[], None]:
    def run() -> None:
        sdk: Any = native if host == "native" else wxo
        conn = sdk.Connection("creds", app_id=app_id, kind="key_value", credentials={"api_key": key})
        model = sdk.Model("gpt", name="openai/gpt-4o", connection=conn)
        sdk.Model("mini", name="openai/gpt-4o-mini", connection_id=conn.connection_id)
        pulumi.export("connection_id", conn.connection_id)
        pulumi.export("model_connection", model.connection_id)

    return run


def test_a_model_uses_a_connection_of_the_same_stack(
    host: str, engine_factory: Callable[..., Engine]
) -> None:
    eng = engine_factory(program(host))
    # The instance refuses to delete a connection a model uses: destroy must go in order.
    eng.emulator.control.settings(connection_in_use="refuse")
    up = eng.up()
    [conn] = connections(eng)
    assert up.outputs["connection_id"].value == conn["connection_id"]
    assert up.outputs["model_connection"].value == conn["connection_id"]
    assert [m["connection_id"] for m in eng.models()] == [conn["connection_id"]] * 2
    assert changes(eng.preview(diff=True).change_summary) == {}, eng.text()

    up = eng.up(program(host, ROTATED))
    assert changes(up.summary.resource_changes) == {"update": 1}
    assert ROTATED in json.dumps(connections(eng)) and KEY not in json.dumps(connections(eng))
    state = at_rest(eng)
    [res] = [r for r in json.loads(state)["deployment"]["resources"] if r["type"].endswith(":Connection")]
    assert SECRET_SIG in res["inputs"]["credentials"] and SECRET_SIG in res["outputs"]["credentials"]
    assert ROTATED not in state and KEY not in state  # ciphertext only  # secret in state: ciphertext only
    assert KEY not in eng.text() and ROTATED not in eng.text()

    # An app_id change replaces the connection; the model follows its new id.
    up = eng.up(program(host, ROTATED, app_id="openai-creds-2"))
    assert changes(up.summary.resource_changes) == {"replace": 1, "update": 2}, eng.text()
    [conn] = connections(eng)
    assert conn["app_id"] == "openai-creds-2"
    assert [m["connection_id"] for m in eng.models()] == [conn["connection_id"]] * 2

    eng.destroy()
    assert connections(eng) == [] and eng.models() == []


def test_a_connection_that_does_not_exist_is_refused_at_preview(
    host: str, engine_factory: Callable[..., Engine]
) -> None:
    def made_up(field: str, value: str) -> Callable[[], None]:
        def run() -> None:
            sdk: Any = native if host == "native" else wxo
            sdk.Model("gpt", name="openai/gpt-4o", **{field: value})

        return run

    eng = engine_factory(made_up("connection_id", "conn-watsonx"))
    for field, value in [("connection_id", "conn-watsonx"), ("app_id", "no-such-app")]:
        with pytest.raises(auto.CommandError) as info:
            eng.preview(made_up(field, value))
        said = str(info.value)
        key = "id" if field == "connection_id" else field
        assert f"{field}: no connection with {key} '{value}' on the instance" in said, said
    assert eng.models() == []

    def by_app_id() -> None:
        sdk: Any = native if host == "native" else wxo
        sdk.Model("mini", name="openai/gpt-4o-mini", app_id="made-by-hand")

    # An app_id of a connection made outside the stack resolves to its id (as the ADK's
    # `orchestrate models import --app-id` does), and the next preview is clean.
    with by_hand(eng.emulator) as raw:
        raw.post("/connections/applications", json={"app_id": "made-by-hand"}).raise_for_status()
    eng.up(by_app_id)
    [conn] = connections(eng)
    assert [m["connection_id"] for m in eng.models()] == [conn["connection_id"]]
    assert changes(eng.preview(by_app_id, diff=True).change_summary) == {}, eng.text()
    eng.destroy()


def test_the_native_plugin_imports_a_connection_by_app_id(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    from pulumi.automation._stack import ImportResource

    install_plugin(tmp_path / "pulumi-home")
    eng = engine_factory(lambda: None)
    with by_hand(eng.emulator) as raw:
        raw.post("/connections/applications", json={"app_id": "made-by-hand"}).raise_for_status()
        for env in ("draft", "live"):
            raw.post(
                "/connections/applications/made-by-hand/configurations",
                json={
                    "app_id": "made-by-hand",
                    "environment": env,
                    "preference": "team",
                    "security_scheme": "key_value_creds",
                },
            ).raise_for_status()
    [conn] = connections(eng)
    eng.stack.import_resources(
        resources=[ImportResource(type="wxo:index:Connection", name="creds", id="made-by-hand")],
        protect=False,
        generate_code=False,
    )
    state = json.loads(at_rest(eng))["deployment"]["resources"]
    [res] = [r for r in state if r["type"] == "wxo:index:Connection"]
    assert res["id"] == conn["connection_id"] and res["outputs"]["connection_id"] == conn["connection_id"]
    assert res["outputs"]["environments"]["live"]["kind"] == "key_value"
