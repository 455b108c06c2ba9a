"""The one walker over the schema's annotations, and each consumer's spelling of its description."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from pulumi_wxo.resources import CONNECTION, MODEL, POLICY
from pulumi_wxo.resources.types import (
    TypeRef,
    describe,
    doc_name,
    has_secrets,
    is_secret,
    python_input,
    python_output,
    schema_type,
)
from pulumi_wxo.schema import PolicyNode, PolicyTarget, ProviderConfig

pytestmark = pytest.mark.unit

TOKENS = {ProviderConfig: "wxo:index:ProviderConfig", PolicyTarget: "wxo:index:PolicyTarget", PolicyNode: "x"}


def test_optional_scalars_lists_and_maps() -> None:
    assert describe(str | None) == TypeRef("scalar", scalar=str, optional=True)
    ref = describe(list[str] | None)
    assert (ref.kind, ref.parts[0].scalar, ref.optional) == ("list", str, True)
    assert python_input(ref) == "pulumi.Input[Sequence[str]]"
    assert python_input(ref, deep=True) == "pulumi.Input[Sequence[pulumi.Input[str]]]"
    assert python_output(ref, always=True) == "list[str]"
    assert python_output(ref, always=False) == "list[str] | None"
    assert schema_type(ref, TOKENS) == {"type": "array", "items": {"type": "string"}}
    assert doc_name(describe(dict[str, float])) == "dict[str, float]"
    assert schema_type(describe(dict[str, float]), TOKENS) == {
        "type": "object",
        "additionalProperties": {"type": "number"},
    }


def test_literals_and_unions_of_unlike_types() -> None:
    lit = describe(Literal["a", "b"])
    assert python_input(lit) == 'pulumi.Input[Literal["a", "b"]]'
    assert python_output(lit, always=True) == "str"
    assert schema_type(lit, TOKENS) == {"type": "string"}
    assert doc_name(lit) == '`"a"` \\| `"b"`'
    mixed = describe(str | dict[str, Any] | None)
    assert python_input(mixed) == "pulumi.Input[str] | pulumi.Input[Mapping[str, Any]]"
    assert python_output(mixed, always=False) == "Any"
    assert schema_type(mixed, TOKENS) == {"$ref": "pulumi.json#/Any"}
    with pytest.raises(TypeError, match="no type description"):
        describe(bytes)


def test_a_policy_target_is_one_object_of_two_models() -> None:
    targets = describe(POLICY.field("targets").annotation)
    assert targets.kind == "list"
    assert targets.parts[0] == TypeRef("object", models=(PolicyTarget, PolicyNode))
    assert schema_type(targets, TOKENS) == {
        "type": "array",
        "items": {"$ref": "#/types/wxo:index:PolicyTarget"},
    }
    assert doc_name(targets) == "list[PolicyTarget \\| PolicyNode]"


def test_objects_name_their_input_type_and_secrets_come_from_the_mark() -> None:
    info = MODEL.field("provider_config")
    ref = describe(info.annotation)
    assert python_input(ref, objects=lambda m: f"{m.__name__}Input") == "pulumi.Input[ProviderConfigInput]"
    assert python_output(ref, always=True) == "dict[str, Any]"
    assert has_secrets(ref) and not is_secret(info)
    assert is_secret(ProviderConfig.model_fields["api_key"])
    assert not has_secrets(describe(MODEL.field("config").annotation))


def test_a_mapping_of_objects_with_credentials_has_secrets() -> None:
    # environments: {"draft": EnvironmentConfig, ...}, whose credentials are secret.
    assert has_secrets(describe(CONNECTION.field("environments").annotation))
    assert not has_secrets(describe(CONNECTION.field("server_url").annotation))
