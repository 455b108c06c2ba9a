"""lifecycle.links: a model's ``app_id`` resolved to its connection's id at check, and a
``connection_id`` naming no connection refused at preview (no sockets: the connections
collection is an in-memory fake, the models list an empty MockTransport answer)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_wxo.api.errors import ApiError
from pulumi_wxo.lifecycle import UNKNOWN, ModelLifecycle, Runtime

pytestmark = pytest.mark.unit

GPT = "openai/gpt-4o"


class Connections:
    """Just the reads a model's check makes of the connections collection."""

    kind, plural = "connection", "connections"

    def __init__(self) -> None:
        self.objects = {"c-1": {"id": "c-1", "name": "openai-creds", "app_id": "openai-creds"}}
        self.fail: ApiError | None = None

    def list(self, **_: Any) -> list[dict[str, Any]]:
        if self.fail is not None:
            raise self.fail
        return list(self.objects.values())

    def find(self, name: str) -> list[dict[str, Any]]:
        return [o for o in self.list() if o["name"] == name]

    def get(self, id_: str, *, name: str | None = None) -> dict[str, Any] | None:
        return self.objects.get(id_)


@pytest.fixture
def conns() -> Connections:
    return Connections()


@pytest.fixture
def lc(conns: Connections) -> Iterator[ModelLifecycle]:
    runtime = Runtime()
    runtime.transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[]))
    runtime.configure({"wxo:url": "https://wxo.example", "wxo:token": "unit-token"}.get, {})
    runtime.client().collections["connections"] = conns  # type: ignore[assignment]
    yield ModelLifecycle(runtime)
    runtime.reset()


def failures(lc: ModelLifecycle, news: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, str]:
    return {f.path: f.reason for f in lc.check(olds or {}, news).failures}


def test_app_id_is_resolved_to_the_connection_id_and_stored(lc: ModelLifecycle) -> None:
    out = lc.check({}, {"name": GPT, "app_id": "openai-creds"})
    assert out.failures == []
    assert out.inputs["connection_id"] == "c-1" and out.inputs["app_id"] == "openai-creds"


def test_an_app_id_naming_no_connection_fails_naming_the_field(lc: ModelLifecycle) -> None:
    fails = failures(lc, {"name": GPT, "app_id": "nope"})
    assert list(fails) == ["app_id"]  # no "api_key is required" on top
    assert (
        "no connection with app_id 'nope'" in fails["app_id"] and "a Connection resource" in fails["app_id"]
    )


def test_app_id_and_connection_id_together_fail(lc: ModelLifecycle) -> None:
    fails = failures(lc, {"name": GPT, "app_id": "openai-creds", "connection_id": "c-1"})
    assert "not both" in fails["app_id"]


def test_an_unknown_app_id_waits_for_up(lc: ModelLifecycle) -> None:
    out = lc.check({}, {"name": GPT, "app_id": UNKNOWN})
    assert out.failures == [] and "connection_id" not in out.inputs


def test_an_app_id_that_cannot_be_resolved_says_why(lc: ModelLifecycle, conns: Connections) -> None:
    conns.fail = ApiError(status=403, method="GET", path="/x", detail="forbidden")
    assert (
        "cannot resolve app_id 'openai-creds'"
        in failures(lc, {"name": GPT, "app_id": "openai-creds"})["app_id"]
    )


def test_a_new_connection_id_naming_no_connection_fails(lc: ModelLifecycle) -> None:
    fails = failures(lc, {"name": GPT, "connection_id": "conn-made-up"})
    assert list(fails) == ["connection_id"]
    assert "no connection with id 'conn-made-up'" in fails["connection_id"]


def test_a_connection_id_that_is_an_app_id_says_so(lc: ModelLifecycle) -> None:
    reason = failures(lc, {"name": GPT, "connection_id": "openai-creds"})["connection_id"]
    assert "'openai-creds' is a connection's app_id: give it as app_id" in reason


def test_an_existing_connection_id_passes(lc: ModelLifecycle) -> None:
    assert failures(lc, {"name": GPT, "connection_id": "c-1"}) == {}


def test_a_recorded_connection_id_gone_since_is_a_note_not_a_failure(lc: ModelLifecycle) -> None:
    olds = {"name": "virtual-model/openai/gpt-4o", "connection_id": "c-gone"}
    out = lc.check(olds, {"name": GPT, "connection_id": "c-gone"})
    assert out.failures == []
    assert any("no connection with id 'c-gone'" in n for n in out.notes)


def test_an_unreachable_server_leaves_a_connection_id_to_the_server(
    lc: ModelLifecycle, conns: Connections
) -> None:
    conns.fail = ApiError(status=500, method="GET", path="/x", detail="down")
    assert failures(lc, {"name": GPT, "connection_id": "c-x"}) == {}
