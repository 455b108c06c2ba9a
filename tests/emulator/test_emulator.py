"""The emulator over loopback: exact status and body on every path (contract sections cited)."""

from __future__ import annotations

import base64
import json
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread, Switches
from pulumi_wxo.emulator.__main__ import build_parser, settings_from_args

pytestmark = pytest.mark.emulator

TOKEN = "test-token"
API_KEY = "test-api-key"
PREFIXES = ("/v1/orchestrate", "/v1", "/api/v1")
GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
IAM_GRANT = "urn:ibm:params:oauth:grant-type:apikey"
INVALID_TOKEN = {"detail": "Invalid or expired token"}


@pytest.fixture
def http(emulator: EmulatorThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


@pytest.fixture
def anon(emulator: EmulatorThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url) as client:
        yield client


def granite(**overrides: Any) -> dict[str, Any]:
    """What the ADK sends for the api-contract §5 example (snake_case, extras included)."""
    body: dict[str, Any] = {
        "name": "watsonx/ibm/granite-3-3-8b-instruct",
        "display_name": "IBM watsonx.ai (Granite)",
        "description": "Granite via watsonx.ai",
        "config": {"max_tokens": 2048},
        "provider_config": {
            "provider": "watsonx",
            "api_key": "sk-very-secret",
            "custom_host": "https://us-south.ml.cloud.ibm.com",
            "watsonx_space_id": "space-guid",
        },
        "tags": ["ibm", "watsonx"],
        "model_type": "chat",
        "spec_version": "v1",
        "kind": "model",
        "app_id": "watsonx_credentials",
    }
    body.update(overrides)
    return body


def policy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "anygem",
        "display_name": "Any Gem",
        "description": "Balances 2 Gemini models",
        "policy": {
            "strategy": {"mode": "loadbalance", "on_status_codes": [503, 504]},
            "retry": {"attempts": 1, "on_status_codes": [503]},
            "targets": [
                {"model_name": "virtual-model/google/gemini-2.0-flash", "weight": 0.75},
                {"model_name": "virtual-model/google/gemini-2.0-flash-lite", "weight": 0.25},
            ],
        },
    }
    body.update(overrides)
    return body


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def wait_until_answered(emulator: EmulatorThread, n: int) -> list[dict[str, Any]]:
    """Wait (bounded) until ``n`` requests have been answered, so no delayed answer outlives its test."""
    deadline = time.monotonic() + 5
    while len(log := emulator.control.requests()) < n:
        assert time.monotonic() < deadline, log
        time.sleep(0.02)
    return log


def assert_422(response: httpx.Response, loc: list[Any], msg: str, type_: str) -> None:
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert {"loc": loc, "msg": msg, "type": type_} in detail
    for item in detail:
        assert set(item) == {"loc", "msg", "type"}  # no "input", "ctx" or "url" (could echo secrets)


# ---------------------------------------------------------------------------------------------
# Models: create / read (api-contract §2, §2.1, §3, §10)


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


def test_state_is_canonical_snake_case_with_secrets(emulator: EmulatorThread, http: httpx.Client) -> None:
    http.post("/v1/models", json=granite())

    [stored] = emulator.control.state()["models"]
    assert stored["provider_config"] == {
        "provider": "watsonx",
        "api_key": "sk-very-secret",
        "custom_host": "https://us-south.ml.cloud.ibm.com",
        "watsonx_space_id": "space-guid",
    }
    # unknown top-level keys are ignored, not stored (api-contract §3 [INF])
    assert not {"spec_version", "kind", "app_id"} & set(stored)


def test_defaults_for_a_minimal_body(http: httpx.Client) -> None:
    response = http.post("/v1/models", json={"name": "virtual-model/openai/gpt-4o"})

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "virtual-model/openai/gpt-4o"
    assert body["display_name"] == body["description"] == "virtual-model/openai/gpt-4o"
    assert body["model_type"] == "chat"
    assert body["tags"] == []
    assert body["config"] == {}
    assert body["provider_config"] == {"provider": "openai"}
    assert body["model_name"] == "gpt-4o"


