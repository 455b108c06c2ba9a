"""lifecycle.connection: the Connection's hooks over an in-memory connections collection (no
sockets): write-only credentials kept from the declaration, drift in the configuration seen,
a credential change an update, an app_id change a replace, no credential in any message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_wxo.api.errors import ApiError, WxoError
from pulumi_wxo.lifecycle import UNKNOWN, Runtime
from pulumi_wxo.lifecycle.connection import ConnectionLifecycle
from pulumi_wxo.schema.connection import normalize_connection

pytestmark = pytest.mark.unit

URL = "https://wxo.example"
KEY, ROTATED = "sk-unit-FIRST-1111", "sk-unit-ROTATED-2222"


class FakeConnections:
    """The collection's verbs over a dict, as api/connections.py answers them."""

    kind, plural = "connection", "connections"

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.sent: list[dict[str, Any]] = []
        self.fail_with: WxoError | None = None

    def _object(self, app_id: str, id_: str, body: dict[str, Any]) -> dict[str, Any]:
        entered = {env: bool(slots) for env, slots in body["credentials"].items()}
        view = normalize_connection({"app_id": app_id, "connection_id": id_}, body["configurations"], entered)
        return {"id": id_, "name": app_id, **view}

    def list(self, **_: Any) -> list[dict[str, Any]]:
        return list(self.objects.values())

    def find(self, name: str) -> list[dict[str, Any]]:
        return [o for o in self.objects.values() if o["name"] == name]

    def get(self, id_: str, *, name: str | None = None) -> dict[str, Any] | None:
        return self.objects.get(id_)

    def create(self, body: dict[str, Any]) -> Any:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(body)
        id_ = f"c-{len(self.sent)}"
        self.objects[id_] = self._object(body["name"], id_, body)
        return self.objects[id_]

    def update(self, id_: str, body: dict[str, Any], *, name: str | None = None) -> None:
        self.sent.append(body)
        kept = self.objects[id_]["environments"]  # an environment left out stays, as on the API
        updated = self._object(body["name"], id_, body)
        updated["environments"] = {**kept, **updated["environments"]}
        self.objects[id_] = updated

    def delete(self, id_: str, *, name: str | None = None) -> bool:
        return self.objects.pop(id_, None) is not None


@pytest.fixture
def fake() -> FakeConnections:
    return FakeConnections()


@pytest.fixture
def lc(fake: FakeConnections) -> Iterator[ConnectionLifecycle]:
    runtime = Runtime()
    runtime.transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[]))
    runtime.configure({"wxo:url": URL, "wxo:token": "unit-token"}.get, {})
    runtime.client().collections["connections"] = fake  # type: ignore[assignment]
    yield ConnectionLifecycle(runtime)
    runtime.reset()


def declared(app_id: str = "openai-creds", key: str = KEY, **extra: Any) -> dict[str, Any]:
    return {"app_id": app_id, "kind": "key_value", "credentials": {"api_key": key}, **extra}


def test_check_stores_the_app_id_and_claims_it(lc: ConnectionLifecycle, fake: FakeConnections) -> None:
    checked = lc.check({}, declared())
    assert checked.failures == [] and "name" not in checked.inputs
    assert checked.inputs["app_id"] == "openai-creds"
    lc.create(checked.inputs)
    lc.runtime.snapshot("connections").invalidate()
    taken = lc.check({}, declared())
    assert [f.path for f in taken.failures] == ["app_id"]
    assert "already exists" in taken.failures[0].reason


def test_create_sends_both_environments_and_keeps_the_declared_credentials(
    lc: ConnectionLifecycle, fake: FakeConnections
) -> None:
    previewed = lc.preview({}, lc.check({}, declared()).inputs)
    assert previewed["connection_id"] is UNKNOWN and previewed["credentials"] == {"api_key": KEY}
    created = lc.create(lc.check({}, declared()).inputs)
    [body] = fake.sent
    assert sorted(body["configurations"]) == ["draft", "live"]
    assert body["credentials"]["live"] == [("runtime_credentials", {"runtime_credentials": {"api_key": KEY}})]
    outs = created.outputs
    assert created.id == "c-1" and outs["connection_id"] == "c-1"
    assert outs["credentials"] == {"api_key": KEY} and outs["kind"] == "key_value"


