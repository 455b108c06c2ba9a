"""The Connection's lifecycle against the real emulator over loopback: the dynamic host's
provider (create, read, update, replace, delete, drift) and the native plugin on the wire."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_wxo._provider import ConnectionProvider
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.lifecycle import Runtime
from tests.support.emulator import EMULATOR_TOKEN as TOKEN
from tests.support.lifecycle_harness import LifeCycle, Plugin, Secret, Step

pytestmark = pytest.mark.emulator

KEY, ROTATED = "sk-conn-FIRST-1111", "sk-conn-ROTATED-2222"
PREFIX = "/v1/orchestrate/connections/applications"


@pytest.fixture
def wxo(emulator: EmulatorThread, global_runtime: Runtime) -> EmulatorThread:
    global_runtime.configure({"wxo:url": emulator.url, "wxo:token": TOKEN}.get, {})
    return emulator


def news(app_id: str = "openai-creds", key: str = KEY, **extra: Any) -> dict[str, Any]:
    return {
        "__provider": "blob",
        "app_id": app_id,
        "kind": "key_value",
        "credentials": {"api_key": key},
        **extra,
    }


def connections(emulator: EmulatorThread) -> list[dict[str, Any]]:
    return list(emulator.control.state()["connections"])


def api(emulator: EmulatorThread) -> httpx.Client:
    return httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {TOKEN}"})


def test_create_read_update_replace_delete_on_the_dynamic_host(wxo: EmulatorThread) -> None:
    prov = ConnectionProvider()
    checked = prov.check({}, news())
    assert checked.failures == []
    res = prov.create(checked.inputs)
    outs = {**(res.outs or {}), "__provider": "b"}
    [row] = connections(wxo)
    assert outs["connection_id"] == res.id and outs["app_id"] == "openai-creds"
    assert sorted(row["configurations"]) == ["draft", "live"]
    assert outs["credentials"] == {"api_key": KEY}  # kept from the inputs (secret in state)

    # Nothing changed: no diff, and a refresh keeps the declared form.
    assert prov.diff(str(res.id), outs, checked.inputs).changes is False
    read = prov.read(str(res.id), outs)
    assert read.id == res.id and read.outs is not None
    assert {k: read.outs[k] for k in ("app_id", "kind", "credentials")} == {
        "app_id": "openai-creds",
        "kind": "key_value",
        "credentials": {"api_key": KEY},
    }
    # The shorthand spelt per environment is the same connection: no change.
    same = news(environments={"draft": {"type": "team"}, "live": {}})
    assert prov.diff(str(res.id), outs, prov.check(outs, same).inputs).changes is False

    # A credential rotation is an update, not a replace; the value is sent, never shown.
    rotated = prov.check(outs, news(key=ROTATED)).inputs
    diff = prov.diff(str(res.id), outs, rotated)
    assert diff.changes is True and diff.replaces == []
    updated = prov.update(str(res.id), outs, rotated).outs or {}
    [row] = connections(wxo)
    assert ROTATED in str(row) and KEY not in str(row)
    assert updated["connection_id"] == res.id

    # An app_id change replaces.
    renamed = prov.check(outs, news(app_id="openai-creds-2", key=ROTATED)).inputs
    diff = prov.diff(str(res.id), {**updated, "__provider": "b"}, renamed)
    assert diff.replaces == ["app_id"]

    prov.delete(str(res.id), {**updated, "__provider": "b"})
    assert connections(wxo) == []
    assert prov.read(str(res.id), {**updated, "__provider": "b"}).id is None


def test_refresh_finds_a_changed_configuration_and_a_deleted_connection(
    wxo: EmulatorThread, global_runtime: Runtime
) -> None:
    prov = ConnectionProvider()
    checked = prov.check(
        {}, news(kind="api_key", credentials={"api_key": KEY}, server_url="https://a.example")
    )
    res = prov.create(checked.inputs)
    outs = {**(res.outs or {}), "__provider": "b"}
    with api(wxo) as http:
        http.patch(
            f"{PREFIX}/openai-creds/configurations/live",
            json={"server_url": "https://elsewhere.example", "security_scheme": "api_key_auth"},
        ).raise_for_status()
    global_runtime.snapshot("connections").invalidate()  # a new operation: a new view
    read = prov.read(str(res.id), outs)
    assert read.outs is not None
    live = read.outs["environments"]["live"]
    assert live["server_url"] == "https://elsewhere.example"
    assert live["credentials"] == {"api_key": KEY}  # cannot be read back: the declared ones stay
    drifted = {**read.outs, "__provider": "b"}
    diff = prov.diff(str(res.id), drifted, checked.inputs)
    assert diff.changes is True and diff.replaces == []
    # The update puts the declared configuration back.
    prov.update(str(res.id), drifted, checked.inputs)
    back = prov.read(str(res.id), outs)
    assert back.outs is not None and back.outs["server_url"] == "https://a.example"

    with api(wxo) as http:
        http.delete(f"{PREFIX}/openai-creds").raise_for_status()
    global_runtime.snapshot("connections").invalidate()
    assert prov.read(str(res.id), outs).id is None


def test_a_refused_create_names_no_credential(wxo: EmulatorThread) -> None:
    prov = ConnectionProvider()
    checked = prov.check({}, news())
    prov.create(checked.inputs)
    again = prov.check({}, news())
    assert [f.property for f in again.failures] == ["app_id"]
    with pytest.raises(WxoError) as caught:
        prov.create(again.inputs)
    assert KEY not in str(caught.value) and "openai-creds" in str(caught.value)


@pytest.fixture
def plugin(emulator: EmulatorThread, runtime: Runtime) -> Iterator[Plugin]:
    served = Plugin(runtime, {"url": emulator.url, "token": Secret(TOKEN)})
    yield served
    served.close()


def test_the_native_plugin_creates_rotates_replaces_and_deletes(
    emulator: EmulatorThread, plugin: Plugin
) -> None:
    def declared(app_id: str = "openai-creds", key: str = KEY) -> dict[str, Any]:
        return {"app_id": app_id, "kind": "key_value", "credentials": {"api_key": Secret(key)}}

    run = LifeCycle(
        resource="wxo:index:Connection",
        name="creds",
        create=declared(),
        expect_outputs={"app_id": "openai-creds", "kind": "key_value"},
        updates=[
            Step(declared(), expect_changes=[]),
            Step(declared(key=ROTATED), expect_changes=["credentials"]),
            Step(
                declared(app_id="openai-creds-2", key=ROTATED), expect_changes=["app_id"], expect_replace=True
            ),
        ],
        gone=lambda id_: id_ not in {c["connection_id"] for c in connections(emulator)},
    )
    run.run(plugin)
    assert len(run.ids) == 2 and connections(emulator) == []


def test_an_import_by_app_id_reads_the_connection_under_its_id(wxo: EmulatorThread) -> None:
    from pulumi_wxo.lifecycle import ConnectionLifecycle

    prov = ConnectionProvider()
    conn = prov.create(prov.check({}, news(server_url="https://a.example")).inputs)
    imported = ConnectionLifecycle().read("openai-creds", {})
    assert imported.id == conn.id and imported.outputs["connection_id"] == conn.id
    assert imported.outputs["app_id"] == "openai-creds"
    assert imported.outputs["environments"]["live"]["server_url"] == "https://a.example"
    assert imported.outputs["credentials"] is None  # never read back
    assert ConnectionLifecycle().read("no-such-app", {}).id is None