def test_provider_key_in_input_is_overwritten_by_the_derived_one(http: httpx.Client) -> None:
    body = granite(provider_config={"provider": "", "watsonx_project_id": "p"})
    assert http.post("/v1/models", json=body).json()["provider_config"] == {
        "provider": "watsonx",
        "watsonxProjectId": "p",
    }
    other = granite(name="anthropic/claude", provider_config={"provider": "openai"})
    assert http.post("/v1/models", json=other).json()["provider_config"] == {"provider": "anthropic"}


@pytest.mark.parametrize(
    "provider_config",
    [
        {
            "api_key": "k",
            "custom_host": "https://h",
            "watsonx_space_id": "s",
            "request_timeout": 30,
            "forward_headers": ["x-a"],
            "azure_resource_name": "r",
            "aws_server_side_encryption_kms_key_id": "kms",
        },
        {
            "api_key": "k",
            "customHost": "https://h",
            "watsonxSpaceId": "s",
            "requestTimeout": 30,
            "forwardHeaders": ["x-a"],
            "resourceName": "r",
            "awsServerSideEncryptionKMSKeyId": "kms",
        },
    ],
    ids=["snake", "camel"],
)
def test_snake_and_camel_input_store_and_render_the_same(
    emulator: EmulatorThread, http: httpx.Client, provider_config: dict[str, Any]
) -> None:
    response = http.post("/v1/models", json=granite(provider_config=provider_config))

    assert response.status_code == 201
    assert response.json()["provider_config"] == {
        "provider": "watsonx",
        "customHost": "https://h",
        "watsonxSpaceId": "s",
        "requestTimeout": 30,
        "forwardHeaders": ["x-a"],
        "resourceName": "r",
        "awsServerSideEncryptionKMSKeyId": "kms",
    }
    assert emulator.control.state()["models"][0]["provider_config"] == {
        "provider": "watsonx",
        "api_key": "k",
        "custom_host": "https://h",
        "watsonx_space_id": "s",
        "request_timeout": 30,
        "forward_headers": ["x-a"],
        "azure_resource_name": "r",
        "aws_server_side_encryption_kms_key_id": "kms",
    }


def test_shared_camel_alias_fills_both_fields_and_renders_once(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    body = granite(name="azure-ai/gpt", provider_config={"azureDeploymentName": "dep"})

    assert http.post("/v1/models", json=body).json()["provider_config"] == {
        "provider": "azure-ai",
        "azureDeploymentName": "dep",
    }
    stored = emulator.control.state()["models"][0]["provider_config"]
    assert stored["azure_inference_deployment_name"] == stored["azure_deployment_name"] == "dep"


@pytest.mark.parametrize("model_type", ["chat", "chat_vision", "completion", "embedding"])
def test_every_model_type_is_accepted(http: httpx.Client, model_type: str) -> None:
    response = http.post("/v1/models", json=granite(model_type=model_type))
    assert response.status_code == 201
    assert response.json()["model_type"] == model_type


def test_unknown_provider_config_key_is_422_without_echoing_input(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    body = granite(provider_config={"api_key": "sk-leak-me-not", "foo": "sk-leak-me-not", "temperature": 0.1})

    response = http.post("/v1/orchestrate/models", json=body)

    assert_422(
        response, ["body", "provider_config", "foo"], "Extra inputs are not permitted", "extra_forbidden"
    )
    assert_422(
        response,
        ["body", "provider_config", "temperature"],
        "Extra inputs are not permitted",
        "extra_forbidden",
    )
    assert "sk-leak-me-not" not in response.text
    assert emulator.control.state()["models"] == []


def test_bad_model_type_is_422(http: httpx.Client) -> None:
    response = http.post("/v1/models", json=granite(model_type="chatty"))
    assert_422(
        response,
        ["body", "model_type"],
        "Input should be 'chat', 'chat_vision', 'completion' or 'embedding'",
        "enum",
    )


def test_unknown_provider_is_422_naming_name(emulator: EmulatorThread, http: httpx.Client) -> None:
    response = http.post("/v1/models", json=granite(name="virtual-model/acme/model-1"))

    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "name"],
                "msg": "Value error, Unsupported model provider 'acme'",
                "type": "value_error",
            }
        ]
    }
    assert response.status_code == 422
    assert emulator.control.state()["models"] == []


def test_name_without_a_model_part_is_422(http: httpx.Client) -> None:
    response = http.post("/v1/models", json=granite(name="virtual-model/watsonx"))
    assert_422(
        response,
        ["body", "name"],
        "Value error, Model name must have the form virtual-model/<provider>/<model>",
        "value_error",
    )


