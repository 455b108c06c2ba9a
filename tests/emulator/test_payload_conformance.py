"""The bodies our provider sends validate against IBM's own ADK pydantic types, and what the
ADK's client reads back from a model we created is what we declared."""

from __future__ import annotations

from typing import Any

import pytest
from ibm_watsonx_orchestrate_core.types.model_policies.types import ModelPolicy as AdkModelPolicy
from ibm_watsonx_orchestrate_core.types.models.types import ListVirtualModel, ProviderConfig, VirtualModel

from pulumi_wxo.schema import ProviderConfig as OurProviderConfig
from pulumi_wxo.schema import validate_model, validate_policy

pytestmark = pytest.mark.emulator

CASES: list[dict[str, Any]] = [
    {
        "name": "watsonx/ibm/granite-3-3-8b-instruct",
        "display_name": "Granite",
        "tags": ["ibm"],
        "provider_config": {
            "api_key": "k",
            "watsonx_space_id": "s",
            "custom_host": "https://us-south.ml.cloud.ibm.com",
        },
        "config": {"max_tokens": 2048.0, "temperature": 0.2},
    },
    {
        "name": "azure-openai/gpt-4o",
        "provider_config": {
            "api_key": "k",
            "azure_resource_name": "r",
            "azure_deployment_id": "d",
            "azure_api_version": "2024-06-01",
            "azure_model_name": "gpt-4o",
        },
    },
    {
        "name": "bedrock/anthropic.claude",
        "model_type": "chat_vision",
        "provider_config": {
            "aws_access_key_id": "a",
            "aws_secret_access_key": "b",
            "aws_region": "us-east-1",
        },
    },
    {
        "name": "vertex-ai/gemini",
        "provider_config": {"vertex_service_account_json": {"type": "service_account"}},
    },
    {"name": "anthropic/claude-3-7-sonnet", "connection_id": "conn-1", "config": {"max_tokens": 4096}},
]


@pytest.mark.parametrize("props", CASES, ids=lambda p: p["name"])
def test_our_model_body_validates_against_the_adk_types(props: dict[str, Any]) -> None:
    spec, fails = validate_model(props)
    assert spec is not None, fails
    body = spec.to_api()
    adk = VirtualModel.model_validate(body)
    # Every provider_config key we send maps to the same ADK field (camelCase aliases).
    pc = ProviderConfig.model_validate(body["provider_config"])
    ours = spec.provider_config.model_dump(exclude_none=True, by_alias=False) if spec.provider_config else {}
    assert {k: v for k, v in pc.model_dump(exclude_none=True).items() if k != "provider"} == ours
    assert pc.provider == spec.provider
    assert adk.name == spec.name and adk.display_name == body["display_name"]
    assert adk.model_dump(exclude_none=True)["model_type"] == body["model_type"]


def test_every_adk_provider_config_field_is_in_our_schema_with_the_same_alias() -> None:
    theirs = {n: (f.alias or n) for n, f in ProviderConfig.model_fields.items() if n != "provider"}
    ours = {n: (f.alias or n) for n, f in OurProviderConfig.model_fields.items()}
    assert theirs == ours


def test_our_policy_body_validates_against_the_adk_types() -> None:
    spec, fails = validate_policy(
        {
            "name": "anygem",
            "strategy": {"mode": "fallback", "on_status_codes": [503]},
            "retry": {"attempts": 2},
            "targets": [
                {"model_name": "google/gemini-2.0-flash"},
                {"strategy": "loadbalance", "targets": [{"model_name": "google/a", "weight": 0.5}]},
            ],
        }
    )
    assert spec is not None, fails
    adk = AdkModelPolicy.model_validate(spec.to_api())
    assert adk.name == "virtual-policy/anygem"
    assert adk.policy.strategy.mode.value == "fallback"


def test_adk_reads_back_what_our_provider_created(emulator: Any) -> None:
    import httpx

    spec, _ = validate_model(CASES[0])
    assert spec is not None
    with httpx.Client(
        timeout=30, base_url=f"{emulator.url}/v1", headers={"Authorization": "Bearer test-token"}
    ) as raw:
        raw.post("/models", json=spec.to_api()).raise_for_status()
        [obj] = raw.get("/models", params={"name": spec.name}).json()
    listed = ListVirtualModel.model_validate(obj)
    assert listed.provider_config is not None
    assert listed.provider_config.watsonx_space_id == "s"
    assert listed.provider_config.custom_host == "https://us-south.ml.cloud.ibm.com"
