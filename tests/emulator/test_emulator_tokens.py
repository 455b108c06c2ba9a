"""Token endpoints and bearer checks (emulator/routes.py token flows, emulator/tokens.py, api-contract §7.2).

The token clock itself (a token lives its full TTL) is tested with an injected clock in
tests/unit/test_emulator_token_clock.py.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_API_KEY as API_KEY
from tests.support.emulator import EMULATOR_TOKEN as TOKEN
from tests.support.emulator import (
    IAM_GRANT,
    INVALID_TOKEN,
    claims,
    granite,
    policy_body,
)

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# Bearer tokens on the API


def assert_live_token(anon: httpx.Client, token: str) -> None:
    response = anon.get("/v1/orchestrate/models", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


def test_forged_token_is_rejected(http: httpx.Client, anon: httpx.Client) -> None:
    token = anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY}).json()[
        "access_token"
    ]
    header, _payload, signature = token.split(".")
    forged_claims = {**claims(token), "exp": claims(token)["exp"] + 10**6}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).rstrip(b"=").decode()
    response = anon.get(
        "/v1/models", headers={"Authorization": f"Bearer {header}.{forged_payload}.{signature}"}
    )
    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN


# ---------------------------------------------------------------------------------------------
# IBM Cloud IAM, MCSP v1/v2, CPD


def test_iam_token(emulator: EmulatorThread, anon: httpx.Client) -> None:
    response = anon.post(
        "/identity/token",
        data={"grant_type": IAM_GRANT, "apikey": API_KEY, "response_type": "cloud_iam"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    body = response.json()
    assert {"access_token", "refresh_token", "token_type", "expires_in", "expiration"} <= set(body)
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    token_claims = claims(body["access_token"])
    assert token_claims["exp"] - token_claims["iat"] == 3600
    assert body["expiration"] == token_claims["exp"]
    assert_live_token(anon, body["access_token"])
    assert emulator.control.tokens_issued()["iam"] == 1


def test_iam_wrong_key_and_grant(anon: httpx.Client) -> None:
    wrong_key = anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": "nope"})
    assert wrong_key.status_code == 400
    assert wrong_key.json() == {
        "errorCode": "BXNIM0415E",
        "errorMessage": "Provided API key could not be found.",
    }
    wrong_grant = anon.post("/identity/token", data={"grant_type": "password", "apikey": API_KEY})
    assert wrong_grant.status_code == 400
    assert wrong_grant.json()["errorCode"] == "BXNIM0109E"


def test_mcsp_v1_token(emulator: EmulatorThread, anon: httpx.Client) -> None:
    response = anon.post("/siusermgr/api/1.0/apikeys/token", json={"apikey": API_KEY})

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "jwt" and body["expires_in"] == 3600
    assert_live_token(anon, body["token"])
    wrong = anon.post("/siusermgr/api/1.0/apikeys/token", json={"apikey": "nope"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Provided API key could not be found."})

    emulator.control.settings(mcsp_v1="off")
    off = anon.post("/siusermgr/api/1.0/apikeys/token", json={"apikey": API_KEY})
    assert (off.status_code, off.json()) == (404, {"detail": "Not Found"})
    assert emulator.control.tokens_issued()["mcsp_v1"] == 1


def test_mcsp_v2_token(emulator: EmulatorThread, anon: httpx.Client) -> None:
    tenant = emulator.settings.tenant_id
    query = "includeBuiltinActions=false&includeCustomActions=false&includeRoles=true"

    scoped = anon.post(f"/api/2.0/services/{tenant}/apikeys/token?{query}", json={"apikey": API_KEY})
    scopeless = anon.post("/api/2.0/apikeys/token", json={}, headers={"X-API-Key": API_KEY})

    for response in (scoped, scopeless):
        assert response.status_code == 200
        assert response.json()["token_type"] == "jwt"
        assert_live_token(anon, response.json()["token"])
    other = anon.post("/api/2.0/services/other/apikeys/token", json={"apikey": API_KEY})
    assert (other.status_code, other.json()) == (404, {"detail": "Service instance not found"})
    wrong = anon.post(f"/api/2.0/services/{tenant}/apikeys/token", json={"apikey": "nope"})
    assert wrong.status_code == 401
    assert emulator.control.tokens_issued()["mcsp_v2"] == 2


@pytest.mark.parametrize(
    "credentials", [{"password": "watsonx"}, {"api_key": API_KEY}], ids=["password", "api_key"]
)
def test_cpd_authorize(anon: httpx.Client, credentials: dict[str, str]) -> None:
    response = anon.post("/icp4d-api/v1/authorize", json={"username": "wxo.archer@ibm.com", **credentials})

    assert response.status_code == 200
    body = response.json()
    assert (body["_messageCode_"], body["message"]) == ("200", "Success")
    assert_live_token(anon, body["token"])


@pytest.mark.parametrize(
    "body",
    [
        {"username": "wxo.archer@ibm.com", "password": "wrong"},
        {"username": "someone", "password": "watsonx"},
        {"username": "wxo.archer@ibm.com", "api_key": "nope"},
        {"username": "wxo.archer@ibm.com", "password": "watsonx", "api_key": API_KEY},
        {"username": "wxo.archer@ibm.com"},
    ],
)
def test_cpd_bad_credentials(anon: httpx.Client, body: dict[str, str]) -> None:
    response = anon.post("/icp4d-api/v1/authorize", json=body)
    assert response.status_code == 401
    assert response.json() == {"_messageCode_": "401", "message": "Invalid username or password"}


# ---------------------------------------------------------------------------------------------
# Local Developer Edition


def test_local_developer_edition_flow(emulator: EmulatorThread, anon: httpx.Client) -> None:
    login = {"username": "wxo.archer@ibm.com", "password": "watsonx"}
    user = anon.post("/api/v1/auth/token", data=login)
    assert user.status_code == 200
    user_token = user.json()["access_token"]
    assert "exp" not in claims(user_token)  # "the local token does not have exp claim"
    user_auth = {"Authorization": f"Bearer {user_token}"}

    tenants = anon.get("/api/v1/tenants", headers=user_auth)
    assert tenants.status_code == 200
    assert tenants.json() == [
        {
            "id": emulator.settings.tenant_id,
            "name": "wxo-dev",
            "title": "WatsonX Orchestrate Development",
            "tags": ["test"],
        }
    ]
    created = anon.post(
        "/api/v1/tenants", headers=user_auth, json={"name": "team", "title": "Team", "tags": ["x"]}
    )
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "name": "team", "title": "Team", "tags": ["x"]}
    assert len(anon.get("/api/v1/tenants", headers=user_auth).json()) == 2

    # the user token is not scoped to a tenant
    refused = anon.get("/v1/models", headers=user_auth)
    assert (refused.status_code, refused.json()) == (403, {"detail": "Token is not scoped to a tenant"})

    tenant_token = anon.post(f"/api/v1/auth/token?tenant_id={emulator.settings.tenant_id}", data=login).json()
    assert "exp" not in claims(tenant_token["access_token"])
    assert_live_token(anon, tenant_token["access_token"])
    assert emulator.control.tokens_issued() == {
        "iam": 0, "mcsp_v1": 0, "mcsp_v2": 0, "cpd": 0, "local_user": 1, "local_tenant": 1,
    }  # fmt: skip


def test_local_login_errors(anon: httpx.Client) -> None:
    bad = anon.post("/api/v1/auth/token", data={"username": "wxo.archer@ibm.com", "password": "nope"})
    assert (bad.status_code, bad.json()) == (401, {"detail": "Invalid username or password"})
    login = {"username": "wxo.archer@ibm.com", "password": "watsonx"}
    unknown = anon.post("/api/v1/auth/token?tenant_id=nope", data=login)
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Tenant not found"})
    no_auth = anon.get("/api/v1/tenants")
    assert (no_auth.status_code, no_auth.json()) == (401, INVALID_TOKEN)


# ---------------------------------------------------------------------------------------------
# Revocation and lifetime


def test_expire_tokens_revokes_minted_tokens_only(emulator: EmulatorThread, anon: httpx.Client) -> None:
    iam = anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY}).json()[
        "access_token"
    ]
    login = {"username": "wxo.archer@ibm.com", "password": "watsonx"}
    local = anon.post(f"/api/v1/auth/token?tenant_id={emulator.settings.tenant_id}", data=login).json()
    assert_live_token(anon, iam)

    emulator.control.expire_tokens()

    for token in (iam, local["access_token"]):
        response = anon.get("/v1/models", headers={"Authorization": f"Bearer {token}"})
        assert (response.status_code, response.json()) == (401, INVALID_TOKEN)
    assert_live_token(anon, TOKEN)
    fresh = anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY}).json()
    assert_live_token(anon, fresh["access_token"])


def test_token_ttl_zero_mints_expired_tokens(emulator: EmulatorThread, anon: httpx.Client) -> None:
    emulator.control.settings(token_ttl=0)
    body = anon.post("/siusermgr/api/1.0/apikeys/token", json={"apikey": API_KEY}).json()
    assert body["expires_in"] == 0
    assert claims(body["token"])["exp"] == claims(body["token"])["iat"]
    response = anon.get("/v1/models", headers={"Authorization": f"Bearer {body['token']}"})
    assert (response.status_code, response.json()) == (401, INVALID_TOKEN)


# ---------------------------------------------------------------------------------------------
# The fixed token's JWT form, for the ADK (api-contract §12.6)


def test_the_fixed_token_has_a_jwt_form_that_never_expires(
    emulator: EmulatorThread, anon: httpx.Client
) -> None:
    fixed = emulator.control.fixed_token()
    assert fixed["token"] == TOKEN
    payload = claims(fixed["jwt"])
    # what the ADK reads: exp far beyond its 600 s rule, and the tenant
    assert payload["exp"] == 4102444800 and payload["exp"] - payload["iat"] > 600
    assert payload["tenant_id"] == emulator.settings.tenant_id

    assert_live_token(anon, fixed["jwt"])
    assert_live_token(anon, TOKEN)  # the plain string stays valid, as before
    emulator.control.expire_tokens()
    assert_live_token(anon, fixed["jwt"])  # like the fixed token, never revoked
    assert emulator.control.fixed_token()["jwt"] == fixed["jwt"]  # the same string every time


def test_the_fixed_tokens_jwt_form_depends_on_the_fixed_token(
    emulator: EmulatorThread, anon: httpx.Client
) -> None:
    from pulumi_wxo.emulator import EmulatorSettings

    with EmulatorThread(EmulatorSettings(token="another")) as other:
        theirs = other.control.fixed_token()["jwt"]
    assert theirs != emulator.control.fixed_token()["jwt"]
    response = anon.get("/v1/models", headers={"Authorization": f"Bearer {theirs}"})
    assert (response.status_code, response.json()) == (401, INVALID_TOKEN)


@pytest.mark.parametrize(("ttl", "accepted"), [(3600, True), (601 + 60, True), (600, False), (60, False)])
def test_the_adk_accepts_minted_tokens_that_live_over_600_seconds(
    emulator: EmulatorThread, anon: httpx.Client, ttl: int, accepted: bool
) -> None:
    # the ADK's own rule (api-contract §7.1, §12.6): refused within 600 s of exp
    from ibm_watsonx_orchestrate_clients.common.utils import check_token_validity

    emulator.control.settings(token_ttl=ttl)
    token = anon.post("/siusermgr/api/1.0/apikeys/token", json={"apikey": API_KEY}).json()["token"]

    assert check_token_validity(token) is accepted
    assert check_token_validity(emulator.control.fixed_token()["jwt"]) is True
    assert check_token_validity(TOKEN) is False  # the plain fixed string is no JWT: the ADK refuses it


# ---------------------------------------------------------------------------------------------
# Tenants are kept apart: a token acts for the tenant it was minted for (docs/guide/emulator.md)


def team_client(emulator: EmulatorThread, anon: httpx.Client) -> tuple[str, httpx.Client]:
    """A second local tenant and a client holding a token minted for it."""
    login = {"username": "wxo.archer@ibm.com", "password": "watsonx"}
    user = anon.post("/api/v1/auth/token", data=login).json()["access_token"]
    team = anon.post(
        "/api/v1/tenants", headers={"Authorization": f"Bearer {user}"}, json={"name": "team", "tags": []}
    ).json()["id"]
    token = anon.post(f"/api/v1/auth/token?tenant_id={team}", data=login).json()["access_token"]
    return team, httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {token}"})


def test_a_token_of_another_tenant_sees_none_of_the_default_tenants_objects(
    emulator: EmulatorThread, http: httpx.Client, anon: httpx.Client
) -> None:
    home = http.post("/v1/orchestrate/models", json=granite()).json()
    setup = [
        http.post("/v1/orchestrate/model_policy", json=policy_body()),
        http.post("/v1/orchestrate/connections/applications", json={"app_id": "home_creds"}),
        http.patch("/v1/orchestrate/model-selection", json={"add_to_llm_denylist": [home["name"]]}),
    ]
    assert [r.status_code for r in setup] == [201, 201, 200]
    assert http.get("/v1/orchestrate/model-selection").json()["model_selection_settings"]["llm_denylist"]
    team, other = team_client(emulator, anon)
    with other:
        # Reads: nothing of the default tenant's, by listing, by id or by name.
        assert other.get("/v1/orchestrate/models").json() == []
        assert other.get("/v1/orchestrate/models", params={"id": home["id"]}).json() == []
        assert other.get("/v1/orchestrate/models", params={"name": home["name"]}).json() == []
        assert other.get("/v1/orchestrate/model_policy").json() == []
        catalog = [e["id"] for e in other.get("/v1/orchestrate/models/list").json()["resources"]]
        assert home["name"] not in catalog
        assert other.get("/v1/orchestrate/connections/applications").json() == {"applications": []}
        assert (
            other.get("/v1/orchestrate/model-selection").json()["model_selection_settings"]["llm_denylist"]
            == []
        )
        # Writes: the default tenant's model cannot be replaced or deleted with it.
        put = other.put(f"/v1/orchestrate/models/{home['id']}", json=granite(display_name="taken"))
        assert (put.status_code, put.json()) == (404, {"detail": "Model not found"})
        gone = other.delete(f"/v1/orchestrate/models/{home['id']}")
        assert (gone.status_code, gone.json()) == (404, {"detail": "Model not found"})
        # Its own objects are its own; the same name is no duplicate across tenants.
        emulator.control.settings(duplicates="reject")
        mine = other.post("/v1/orchestrate/models", json=granite())
        assert mine.status_code == 201 and mine.json()["tenant_id"] == team
        assert mine.json()["tenant_name"] == "team"
        assert [m["id"] for m in other.get("/v1/orchestrate/models").json()] == [mine.json()["id"]]
        # The SaaS instance path must name the token's own tenant.
        wrong = other.get(f"/instances/{emulator.settings.tenant_id}/v1/orchestrate/models")
        assert (wrong.status_code, wrong.json()) == (404, {"detail": "Instance not found"})
        assert other.get(f"/instances/{team}/v1/orchestrate/models").status_code == 200
    assert [m["id"] for m in http.get("/v1/orchestrate/models").json()] == [home["id"]]
    assert http.get("/v1/orchestrate/models").json()[0]["display_name"] == "IBM watsonx.ai (Granite)"
    # The control API sees both tenants' objects.
    assert sorted(m["tenant_id"] for m in emulator.control.state()["models"]) == sorted(
        [emulator.settings.tenant_id, team]
    )
