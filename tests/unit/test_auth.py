"""Token flows: exact wire requests (contract §7.2), caching, refresh, 401 handling, threads."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from pulumi_wxo._auth import WxoAuth, make_auth, token_refresh_at
from pulumi_wxo._client import WxoClient
from pulumi_wxo._config import ConnectionSettings
from pulumi_wxo._errors import AuthError, redact

pytestmark = pytest.mark.unit

CLOUD = "https://api.us-south.watson-orchestrate.cloud.ibm.com/instances/inst-1"
AWS = "https://api.ap-southeast-1.dl.watson-orchestrate.ibm.com/instances/inst-2"
CPD = "https://cpd-wxo.apps.example.com/orchestrate/ns/instances/inst-3"
LOCAL = "http://localhost:4321"
KEY = "sk-test-SECRET-1234"
NOW = 1_700_000_000.0

Handler = Callable[[httpx.Request], httpx.Response]


def jwt(*, exp: float | None = None, iat: float | None = None, sub: str = "user") -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    claims: dict[str, Any] = {"sub": sub}
    if exp is not None:
        claims["exp"] = exp
    if iat is not None:
        claims["iat"] = iat
    return f"{part({'alg': 'HS256'})}.{part(claims)}.sig"


class FakeClock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Server:
    """A MockTransport handler: token endpoints by (method, host+path), everything else = API."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], list[httpx.Response | Exception] | Handler] = {}
        self.api: Handler = lambda request: httpx.Response(200, json=[])
        self.lock = threading.Lock()

    def on(self, method: str, url: str, *responses: httpx.Response | Exception) -> None:
        self.routes[(method, url)] = list(responses)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        # Keep a snapshot: httpx reuses the Request object (new headers) when resending after a 401.
        snapshot = httpx.Request(
            request.method, request.url, headers=request.headers.copy(), content=request.read()
        )
        with self.lock:
            self.requests.append(snapshot)
        key = (request.method, str(request.url).split("?")[0])
        route = self.routes.get(key)
        if route is None:
            return self.api(request)
        if callable(route):
            return route(request)
        with self.lock:
            item = route.pop(0) if len(route) > 1 else route[0]
        if isinstance(item, Exception):
            raise item
        return item

    def to(self, url_prefix: str) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url).startswith(url_prefix)]


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


def make(
    server: Server, clock: FakeClock | None = None, **kwargs: Any
) -> tuple[WxoAuth, httpx.Client, FakeClock]:
    clock = clock or FakeClock()
    settings = ConnectionSettings(**kwargs)
    transport = httpx.MockTransport(server)
    auth = make_auth(settings, transport=transport, clock=clock, sleep=clock.sleep)
    return auth, httpx.Client(auth=auth, transport=transport), clock


IAM_TOKEN_URL = "https://iam.cloud.ibm.com/identity/token"
MCSP_V1_URL = "https://iam.platform.saas.ibm.com/siusermgr/api/1.0/apikeys/token"
MCSP_V2_URL = "https://account-iam.platform.saas.ibm.com/api/2.0/services/inst-2/apikeys/token"


# ------------------------------------------------------------------ wire shapes