def test_missing_name_and_wrong_types_are_422(http: httpx.Client) -> None:
    body = granite(tags="ibm", provider_config={"request_timeout": "soon"})
    del body["name"]

    response = http.post("/v1/models", json=body)

    assert_422(response, ["body", "name"], "Field required", "missing")
    assert_422(response, ["body", "tags"], "Input should be a valid list", "list_type")
    assert_422(
        response,
        ["body", "provider_config", "request_timeout"],
        "Input should be a valid integer, unable to parse string as an integer",
        "int_parsing",
    )


def test_malformed_json_is_422(http: httpx.Client) -> None:
    response = http.post("/v1/models", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert item["type"] == "json_invalid"
    assert set(item) == {"loc", "msg", "type"}


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
# Update and delete (api-contract §2, §10 item 4)


def test_put_replaces_everything_but_identity_and_creation(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    created = http.post("/v1/models", json=granite()).json()
    replacement = {
        "name": GRANITE,
        "description": "new description",
        "provider_config": {"watsonxProjectId": "proj"},
        "model_type": "completion",
        "connection_id": "conn-1",
    }

    response = http.put(f"/v1/orchestrate/models/{created['id']}", json=replacement)

    assert response.status_code == 200
    updated = response.json()
    assert updated == {
        **created,
        "display_name": GRANITE,  # full replace: defaults again
        "description": "new description",
        "tags": [],
        "config": {},
        "model_type": "completion",
        "provider_config": {"provider": "watsonx", "watsonxProjectId": "proj"},
        "connection_id": "conn-1",
        "updated_at": updated["updated_at"],
    }
    assert updated["updated_at"] > created["updated_at"]
    assert http.get("/v1/models").json() == [updated]
    assert "api_key" not in emulator.control.state()["models"][0]["provider_config"]


def test_put_validates_like_post(http: httpx.Client) -> None:
    model_id = http.post("/v1/models", json=granite()).json()["id"]
    response = http.put(f"/v1/models/{model_id}", json=granite(provider_config={"bogus": 1}))
    assert_422(
        response, ["body", "provider_config", "bogus"], "Extra inputs are not permitted", "extra_forbidden"
    )


def test_put_unknown_id_is_404(http: httpx.Client) -> None:
    response = http.put("/v1/models/3c90c3cc-0d44-4b50-8888-8dd25736052a", json=granite())
    assert response.status_code == 404
    assert response.json() == {"detail": "Model not found"}


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
    assert replaced.json() == {**created, "description": None, "policy": new_policy}
    assert emulator.control.state()["policies"][0]["created_on"] == stored["created_on"]

    deleted = http.delete(f"/v1/model_policy/{created['id']}")
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert http.get("/v1/model_policy").json() == []


def test_policy_with_nested_policy_target(http: httpx.Client) -> None:
    nested = {
        "strategy": {"mode": "fallback", "on_status_codes": [429]},
        "targets": [
            {"model_name": "virtual-model/openai/gpt-4o"},
            {"strategy": {"mode": "single"}, "retry": {"attempts": 2}, "targets": [{"model_name": "x/y"}]},
        ],
        "cache": {"mode": "simple"},
    }
    response = http.post("/v1/model_policy", json=policy_body(policy=nested))
    assert response.status_code == 201
    assert response.json()["policy"] == nested


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


@pytest.mark.parametrize(
    ("policy", "loc", "msg", "type_"),
    [
        (
            {"strategy": {"mode": "roundrobin"}},
            ["body", "policy", "strategy", "mode"],
            "Input should be 'loadbalance', 'fallback' or 'single'",
            "enum",
        ),
        (
            {"targets": [{"model_name": "a/b", "weight": 0}]},
            ["body", "policy", "targets", 0, "target", "weight"],
            "Input should be greater than 0",
            "greater_than",
        ),
        (
            {"targets": [{"model_name": "a/b", "weight": 1.5}]},
            ["body", "policy", "targets", 0, "target", "weight"],
            "Input should be less than or equal to 1",
            "less_than_equal",
        ),
    ],
    ids=["mode", "weight-zero", "weight-above-one"],
)
def test_policy_validation(
    http: httpx.Client, policy: dict[str, Any], loc: list[Any], msg: str, type_: str
) -> None:
    assert_422(http.post("/v1/model_policy", json=policy_body(policy=policy)), loc, msg, type_)


def test_policy_required_fields(http: httpx.Client) -> None:
    body = policy_body()
    del body["display_name"], body["description"], body["policy"]
    response = http.post("/v1/model_policy", json=body)
    assert_422(response, ["body", "display_name"], "Field required", "missing")
    assert_422(response, ["body", "description"], "Field required", "missing")
    assert_422(response, ["body", "policy"], "Field required", "missing")


def test_policy_unknown_id_is_404(http: httpx.Client) -> None:
    for response in (
        http.put("/v1/model_policy/nope", json=policy_body()),
        http.delete("/v1/model_policy/nope"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Model policy not found"}


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
# Switches (api-contract §2.1/§8/§11: open behaviour, one switch per variant)


@pytest.mark.parametrize(
    ("secrets", "expected"),
    [
        ("omit", {"provider": "bedrock", "awsRegion": "us-east-1"}),
        (
            "mask",
            {
                "provider": "bedrock",
                "api_key": "********",
                "awsSecretAccessKey": "********",
                "awsAccessKeyId": "********",
                "awsSessionToken": "********",
                "awsRegion": "us-east-1",
            },
        ),
        (
            "echo",
            {
                "provider": "bedrock",
                "api_key": "k-1",
                "awsSecretAccessKey": "k-2",
                "awsAccessKeyId": "k-3",
                "awsSessionToken": "k-4",
                "awsRegion": "us-east-1",
            },
        ),
    ],
)
def test_secrets_switch(
    emulator: EmulatorThread, http: httpx.Client, secrets: str, expected: dict[str, Any]
) -> None:
    emulator.control.settings(secrets=secrets)  # type: ignore[arg-type]
    provider_config = {
        "api_key": "k-1",
        "aws_secret_access_key": "k-2",
        "awsAccessKeyId": "k-3",
        "aws_session_token": "k-4",
        "aws_region": "us-east-1",
    }
    created = http.post("/v1/models", json=granite(name="bedrock/claude", provider_config=provider_config))

    assert created.json()["provider_config"] == expected
    assert http.get("/v1/models").json()[0]["provider_config"] == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("azure_entra_client_secret", "s"),
        ("azure_ad_token", "s"),
        ("ad_auth", "s"),
        ("vertex_service_account_json", {"private_key": "s"}),
        ("watsonx_cpd_password", "s"),
    ],
)
def test_every_secret_key_is_omitted_by_default(http: httpx.Client, field: str, value: Any) -> None:
    response = http.post("/v1/models", json=granite(provider_config={field: value}))
    assert response.json()["provider_config"] == {"provider": "watsonx"}


def test_duplicates_accepted_by_default(emulator: EmulatorThread, http: httpx.Client) -> None:
    first = http.post("/v1/models", json=granite())
    second = http.post("/v1/models", json=granite())

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert len(http.get(f"/v1/models?name={GRANITE}").json()) == 2


def test_duplicates_rejected_with_409(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.reset(duplicates="reject")
    http.post("/v1/models", json=granite())

    response = http.post("/v1/models", json=granite(name=GRANITE))

    assert response.status_code == 409
    assert response.json() == {"detail": f"Model with name '{GRANITE}' already exists"}
    assert len(emulator.control.state()["models"]) == 1
    # renaming another model onto an existing name conflicts too; keeping one's own name does not
    other = http.post("/v1/models", json=granite(name="openai/gpt-4o")).json()
    assert http.put(f"/v1/models/{other['id']}", json=granite()).status_code == 409
    assert http.put(f"/v1/models/{other['id']}", json=granite(name="openai/gpt-4o")).status_code == 200
    # and the same for policies
    http.post("/v1/model_policy", json=policy_body())
    dup = http.post("/v1/model_policy", json=policy_body())
    assert dup.status_code == 409
    assert dup.json() == {"detail": "Model policy with name 'virtual-policy/anygem' already exists"}


def test_create_response_empty(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.settings(create_response="empty")
    created = http.post("/v1/models", json=granite())
    assert (created.status_code, created.content) == (200, b"")
    [stored] = emulator.control.state()["models"]
    replaced = http.put(f"/v1/models/{stored['id']}", json=granite())
    assert (replaced.status_code, replaced.content) == (200, b"")
    policy = http.post("/v1/model_policy", json=policy_body())
    assert (policy.status_code, policy.content) == (200, b"")


def test_create_response_id(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.settings(create_response="id")
    created = http.post("/v1/models", json=granite())
    [stored] = emulator.control.state()["models"]
    assert created.status_code == 201
    assert created.json() == stored["id"]
    assert created.content == f'"{stored["id"]}"'.encode()
    replaced = http.put(f"/v1/models/{stored['id']}", json=granite())
    assert (replaced.status_code, replaced.json()) == (200, stored["id"])
    policy = http.post("/v1/model_policy", json=policy_body())
    assert policy.json() == emulator.control.state()["policies"][0]["id"]


def test_empty_list_404(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.settings(empty_list="404")

    models = http.get("/v1/models")
    policies = http.get("/v1/model_policy")
    filtered = http.get("/v1/models", params={"name": "x"})

    assert (models.status_code, models.json()) == (404, {"detail": "No models found"})
    assert (policies.status_code, policies.json()) == (404, {"detail": "No model policies found"})
    assert (filtered.status_code, filtered.json()) == (404, {"detail": "No models found"})
    assert http.get("/v1/models/list").status_code == 200  # the catalogue is never empty
    http.post("/v1/models", json=granite())
    assert http.get("/v1/models").status_code == 200


def test_empty_list_array_is_the_default(http: httpx.Client) -> None:
    assert (http.get("/v1/models").status_code, http.get("/v1/models").json()) == (200, [])
    assert http.get("/v1/model_policy").json() == []


def test_settings_roundtrip_and_validation(emulator: EmulatorThread) -> None:
    defaults = emulator.control.settings()
    assert defaults == {
        "duplicates": "accept",
        "create_response": "object",
        "secrets": "omit",
        "empty_list": "array",
        "mcsp_v1": "on",
        "token_ttl": 3600,
    }
    changed = emulator.control.settings(duplicates="reject", token_ttl=60)
    assert changed == {**defaults, "duplicates": "reject", "token_ttl": 60}
    assert emulator.control.settings() == changed
    with pytest.raises(httpx.HTTPStatusError) as info:
        emulator.control.settings(secrets="sometimes")  # type: ignore[arg-type]
    assert info.value.response.status_code == 422
    assert emulator.control.reset() == defaults


# ---------------------------------------------------------------------------------------------
# Token endpoints (api-contract §7.2)


def assert_live_token(anon: httpx.Client, token: str) -> None:
    response = anon.get("/v1/orchestrate/models", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


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
# Faults (control API)


def test_fault_count_hits_the_next_n_matching_requests(emulator: EmulatorThread, http: httpx.Client) -> None:
    fault_id = emulator.control.add_fault(method="POST", path=r"/models$", status=503, count=2)

    statuses = [http.post("/v1/models", json=granite()).status_code for _ in range(3)]
    unmatched = http.get("/v1/models")

    assert statuses == [503, 503, 201]
    assert unmatched.status_code == 200
    assert len(emulator.control.state()["models"]) == 1
    log = emulator.control.requests()
    assert [(e["method"], e["status"], e["fault"]) for e in log] == [
        ("POST", 503, fault_id),
        ("POST", 503, fault_id),
        ("POST", 201, None),
        ("GET", 200, None),
    ]
    [fault] = emulator.control.faults()
    assert (fault["remaining"], fault["hits"]) == (0, 2)


def test_fault_body_and_retry_after(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(path="/models", status=503, retry_after=2, count=1)
    emulator.control.add_fault(path="/models", status=502, detail="Upstream exploded", count=1)

    first = http.get("/v1/models")
    second = http.get("/v1/models")

    assert (first.status_code, first.json()) == (503, {"detail": "Service Unavailable"})
    assert first.headers["Retry-After"] == "2"
    assert (second.status_code, second.json()) == (502, {"detail": "Upstream exploded"})
    assert "Retry-After" not in second.headers


def test_quota_fault(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(method="POST", path="/models", quota=True, count=1)
    response = http.post("/v1/models", json=granite())
    assert response.status_code == 429
    assert response.json() == {
        "detail": {"code": "RESOURCE_QUOTA_EXCEEDED", "message": "Tenant resource quota exceeded."}
    }
    assert emulator.control.state()["models"] == []


def test_fault_fraction_is_reproducible_with_a_seed(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(method="GET", path="/models", status=500, fraction=0.3, seed=42)
    rng = random.Random(42)
    expected = [500 if rng.random() < 0.3 else 200 for _ in range(30)]

    statuses = [http.get("/v1/models").status_code for _ in range(30)]

    assert statuses == expected
    assert 0 < statuses.count(500) < 30


def test_fault_fraction_with_count_stops_after_count(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(path="/models", status=500, fraction=0.5, seed=7, count=3)
    statuses = [http.get("/v1/models").status_code for _ in range(40)]
    assert statuses.count(500) == 3


def test_delay_after_commits_before_the_client_sees_anything(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    emulator.control.add_fault(method="POST", path="/models", delay=0.5, delay_after=True, count=1)

    with pytest.raises(httpx.ReadTimeout):
        http.post("/v1/models", json=granite(), timeout=0.2)

    # the POST timed out at the client, yet the model exists
    [stored] = emulator.control.state()["models"]
    assert stored["name"] == GRANITE
    [entry] = wait_until_answered(emulator, 1)
    assert (entry["method"], entry["status"]) == ("POST", 201)


def test_delay_after_with_status_reports_an_error_for_a_committed_write(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    emulator.control.add_fault(method="POST", path="/model_policy", status=504, delay=0.05, delay_after=True)
    response = http.post("/v1/model_policy", json=policy_body())
    assert (response.status_code, response.json()) == (504, {"detail": "Gateway Timeout"})
    assert len(emulator.control.state()["policies"]) == 1


def test_delay_before_with_status_never_reaches_the_handler(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    emulator.control.add_fault(method="POST", path="/models", delay=0.3, status=503, count=1)
    with pytest.raises(httpx.ReadTimeout):
        http.post("/v1/models", json=granite(), timeout=0.1)
    [entry] = wait_until_answered(emulator, 1)
    assert entry["status"] == 503
    assert emulator.control.state()["models"] == []


def test_faults_apply_to_token_routes_but_not_to_control(
    emulator: EmulatorThread, anon: httpx.Client
) -> None:
    emulator.control.add_fault(path=".*", status=503)

    token = anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY})

    assert token.status_code == 503
    assert emulator.control.health()["status"] == "ok"
    assert emulator.control.tokens_issued()["iam"] == 0
    assert emulator.control.clear_faults() == 1
    assert anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY}).status_code == 200


def test_invalid_fault_specs_are_422(emulator: EmulatorThread) -> None:
    for kwargs in ({"path": "(unclosed"}, {"status": 200}, {"fraction": 1.5}, {"count": 0}):
        with pytest.raises(httpx.HTTPStatusError) as info:
            emulator.control.add_fault(**kwargs)
        assert info.value.response.status_code == 422
    assert emulator.control.faults() == []


# ---------------------------------------------------------------------------------------------
# Control API: log, state, reset


def test_request_log_records_api_and_token_calls_only(emulator: EmulatorThread, http: httpx.Client) -> None:
    http.get(f"/v1/models?name={GRANITE}")
    http.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": "nope"})
    emulator.control.state()

    assert emulator.control.requests() == [
        {"method": "GET", "path": "/v1/models", "query": f"name={GRANITE}", "status": 200, "fault": None},
        {"method": "POST", "path": "/identity/token", "query": "", "status": 400, "fault": None},
    ]
    emulator.control.clear_requests()
    assert emulator.control.requests() == []


def test_reset_clears_state_faults_log_and_switches(emulator: EmulatorThread, http: httpx.Client) -> None:
    http.post("/v1/models", json=granite())
    http.post("/v1/model_policy", json=policy_body())
    http.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY})
    emulator.control.add_fault(path="/nothing", status=500)
    emulator.control.settings(secrets="echo")

    switches = emulator.control.reset(empty_list="404")

    assert switches["secrets"] == "omit" and switches["empty_list"] == "404"
    state = emulator.control.state()
    assert (state["models"], state["policies"]) == ([], [])
    assert [t["name"] for t in state["tenants"]] == ["wxo-dev"]
    assert emulator.control.faults() == []
    assert emulator.control.requests() == []
    assert emulator.control.tokens_issued()["iam"] == 0


def test_concurrent_creates_are_all_stored(emulator: EmulatorThread) -> None:
    ids: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            for i in range(5):
                response = client.post("/v1/models", json=granite(name=f"openai/m-{n}-{i}"))
                assert response.status_code == 201
                with lock:
                    ids.append(response.json()["id"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(set(ids)) == 40
    assert sorted(m["id"] for m in emulator.control.state()["models"]) == sorted(ids)


# ---------------------------------------------------------------------------------------------
# Persistence and the command line


def test_restart_with_the_same_db_keeps_models_policies_and_tokens(tmp_path: Any) -> None:
    settings = EmulatorSettings(db=str(tmp_path / "wxo.db"), token="t1")
    with EmulatorThread(settings) as first, httpx.Client(base_url=first.url) as client:
        auth = {"Authorization": "Bearer t1"}
        model = client.post("/v1/models", json=granite(), headers=auth).json()
        policy = client.post("/v1/model_policy", json=policy_body(), headers=auth).json()
        minted = client.post(
            "/identity/token", data={"grant_type": IAM_GRANT, "apikey": "wxo-emulator-api-key"}
        ).json()["access_token"]
        first_state = first.control.state()

    with EmulatorThread(settings) as second, httpx.Client(base_url=second.url) as client:
        auth = {"Authorization": "Bearer t1"}
        assert client.get("/v1/models", headers=auth).json() == [model]
        assert client.get("/v1/model_policy", headers=auth).json() == [policy]
        assert second.control.state() == first_state
        assert client.get("/v1/models", headers={"Authorization": f"Bearer {minted}"}).status_code == 200


def test_in_memory_db_does_not_persist() -> None:
    with EmulatorThread(EmulatorSettings(token="t")) as first, httpx.Client(base_url=first.url) as client:
        assert (
            client.post("/v1/models", json=granite(), headers={"Authorization": "Bearer t"}).status_code
            == 201
        )
    with EmulatorThread(EmulatorSettings(token="t")) as second:
        assert second.control.state()["models"] == []


def test_parser_maps_every_option_to_settings() -> None:
    args = build_parser().parse_args(
        [
            "--db", "x.db", "--token", "tok", "--token-ttl", "60", "--api-key", "k1", "--api-key", "k2",
            "--duplicates", "reject", "--create-response", "id", "--secrets", "mask", "--empty-list", "404",
            "--mcsp-v1", "off", "--username", "u", "--password", "p", "--tenant-id", "tid",
        ]
    )  # fmt: skip
    assert settings_from_args(args) == EmulatorSettings(
        db="x.db",
        token="tok",
        api_keys=("k1", "k2"),
        username="u",
        password="p",
        tenant_id="tid",
        switches=Switches(
            token_ttl=60,
            duplicates="reject",
            create_response="id",
            secrets="mask",
            empty_list="404",
            mcsp_v1="off",
        ),
    )
    assert settings_from_args(build_parser().parse_args([])) == EmulatorSettings()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--secrets", "sometimes"])


def test_python_dash_m_prints_where_it_listens(tmp_path: Any) -> None:
    command = [
        sys.executable, "-m", "pulumi_wxo.emulator", "--port", "0", "--db", str(tmp_path / "cli.db"),
        "--token", "cli-token",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.fullmatch(
                r"wxO emulator listening on (http://127\.0\.0\.1:\d+) \(db: .*cli\.db\)\n", line
            )
            assert match, line
            response = httpx.get(f"{match.group(1)}/v1/models", headers={"Authorization": "Bearer cli-token"})
            assert (response.status_code, response.json()) == (200, [])
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_emulator_imports_nothing_from_the_provider() -> None:
    """The emulator is written from the contract only (docs/layout.md): no pulumi_wxo import outside it."""
    import ast
    from pathlib import Path

    import pulumi_wxo.emulator as package

    offenders = []
    for source in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
                if node.level > 1:
                    offenders.append(f"{source.name}: relative import beyond the package")
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            offenders += [
                f"{source.name}: {name}"
                for name in names
                if name.startswith("pulumi_wxo") and not name.startswith("pulumi_wxo.emulator")
            ]
    assert offenders == []
