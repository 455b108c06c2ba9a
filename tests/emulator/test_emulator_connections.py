"""The connections API of the emulator (emulator/connections.py, tenant_objects.py,
tenant_routes.py; api-contract §13): configurations per environment, credentials stored and
never answered in plaintext, the ADK's configuration rules, the switches
``connection_credentials`` and ``connection_in_use``, tenants kept apart. Over loopback.

test_emulator_tenant_routes.py has the basic round trip; test_adk_connections.py drives the same
routes with IBM's own client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.emulator.connections import ConnectionEnvironment
from pulumi_wxo.emulator.store import Store
from pulumi_wxo.emulator.tenant_objects import TenantObjects

pytestmark = pytest.mark.emulator

P = "/v1/orchestrate"
C = f"{P}/connections/applications"
SECRET = "s3cr3t-value-never-shown"
ROTATED = "r0tated-value-never-shown"


def _config(environment: str = "draft", **overrides: Any) -> dict[str, Any]:
    # What the ADK's ConnectionConfiguration.model_dump() sends: every key (§13.2)
    body = {
        "app_id": "svc",
        "environment": environment,
        "preference": "team",
        "security_scheme": "basic_auth",
        "auth_type": None,
        "sso": False,
        "server_url": f"https://{environment}.example",
        "idp_config_data": None,
        "app_config_data": None,
        "config_id": None,
        "tenant_id": None,
        "custom_runtime_creds": None,
    }
    return body | overrides


def _connection(http: httpx.Client, app_id: str = "svc", **overrides: Any) -> str:
    connection_id: str = http.post(C, json={"app_id": app_id}).json()["connection_id"]
    for environment in ("draft", "live"):
        created = http.post(
            f"{C}/{app_id}/configurations", json=_config(environment, app_id=app_id, **overrides)
        )
        assert created.status_code == 201, created.text
    return connection_id


def _detail(response: httpx.Response) -> Any:
    return response.json()["detail"]


# ---------------------------------------------------------------------------------------------
# credentials: stored, never answered


def test_credentials_per_environment_are_stored_and_never_answered(
    http: httpx.Client, emulator: EmulatorThread
) -> None:
    connection_id = _connection(http)
    runtime = f"{C}/svc/configs/draft/runtime_credentials"
    body = {"runtime_credentials": {"username": "bot", "password": SECRET}}

    assert http.post(runtime, json=body).status_code == 200
    again = http.post(runtime, json=body)
    assert (again.status_code, _detail(again)) == (
        409,
        "Connection 'svc' already has draft runtime_credentials",
    )
    read = http.get(f"{C}/runtime_credentials", params={"app_id": "svc", "env": "draft"})
    assert read.json() == {"app_id": "svc", "environment": "draft", "credentials_entered": True}
    assert http.get(f"{C}/runtime_credentials", params={"app_id": "svc", "env": "live"}).status_code == 404
    listed = {e["environment"]: e["credentials_entered"] for e in http.get(C).json()["applications"]}
    assert listed == {"draft": True, "live": False}

    # a rotation is a PATCH of the whole body; PATCH before POST is a 404
    rotated = {"runtime_credentials": {"username": "bot", "password": ROTATED}}
    assert http.patch(runtime, json=rotated).status_code == 200
    assert http.patch(f"{C}/svc/configs/live/runtime_credentials", json=rotated).status_code == 404

    stored = emulator.control.state()["connections"]
    assert [c["credentials"]["draft"] for c in stored] == [{"runtime_credentials": rotated}]
    assert stored[0]["connection_id"] == connection_id
    for path in (C, f"{C}/svc/configurations/draft", f"{C}/runtime_credentials?app_id=svc&env=draft"):
        assert SECRET not in http.get(path).text and ROTATED not in http.get(path).text

    assert http.delete(runtime).status_code == 200
    assert http.get(f"{C}/runtime_credentials", params={"app_id": "svc", "env": "draft"}).status_code == 404


def test_the_mask_switch_shows_the_keys_and_no_value(http: httpx.Client, emulator: EmulatorThread) -> None:
    _connection(http, security_scheme="key_value_creds")
    entries = {"OPENAI_API_KEY": SECRET, "region": "eu"}
    http.post(f"{C}/svc/configs/live/runtime_credentials", json={"runtime_credentials": entries})
    emulator.control.settings(connection_credentials="mask")

    read = http.get(f"{C}/runtime_credentials", params={"app_id": "svc", "env": "live"})

    assert read.json() == {
        "app_id": "svc",
        "environment": "live",
        "runtime_credentials": {"OPENAI_API_KEY": "********", "region": "********"},
    }


@pytest.mark.parametrize(
    ("scheme", "body", "loc", "msg"),
    [
        (
            "basic_auth",
            {"runtime_credentials": {"username": "u"}},
            ["body", "runtime_credentials", "password"],
            "missing: password",
        ),
        (
            "bearer_token",
            {"runtime_credentials": {"tok": SECRET}},
            ["body", "runtime_credentials", "token"],
            "missing: token",
        ),
        (
            "api_key_auth",
            {"runtime_credentials": {"api_key": ""}},
            ["body", "runtime_credentials", "api_key"],
            "missing: api_key",
        ),
        (
            "key_value_creds",
            {"runtime_credentials": {"k": 1}},
            ["body", "runtime_credentials"],
            "key_value credentials are strings",
        ),
        (
            "basic_auth",
            {"app_credentials": {"password": SECRET}},
            ["body", "app_credentials"],
            "app_credentials is not accepted on the runtime_credentials path",
        ),
        (
            "basic_auth",
            {"secrets": {"password": SECRET}},
            ["body", "secrets"],
            "Extra inputs are not permitted",
        ),
    ],
)
def test_credentials_that_do_not_fit_the_kind_are_422_without_the_value(
    http: httpx.Client, scheme: str, body: dict[str, Any], loc: list[str], msg: str
) -> None:
    _connection(http, security_scheme=scheme)

    refused = http.post(f"{C}/svc/configs/draft/runtime_credentials", json=body)

    assert refused.status_code == 422
    [item] = _detail(refused)
    assert (item["loc"], item["msg"]) == (loc, msg)
    assert SECRET not in refused.text


def test_oauth_app_credentials_go_to_the_credentials_path(http: httpx.Client) -> None:
    _connection(http, security_scheme="oauth2", auth_type="oauth2_client_creds")
    app = {"client_id": "c", "client_secret": SECRET, "token_url": "https://idp.example/token"}
    path = f"{C}/svc/configs/draft/credentials"

    missing = http.post(path, json={"app_credentials": {"client_id": "c"}})
    assert [i["msg"] for i in _detail(missing)] == ["missing: client_secret, token_url"]
    on_runtime = http.post(path, json={"runtime_credentials": app})
    assert on_runtime.status_code == 422
    assert http.post(path, json={"app_credentials": app}).status_code == 200

    assert http.get(f"{C}/svc/credentials/draft").json()["credentials_entered"] is True
    # runtime credentials not set while app credentials are: the ADK reads 400 as "none" (§13.4)
    runtime = http.get(f"{C}/runtime_credentials", params={"app_id": "svc", "env": "draft"})
    assert runtime.status_code == 400
    # app_credentials on a configuration that is not OAuth
    http.post(C, json={"app_id": "plain"})
    http.post(f"{C}/plain/configurations", json=_config(app_id="plain"))
    plain = http.post(f"{C}/plain/configs/draft/credentials", json={"app_credentials": app})
    assert [i["msg"] for i in _detail(plain)] == [
        "app_credentials are for oauth2 configurations, not basic_auth"
    ]


# ---------------------------------------------------------------------------------------------
# configurations: the ADK's rules


@pytest.mark.parametrize(
    ("overrides", "field", "msg"),
    [
        (
            {"security_scheme": "key_value_creds", "preference": "member"},
            "preference",
            "a key_value connection must be of type 'team'",
        ),
        ({"security_scheme": "oauth2"}, "auth_type", "an oauth2 configuration needs an auth_type"),
        (
            {"auth_type": "oauth2_password"},
            "auth_type",
            "auth_type is for oauth2 configurations only, not basic_auth",
        ),
        (
            {"security_scheme": "oauth2", "auth_type": "oauth2_token_exchange", "preference": "member"},
            "sso",
            "sso must be true for oauth2_token_exchange",
        ),
        ({"sso": True}, "sso", "sso must be false for basic_auth"),
    ],
)
def test_configurations_follow_the_adks_rules(
    http: httpx.Client, overrides: dict[str, Any], field: str, msg: str
) -> None:
    http.post(C, json={"app_id": "svc"})

    refused = http.post(f"{C}/svc/configurations", json=_config(**overrides))

    assert refused.status_code == 422
    assert [(i["loc"], i["msg"]) for i in _detail(refused)] == [(["body", field], msg)]
    assert http.get(f"{C}/svc/configurations/draft").status_code == 404  # nothing stored


def test_unknown_kinds_are_422_and_an_sso_flow_is_accepted(http: httpx.Client) -> None:
    http.post(C, json={"app_id": "svc"})
    assert http.post(f"{C}/svc/configurations", json=_config(security_scheme="ntlm")).status_code == 422
    assert http.post(f"{C}/svc/configurations", json=_config(preference="everyone")).status_code == 422
    sso = _config(
        security_scheme="oauth2",
        auth_type="oauth_on_behalf_of_flow",
        sso=True,
        preference="member",
        idp_config_data={"header": {"content-type": "application/x-www-form-urlencoded"}, "body": {}},
    )
    assert http.post(f"{C}/svc/configurations", json=sso).status_code == 201
    draft = http.get(f"{C}/svc/configurations/draft").json()
    assert (draft["auth_type"], draft["sso"], draft["idp_config_data"]["header"]) == (
        "oauth_on_behalf_of_flow",
        True,
        {"content-type": "application/x-www-form-urlencoded"},
    )


def test_draft_and_live_are_configured_apart(http: httpx.Client) -> None:
    _connection(http)
    assert (
        http.patch(f"{C}/svc/configurations/live", json={"server_url": "https://prod.example"}).status_code
        == 200
    )

    urls = {env: http.get(f"{C}/svc/configurations/{env}").json()["server_url"] for env in ("draft", "live")}

    assert urls == {"draft": "https://draft.example", "live": "https://prod.example"}


# ---------------------------------------------------------------------------------------------
# deletion while a model uses the connection (connection_in_use)


def test_deleting_a_connection_in_use(http: httpx.Client, emulator: EmulatorThread) -> None:
    connection_id = _connection(http, security_scheme="key_value_creds")
    model = http.post(
        f"{P}/models", json={"name": "virtual-model/openai/gpt-4o", "connection_id": connection_id}
    )
    emulator.control.settings(connection_in_use="refuse")

    refused = http.delete(f"{C}/svc")

    assert (refused.status_code, _detail(refused)) == (
        409,
        "Connection 'svc' is used by 1 model(s): virtual-model/openai/gpt-4o",
    )
    assert http.get(C, params={"app_id": "svc"}).status_code == 200
    http.delete(f"{P}/models/{model.json()['id']}")
    assert http.delete(f"{C}/svc").status_code == 200


def test_a_connection_in_use_is_deleted_by_default(http: httpx.Client) -> None:
    connection_id = _connection(http, security_scheme="key_value_creds")
    http.post(f"{P}/models", json={"name": "virtual-model/openai/gpt-4o", "connection_id": connection_id})

    assert http.delete(f"{C}/svc").status_code == 200
    assert http.get(C, params={"app_id": "svc"}).status_code == 404


# ---------------------------------------------------------------------------------------------
# tenants and prefixes


def _other_tenant(anon: httpx.Client) -> httpx.Client:
    login = {"username": "wxo.archer@ibm.com", "password": "watsonx"}
    user = anon.post("/api/v1/auth/token", data=login).json()["access_token"]
    tenant = anon.post("/api/v1/tenants", headers={"Authorization": f"Bearer {user}"}, json={"name": "other"})
    token = anon.post(f"/api/v1/auth/token?tenant_id={tenant.json()['id']}", data=login).json()[
        "access_token"
    ]
    return httpx.Client(base_url=str(anon.base_url), headers={"Authorization": f"Bearer {token}"})


def test_tenants_do_not_see_each_others_connections(http: httpx.Client, anon: httpx.Client) -> None:
    mine = _connection(http)
    http.post(
        f"{C}/svc/configs/draft/runtime_credentials",
        json={"runtime_credentials": {"username": "u", "password": SECRET}},
    )

    with _other_tenant(anon) as other:
        assert other.get(C).json() == {"applications": []}
        assert other.get(C, params={"app_id": "svc"}).status_code == 404
        assert other.get(C, params={"connection_id": mine}).status_code == 404
        assert (
            other.get(f"{C}/runtime_credentials", params={"app_id": "svc", "env": "draft"}).status_code == 404
        )
        assert other.delete(f"{C}/svc").status_code == 404
        theirs = other.post(C, json={"app_id": "svc"})  # the same app_id in another tenant
        assert theirs.status_code == 201 and theirs.json()["connection_id"] != mine

    assert [e["connection_id"] for e in http.get(C).json()["applications"]] == [mine, mine]


@pytest.mark.parametrize(
    "prefix", ["/v1", "/api/v1/orchestrate", "/instances/a0e1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b/v1/orchestrate"]
)
def test_every_prefix_serves_the_same_connections(http: httpx.Client, prefix: str) -> None:
    connection_id = _connection(http)
    path = f"{prefix}/connections/applications"

    assert http.get(path, params={"app_id": "svc"}).json()["connection_id"] == connection_id
    assert (
        http.post(
            f"{path}/svc/configs/live/runtime_credentials",
            json={"runtime_credentials": {"username": "u", "password": SECRET}},
        ).status_code
        == 200
    )
    assert http.get(f"{path}/runtime_credentials", params={"app_id": "svc", "env": "live"}).status_code == 200


def test_a_state_file_of_an_older_emulator_still_reads(tmp_path: Path) -> None:
    # Before credentials were kept, a record held only a flag per environment.
    store = Store(str(tmp_path / "old.db"), tenant_id="t", tenant_name="t", created_by="me")
    tenant = TenantObjects(store, tenant_id="t")
    record = tenant.create_connection("svc", None)
    store.put_object(
        "connection",
        {**record, "configurations": {"draft": {"config_id": "c"}}, "credentials": {"draft": True}},
    )

    assert tenant.credentials("svc", ConnectionEnvironment.DRAFT) == {"runtime_credentials": {}}
    assert [e["credentials_entered"] for e in tenant.listing(tenant.connection_by_app_id("svc"))] == [True]
    store.close()
