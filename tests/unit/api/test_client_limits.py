"""WxoClient against a hostile server over MockTransport: slow and endless bodies, bad ids, deep JSON.

No sockets and no sleeps: a dripped body advances the fake clock, so the deadlines are exact.
The network-level half (a real socket dripping its headers) is in
tests/emulator/test_hostile_server.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_wxo.api.errors import (
    ApiError,
    AuthError,
    DeadlineExceededError,
    ResponseTooLargeError,
    RetriesExhaustedError,
    ServerObjectError,
)
from tests.support.fakes import (
    MODELS,
    NAME,
    NOW,
    Api,
    Drip,
    Endless,
    FakeClock,
    MaxRng,
    Untouchable,
    make_client,
)

pytestmark = pytest.mark.unit


def dripping(clock: FakeClock, status: int = 200) -> Api:
    """Every answer is 240 bytes, one per 0.25 s of the fake clock (an attempt would take 60 s)."""
    body = b"[" + b" " * 238 + b"]"
    return Api(lambda request: httpx.Response(status, stream=Drip(clock, body, every=0.25)))


def list_dripping(**settings: Any) -> tuple[RetriesExhaustedError, FakeClock, Api]:
    """``list_models`` against ``dripping`` answers with these client settings: how it gave up."""
    clock = FakeClock()
    api = dripping(clock)
    client, _ = make_client(api, clock=clock, **settings)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    return info.value, clock, api


# ------------------------------------------------------------------ slow bodies


def test_a_dripped_answer_is_cut_at_wxo_timeout_and_the_call_at_max_retry_time() -> None:
    err, clock, api = list_dripping(rng=MaxRng(), timeout=2, max_retry_time=10, max_retries=50)
    # The whole call, attempts in flight included; the fake clock moves a dripped byte at a time.
    assert clock.now - NOW <= 10 + 0.25
    assert isinstance(err.last, DeadlineExceededError)
    assert (err.method, err.path) == ("GET", MODELS)
    assert "wxo:maxRetryTime" in str(err)
    assert f"GET {MODELS} got no complete answer within wxo:" in str(err)
    assert 2 <= len(api.requests) <= 5


def test_one_exchange_never_outlasts_wxo_timeout() -> None:
    err, clock, _ = list_dripping(timeout=2, max_retries=0)
    assert clock.now - NOW == 2.0
    last = err.last
    assert isinstance(last, DeadlineExceededError)
    assert (last.setting, last.seconds, last.method, last.path) == ("wxo:timeout", 2.0, "GET", MODELS)
    assert str(last).startswith(f"list models: GET {MODELS} got no complete answer within wxo:timeout (2s")


def test_the_call_budget_cuts_the_attempt_in_flight() -> None:
    # Attempts at 0-4 s and 4-8 s (no waits with this rng), the third one cut at 10 s.
    err, clock, api = list_dripping(rng=ZeroRng(), timeout=4, max_retry_time=10, max_retries=50)
    assert clock.now - NOW == 10.0
    assert len(api.requests) == 3
    assert "wxo:maxRetryTime (10s) ran out during the last one" in str(err)
    assert isinstance(err.last, DeadlineExceededError)
    assert err.last.setting == "wxo:maxRetryTime"


def test_a_slow_post_is_not_resent() -> None:
    clock = FakeClock()
    api = dripping(clock, status=201)
    client, _ = make_client(api, clock=clock, timeout=3)
    with pytest.raises(DeadlineExceededError) as info:
        client.models.create({"name": NAME})
    assert len(api.requests) == 1  # the server may have acted: the lifecycle looks it up by name
    assert info.value.may_have_reached_server is True
    assert str(info.value).startswith(f"create model '{NAME}': POST {MODELS} got no complete answer")


class ZeroRng(MaxRng):
    def uniform(self, a: float, b: float) -> float:
        return a


# ------------------------------------------------------------------ large bodies


def test_an_endless_body_stops_at_the_default_cap_and_is_not_retried() -> None:
    endless = Endless()
    api = Api(lambda request: httpx.Response(200, stream=endless))
    client, _ = make_client(api)
    with pytest.raises(ResponseTooLargeError) as info:
        client.models.list()
    assert endless.pulled == 16 * 16 + 1  # 16 MiB in 64 KiB chunks, and the one that passed it
    assert len(api.requests) == 1
    err = info.value
    assert (err.method, err.path, err.limit) == ("GET", MODELS, 16 * 1024 * 1024)
    assert str(err).startswith(f"list models: GET {MODELS} sent more, past wxo:maxResponseBytes")


def test_an_announced_huge_body_is_refused_unread_and_the_cap_is_a_setting() -> None:
    huge = {"Content-Length": str(100 * 1024 * 1024)}
    api = Api(lambda request: httpx.Response(200, headers=huge, stream=Untouchable()))
    client, _ = make_client(api, max_response_bytes=200 * 1024 * 1024)
    small = Api(lambda request: httpx.Response(200, headers=huge, stream=Untouchable()))
    strict, _ = make_client(small, max_response_bytes=1024)
    with pytest.raises(ResponseTooLargeError) as info:
        strict.models.get("m-1")
    assert info.value.announced == 100 * 1024 * 1024
    assert "read model 'm-1'" in str(info.value)
    with pytest.raises(AssertionError, match="the body was read"):  # allowed: read it
        client.models.list()


def test_a_401_with_an_endless_body_is_read_bounded() -> None:
    endless = Endless()
    api = Api(lambda request: httpx.Response(401, stream=endless))
    client, _ = make_client(api, max_response_bytes=1024 * 1024)
    with pytest.raises(ResponseTooLargeError) as info:
        client.models.list()
    assert endless.pulled == 17
    assert str(info.value).startswith(f"list models: GET {MODELS} sent more")


def test_json_nested_past_the_parser_is_an_api_error() -> None:
    api = Api(httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000))
    client, _ = make_client(api)
    with pytest.raises(ApiError, match="nested too deeply"):
        client.models.list()


def test_a_deeply_nested_error_body_is_shown_as_text() -> None:
    api = Api(httpx.Response(400, content=b'{"detail":' + b"[" * 100_000))
    client, _ = make_client(api)
    with pytest.raises(ApiError) as info:
        client.models.list()
    assert info.value.status == 400


# ------------------------------------------------------------------ ids in paths


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (".", "a dot segment"),
        ("..", "a dot segment"),
        ("a/b", "path separator"),
        ("a\\b", "path separator"),
        ("", "is empty"),
        ("m-1\n", "control character"),
        ("x" * 300, "300 characters long"),
    ],
)
@pytest.mark.parametrize("verb", ["update", "delete"])
def test_unusable_ids_never_reach_a_url_path(bad: str, why: str, verb: str) -> None:
    api = Api(httpx.Response(404))
    client, _ = make_client(api)
    with pytest.raises(ServerObjectError) as info:
        if verb == "update":
            client.models.update(bad, {"name": NAME}, name=NAME)
        else:
            client.policies.delete(bad, name="virtual-policy/p")
    assert api.requests == []  # nothing sent: ".." would have DELETEd the base path
    err = info.value
    assert err.field == "id" and why in str(err)
    kind, name = ("model", NAME) if verb == "update" else ("policy", "virtual-policy/p")
    assert (err.kind, err.name) == (kind, name)
    assert str(err).startswith(
        f"{verb} {kind} '{name}': the server's {kind} '{name}' has an unusable field 'id'"
    )


def test_a_found_object_without_a_usable_id_is_named() -> None:
    api = Api(httpx.Response(200, json=[{"name": NAME, "display_name": "x"}]))
    client, _ = make_client(api)
    with pytest.raises(ServerObjectError) as info:
        client.models.find(NAME)
    assert (info.value.kind, info.value.name, info.value.field) == ("model", NAME, "id")
    assert str(info.value).startswith(f"find model '{NAME}': the server's model '{NAME}'")
    dot = Api(httpx.Response(200, json=[{"name": "virtual-policy/p", "id": ".."}]))
    client, _ = make_client(dot)
    with pytest.raises(ServerObjectError, match="a dot segment"):
        client.policies.find("virtual-policy/p")


def test_token_refusal_inside_a_call_keeps_its_flow_hint() -> None:
    api = Api(httpx.Response(401, json={"detail": "expired"}))
    client, _ = make_client(api)
    with pytest.raises(AuthError) as info:
        client.models.list()
    assert str(info.value).endswith("check wxo:token (it may have expired) or configure wxo:apiKey instead")
