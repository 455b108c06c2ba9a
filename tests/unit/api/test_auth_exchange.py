"""Token exchanges: failures name the flow and endpoint (never the key); retries and their waits."""

from __future__ import annotations

import ssl

import httpx
import pytest

from pulumi_wxo.api.errors import AuthError
from pulumi_wxo.api.retry import TOKEN_EXCHANGE_POLICY
from tests.unit.api.fakes import CLOUD, IAM_TOKEN_URL, KEY, Server, make_auth_http

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------ exchange failures


def test_exchange_rejected_names_flow_and_endpoint_not_key() -> None:
    server = Server()
    body = {"errorCode": "BXNIM0415E", "errorMessage": f"Provided API key {KEY} could not be found"}
    server.on("POST", IAM_TOKEN_URL, httpx.Response(400, json=body))
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    err = info.value
    assert (err.flow, err.status, err.endpoint) == ("ibm_iam", 400, IAM_TOKEN_URL)
    assert str(err) == (
        f"authenticate (ibm_iam): token exchange POST {IAM_TOKEN_URL} answered HTTP 400: "
        "Provided API key *** could not be found; check wxo:apiKey / wxo:token"
    )
    assert len(server.requests) == 1  # a 4xx is not retried


def test_exchange_retries_5xx_then_succeeds() -> None:
    server = Server()
    server.on(
        "POST",
        IAM_TOKEN_URL,
        httpx.Response(503),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json={"access_token": "iam-token-after-retry"}),
    )
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_exchange_unreachable() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.ConnectError("connection refused"))
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert info.value.status is None
    assert str(info.value).startswith(
        f"authenticate (ibm_iam): could not reach POST {IAM_TOKEN_URL}: connection refused"
    )
    assert len(server.requests) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_exchange_answer_without_token_field() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"token": "wrong-field-token"}))
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert "answered without 'access_token'" in str(info.value)


def test_exchange_retries_429_and_uses_the_token_exchange_policy() -> None:
    server = Server()
    server.on(
        "POST",
        IAM_TOKEN_URL,
        httpx.Response(429, headers={"Retry-After": "30"}),
        httpx.Response(200, json={"access_token": "iam-token-after-429"}),
    )
    auth, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert auth._exchange.policy is TOKEN_EXCHANGE_POLICY
    assert len(server.to(IAM_TOKEN_URL)) == 2
    assert clock.sleeps == [0.5]  # the exchange does not read Retry-After


def test_exchange_gives_up_after_three_5xx() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.Response(502, json={"errorMessage": "bad gateway"}))
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert (info.value.status, info.value.endpoint) == (502, IAM_TOKEN_URL)
    assert str(info.value).endswith("answered HTTP 502: bad gateway; try again later")
    assert len(server.requests) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_exchange_tls_failure_is_not_retried() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise ssl.SSLCertVerificationError(
                1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
            )
        except ssl.SSLError as exc:
            raise httpx.ConnectError("certificate verify failed", request=request) from exc

    server = Server()
    server.routes[("POST", IAM_TOKEN_URL)] = handler
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert info.value.status is None
    assert str(info.value).endswith("set wxo:caBundle to the CA bundle that signs the server's certificate")
    assert info.value.__cause__ is None
    assert len(server.requests) == 1
    assert clock.sleeps == []
