"""specs.names: stable resource names and suggested secret config keys."""

from __future__ import annotations

import pytest

from pulumi_wxo.specs import resource_name, secret_config_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("virtual-model/openai/gpt-4o", "openai-gpt-4o"),
        ("virtual-model/watsonx/ibm/granite-3-3-8b-instruct", "watsonx-ibm-granite-3-3-8b-instruct"),
        ("virtual-policy/anygem", "anygem"),
        ("virtual-model/ollama/llama3:8b", "ollama-llama3-8b"),
    ],
)
def test_resource_names_are_stable(name: str, expected: str) -> None:
    assert resource_name(name) == expected


@pytest.mark.parametrize(
    ("name", "field", "expected"),
    [
        ("virtual-model/openai/gpt-4o", "api_key", "openaiApiKey"),
        ("virtual-model/azure-openai/gpt-4o", "api_key", "azureOpenaiApiKey"),
        ("virtual-model/watsonx/ibm/g", "watsonx_cpd_password", "watsonxCpdPassword"),
        ("virtual-model/bedrock/claude", "aws_secret_access_key", "bedrockAwsSecretAccessKey"),
    ],
)
def test_secret_config_keys(name: str, field: str, expected: str) -> None:
    assert secret_config_key(name, field) == expected
