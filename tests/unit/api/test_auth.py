"""WxoAuth: the token cache, proactive refresh, one resend after a 401, redaction, threads."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from pulumi_wxo.api.auth import WxoAuth
from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.errors import AuthError, ResponseTooLargeError
from pulumi_wxo.api.redaction import redact
from pulumi_wxo.api.settings import ConnectionSettings
from tests.support.fakes import (
    CLOUD,
    IAM_TOKEN_URL,
    KEY,
    NOW,
    Endless,
    FakeClock,
    Server,
    granted,
    iam_server,
    jwt,
    make_auth_http,
)

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------ caching and refresh


def test_one_exchange_for_many_calls() -> None:
    server = iam_server(*granted(jwt(exp=NOW + 3600, iat=NOW)))
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
    for _ in range(10):
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1
    assert len(server.requests) == 11


def test_proactive_refresh_from_the_jwt_exp() -> None:
    first, second = jwt(exp=NOW + 3600, iat=NOW, sub="a"), jwt(exp=NOW + 7200, iat=NOW + 3000, sub="b")
    server = iam_server(*granted(first, second))
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    clock.now = NOW + 2999  # margin = min(600, 0.2 * 3600) = 600 -> refresh at exp - 600 = NOW + 3000
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1
    clock.now = NOW + 3000
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 2
    assert server.requests[-1].headers["Authorization"] == f"Bearer {second}"


def test_short_lived_token_does_not_refresh_on_every_call() -> None:
    server = iam_server(*granted(jwt(exp=NOW + 60)))
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    for _ in range(5):
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1
    clock.now = NOW + 31
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 2


def test_token_without_exp_is_kept_until_401() -> None:
    server = iam_server(*granted("opaque-iam-token-1"))
    _, http, clock = make_auth_http(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    clock.now = NOW + 10 * 86400
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1


# ------------------------------------------------------------------ 401 handling


def test_401_refreshes_once_and_resends() -> None:
    server = iam_server(*granted("iam-token-old-1", "iam-token-new-2"))
    answers = iter([httpx.Response(401, json={"detail": "expired"}), httpx.Response(200, json=[])])
    server.api = lambda request: next(answers)
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
    response = http.post(f"{CLOUD}/v1/orchestrate/models", json={"name": "m"})
    assert response.status_code == 200
    api = [r for r in server.requests if r.url.host != "iam.cloud.ibm.com"]
    assert [r.headers["Authorization"] for r in api] == ["Bearer iam-token-old-1", "Bearer iam-token-new-2"]
    assert api[0].content == api[1].content == b'{"name":"m"}'
    assert len(server.to(IAM_TOKEN_URL)) == 2


def test_the_body_of_a_401_is_read_bounded_before_the_resend() -> None:
    server = iam_server(*granted("iam-token-bounded"))
    endless = Endless()
    answers = iter([httpx.Response(401, stream=endless), httpx.Response(200, json=[])])
    server.api = lambda request: next(answers)
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY, max_response_bytes=1024 * 1024)
    # httpx reads a 401 whole before an auth flow's resend: the flow reads it first, bounded.
    with pytest.raises(ResponseTooLargeError):
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert endless.pulled == 17


def test_second_401_is_an_auth_error() -> None:
    server = iam_server(*granted("iam-token-rejected"))
    server.api = lambda request: httpx.Response(401, json={"detail": "Invalid tenant"})
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    err = info.value
    assert (err.flow, err.status) == ("ibm_iam", 401)
    assert err.endpoint == "GET /instances/inst-1/v1/orchestrate/models"
    assert "HTTP 401: Invalid tenant" in str(err)
    assert str(err).endswith("check wxo:apiKey")  # the settings of the flow in use
    assert len(server.to(f"{CLOUD}/")) == 2  # the original and exactly one resend


def test_bearer_401_fails_at_once() -> None:
    server = Server()
    server.api = lambda request: httpx.Response(401, json={"detail": "expired"})
    _, http, _ = make_auth_http(server, url=CLOUD, token="auth-test-bearer-2")
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert (info.value.flow, info.value.status) == ("bearer", 401)
    assert "check wxo:token" in str(info.value)
    assert len(server.requests) == 1


# ------------------------------------------------------------------ redaction and async


def test_minted_tokens_are_registered_for_redaction() -> None:
    server = iam_server(*granted("iam-token-minted-XYZ"))
    auth, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert redact("Bearer iam-token-minted-XYZ") == "Bearer ***"
    assert KEY not in repr(auth)
    assert repr(auth) == f"WxoAuth(flow='ibm_iam', url='{CLOUD}')"


def test_async_use_is_refused() -> None:
    auth = WxoAuth(ConnectionSettings(url=CLOUD, token="auth-test-bearer-3"))
    with pytest.raises(NotImplementedError):
        auth.auth_flow(httpx.Request("GET", CLOUD))


# ------------------------------------------------------------------ threads


class CountingLock:
    """Wraps the auth lock to tell how many threads are inside or waiting."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.waiting = 0
        self.guard = threading.Lock()
        self.changed = threading.Condition(self.guard)

    def __enter__(self) -> None:
        with self.changed:
            self.waiting += 1
            self.changed.notify_all()
        self.inner.acquire()

    def __exit__(self, *exc: object) -> None:
        with self.changed:
            self.waiting -= 1
        self.inner.release()


def test_four_threads_share_one_exchange_per_expiry() -> None:
    server = Server()
    clock = FakeClock()
    exchanges: list[str] = []
    release = threading.Event()

    def mint(request: httpx.Request) -> httpx.Response:
        # Hold the exchange open until every thread is queued on the lock: maximal contention.
        assert release.wait(timeout=10)
        token = jwt(exp=clock.now + 3600, iat=clock.now, sub=f"n{len(exchanges)}")
        exchanges.append(token)
        return httpx.Response(200, json={"access_token": token})

    server.routes[("POST", IAM_TOKEN_URL)] = mint
    settings = ConnectionSettings(url=CLOUD, api_key=KEY)
    client = WxoClient(settings, transport=httpx.MockTransport(server), clock=clock, sleep=clock.sleep)
    lock = CountingLock(client._auth._lock)
    client._auth._lock = lock  # type: ignore[assignment]

    def run_phase(calls: int) -> None:
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                for _ in range(calls):
                    client.models.list()
            except Exception as exc:  # noqa: BLE001 - surfaced by the assert below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        with lock.changed:
            assert lock.changed.wait_for(lambda: lock.waiting >= 4, timeout=10)
        release.set()
        for thread in threads:
            thread.join(timeout=10)
        assert not errors

    run_phase(calls=5)
    assert len(exchanges) == 1
    api = [r for r in server.requests if r.url.host != "iam.cloud.ibm.com"]
    assert len(api) == 20
    assert {r.headers["Authorization"] for r in api} == {f"Bearer {exchanges[0]}"}

    release.clear()
    clock.now += 3000  # reach exp - 600
    run_phase(calls=5)
    assert len(exchanges) == 2
    api = [r for r in server.requests if r.url.host != "iam.cloud.ibm.com"]
    assert len(api) == 40
    assert {r.headers["Authorization"] for r in api[20:]} == {f"Bearer {exchanges[1]}"}
    client.close()
