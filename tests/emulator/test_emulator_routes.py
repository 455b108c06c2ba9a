"""The emulator's HTTP layer (emulator/routes.py): paths, prefixes, statuses, filters, auth.

Exact status and body on every path over loopback (contract sections cited). The payload shapes
are in test_emulator_models.py, the rules of the store in test_emulator_store.py.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_GRANITE as GRANITE
from tests.support.emulator import EMULATOR_TOKEN as TOKEN
from tests.support.emulator import (
    INVALID_TOKEN,
    TIMESTAMP,
    assert_422,
    granite,
    policy_body,
)

pytestmark = pytest.mark.emulator

PREFIXES = ("/v1/orchestrate", "/v1", "/api/v1")


# ---------------------------------------------------------------------------------------------
# Models: create and read (api-contract §2, §2.1)


def test_create_returns_the_object_as_get_shows_it(emulator: EmulatorThread, http: httpx.Client) -> None:
    response = http.post("/v1/orchestrate/models", json=granite())

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id", "tenant_id", "tenant_name", "name", "display_name", "description", "tags", "model_type",
        "model_name", "provider", "config", "provider_config", "connection_id", "created_on",
        "updated_at", "created_by",
    }  # fmt: skip
    assert re.fullmatch(r"[0-9a-f-]{36}", body["id"])
    assert body["tenant_id"] == emulator.settings.tenant_id
    assert body["tenant_name"] == "wxo-dev"
    assert body["name"] == GRANITE
    assert body["display_name"] == "IBM watsonx.ai (Granite)"
    assert body["description"] == "Granite via watsonx.ai"
    assert body["tags"] == ["ibm", "watsonx"]
    assert body["model_type"] == "chat"
    assert body["model_name"] == "ibm/granite-3-3-8b-instruct"
    assert body["provider"] == "watsonx"
    assert body["config"] == {"max_tokens": 2048}
    # camelCase aliases plus the derived provider; the secret is omitted by default
    assert body["provider_config"] == {
        "provider": "watsonx",
        "customHost": "https://us-south.ml.cloud.ibm.com",
        "watsonxSpaceId": "space-guid",
    }
    assert body["connection_id"] is None
    assert TIMESTAMP.match(body["created_on"]) and body["updated_at"] == body["created_on"]
    assert body["created_by"] == "wxo.archer@ibm.com"
    listed = http.get("/v1/orchestrate/models").json()
    assert listed == [body]


def test_malformed_json_is_422(http: httpx.Client) -> None:
    response = http.post("/v1/models", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert item["type"] == "json_invalid"
    assert set(item) == {"loc", "msg", "type"}


# ---------------------------------------------------------------------------------------------
# Prefixes (api-contract §1)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_prefix_serves_the_same_models(
    emulator: EmulatorThread, http: httpx.Client, prefix: str
) -> None:
    created = http.post(f"{prefix}/models", json=granite()).json()

    for other in (*PREFIXES, f"/instances/{emulator.settings.tenant_id}/v1/orchestrate"):
        response = http.get(f"{other}/models")
        assert response.status_code == 200
        assert response.json() == [created]


def test_instance_prefix_with_another_tenant_is_404(http: httpx.Client) -> None:
    response = http.get("/instances/someone-else/v1/orchestrate/models")
    assert response.status_code == 404
    assert response.json() == {"detail": "Instance not found"}


def test_get_one_by_path_is_not_defined(http: httpx.Client) -> None:
    model_id = http.post("/v1/models", json=granite()).json()["id"]
    response = http.get(f"/v1/models/{model_id}")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


# ---------------------------------------------------------------------------------------------
# Filters (api-contract §2: repeatable name/display_name/id, names contain "/")


@pytest.fixture
def three_models(http: httpx.Client) -> list[dict[str, Any]]:
    bodies = [
        granite(),
        granite(name="openai/gpt-4o", display_name="GPT", provider_config={"api_key": "k"}),
        granite(name="virtual-model/anthropic/claude-3", display_name="GPT", provider_config={}),
    ]
    return [http.post("/v1/models", json=b).json() for b in bodies]


def test_filter_by_name_with_raw_slashes(http: httpx.Client, three_models: list[dict[str, Any]]) -> None:
    # The ADK builds the query by hand, without encoding (api-contract §2 "Get by name")
    response = http.get(f"/v1/models?name={GRANITE}")
    assert response.status_code == 200
    assert response.json() == [three_models[0]]


def test_filter_by_percent_encoded_name(http: httpx.Client, three_models: list[dict[str, Any]]) -> None:
    response = http.get("/v1/models", params={"name": GRANITE})
    assert "%2F" in str(response.request.url)
    assert response.json() == [three_models[0]]


def test_repeatable_name_filter(http: httpx.Client, three_models: list[dict[str, Any]]) -> None:
    response = http.get(f"/v1/models?name={GRANITE}&name=virtual-model/openai/gpt-4o&name=virtual-model/x/y")
    assert response.json() == three_models[:2]


def test_filter_by_display_name_and_id(http: httpx.Client, three_models: list[dict[str, Any]]) -> None:
    assert http.get("/v1/models", params={"display_name": "GPT"}).json() == three_models[1:]
    assert http.get("/v1/models", params={"id": three_models[2]["id"]}).json() == [three_models[2]]
    ids = [("id", three_models[0]["id"]), ("id", three_models[2]["id"])]
    assert http.get("/v1/models", params=ids).json() == [three_models[0], three_models[2]]


def test_different_filters_combine_with_and(http: httpx.Client, three_models: list[dict[str, Any]]) -> None:
    params = [("display_name", "GPT"), ("id", three_models[0]["id"]), ("id", three_models[1]["id"])]
    assert http.get("/v1/models", params=params).json() == [three_models[1]]


def test_filter_without_match_is_an_empty_array(
    http: httpx.Client, three_models: list[dict[str, Any]]
) -> None:
    response = http.get("/v1/models", params={"name": "watsonx/ibm/granite-3-3-8b-instruct"})  # no prefix
    assert response.status_code == 200
    assert response.json() == []


def test_catalog_lists_out_of_the_box_and_virtual_models(
    http: httpx.Client, three_models: list[dict[str, Any]]
) -> None:
    response = http.get("/v1/orchestrate/models/list")

    assert response.status_code == 200
    resources = response.json()["resources"]
    assert {
        "id": "watsonx/meta-llama/llama-3-2-90b-vision-instruct",
        "description": "Llama 3.2 90B Vision Instruct on watsonx.ai",
        "tags": ["default", "recommended"],
    } in resources
    assert {
        "id": GRANITE,
        "description": "Granite via watsonx.ai",
        "tags": ["ibm", "watsonx", "third party"],
    } in resources
    assert all(set(r) == {"id", "description", "tags"} for r in resources)
    assert len(resources) == 4 + 3


def test_catalog_filter_by_id(http: httpx.Client, three_models: list[dict[str, Any]]) -> None:
    by_name = http.get(f"/v1/models/list?id={GRANITE}").json()["resources"]
    by_uuid = http.get("/v1/models/list", params={"id": three_models[1]["id"]}).json()["resources"]
    assert [r["id"] for r in by_name] == [GRANITE]
    assert [r["id"] for r in by_uuid] == ["virtual-model/openai/gpt-4o"]


# ---------------------------------------------------------------------------------------------
# Delete (api-contract §2, §10 item 4)


def test_delete_answers_200_with_empty_body(emulator: EmulatorThread, http: httpx.Client) -> None:
    model_id = http.post("/v1/models", json=granite()).json()["id"]

    response = http.delete(f"/api/v1/models/{model_id}")

    assert response.status_code == 200
    assert response.content == b""
    assert http.get("/v1/models").json() == []
    assert emulator.control.state()["models"] == []
    again = http.delete(f"/api/v1/models/{model_id}")
    assert again.status_code == 404
    assert again.json() == {"detail": "Model not found"}


# ---------------------------------------------------------------------------------------------
# Model policies (api-contract §6)


def test_policy_create_list_update_delete(emulator: EmulatorThread, http: httpx.Client) -> None:
    response = http.post("/v1/orchestrate/model_policy", json=policy_body())

    assert response.status_code == 201
    created = response.json()
    assert created == {
        "id": created["id"],
        "name": "virtual-policy/anygem",
        "display_name": "Any Gem",
        "description": "Balances 2 Gemini models",
        "policy": policy_body()["policy"],
    }
    assert http.get("/v1/model_policy").json() == [created]
    [stored] = emulator.control.state()["policies"]
    assert stored["tenant_id"] == emulator.settings.tenant_id and TIMESTAMP.match(stored["created_on"])

    new_policy = {
        "strategy": {"mode": "fallback"},
        "targets": [{"model_name": "virtual-model/openai/gpt-4o"}],
    }
    replaced = http.put(
        f"/api/v1/model_policy/{created['id']}",
        json=policy_body(name="virtual-policy/anygem", description=None, policy=new_policy),
    )
    assert replaced.status_code == 200
    # a null description is accepted (documented as nullable) and shown as the name, which the
    # ADK's ModelPolicy (description: str) can read (api-contract §6)
    assert replaced.json() == {**created, "description": "virtual-policy/anygem", "policy": new_policy}
    assert emulator.control.state()["policies"][0]["created_on"] == stored["created_on"]

    deleted = http.delete(f"/v1/model_policy/{created['id']}")
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert http.get("/v1/model_policy").json() == []


def test_policy_filters(http: httpx.Client) -> None:
    a = http.post("/v1/model_policy", json=policy_body()).json()
    b = http.post(
        "/v1/model_policy", json=policy_body(name="virtual-policy/other", display_name="Other")
    ).json()

    assert http.get("/v1/model_policy?name=virtual-policy/anygem").json() == [a]
    assert http.get(
        "/v1/model_policy", params=[("name", "virtual-policy/anygem"), ("name", b["name"])]
    ).json() == [
        a,
        b,
    ]
    assert http.get("/v1/model_policy", params={"display_name": "Other"}).json() == [b]
    assert http.get("/v1/model_policy", params={"id": b["id"]}).json() == [b]
    assert http.get("/v1/model_policy", params={"name": "nope"}).json() == []


# ---------------------------------------------------------------------------------------------
# Auth on API routes (api-contract §1, §10 item 5)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/orchestrate/models"),
        ("POST", "/v1/models"),
        ("GET", "/api/v1/models/list"),
        ("PUT", "/v1/models/x"),
        ("DELETE", "/v1/models/x"),
        ("GET", "/v1/model_policy"),
        ("POST", "/api/v1/model_policy"),
        ("DELETE", "/v1/orchestrate/model_policy/x"),
    ],
)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer", "Bearer a.b.c"]
)
def test_api_requires_a_valid_bearer_token(
    emulator: EmulatorThread, anon: httpx.Client, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = anon.request(method, path, headers=headers, json=granite())
    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert emulator.control.state()["models"] == []


# ---------------------------------------------------------------------------------------------
# Strings the API could not answer back are refused (docs/guide/emulator.md)

SURROGATE_MSG = "Input should be a valid string, unable to parse raw data as a unicode string"


def raw_json(text: str) -> dict[str, Any]:
    # A lone surrogate is valid JSON text ("\ud800") but no UTF-8 string: httpx's json= cannot
    # send it, so the body goes as bytes.
    return {"content": text.encode("ascii"), "headers": {"Content-Type": "application/json"}}


def test_a_lone_surrogate_is_refused_and_every_list_still_answers(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    bad = '{"name": "openai/sur", "display_name": "x\\ud800"}'
    response = http.post("/v1/orchestrate/models", **raw_json(bad))
    assert_422(response, ["body", "display_name"], SURROGATE_MSG, "string_unicode")
    assert http.get("/v1/orchestrate/models").json() == []  # nothing stored; the list answers

    model = http.post("/v1/orchestrate/models", json=granite())
    assert model.status_code == 201
    nested = '{"name": "watsonx/ibm/granite-3-3-8b-instruct", "provider_config": {"api_key": "\\ud800"}}'
    response = http.put(f"/v1/orchestrate/models/{model.json()['id']}", **raw_json(nested))
    assert_422(response, ["body", "provider_config", "api_key"], SURROGATE_MSG, "string_unicode")
    [stored] = http.get("/v1/orchestrate/models").json()
    assert stored["display_name"] == "IBM watsonx.ai (Granite)"  # unchanged

    policy = '{"name": "p", "display_name": "P", "description": "\\ud800", '
    policy += '"policy": {"strategy": {"mode": "fallback"}, '
    policy += (
        '"targets": [{"model_name": "virtual-model/openai/a"}, {"model_name": "virtual-model/openai/b"}]}}'
    )
    response = http.post("/v1/orchestrate/model_policy", **raw_json(policy))
    assert_422(response, ["body", "description"], SURROGATE_MSG, "string_unicode")
    assert http.get("/v1/orchestrate/model_policy").json() == []

    tenant = http.post("/api/v1/tenants", **raw_json('{"name": "t\\ud800"}'))
    assert_422(tenant, ["body", "name"], SURROGATE_MSG, "string_unicode")
    assert len(http.get("/api/v1/tenants").json()) == 1
