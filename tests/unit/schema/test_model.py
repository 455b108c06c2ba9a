"""schema.model: validation rules, the API body, normalisation of API objects."""

from __future__ import annotations

import math

import pytest

from pulumi_wxo import schema as s
from tests.unit.schema.support import WATSONX
from tests.unit.schema.support import model_failures as paths

pytestmark = pytest.mark.unit


def test_unknown_keys_get_did_you_mean_everywhere() -> None:
    got = paths(
        {
            **WATSONX,
            "provider_config": {**WATSONX["provider_config"], "watsonx_spaceid": "x"},  # type: ignore[dict-item]
            "config": {"temprature": 0.1, "custom_host": "h"},
            "dispaly_name": "x",
        }
    )
    assert got["provider_config.watsonx_spaceid"] == "unknown field (did you mean 'watsonx_space_id'?)"
    assert got["config.temprature"] == "unknown field (did you mean 'temperature'?)"
    assert got["config.custom_host"] == "unknown field (it belongs in provider_config)"
    assert got["dispaly_name"] == "unknown field (did you mean 'display_name'?)"


def test_inference_parameters_in_provider_config_are_pointed_to_config() -> None:
    got = paths({**WATSONX, "provider_config": {**WATSONX["provider_config"], "temperature": 0.2}})  # type: ignore[dict-item]
    assert got["provider_config.temperature"] == "unknown field (inference parameters belong in config)"


@pytest.mark.parametrize(
    ("cfg", "path", "needle"),
    [
        ({"temperature": 5.0}, "config.temperature", "less than or equal to 2"),
        ({"temperature": -0.1}, "config.temperature", "greater than or equal to 0"),
        ({"top_p": 1.5}, "config.top_p", "less than or equal to 1"),
        ({"max_tokens": 0.0}, "config.max_tokens", "greater than 0"),
        ({"max_tokens": 10.5}, "config.max_tokens", "fractional part"),
        ({"n": 0.0}, "config.n", "greater than or equal to 1"),
        ({"presence_penalty": 3.0}, "config.presence_penalty", "less than or equal to 2"),
        ({"decoding_method": "beam"}, "config.decoding_method", "'greedy' or 'sample'"),
    ],
)
def test_numeric_and_enum_bounds(cfg: dict[str, object], path: str, needle: str) -> None:
    got = paths({**WATSONX, "config": cfg})
    assert needle in got[path]


@pytest.mark.parametrize(
    ("props", "path", "needle"),
    [
        ({"name": "openai/gpt-4o"}, "provider_config.api_key", "is required for provider 'openai'"),
        (
            {"name": "watsonx/ibm/granite", "provider_config": {"api_key": "k"}},
            "provider_config.watsonx_space_id",
            "one of watsonx_space_id, watsonx_project_id or watsonx_deployment_id",
        ),
        ({"name": "ollama/llama3"}, "provider_config.custom_host", "is required for provider 'ollama'"),
        (
            {"name": "bedrock/claude", "provider_config": {"aws_access_key_id": "a"}},
            "provider_config.api_key",
            "both aws_access_key_id and aws_secret_access_key",
        ),
        (
            {"name": "azure-openai/gpt-4o", "provider_config": {"api_key": "k"}},
            "provider_config.azure_resource_name",
            "is required for provider 'azure-openai'",
        ),
        ({"name": "openai-oauth2-client-creds/gpt"}, "connection_id", "oauth2 connection_id"),
    ],
)
def test_required_provider_fields(props: dict[str, object], path: str, needle: str) -> None:
    assert needle in paths(props)[path]


def test_connection_id_waives_required_fields() -> None:
    spec, fails = s.validate_model({"name": "watsonx/ibm/granite", "connection_id": "conn-1"})
    assert fails == [] and spec is not None


def test_bedrock_accepts_both_aws_keys() -> None:
    spec, fails = s.validate_model(
        {
            "name": "bedrock/claude",
            "provider_config": {"aws_access_key_id": "a", "aws_secret_access_key": "b"},
        }
    )
    assert fails == [] and spec is not None


def test_secret_values_never_appear_in_failures() -> None:
    secret = "sk-SECRET-value-9876"
    _, fails = s.validate_model(
        {
            "name": "openai/gpt",
            "provider_config": {"api_key": 42, "aws_session_token": secret, "bogus": secret},
        }
    )
    assert fails
    assert all(secret not in str(f) for f in fails)