def test_ibm_iam_wire_request() -> None:
    server = Server()
    token = jwt(exp=NOW + 3600, iat=NOW)
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"access_token": token, "expires_in": 3600}))
    auth, http, _ = make(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    exchange, api = server.requests
    assert str(exchange.url) == IAM_TOKEN_URL
    assert exchange.method == "POST"
    assert exchange.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert exchange.headers["Accept"] == "application/json"
    assert exchange.content.decode() == (
        "grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=sk-test-SECRET-1234&response_type=cloud_iam"
    )
    assert api.headers["Authorization"] == f"Bearer {token}"
    assert auth.flow == "ibm_iam"


@pytest.mark.parametrize(
    "iam_url", ["https://iam.test.cloud.ibm.com", "https://iam.test.cloud.ibm.com/identity/token/"]
)
def test_ibm_iam_url_override(iam_url: str) -> None:
    server = Server()
    server.on(
        "POST",
        "https://iam.test.cloud.ibm.com/identity/token",
        httpx.Response(200, json={"access_token": "t-iam-override"}),
    )
    _, http, _ = make(server, url=CLOUD, api_key=KEY, iam_url=iam_url)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert str(server.requests[0].url) == "https://iam.test.cloud.ibm.com/identity/token"


def test_mcsp_v1_wire_request_and_variant_remembered() -> None:
    server = Server()
    server.on("POST", MCSP_V1_URL, httpx.Response(200, json={"token": "t-mcsp-v1-aaaa", "token_type": "jwt"}))
    auth, http, _ = make(server, url=AWS, api_key=KEY)
    http.get(f"{AWS}/v1/orchestrate/models")
    exchange = server.requests[0]
    assert str(exchange.url) == MCSP_V1_URL
    assert exchange.headers["Content-Type"] == "application/json"
    assert json.loads(exchange.content) == {"apikey": KEY}
    assert server.requests[1].headers["Authorization"] == "Bearer t-mcsp-v1-aaaa"
    assert auth.mcsp_variant == "mcsp_v1"


def test_mcsp_falls_back_to_v2_and_remembers_it() -> None:
    server = Server()
    server.on("POST", MCSP_V1_URL, httpx.Response(400, json={"message": "wrong key type"}))
    server.on("POST", MCSP_V2_URL, httpx.Response(200, json={"token": "t-mcsp-v2-bbbb"}))
    auth, http, _ = make(server, url=AWS, api_key=KEY)
    http.get(f"{AWS}/v1/orchestrate/models")
    v1, v2, api = server.requests
    assert str(v1.url) == MCSP_V1_URL
    assert str(v2.url) == (
        MCSP_V2_URL
        + "?includeBuiltinActions=false&includeCustomActions=false&includeRoles=true"
        + "&prefixRolesWithDefinitionScope=false"
    )
    assert v2.headers["Content-Type"] == "application/json"
    assert json.loads(v2.content) == {"apikey": KEY}
    assert api.headers["Authorization"] == "Bearer t-mcsp-v2-bbbb"
    assert auth.mcsp_variant == "mcsp_v2"
    # The next exchange goes straight to v2.
    auth.invalidate("t-mcsp-v2-bbbb")
    http.get(f"{AWS}/v1/orchestrate/models")
    assert [str(r.url).split("?")[0] for r in server.requests[3:]] == [
        MCSP_V2_URL,
        f"{AWS}/v1/orchestrate/models",
    ]


def test_mcsp_iam_url_override_is_the_base_for_both_variants() -> None:
    server = Server()
    base = "https://iam.example.test"
    server.on("POST", f"{base}/siusermgr/api/1.0/apikeys/token", httpx.ConnectError("refused"))
    server.on(
        "POST",
        f"{base}/api/2.0/services/inst-2/apikeys/token",
        httpx.Response(200, json={"token": "t-mcsp-ovr"}),
    )
    _, http, clock = make(server, url=AWS, api_key=KEY, iam_url=base)
    http.get(f"{AWS}/v1/orchestrate/models")
    assert [str(r.url).split("?")[0] for r in server.requests] == [
        f"{base}/siusermgr/api/1.0/apikeys/token",
        f"{base}/siusermgr/api/1.0/apikeys/token",
        f"{base}/siusermgr/api/1.0/apikeys/token",
        f"{base}/api/2.0/services/inst-2/apikeys/token",
        f"{AWS}/v1/orchestrate/models",
    ]
    assert clock.sleeps == [0.5, 1.0]  # v1 transport errors retried before falling back


def test_mcsp_both_variants_failing() -> None:
    server = Server()
    server.on("POST", MCSP_V1_URL, httpx.Response(401, json={"message": "bad v1"}))
    server.on("POST", MCSP_V2_URL, httpx.Response(403, json={"message": "bad v2"}))
    _, http, _ = make(server, url=AWS, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{AWS}/v1/orchestrate/models")
    err = info.value
    assert (err.flow, err.status, err.endpoint) == ("mcsp", 403, MCSP_V2_URL)
    assert "MCSP v1 failed (token exchange POST " + MCSP_V1_URL + " answered HTTP 401: bad v1)" in str(err)
    assert "MCSP v2 failed (token exchange POST " + MCSP_V2_URL + " answered HTTP 403: bad v2)" in str(err)
    assert str(err).endswith("check wxo:apiKey / wxo:token")
    assert KEY not in str(err)


def test_explicit_mcsp_v2_skips_v1() -> None:
    server = Server()
    server.on("POST", MCSP_V2_URL, httpx.Response(200, json={"token": "t-mcsp-v2-only"}))
    _, http, _ = make(server, url=AWS, api_key=KEY, auth_type="mcsp_v2")
    http.get(f"{AWS}/v1/orchestrate/models")
    assert str(server.requests[0].url).startswith(MCSP_V2_URL + "?")


def test_cpd_wire_request_with_password() -> None:
    server = Server()
    url = "https://cpd-wxo.apps.example.com/icp4d-api/v1/authorize"
    server.on(
        "POST",
        url,
        httpx.Response(200, json={"_messageCode_": "200", "message": "Success", "token": "t-cpd-1"}),
    )
    _, http, _ = make(server, url=CPD, username="admin", password="auth-test-pw-1")
    http.get(f"{CPD}/v1/orchestrate/models")
    exchange = server.requests[0]
    assert str(exchange.url) == url
    assert exchange.headers["Content-Type"] == "application/json"
    assert json.loads(exchange.content) == {
        "username": "admin",
        "password": "auth-test-pw-1",
        "api_key": None,
    }
    assert server.requests[1].headers["Authorization"] == "Bearer t-cpd-1"


def test_cpd_api_key_and_iam_url_override() -> None:
    server = Server()
    url = "https://zen.example.com/icp4d-api/v1/authorize"
    server.on("POST", url, httpx.Response(200, json={"token": "t-cpd-2"}))
    _, http, _ = make(
        server, url=CPD, username="admin", api_key=KEY, iam_url="https://zen.example.com/icp4d-api"
    )
    http.get(f"{CPD}/v1/orchestrate/models")
    assert str(server.requests[0].url) == url
    assert json.loads(server.requests[0].content) == {"username": "admin", "password": None, "api_key": KEY}


def test_local_flow_finds_tenant() -> None:
    server = Server()
    server.on(
        "POST",
        f"{LOCAL}/api/v1/auth/token",
        httpx.Response(200, json={"access_token": "t-local-user"}),
        httpx.Response(200, json={"access_token": "t-local-tenant"}),
    )
    server.on(
        "GET",
        f"{LOCAL}/api/v1/tenants",
        httpx.Response(200, json=[{"id": "t0", "name": "other"}, {"id": "t1", "name": "wxo-dev"}]),
    )
    auth, http, _ = make(server, url=LOCAL)
    http.get(f"{LOCAL}/v1/models")
    login, tenants, tenant_login, api = server.requests
    assert str(login.url) == f"{LOCAL}/api/v1/auth/token"
    assert login.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(login) == {"username": "wxo.archer@ibm.com", "password": "watsonx"}
    assert tenants.method == "GET"
    assert tenants.headers["Authorization"] == "Bearer t-local-user"
    assert str(tenant_login.url) == f"{LOCAL}/api/v1/auth/token?tenant_id=t1"
    assert form(tenant_login) == {"username": "wxo.archer@ibm.com", "password": "watsonx"}
    assert api.headers["Authorization"] == "Bearer t-local-tenant"
    assert auth.flow == "local"


def test_local_flow_creates_missing_tenant() -> None:
    server = Server()
    server.on(
        "POST",
        f"{LOCAL}/api/v1/auth/token",
        httpx.Response(200, json={"access_token": "t-local-user2"}),
        httpx.Response(200, json={"access_token": "t-local-tenant2"}),
    )
    server.on(
        "GET",
        f"{LOCAL}/api/v1/tenants",
        httpx.Response(200, json=[]),
        httpx.Response(200, json=[{"id": "new-1", "name": "wxo-dev"}]),
    )
    server.on("POST", f"{LOCAL}/api/v1/tenants", httpx.Response(201, json={"ok": True}))
    _, http, _ = make(server, url=LOCAL, username="dev@example.com", password="auth-test-local-pw")
    http.get(f"{LOCAL}/v1/models")
    methods = [(r.method, r.url.path) for r in server.requests]
    assert methods == [
        ("POST", "/api/v1/auth/token"),
        ("GET", "/api/v1/tenants"),
        ("POST", "/api/v1/tenants"),
        ("GET", "/api/v1/tenants"),
        ("POST", "/api/v1/auth/token"),
        ("GET", "/v1/models"),
    ]
    assert json.loads(server.requests[2].content) == {
        "name": "wxo-dev",
        "title": "WatsonX Orchestrate Development",
        "tags": ["test"],
    }
    assert form(server.requests[0]) == {"username": "dev@example.com", "password": "auth-test-local-pw"}
    assert server.requests[4].url.params["tenant_id"] == "new-1"


def test_bearer_sends_the_fixed_token() -> None:
    server = Server()
    _, http, _ = make(server, url=CLOUD, token="auth-test-bearer-1")
    http.get(f"{CLOUD}/v1/orchestrate/models")
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer auth-test-bearer-1"] * 2


# ------------------------------------------------------------------ caching and refresh


def test_one_exchange_for_many_calls() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"access_token": jwt(exp=NOW + 3600, iat=NOW)}))
    _, http, _ = make(server, url=CLOUD, api_key=KEY)
    for _ in range(10):
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1
    assert len(server.requests) == 11


