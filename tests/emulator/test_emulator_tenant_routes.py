"""The endpoints the ADK CLI calls besides models and policies (emulator/tenant_routes.py and
emulator/tenant_objects.py, api-contract §12): exact status and body over loopback.

The CLI itself runs against them in test_orchestrate_cli.py; the ADK's types read their
answers in test_adk_types.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import INVALID_TOKEN, assert_422, granite

pytestmark = pytest.mark.emulator

P = "/v1/orchestrate"
DEFAULT_LLM = "watsonx/meta-llama/llama-3-2-90b-vision-instruct"
GRANITE_OOTB = "watsonx/ibm/granite-3-8b-instruct"
DENY = "wxo-reserved-tag-admin-disallowed"


# ---------------------------------------------------------------------------------------------
# GET /knowledge-bases: the activation check (§12.1)


@pytest.mark.parametrize(
    "path",
    [
        f"{P}/knowledge-bases",
        "/instances/a0e1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b/v1/orchestrate/knowledge-bases",
    ],
)
def test_the_activation_check_passes_with_a_tenant_token_only(
    http: httpx.Client, anon: httpx.Client, path: str
) -> None:
    assert (http.get(path).status_code, http.get(path).json()) == (200, [])
    refused = anon.get(path)
    assert (refused.status_code, refused.json()) == (401, INVALID_TOKEN)
    forged = anon.get(path, headers={"Authorization": "Bearer a.b.c"})
    assert forged.status_code == 401


# ---------------------------------------------------------------------------------------------
# POST /models/validate (§12.2)


def test_validate_reports_static_checks(http: httpx.Client) -> None:
    http.post(f"{P}/models", json=granite())

    report = http.post(
        f"{P}/models/validate", json={"model": "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"}
    )

    assert report.status_code == 200
    body = report.json()
    assert body["overall_status"] == "passed"
    assert body["summary"] == {
        "total_tests": 3,
        "passed": 2,
        "failed": 0,
        "success_rate": 66.7,
        "total_duration_ms": 0,
    }
    assert [(t["test_name"], t["status"]) for t in body["tests"]] == [
        ("model_exists", "success"),
        ("credentials", "success"),
        ("inference", "skipped"),
    ]


def test_validate_fails_a_model_without_credentials(http: httpx.Client) -> None:
    http.post(f"{P}/models", json={"name": "openai/gpt-4o", "provider_config": {}})

    body = http.post(f"{P}/models/validate", json={"model": "virtual-model/openai/gpt-4o"}).json()

    assert body["overall_status"] == "failed" and body["summary"]["failed"] == 1
    assert body["tests"][1] == {
        "test_name": "credentials",
        "status": "failed",
        "message": "no credentials: set api_key or a connection (app_id)",
        "duration_ms": 0,
    }


def test_validate_passes_a_connection_a_keyless_provider_and_a_built_in_model(http: httpx.Client) -> None:
    http.post(f"{P}/models", json={"name": "openai/gpt-4o", "connection_id": "c1"})
    http.post(f"{P}/models", json={"name": "ollama/llama3", "provider_config": {"custom_host": "http://o"}})
    for name in ("virtual-model/openai/gpt-4o", "virtual-model/ollama/llama3", GRANITE_OOTB):
        assert http.post(f"{P}/models/validate", json={"model": name}).json()["overall_status"] == "passed"


def test_validate_refuses_an_unknown_model_and_a_bad_body(http: httpx.Client) -> None:
    unknown = http.post(f"{P}/models/validate", json={"model": "virtual-model/openai/nope"})
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"detail": "Model 'virtual-model/openai/nope' not found"},
    )
    assert_422(http.post(f"{P}/models/validate", json={}), ["body", "model"], "Field required", "missing")


# ---------------------------------------------------------------------------------------------
# /model-selection (§12.3)


def selection(http: httpx.Client) -> dict[str, Any]:
    response = http.get(f"{P}/model-selection")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["warnings"] == []
    return dict(body["model_selection_settings"])


def catalogue_tags(http: httpx.Client, entry_id: str) -> list[str]:
    [entry] = [e for e in http.get(f"{P}/models/list").json()["resources"] if e["id"] == entry_id]
    return list(entry["tags"])


def test_model_selection_defaults_patch_replace_and_reset(
    http: httpx.Client, emulator: EmulatorThread
) -> None:
    assert selection(http) == {
        "default_llm": DEFAULT_LLM,
        "llm_denylist": [],
        "premier_models_enabled": False,
    }

    patched = http.patch(f"{P}/model-selection", json={"add_to_llm_denylist": [GRANITE_OOTB, GRANITE_OOTB]})
    assert (patched.status_code, patched.json()) == (200, [])
    assert selection(http)["llm_denylist"] == [GRANITE_OOTB]
    assert DENY in catalogue_tags(http, GRANITE_OOTB)  # the ADK shows it as denied

    http.patch(
        f"{P}/model-selection", json={"remove_from_llm_denylist": [GRANITE_OOTB], "default_llm": "x/y"}
    )
    assert selection(http) == {"default_llm": "x/y", "llm_denylist": [], "premier_models_enabled": False}
    assert DENY not in catalogue_tags(http, GRANITE_OOTB)

    replaced = http.put(f"{P}/model-selection", json={"llm_denylist": ["a"], "premier_models_enabled": True})
    assert (replaced.status_code, replaced.json()) == (200, [])
    assert selection(http) == {
        "default_llm": DEFAULT_LLM,
        "llm_denylist": ["a"],
        "premier_models_enabled": True,
    }

    assert http.delete(f"{P}/model-selection").status_code == 200
    assert http.delete(f"{P}/model-selection").status_code == 200  # idempotent
    assert selection(http)["llm_denylist"] == []
    assert emulator.control.state()["settings"] == []


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({}, "Value error, At least one field must be provided"),
        ({"default_llm": "  "}, "Value error, default_llm cannot be an empty string"),
        (
            {"add_to_llm_denylist": ["a", "b"], "remove_from_llm_denylist": ["b"]},
            "Value error, Models cannot be in both add and remove lists: b",
        ),
    ],
)
def test_model_selection_patch_rules_are_422(http: httpx.Client, patch: dict[str, Any], message: str) -> None:
    response = http.patch(f"{P}/model-selection", json=patch)
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert item["loc"] == ["body"] and item["msg"].startswith(message)


# ---------------------------------------------------------------------------------------------
# /connections/applications (§12.4)

C = f"{P}/connections/applications"


def test_connection_create_look_up_list_and_delete(http: httpx.Client, emulator: EmulatorThread) -> None:
    created = http.post(C, json={"app_id": "kv"})
    assert created.status_code == 201
    connection_id = created.json()["connection_id"]
    assert created.json() == {"app_id": "kv", "connection_id": connection_id}
    tenant = emulator.settings.tenant_id
    one = {"connection_id": connection_id, "app_id": "kv", "tenant_id": tenant, "resource": {}}
    assert http.get(C, params={"app_id": "kv"}).json() == one
    assert http.get(C, params={"connection_id": connection_id}).json() == one
    assert http.get(C, params={"include_details": "true"}).json() == {
        "applications": [{"connection_id": connection_id, "app_id": "kv"}]
    }
    assert http.get(C, params={"connectionIds": "other"}).json() == {"applications": []}

    taken = http.post(C, json={"app_id": "kv"})
    assert (taken.status_code, taken.json()) == (
        409,
        {"detail": "Connection with app_id 'kv' already exists"},
    )
    assert http.delete(f"{C}/kv").status_code == 200
    missing = http.get(C, params={"app_id": "kv"})
    assert (missing.status_code, missing.json()) == (404, {"detail": "Connection 'kv' not found"})
    assert http.delete(f"{C}/kv").status_code == 404
    assert http.get(C, params={"connection_id": "nope"}).json() == {
        "detail": "Connection with id 'nope' not found"
    }


def test_configurations_and_credentials(http: httpx.Client, anon: httpx.Client) -> None:
    connection_id = http.post(C, json={"app_id": "kv"}).json()["connection_id"]
    body = {
        "app_id": "kv",
        "environment": "draft",
        "preference": "team",
        "security_scheme": "key_value_creds",
    }
    body |= {"auth_type": None, "sso": False, "config_id": None}  # the ADK sends every key

    created = http.post(f"{C}/kv/configurations", json=body)

    assert created.status_code == 201
    config = created.json()
    assert config["config_id"] and config["environment"] == "draft" and config["sso"] is False
    assert http.get(f"{C}/kv/configurations/draft").json() == config
    again = http.post(f"{C}/kv/configurations", json=body)
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "Connection 'kv' already has a draft configuration"},
    )
    assert http.get(f"{C}/kv/configurations/live").json() == {
        "detail": "No live configuration for connection 'kv'"
    }
    patched = http.patch(f"{C}/kv/configurations/draft", json={"server_url": "https://kv.example"}).json()
    assert (patched["server_url"], patched["config_id"]) == ("https://kv.example", config["config_id"])
    # the ADK's rule: a key_value connection is a team connection (§13.2)
    assert http.patch(f"{C}/kv/configurations/draft", json={"preference": "member"}).status_code == 422
    assert http.patch(f"{C}/kv/configurations/live", json={}).status_code == 404

    runtime_credentials = f"{C}/runtime_credentials"
    query = {"app_id": "kv", "env": "draft"}
    assert http.get(runtime_credentials, params=query).status_code == 404
    assert (
        http.post(
            f"{C}/kv/configs/draft/runtime_credentials", json={"runtime_credentials": {"k": "v"}}
        ).json()
        == {}
    )
    assert http.get(runtime_credentials, params=query).json() == {
        "app_id": "kv",
        "environment": "draft",
        "credentials_entered": True,
    }
    listed = http.get(C, params={"include_details": "true"}).json()["applications"]
    assert listed == [
        {
            "connection_id": connection_id,
            "app_id": "kv",
            "security_scheme": "key_value_creds",
            "preference": "team",
            "environment": "draft",
            "credentials_entered": True,
        }
    ]
    assert http.delete(f"{C}/kv/configs/draft/runtime_credentials").status_code == 200
    assert http.get(f"{C}/kv/credentials/draft").status_code == 404
    assert http.post(f"{C}/kv/configs/live/credentials", json={}).status_code == 404  # no live config
    assert anon.get(C).status_code == 401


def test_connections_are_served_under_the_local_managers_prefix(http: httpx.Client) -> None:
    # The ADK's local connections manager: port 3001, /api/v1/orchestrate (§12.4)
    assert http.post("/api/v1/orchestrate/connections/applications", json={"app_id": "a"}).status_code == 201
    assert http.get("/api/v1/orchestrate/connections/applications", params={"app_id": "a"}).status_code == 200


def test_a_reset_clears_connections_and_selection(http: httpx.Client, emulator: EmulatorThread) -> None:
    http.post(C, json={"app_id": "kv"})
    http.put(f"{P}/model-selection", json={"llm_denylist": ["a"]})
    emulator.control.reset()
    assert emulator.control.state()["connections"] == [] and emulator.control.state()["settings"] == []