def test_body_uses_camel_case_aliases_and_derived_provider() -> None:
    spec, _ = s.validate_model(
        {
            "name": "azure-openai/gpt-4o",
            "provider_config": {
                "api_key": "k",
                "azure_resource_name": "res",
                "azure_deployment_id": "dep",
                "azure_api_version": "2024-06-01",
                "custom_host": "https://h",
            },
            "tags": ["a"],
        }
    )
    assert spec is not None
    body = spec.to_api()
    assert body["provider_config"] == {
        "provider": "azure-openai",
        "api_key": "k",
        "resourceName": "res",
        "deploymentId": "dep",
        "apiVersion": "2024-06-01",
        "customHost": "https://h",
    }
    assert body["display_name"] == body["description"] == "virtual-model/azure-openai/gpt-4o"
    assert "connection_id" not in body and "config" not in body


def test_normalize_turns_camel_back_and_drops_server_fields() -> None:
    obj = {
        "id": "abc-123",
        "tenant_id": "t",
        "created_on": "2026-01-01T00:00:00Z",
        "name": "virtual-model/watsonx/openai/gpt-oss-120b",
        "provider_config": {
            "customHost": "https://us-south.ml.cloud.ibm.com",
            "watsonxSpaceId": "g",
            "provider": "watsonx",
        },
        "config": {"max_tokens": 1024.0},
    }
    norm = s.normalize_model(obj)
    assert norm["provider_config"] == {
        "custom_host": "https://us-south.ml.cloud.ibm.com",
        "watsonx_space_id": "g",
    }
    assert norm["provider"] == "watsonx" and norm["id"] == "abc-123"
    assert norm["display_name"] == norm["name"] and norm["model_type"] == "chat"
    assert norm["config"] == {"max_tokens": 1024}
    assert "tenant_id" not in norm and "created_on" not in norm


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "nan", "-Infinity"])
def test_non_finite_logit_bias_is_refused_naming_the_token(bad: object) -> None:
    got = paths({**WATSONX, "config": {"logit_bias": {"50256": bad}}})
    assert list(got) == ["config.logit_bias.50256"]
    assert "finite number" in got["config.logit_bias.50256"]


@pytest.mark.parametrize(
    ("props", "path"),
    [
        (
            {"provider_config": {"api_key": "k", "watsonx_space_id": "s", "cache": {"ttl": math.inf}}},
            "provider_config.cache.ttl",
        ),
        ({"config": {"response_format": {"max": -math.inf}}}, "config.response_format.max"),
        ({"config": {"metadata": {"team": math.nan}}}, "config.metadata.team"),
        ({"config": {"examples": [{"score": math.nan}]}}, "config.examples.0.score"),
    ],
)
def test_non_finite_numbers_anywhere_are_refused(props: dict[str, object], path: str) -> None:
    assert paths({**WATSONX, **props}) == {path: "must be a finite number"}


def test_deep_nesting_is_refused_and_the_other_rules_still_run() -> None:
    deep: object = "x"
    for _ in range(1000):
        deep = [deep]
    got = paths({**WATSONX, "config": {"response_format": {"d": deep}, "temperature": 9.0}, "extra": 1})
    assert got.pop("config.temperature").startswith("Input should be less than or equal to 2")
    assert got.pop("extra").startswith("unknown field")
    [(path, reason)] = got.items()
    assert path.startswith("config.response_format.d.0.0") and reason == "nested deeper than 32 levels"


def test_a_refused_credential_is_not_also_reported_missing() -> None:
    got = paths({**WATSONX, "provider_config": {**WATSONX["provider_config"], "api_key": math.nan}})  # type: ignore[dict-item]
    assert got == {"provider_config.api_key": "must be a finite number"}


def test_the_owner_tag_namespace_is_refused_in_user_tags() -> None:
    spec, fails = s.validate_model(
        {"name": "openai/gpt-4o", "provider_config": {"api_key": "k"}, "tags": ["pulumi-wxo-owner:0:1"]}
    )
    assert spec is None
    assert [f.path for f in fails] == ["tags"] and "evidence of ownership" in fails[0].reason
