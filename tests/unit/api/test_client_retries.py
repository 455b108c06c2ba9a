"""WxoClient retries over MockTransport: which methods, which failures, waits, Retry-After, budget.

The waits come from the one retry policy (pulumi_wxo.api.retry.api_policy); these tests pin the
client's use of it: counts, each sleep, and the messages when it gives up.
"""

from __future__ import annotations

import email.utils
import random

import httpx
import pytest

from pulumi_wxo.api.errors import ApiError, RetriesExhaustedError, TransportError
from pulumi_wxo.api.retry import api_policy
from tests.support.fakes import (
    MODELS,
    NAME,
    NOW,
    REMOTE,
    Api,
    FakeClock,
    MaxRng,
    make_client,
    untrusted_certificate,
)

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------ retries


def test_the_client_uses_the_api_policy_of_its_settings() -> None:
    client, _ = make_client(Api(), max_retries=3, max_retry_time=45)
    assert client.retry_policy == api_policy(max_retries=3, max_retry_time=45.0)


def test_get_retries_503_with_full_jitter() -> None:
    api = Api(httpx.Response(503), httpx.Response(503), httpx.Response(200, json=[{"id": "1"}]))
    client, clock = make_client(api, rng=random.Random(42))
    assert client.models.list() == [{"id": "1"}]
    reference = random.Random(42)
    assert clock.sleeps == [reference.uniform(0, 0.5), reference.uniform(0, 1.0)]
    assert 0 <= clock.sleeps[0] <= 0.5
    assert 0 <= clock.sleeps[1] <= 1.0
    assert len(api.requests) == 3


def test_backoff_doubles_and_is_capped() -> None:
    api = Api(httpx.Response(503))
    client, clock = make_client(api, rng=MaxRng(), max_retries=8, max_retry_time=1000)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert info.value.attempts == 9
    assert len(api.requests) == 9


def test_retry_count_is_bounded() -> None:
    api = Api(httpx.Response(503, json={"detail": "busy"}))
    client, clock = make_client(api, max_retries=2)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    err = info.value
    assert len(api.requests) == 3
    assert len(clock.sleeps) == 2
    assert (err.method, err.path, err.attempts, err.status) == ("GET", MODELS, 3, 503)
    assert isinstance(err.last, ApiError)
    assert err.last.status == 503
    assert err.elapsed == pytest.approx(sum(clock.sleeps))
    assert str(err).startswith("list models: gave up after 3 attempts in ")
    assert "last error: HTTP 503: busy" in str(err)


def test_no_retries_configured() -> None:
    api = Api(httpx.Response(502))
    client, clock = make_client(api, max_retries=0)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    assert info.value.attempts == 1
    assert len(api.requests) == 1
    assert clock.sleeps == []


def test_retry_after_seconds_is_honoured() -> None:
    api = Api(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json=[]))
    client, clock = make_client(api)
    assert client.models.list() == []
    assert clock.sleeps == [3.0]


def test_retry_after_http_date_is_honoured() -> None:
    when = email.utils.formatdate(NOW + 7, usegmt=True)
    api = Api(httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200, json=[]))
    client, clock = make_client(api)
    client.models.list()
    assert clock.sleeps == [7.0]


def test_retry_after_in_the_past_means_now() -> None:
    when = email.utils.formatdate(NOW - 60, usegmt=True)
    api = Api(httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200, json=[]))
    client, clock = make_client(api)
    client.models.list()
    assert clock.sleeps == [0.0]


def test_unparseable_retry_after_falls_back_to_backoff() -> None:
    api = Api(httpx.Response(503, headers={"Retry-After": "soon"}), httpx.Response(200, json=[]))
    client, clock = make_client(api, rng=MaxRng())
    client.models.list()
    assert clock.sleeps == [0.5]


def test_time_budget_stops_retries() -> None:
    api = Api(httpx.Response(503, headers={"Retry-After": "0.6"}))
    client, clock = make_client(api, max_retry_time=1.0)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    assert clock.sleeps == [0.6]
    assert len(api.requests) == 2
    assert info.value.attempts == 2
    assert "the next wait (0.6s) would exceed wxo:maxRetryTime (1s)" in str(info.value)


def test_retry_after_beyond_the_budget_stops_at_once() -> None:
    api = Api(httpx.Response(429, headers={"Retry-After": "300"}))
    client, clock = make_client(api, max_retry_time=120)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    assert clock.sleeps == []
    assert len(api.requests) == 1
    assert "(300.0s) would exceed wxo:maxRetryTime (120s)" in str(info.value)