def test_proactive_refresh_from_the_jwt_exp() -> None:
    server = Server()
    first, second = jwt(exp=NOW + 3600, iat=NOW, sub="a"), jwt(exp=NOW + 7200, iat=NOW + 3000, sub="b")
    server.on(
        "POST",
        IAM_TOKEN_URL,
        httpx.Response(200, json={"access_token": first}),
        httpx.Response(200, json={"access_token": second}),
    )
    _, http, clock = make(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    clock.now = NOW + 2999  # margin = min(600, 0.2 * 3600) = 600 -> refresh at exp - 600 = NOW + 3000
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1
    clock.now = NOW + 3000
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 2
    assert server.requests[-1].headers["Authorization"] == f"Bearer {second}"


@pytest.mark.parametrize(
    ("token", "now", "expected"),
    [
        (jwt(exp=NOW + 3600, iat=NOW), NOW, NOW + 3000),  # margin 600
        (jwt(exp=NOW + 1000, iat=NOW), NOW, NOW + 800),  # margin 0.2 * 1000 = 200
        (jwt(exp=NOW + 3600), NOW, NOW + 3000),  # no iat: 600
        (jwt(exp=NOW + 300), NOW, NOW + 150),  # already inside the margin: half the remaining life
        (jwt(exp=NOW - 10, iat=NOW - 100), NOW, None),  # expired by our clock: until a 401
        (jwt(), NOW, None),  # no exp
        ("opaque-token-value", NOW, None),  # not a JWT
        ("a.!!!notbase64.c", NOW, None),
        ("a." + base64.urlsafe_b64encode(b"[1,2]").decode() + ".c", NOW, None),
    ],
)
def test_token_refresh_at(token: str, now: float, expected: float | None) -> None:
    assert token_refresh_at(token, now=now) == expected


def test_short_lived_token_does_not_refresh_on_every_call() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"access_token": jwt(exp=NOW + 60)}))
    _, http, clock = make(server, url=CLOUD, api_key=KEY)
    for _ in range(5):
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1
    clock.now = NOW + 31
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 2