def test_a_credential_change_updates_and_an_app_id_change_replaces(lc: ConnectionLifecycle) -> None:
    outs = lc.create(lc.check({}, declared()).inputs).outputs
    assert lc.diff(outs, declared()).changed == []
    rotated = lc.diff(outs, declared(key=ROTATED))
    assert rotated.changed == ["credentials"] and rotated.replaces == []
    renamed = lc.diff(outs, declared(app_id="other"))
    assert renamed.changed == ["app_id"] and renamed.replaces == ["app_id"]
    unknown = lc.diff(outs, declared(app_id=UNKNOWN))
    assert unknown.changed == ["app_id"] and unknown.complete is False


def test_the_same_connection_spelt_per_environment_is_no_change(lc: ConnectionLifecycle) -> None:
    outs = lc.create(lc.check({}, declared()).inputs).outputs
    apart = {
        "app_id": "openai-creds",
        "environments": {
            "draft": {"kind": "key_value", "credentials": {"api_key": KEY}},
            "live": {"kind": "key_value", "type": "team", "credentials": {"api_key": KEY}},
        },
    }
    assert lc.diff(outs, apart).changed == []
    apart["environments"]["live"]["credentials"] = {"api_key": ROTATED}
    assert lc.diff(outs, apart).changed == ["kind", "credentials", "environments"]


def test_refresh_sees_a_changed_configuration_not_credentials(
    lc: ConnectionLifecycle, fake: FakeConnections
) -> None:
    outs = lc.create(lc.check({}, declared(server_url="https://a.example")).inputs).outputs
    unchanged = lc.read("c-1", outs)
    assert {k: unchanged.outputs[k] for k in ("server_url", "credentials")} == {
        "server_url": "https://a.example",
        "credentials": {"api_key": KEY},
    }
    fake.objects["c-1"]["environments"]["live"]["server_url"] = "https://elsewhere.example"
    drifted = lc.read("c-1", outs).outputs
    assert drifted["server_url"] is None
    assert drifted["environments"]["live"]["server_url"] == "https://elsewhere.example"
    assert drifted["environments"]["draft"]["credentials"] == {"api_key": KEY}
    assert lc.diff(drifted, declared(server_url="https://a.example")).changed != []
    del fake.objects["c-1"]
    lc.runtime.snapshot("connections").invalidate()
    assert lc.read("c-1", outs).id is None


def test_no_credential_in_a_failure(lc: ConnectionLifecycle, fake: FakeConnections) -> None:
    checked = lc.check({}, {"app_id": "a", "kind": "bearer", "credentials": {"tokn": KEY}})
    text = " ".join(str(f) for f in checked.failures)
    assert "credentials.token: is required" in text and "credentials.tokn" in text
    assert KEY not in text
    fake.fail_with = ApiError(status=422, method="POST", path="/x", detail=f"bad value {KEY}")
    with pytest.raises(WxoError) as caught:
        lc.create(lc.check({}, declared()).inputs)
    assert KEY not in str(caught.value)


def test_an_environment_left_out_later_is_no_lasting_drift(lc: ConnectionLifecycle) -> None:
    outs = lc.create(lc.check({}, declared()).inputs).outputs
    draft_only = declared(environments={"draft": {}})
    assert lc.diff(outs, draft_only).changed == ["environments"]
    updated = lc.update("c-1", outs, lc.check(outs, draft_only).inputs)
    # The live configuration stays on the server (the API cannot remove one): not drift.
    assert updated["environments"] == {"draft": {}}
    assert lc.diff(updated, draft_only).changed == []
