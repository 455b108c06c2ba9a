"""schema.provider_config: API aliases, the shared-alias quirk, secret fields from their marks."""

from __future__ import annotations

import pytest

from pulumi_wxo import schema as s
from tests.unit.schema.support import model_failures as paths

pytestmark = pytest.mark.unit


def test_shared_alias_pair_is_refused() -> None:
    got = paths(
        {
            "name": "azure-ai/phi",
            "provider_config": {
                "api_key": "k",
                "azure_deployment_name": "a",
                "azure_inference_deployment_name": "b",
            },
        }
    )
    assert "azureDeploymentName" in got["provider_config.azure_deployment_name"]


def test_camel_case_inputs_are_accepted_as_snake() -> None:
    spec, fails = s.validate_model(
        {"name": "watsonx/ibm/granite", "provider_config": {"api_key": "k", "watsonxSpaceId": "sp"}}
    )
    assert fails == [] and spec is not None
    assert spec.effective()["provider_config"] == {"api_key": "k", "watsonx_space_id": "sp"}


def test_normalize_shared_alias_follows_the_declared_name() -> None:
    obj = {"name": "virtual-model/azure-ai/x", "provider_config": {"azureDeploymentName": "d"}}
    assert s.normalize_model(obj, prefer_keys=["azure_inference_deployment_name"])["provider_config"] == {
        "azure_inference_deployment_name": "d"
    }
    assert s.normalize_model(obj)["provider_config"] == {"azure_deployment_name": "d"}


def test_secret_field_list_covers_schema_marks() -> None:
    marked = {
        name
        for name, field in s.ProviderConfig.model_fields.items()
        if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("secret")
    }
    assert marked == set(s.SECRET_FIELDS)
    assert {s.PROVIDER_CONFIG_ALIASES[n] for n in s.SECRET_FIELDS} - {"api_key"} == set(s.SECRET_ALIASES)
    assert all(s.is_secret_key(k) for k in s.SECRET_ALIASES)
