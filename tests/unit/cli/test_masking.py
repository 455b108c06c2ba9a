"""cli.masking: the value of every credential key, by meaning, in any spelling and at any depth,
is hidden; the rule (``schema.is_secret_key``) is the one ``export`` follows (specs/export.py),
checked here key by key."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pulumi_wxo.cli.masking import MAX_DEPTH, SECRET_MARKER, mask_secrets
from pulumi_wxo.schema import SECRET_ALIASES, SECRET_FIELDS, is_secret_key, secret_field_of
from pulumi_wxo.specs import export_model

pytestmark = pytest.mark.unit


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def _variants(key: str) -> set[str]:
    """``key`` in other cases, separators and spacing."""
    snake = "_".join(w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", key))
    return {key, key.upper(), snake.replace("_", "-"), snake.replace("_", " ").title(), f" {key} ", f"{key} "}


SPELLINGS = sorted(
    {v for key in SECRET_FIELDS | SECRET_ALIASES | {_camel(f) for f in SECRET_FIELDS} for v in _variants(key)}
)
# Credentials under keys the schema does not know (a server may echo anything).
_UNKNOWN = ("password", "token", "privateKey", "secret", "clientSecret", "accessToken", "Authorization")
_UNKNOWN += ("x-api-key", "db_passwd", "session_token", "credentials", "api_keys", "bearer")
UNKNOWN_CREDENTIALS = sorted({v for key in _UNKNOWN for v in _variants(key)})
NOT_CREDENTIALS = ("name", "custom_host", "customHost", "watsonxSpaceId", "region", "private_key_id")
NOT_CREDENTIALS += ("max_tokens", "maxTokens", "eos_token", "pad_token", "tokenizer", "aws_auth_type")
NOT_CREDENTIALS += ("azureAuthMode", "secrets_resolved_by", "watsonx_cpd_username", "aws_s3_object_key")


def test_every_spelling_of_every_credential_is_secret() -> None:
    assert {"apiKey", "APIKEY", "API_KEY", "api-key", "Api Key", " api_key "} <= set(SPELLINGS)
    assert [key for key in SPELLINGS + UNKNOWN_CREDENTIALS if not is_secret_key(key)] == []
    assert [key for key in NOT_CREDENTIALS if is_secret_key(key)] == []
    # Any spelling of a schema field is that field; an unknown credential is no field.
    assert [k for k in SPELLINGS if secret_field_of(k) not in SECRET_FIELDS] == []
    assert [k for k in UNKNOWN_CREDENTIALS if secret_field_of(k) is not None] == []


@pytest.mark.parametrize("key", [*SPELLINGS, *UNKNOWN_CREDENTIALS, *NOT_CREDENTIALS])
def test_list_hides_exactly_what_export_never_writes(key: str) -> None:
    """The same rule as export: a key export never writes the value of is a key list masks."""
    obj = {"name": "virtual-model/openai/gpt-4o", "provider_config": {key: "value-0042"}}
    hidden_by_export = "value-0042" not in str(export_model(obj).document)
    assert is_secret_key(key) is hidden_by_export
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
