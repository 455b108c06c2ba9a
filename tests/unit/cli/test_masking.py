"""cli.masking: the value of every secret key, in any spelling and at any depth, is hidden; the
rule is the one ``export`` follows (specs/export.py), checked here spelling by spelling."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pulumi_wxo.cli.masking import MAX_DEPTH, SECRET_MARKER, is_secret_spelling, mask_secrets
from pulumi_wxo.schema import SECRET_ALIASES, SECRET_FIELDS
from pulumi_wxo.specs import export_model

pytestmark = pytest.mark.unit


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


SPELLINGS = sorted(SECRET_FIELDS | SECRET_ALIASES | {_camel(f) for f in SECRET_FIELDS})


def test_every_spelling_of_every_secret_field_is_secret() -> None:
    assert "apiKey" in SPELLINGS and "api_key" in SPELLINGS  # api_key has no API alias
    assert [key for key in SPELLINGS if not is_secret_spelling(key)] == []
    for plain in ("name", "custom_host", "customHost", "watsonx_space_id", "private_key_id", "api_keys"):
        assert not is_secret_spelling(plain), plain


@pytest.mark.parametrize("key", [*SPELLINGS, "custom_host", "customHost", "watsonxSpaceId", "region"])
def test_list_hides_exactly_what_export_never_writes(key: str) -> None:
    """The same rule as export: a key export turns into a placeholder is a key list masks."""
    obj = {"name": "virtual-model/openai/gpt-4o", "provider_config": {key: "value-0042"}}
    hidden_by_export = "value-0042" not in str(export_model(obj).document)
    assert is_secret_spelling(key) is hidden_by_export
    masked = mask_secrets(obj)["provider_config"][key]
    assert masked == (SECRET_MARKER if hidden_by_export else "value-0042")


def test_secrets_are_masked_at_any_depth_in_objects_and_lists() -> None:
    service_account = {"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE"}
    answer: dict[str, Any] = {
        "name": "virtual-model/vertex-ai/gemini",
        "provider_config": {"vertexServiceAccountJson": service_account, "vertexRegion": "us"},
        "config": {"nested": [{"awsSecretAccessKey": "aws-0042"}, {"apiKey": None}]},
        "tags": ["api_key"],  # a value, not a key: shown
    }
    masked = mask_secrets(answer)
    assert masked == {
        "name": "virtual-model/vertex-ai/gemini",
        "provider_config": {"vertexServiceAccountJson": SECRET_MARKER, "vertexRegion": "us"},
        "config": {"nested": [{"awsSecretAccessKey": SECRET_MARKER}, {"apiKey": None}]},
        "tags": ["api_key"],
    }
    assert answer["provider_config"]["vertexServiceAccountJson"] is service_account  # a copy was masked
    assert "PRIVATE KEY" not in repr(masked) and "aws-0042" not in repr(masked)


def test_what_is_nested_too_deep_to_search_is_not_shown() -> None:
    deep: Any = {"api_key": "deep-0042"}
    for _ in range(MAX_DEPTH + 5):
        deep = {"x": [deep]}
    text = repr(mask_secrets(deep))
    assert "deep-0042" not in text and "api_key" not in text
    assert text.count(SECRET_MARKER) == 1
    assert len(re.findall(r"'x'", text)) <= MAX_DEPTH