def test_slow_requests_count_against_the_budget() -> None:
    clock = FakeClock()

    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += 5.0  # each attempt takes 5 s
        return httpx.Response(504)

    api = Api(slow)
    client, _ = make_client(api, clock=clock, rng=MaxRng(), max_retry_time=12)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    # t=5 sleep 0.5, t=10.5 sleep 1.0 (remaining 1.5), t=16.5 over budget.
    assert clock.sleeps == [0.5, 1.0]
    assert len(api.requests) == 3
    assert info.value.elapsed == pytest.approx(16.5)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("verb", ["PUT", "DELETE"])
def test_put_and_delete_are_retried(status: int, verb: str) -> None:
    api = Api(httpx.Response(status), httpx.Response(200, content=b""))
    client, clock = make_client(api)
    if verb == "PUT":
        client.models.update("m-1", {"name": NAME})
    else:
        assert client.models.delete("m-1") is True
    assert [r.method for r in api.requests] == [verb, verb]
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("peer closed")],
    ids=["connect", "read-timeout", "protocol"],
)
@pytest.mark.parametrize("verb", ["GET", "PUT", "DELETE"])
def test_idempotent_methods_retry_transport_errors(error: Exception, verb: str) -> None:
    api = Api(error, httpx.Response(200, json=[]))
    client, clock = make_client(api)
    {
        "GET": client.list_models,
        "PUT": lambda: client.models.update("m", {}),
        "DELETE": lambda: client.models.delete("m"),
    }[verb]()
    assert len(api.requests) == 2
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_post_is_not_retried_after_an_answer(status: int) -> None:
    api = Api(httpx.Response(status, json={"detail": "try later"}), httpx.Response(201, json={}))
    client, clock = make_client(api)
    with pytest.raises(ApiError) as info:
        client.models.create({"name": NAME})
    assert type(info.value) is ApiError
    assert info.value.status == status
    assert len(api.requests) == 1
    assert clock.sleeps == []


# A POST is sent again only after a transport error that proves it never left the machine.
MAY_HAVE_ARRIVED = {
    "read-timeout": httpx.ReadTimeout("slow"),
    "protocol": httpx.RemoteProtocolError("peer closed"),
    "write-timeout": httpx.WriteTimeout("stuck"),
}
NEVER_LEFT = {
    "connect": httpx.ConnectError("refused"),
    "connect-timeout": httpx.ConnectTimeout("no route"),
    "pool-timeout": httpx.PoolTimeout("pool"),
}


@pytest.mark.parametrize("error", list(MAY_HAVE_ARRIVED.values()), ids=list(MAY_HAVE_ARRIVED))
def test_post_that_may_have_arrived_is_not_retried(error: Exception) -> None:
    api = Api(error, httpx.Response(201, json={}))
    client, clock = make_client(api)
    with pytest.raises(TransportError) as info:
        client.models.create({"name": NAME})
    err = info.value
    assert err.may_have_reached_server is True
    assert (err.method, err.path) == ("POST", MODELS)
    assert str(err).startswith(f"create model '{NAME}': ")
    assert "may have reached the server" in str(err)
    assert len(api.requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("error", list(NEVER_LEFT.values()), ids=list(NEVER_LEFT))
def test_post_that_never_left_is_retried(error: Exception) -> None:
    api = Api(error, httpx.Response(201, json={"id": "n"}))
    client, clock = make_client(api)
    assert client.models.create({"name": NAME}) == {"id": "n"}
    assert len(api.requests) == 2
    assert len(clock.sleeps) == 1


def test_post_connect_errors_exhaust() -> None:
    api = Api(httpx.ConnectError("connection refused"))
    client, _ = make_client(api, max_retries=3)
    with pytest.raises(RetriesExhaustedError) as info:
        client.models.create({"name": NAME})
    last = info.value.last
    assert isinstance(last, TransportError)
    assert last.may_have_reached_server is False
    assert last.reason == f"could not connect to {REMOTE}: connection refused"
    assert len(api.requests) == 4


def test_tls_failure_is_not_retried_and_points_at_ca_bundle() -> None:
    api = Api(untrusted_certificate)
    client, clock = make_client(api)
    with pytest.raises(TransportError) as info:
        client.models.list()
    assert info.value.tls is True
    assert info.value.may_have_reached_server is False
    assert str(info.value).endswith("set wxo:caBundle to the CA bundle that signs the server's certificate")
    assert len(api.requests) == 1
    assert clock.sleeps == []