def test_token_without_exp_is_kept_until_401() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"access_token": "opaque-iam-token-1"}))
    _, http, clock = make(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    clock.now = NOW + 10 * 86400
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 1


# ------------------------------------------------------------------ 401 handling


def test_401_refreshes_once_and_resends() -> None:
    server = Server()
    server.on(
        "POST",
        IAM_TOKEN_URL,
        httpx.Response(200, json={"access_token": "iam-token-old-1"}),
        httpx.Response(200, json={"access_token": "iam-token-new-2"}),
    )
    answers = iter([httpx.Response(401, json={"detail": "expired"}), httpx.Response(200, json=[])])
    server.api = lambda request: next(answers)
    _, http, _ = make(server, url=CLOUD, api_key=KEY)
    response = http.post(f"{CLOUD}/v1/orchestrate/models", json={"name": "m"})
    assert response.status_code == 200
    api = [r for r in server.requests if r.url.host != "iam.cloud.ibm.com"]
    assert [r.headers["Authorization"] for r in api] == ["Bearer iam-token-old-1", "Bearer iam-token-new-2"]
    assert api[0].content == api[1].content == b'{"name":"m"}'
    assert len(server.to(IAM_TOKEN_URL)) == 2


def test_second_401_is_an_auth_error() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"access_token": "iam-token-rejected"}))
    server.api = lambda request: httpx.Response(401, json={"detail": "Invalid tenant"})
    _, http, _ = make(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    err = info.value
    assert (err.flow, err.status) == ("ibm_iam", 401)
    assert err.endpoint == "GET /instances/inst-1/v1/orchestrate/models"
    assert "HTTP 401: Invalid tenant" in str(err)
    assert str(err).endswith("check wxo:apiKey / wxo:token")
    assert len(server.to(f"{CLOUD}/")) == 2  # the original and exactly one resend


def test_bearer_401_fails_at_once() -> None:
    server = Server()
    server.api = lambda request: httpx.Response(401, json={"detail": "expired"})
    _, http, _ = make(server, url=CLOUD, token="auth-test-bearer-2")
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert (info.value.flow, info.value.status) == ("bearer", 401)
    assert "check wxo:token" in str(info.value)
    assert len(server.requests) == 1


# ------------------------------------------------------------------ exchange failures


def test_exchange_rejected_names_flow_and_endpoint_not_key() -> None:
    server = Server()
    body = {"errorCode": "BXNIM0415E", "errorMessage": f"Provided API key {KEY} could not be found"}
    server.on("POST", IAM_TOKEN_URL, httpx.Response(400, json=body))
    _, http, _ = make(server, url=CLOUD, api_key=KEY)
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
    _, http, clock = make(server, url=CLOUD, api_key=KEY)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert len(server.to(IAM_TOKEN_URL)) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_exchange_unreachable() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.ConnectError("connection refused"))
    _, http, clock = make(server, url=CLOUD, api_key=KEY)
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
    _, http, _ = make(server, url=CLOUD, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{CLOUD}/v1/orchestrate/models")
    assert "answered without 'access_token'" in str(info.value)


def test_minted_tokens_are_registered_for_redaction() -> None:
    server = Server()
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"access_token": "iam-token-minted-XYZ"}))
    auth, http, _ = make(server, url=CLOUD, api_key=KEY)
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
                    client.list_models()
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
