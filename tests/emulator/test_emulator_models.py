"""Request and response shapes (emulator/models.py): provider_config keys and aliases, enums, 422s.

Over loopback, exact 422 items (``loc``, ``msg``, ``type`` only: nothing that could echo a secret).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import assert_422, granite, policy_body

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# provider_config: snake_case or camelCase in, camelCase out (api-contract §2.1, §3.1)


SNAKE = {
    "api_key": "k",
    "custom_host": "https://h",
    "watsonx_space_id": "s",
    "request_timeout": 30,
    "forward_headers": ["x-a"],
    "azure_resource_name": "r",
    "aws_server_side_encryption_kms_key_id": "kms",
}
CAMEL = {  # without api_key, which a GET never returns
    "customHost": "https://h",
    "watsonxSpaceId": "s",
    "requestTimeout": 30,
    "forwardHeaders": ["x-a"],
    "resourceName": "r",
    "awsServerSideEncryptionKMSKeyId": "kms",
}


@pytest.mark.parametrize("provider_config", [SNAKE, {"api_key": "k", **CAMEL}], ids=["snake", "camel"])
def test_snake_and_camel_input_store_and_render_the_same(
    emulator: EmulatorThread, http: httpx.Client, provider_config: dict[str, Any]
) -> None:
    response = http.post("/v1/models", json=granite(provider_config=provider_config))

    assert response.status_code == 201
    assert response.json()["provider_config"] == {"provider": "watsonx", **CAMEL}
    assert emulator.control.state()["models"][0]["provider_config"] == {"provider": "watsonx", **SNAKE}


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


# ---------------------------------------------------------------------------------------------
# Validation (api-contract §3, §4.3, §8)


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


def test_put_validates_like_post(http: httpx.Client) -> None:
    model_id = http.post("/v1/models", json=granite()).json()["id"]
    response = http.put(f"/v1/models/{model_id}", json=granite(provider_config={"bogus": 1}))
    assert_422(
        response, ["body", "provider_config", "bogus"], "Extra inputs are not permitted", "extra_forbidden"
    )


# ---------------------------------------------------------------------------------------------
# Model policies (api-contract §6)


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
