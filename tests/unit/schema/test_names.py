"""schema.names: model names (prefix, provider segment) and model types."""

from __future__ import annotations

import pytest

from pulumi_wxo import schema as s
from tests.unit.schema.support import WATSONX
from tests.unit.schema.support import model_failures as paths

pytestmark = pytest.mark.unit


def test_name_gets_prefix_and_provider_is_derived() -> None:
    spec, fails = s.validate_model(WATSONX)
    assert fails == [] and spec is not None
    assert spec.name == "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
    assert spec.provider == "watsonx"


def test_prefixed_name_is_kept() -> None:
    spec, _ = s.validate_model({**WATSONX, "name": "virtual-model/watsonx/ibm/granite"})
    assert spec is not None and spec.name == "virtual-model/watsonx/ibm/granite"


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        (
            "openia/gpt-4o",
            "unknown provider 'openia' in 'virtual-model/openia/gpt-4o' (did you mean 'openai'?)",
        ),
        ("virtual-model/openai", "must look like virtual-model/<provider>/<model>"),
        ("   ", "must not be empty"),
        ("virtual-model//gpt", "must look like virtual-model/<provider>/<model>"),
    ],
)
def test_bad_names_name_the_field(name: str, needle: str) -> None:
    got = paths({"name": name, "provider_config": {"api_key": "k"}})
    assert needle in got["name"]


def test_model_type_enum() -> None:
    got = paths({**WATSONX, "model_type": "chatbot"})
    assert "model_type" in got and "'chat'" in got["model_type"] and "'embedding'" in got["model_type"]
