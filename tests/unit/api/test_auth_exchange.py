"""Token exchanges: failures name the flow and endpoint (never the key); retries and their waits."""

from __future__ import annotations

import httpx
import pytest

from pulumi_wxo.api.auth_exchange import TokenExchange
from pulumi_wxo.api.errors import AuthError, ConfigError
from pulumi_wxo.api.retry import TOKEN_EXCHANGE_POLICY
from pulumi_wxo.api.settings import ConnectionSettings
from tests.support.fakes import (
    CLOUD,
    IAM_TOKEN_URL,
    KEY,
    NOW,
    Drip,
    Endless,
    FakeClock,
    Server,
    granted,
    iam_server,
    make_auth_http,
    untrusted_certificate,
)

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------ exchange failures


def failed_exchange(*answers: httpx.Response | Exception) -> tuple[AuthError, Server, FakeClock]:
    """The AuthError of a call whose ibm_iam exchange gets ``answers``; the server and the clock."""
    server = iam_server(*answers)
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    return info.value, server, clock


def test_exchange_rejected_names_flow_and_endpoint_not_key() -> None:
    body = {"errorCode": "BXNIM0415E", "errorMessage": f"Provided API key {KEY} could not be found"}
    err, server, _ = failed_exchange(httpx.Response(400, json=body))
    assert (err.flow, err.status, err.endpoint) == ("ibm_iam", 400, IAM_TOKEN_URL)
    assert str(err) == (
        f"authenticate (ibm_iam): token exchange POST {IAM_TOKEN_URL} answered HTTP 400: "
        "Provided API key *** could not be found; check wxo:apiKey"
    )
    assert len(server.requests) == 1  # a 4xx is not retried


def test_exchange_retries_5xx_then_succeeds() -> None:
    server = iam_server(httpx.Response(503), httpx.ReadTimeout("slow"), *granted("iam-token-after-retry"))
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_exchange_unreachable() -> None:
    err, server, clock = failed_exchange(httpx.ConnectError("connection refused"))
    assert err.status is None
    assert str(err).startswith(
        f"authenticate (ibm_iam): could not reach POST {IAM_TOKEN_URL}: connection refused"
    )
    assert len(server.requests) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_exchange_answer_without_token_field() -> None:
    err, _, _ = failed_exchange(httpx.Response(200, json={"token": "wrong-field-token"}))
    assert "answered without 'access_token'" in str(err)


def test_exchange_retries_429_and_uses_the_token_exchange_policy() -> None:
    server = iam_server(httpx.Response(429, headers={"Retry-After": "30"}), *granted("iam-token-after-429"))
    auth, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert auth._exchange.policy is TOKEN_EXCHANGE_POLICY
    assert len(server.to(IAM_TOKEN_URL)) == 2
    assert clock.sleeps == [0.5]  # the exchange does not read Retry-After


def test_exchange_gives_up_after_three_5xx() -> None:
    err, server, clock = failed_exchange(httpx.Response(502, json={"errorMessage": "bad gateway"}))
    assert (err.status, err.endpoint) == (502, IAM_TOKEN_URL)
    assert str(err).endswith("answered HTTP 502: bad gateway; try again later")
    assert len(server.requests) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_exchange_tls_failure_is_not_retried() -> None:
    server = Server()
    server.routes[("POST", IAM_TOKEN_URL)] = untrusted_certificate
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert info.value.status is None
    assert str(info.value).endswith("set wxo:caBundle to the CA bundle that signs the server's certificate")
    assert info.value.__cause__ is None
    assert len(server.requests) == 1
    assert clock.sleeps == []


# ------------------------------------------------------------------ limits (docs/guide/client.md, "Limits")


def test_a_dripped_token_answer_ends_at_wxo_timeout_per_attempt() -> None:
    clock = FakeClock()
    server = Server()
    server.routes[("POST", IAM_TOKEN_URL)] = lambda request: httpx.Response(
        200, stream=Drip(clock, b'{"access_token": "' + b"a" * 100 + b'"}')
    )
    _, http, _ = make_auth_http(server, clock, url=CLOUD, api_key=KEY, timeout=2, max_retry_time=30)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert clock.now - NOW == 3 * 2 + 0.5 + 1.0  # three attempts of 2 s, waits of 0.5 s and 1 s
    assert len(server.to(IAM_TOKEN_URL)) == 3
    assert "POST /identity/token got no complete answer within wxo:timeout (2s" in str(info.value)
    assert str(info.value).endswith("raise wxo:timeout (`pulumi config set wxo:timeout 30`)")
    assert info.value.endpoint == IAM_TOKEN_URL


def test_a_mint_ends_within_max_retry_time() -> None:
    clock = FakeClock()
    server = Server()
    server.routes[("POST", IAM_TOKEN_URL)] = lambda request: httpx.Response(
        200, stream=Drip(clock, b"x" * 100, every=0.5)
    )
    _, http, _ = make_auth_http(server, clock, url=CLOUD, api_key=KEY, timeout=4, max_retry_time=5)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert clock.now - NOW == 5.0  # 0-4 s, a 0.5 s wait, then cut at 5 s
    assert "within wxo:maxRetryTime (5s, the call, retries included)" in str(info.value)


def test_an_endless_token_answer_stops_at_the_cap_once() -> None:
    endless = Endless()
    server = Server()
    server.routes[("POST", IAM_TOKEN_URL)] = lambda request: httpx.Response(200, stream=endless)
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY, max_response_bytes=1024 * 1024)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert endless.pulled == 17
    assert len(server.to(IAM_TOKEN_URL)) == 1 and clock.sleeps == []
    assert "POST /identity/token sent more, past wxo:maxResponseBytes (1048576 bytes)" in str(info.value)


def test_no_token_endpoint_is_reached_over_plain_http() -> None:
    server = Server()
    settings = ConnectionSettings(url=CLOUD, api_key=KEY)
    exchange = TokenExchange(settings, transport=httpx.MockTransport(server))
    with pytest.raises(ConfigError) as info:
        exchange.request("ibm_iam", "POST", "http://iam.example.com/identity/token", data={"apikey": KEY})
    assert info.value.field == "wxo:url"
    assert "refusing to send credentials over plain http to iam.example.com" in str(info.value)
    assert server.requests == []


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("tok-SECRET-31\r\nX-Injected: 1", "holding control characters"),
        ("t" * 20000, "of 20000 characters (at most 16384)"),
    ],
)
def test_an_unusable_token_is_refused_before_it_becomes_a_header(token: str, problem: str) -> None:
    server = iam_server(*granted(token))
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert f"answered with 'access_token' {problem}" in str(info.value)
    assert "tok-SECRET-31" not in str(info.value)
    assert len(server.requests) == 1  # the API was never called with it
