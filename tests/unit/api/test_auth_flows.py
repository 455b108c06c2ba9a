"""Token flows: the exact wire request of each flow (api-contract §7.2), MCSP fallback, local tenant."""

from __future__ import annotations

import json

import httpx
import pytest

from pulumi_wxo.api.auth_flows import FLOWS, BearerFlow, LocalFlow, McspFlow
from pulumi_wxo.api.errors import AuthError
from pulumi_wxo.api.settings import AUTH_TYPES
from tests.support.fakes import CLOUD, IAM_TOKEN_URL, KEY, LOCAL, NOW, Server, form, jwt, make_auth_http

pytestmark = pytest.mark.unit

AWS = "https://api.ap-southeast-1.dl.watson-orchestrate.ibm.com/instances/inst-2"
CPD = "https://cpd-wxo.apps.example.com/orchestrate/ns/instances/inst-3"

MCSP_V1_URL = "https://iam.platform.saas.ibm.com/siusermgr/api/1.0/apikeys/token"
MCSP_V2_URL = "https://account-iam.platform.saas.ibm.com/api/2.0/services/inst-2/apikeys/token"


# ------------------------------------------------------------------ wire shapes


def test_ibm_iam_wire_request() -> None:
    server = Server()
    token = jwt(exp=NOW + 3600, iat=NOW)
    server.on("POST", IAM_TOKEN_URL, httpx.Response(200, json={"access_token": token, "expires_in": 3600}))
    auth, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY)
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
    _, http, _ = make_auth_http(server, url=CLOUD, api_key=KEY, iam_url=iam_url)
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert str(server.requests[0].url) == "https://iam.test.cloud.ibm.com/identity/token"


def test_mcsp_v1_wire_request_and_variant_remembered() -> None:
    server = Server()
    server.on("POST", MCSP_V1_URL, httpx.Response(200, json={"token": "t-mcsp-v1-aaaa", "token_type": "jwt"}))
    auth, http, _ = make_auth_http(server, url=AWS, api_key=KEY)
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
    auth, http, _ = make_auth_http(server, url=AWS, api_key=KEY)
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
    _, http, clock = make_auth_http(server, url=AWS, api_key=KEY, iam_url=base)
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
    _, http, _ = make_auth_http(server, url=AWS, api_key=KEY)
    with pytest.raises(AuthError) as info:
        http.get(f"{AWS}/v1/orchestrate/models")
    err = info.value
    assert (err.flow, err.status, err.endpoint) == ("mcsp", 403, MCSP_V2_URL)
    assert "MCSP v1 failed (token exchange POST " + MCSP_V1_URL + " answered HTTP 401: bad v1)" in str(err)
    assert "MCSP v2 failed (token exchange POST " + MCSP_V2_URL + " answered HTTP 403: bad v2)" in str(err)
    assert str(err).endswith("check wxo:apiKey")
    assert KEY not in str(err)


def test_explicit_mcsp_v2_skips_v1() -> None:
    server = Server()
    server.on("POST", MCSP_V2_URL, httpx.Response(200, json={"token": "t-mcsp-v2-only"}))
    _, http, _ = make_auth_http(server, url=AWS, api_key=KEY, auth_type="mcsp_v2")
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
    _, http, _ = make_auth_http(server, url=CPD, username="admin", password="auth-test-pw-1")
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
    _, http, _ = make_auth_http(
        server, url=CPD, username="admin", api_key=KEY, iam_url="https://zen.example.com/icp4d-api"
    )
    http.get(f"{CPD}/v1/orchestrate/models")
    assert str(server.requests[0].url) == url
    assert json.loads(server.requests[0].content) == {"username": "admin", "password": None, "api_key": KEY}


def local_server(user_token: str, tenant_token: str, *tenant_lists: list[dict[str, str]]) -> Server:
    """The Developer Edition: two logins (the user's, then the tenant's) and the tenant lists."""
    server = Server()
    logins = (user_token, tenant_token)
    server.on(
        "POST", f"{LOCAL}/api/v1/auth/token", *(httpx.Response(200, json={"access_token": t}) for t in logins)
    )
    server.on(
        "GET", f"{LOCAL}/api/v1/tenants", *(httpx.Response(200, json=listed) for listed in tenant_lists)
    )
    return server


def test_local_flow_finds_tenant() -> None:
    server = local_server(
        "t-local-user", "t-local-tenant", [{"id": "t0", "name": "other"}, {"id": "t1", "name": "wxo-dev"}]
    )
    auth, http, _ = make_auth_http(server, url=LOCAL)
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
    server = local_server("t-local-user2", "t-local-tenant2", [], [{"id": "new-1", "name": "wxo-dev"}])
    server.on("POST", f"{LOCAL}/api/v1/tenants", httpx.Response(201, json={"ok": True}))
    _, http, _ = make_auth_http(server, url=LOCAL, username="dev@example.com", password="auth-test-local-pw")
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
    _, http, _ = make_auth_http(server, url=CLOUD, token="auth-test-bearer-1")
    http.get(f"{CLOUD}/v1/orchestrate/models")
    http.get(f"{CLOUD}/v1/orchestrate/models")
    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer auth-test-bearer-1"] * 2


def test_every_auth_type_has_one_flow() -> None:
    assert set(FLOWS) == set(AUTH_TYPES)
    assert {FLOWS["mcsp"], FLOWS["mcsp_v1"], FLOWS["mcsp_v2"]} == {McspFlow}
    assert (FLOWS["bearer"], FLOWS["local"]) == (BearerFlow, LocalFlow)


# ------------------------------------------------------------------ refused credentials: which settings


@pytest.mark.parametrize(
    ("settings", "token_url", "hint"),
    [
        (
            {"url": LOCAL, "password": "auth-test-wrong-pw"},
            f"{LOCAL}/api/v1/auth/token",
            "check wxo:username and wxo:password (the Developer Edition login)",
        ),
        (
            {"url": CPD, "username": "admin", "password": "auth-test-wrong-pw"},
            "https://cpd-wxo.apps.example.com/icp4d-api/v1/authorize",
            "check wxo:username and wxo:password",
        ),
        (
            {"url": CPD, "username": "admin", "api_key": KEY},
            "https://cpd-wxo.apps.example.com/icp4d-api/v1/authorize",
            "check wxo:username and wxo:apiKey",
        ),
        ({"url": CLOUD, "api_key": KEY}, IAM_TOKEN_URL, "check wxo:apiKey"),
        ({"url": AWS, "api_key": KEY, "auth_type": "mcsp_v1"}, MCSP_V1_URL, "check wxo:apiKey"),
    ],
)
def test_a_refused_login_names_the_settings_of_its_flow(
    settings: dict[str, str], token_url: str, hint: str
) -> None:
    server = Server()
    server.on("POST", token_url, httpx.Response(401, json={"detail": "Invalid credentials"}))
    _, http, _ = make_auth_http(server, **settings)
    with pytest.raises(AuthError) as info:
        http.get(f"{settings['url']}/v1/models")
    assert info.value.status == 401
    assert str(info.value).endswith(f"Invalid credentials; {hint}")
    assert "wxo:token" not in str(info.value)
