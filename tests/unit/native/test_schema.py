"""The plugin's package schema (the committed schema.json, versioned) against the one pydantic
schema, field by field (no hard-coded copy); tests/unit/test_generated.py checks it is current."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from pulumi_wxo.api.settings import SOURCES
from pulumi_wxo.model import MODEL_OUTPUTS
from pulumi_wxo.model_policy import POLICY_OUTPUTS
from pulumi_wxo.native import schema as native_schema
from pulumi_wxo.native.schema import MODEL_TOKEN, POLICY_TOKEN, schema, semver
from pulumi_wxo.resources import MODEL, POLICY, RESOURCES
from pulumi_wxo.schema import (
    MODEL_DIFF_FIELDS,
    MODEL_REPLACE_FIELDS,
    POLICY_DIFF_FIELDS,
    POLICY_REPLACE_FIELDS,
    SECRET_FIELDS,
    ModelSpec,
    PolicySpec,
    ProviderConfig,
)

SCHEMA = schema()
TYPES = {token: models for res in RESOURCES for token, models in res.types.items()}


def _resolve(prop: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref", "")
    if ref.startswith("#/types/"):
        resolved: dict[str, Any] = SCHEMA["types"][ref.removeprefix("#/types/")]
        return resolved
    return prop


def _check_field(prop: dict[str, Any], field: Any, where: str) -> None:
    """One schema property against its pydantic field: description, secret mark, type kind."""
    if field.description:
        assert prop["description"] == field.description, where
    secret = isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("secret") is True
    assert prop.get("secret", False) is secret, where
    annotation = typing.get_args(field.annotation) or (field.annotation,)
    kinds = {a for a in annotation if a is not type(None)}
    if kinds <= {str}:
        assert prop["type"] == "string", where
    elif kinds <= {int}:
        assert prop["type"] == "integer", where
    elif kinds <= {bool}:
        assert prop["type"] == "boolean", where
    elif len(kinds) == 1 and isinstance(next(iter(kinds)), type) and issubclass(next(iter(kinds)), BaseModel):
        assert _resolve(prop)["type"] == "object", where


@pytest.mark.parametrize(
    ("token", "spec", "fields"),
    [(MODEL_TOKEN, ModelSpec, MODEL_DIFF_FIELDS), (POLICY_TOKEN, PolicySpec, POLICY_DIFF_FIELDS)],
)
def test_every_resource_field_is_an_input_and_an_output(
    token: str, spec: type[BaseModel], fields: tuple[str, ...]
) -> None:
    res = SCHEMA["resources"][token]
    assert set(spec.model_fields) == set(fields)
    for name, field in spec.model_fields.items():
        _check_field(res["inputProperties"][name], field, f"{token}.{name}")
        _check_field(res["properties"][name], field, f"{token}.{name} (output)")
    required = [n for n, f in spec.model_fields.items() if f.is_required()]
    assert res["requiredInputs"] == required


def test_control_inputs_and_computed_outputs_follow_the_lifecycle() -> None:
    model = SCHEMA["resources"][MODEL_TOKEN]
    policy = SCHEMA["resources"][POLICY_TOKEN]
    assert set(model["inputProperties"]) == set(MODEL_DIFF_FIELDS) | MODEL.control_inputs
    assert set(policy["inputProperties"]) == set(POLICY_DIFF_FIELDS) | POLICY.control_inputs
    # Outputs: what the dynamic resources declare (owner_tag is in state under both hosts).
    assert set(model["properties"]) == set(MODEL_OUTPUTS) | {"owner_tag"}
    assert set(model["properties"]) == (
        set(MODEL_DIFF_FIELDS)
        | (MODEL.control_inputs - {"owner", "owner_stack", "program_models"})
        | set(MODEL.computed_outputs)
    )
    assert set(policy["properties"]) == set(POLICY_OUTPUTS)
    assert set(policy["properties"]) >= set(POLICY.computed_outputs)
    for res in (model, policy):
        assert set(res["required"]) <= set(res["properties"])
        for prop in [*res["inputProperties"].values(), *res["properties"].values()]:
            assert prop.get("description"), prop


def test_name_and_only_name_replaces() -> None:
    assert SCHEMA["resources"][MODEL_TOKEN]["replaceOnChanges"] == sorted(MODEL_REPLACE_FIELDS)
    assert SCHEMA["resources"][POLICY_TOKEN]["replaceOnChanges"] == sorted(POLICY_REPLACE_FIELDS)


def test_provider_config_type_has_every_field_and_marks_exactly_the_secrets() -> None:
    props = SCHEMA["types"]["wxo:index:ProviderConfig"]["properties"]
    assert list(props) == list(ProviderConfig.model_fields)
    assert {n for n, p in props.items() if p.get("secret")} == SECRET_FIELDS
    for name, field in ProviderConfig.model_fields.items():
        _check_field(props[name], field, f"provider_config.{name}")


def test_every_object_type_has_the_fields_of_its_models() -> None:
    for token, models in TYPES.items():
        props = SCHEMA["types"][token]["properties"]
        assert set(props) == {n for m in models for n in m.model_fields}, token
        for model in models:
            for name, field in model.model_fields.items():
                _check_field(props[name], field, f"{token}.{name}")


def test_provider_config_keys_are_the_stack_config_keys_with_their_environment_fallback() -> None:
    variables = SCHEMA["config"]["variables"]
    inputs = SCHEMA["provider"]["inputProperties"]
    assert variables == inputs
    for _attr, key, env, kind in SOURCES:
        prop = variables[key.removeprefix("wxo:")]
        assert prop["defaultInfo"] == {"environment": [env]}
        assert prop.get("secret", False) is (kind == "secret"), key
        assert key in prop["description"] and env in prop["description"]
    assert {"instanceAliases", "moveInstance", "snapshotMaxAge"} <= set(variables)
    assert {k for k, p in variables.items() if p.get("secret")} == {"apiKey", "token", "password"}


def test_language_sections_name_the_generated_packages() -> None:
    assert SCHEMA["name"] == "wxo"
    assert SCHEMA["language"]["go"]["importBasePath"].endswith("/sdk/go/wxo")
    assert SCHEMA["language"]["nodejs"]["packageName"]


# The Python language host's own cases (pulumi-language-python main_test.go): the engine asks
# for the plugin version it derives, so the plugin must report the same.
@pytest.mark.parametrize(
    ("pep440", "expected"),
    [
        ("0.2.0.dev0", "0.2.0+dev0"),
        ("0.2.0", "0.2.0"),
        ("0.1", "0.1.0"),
        ("1.2.3.dev456", "1.2.3+dev456"),
        ("0.3.0b8", "0.3.0-beta.8"),
        ("1.0.0a1", "1.0.0-alpha.1"),
        ("1.0.0rc2", "1.0.0-rc.2"),
        ("3.2.post1.dev0", "3.2.0+post1dev0"),
        ("0+unknown", "0.0.0+unknown"),
        ("1!2.0", "0.0.0+unknown"),
    ],
)
def test_semver(pep440: str, expected: str) -> None:
    assert semver(pep440) == expected


def test_version_is_the_package_version() -> None:
    from pulumi_wxo import __version__

    assert SCHEMA["version"] == semver(__version__)
    assert list(SCHEMA)[:3] == ["name", "displayName", "version"]


def test_the_committed_file_carries_no_version_and_ships_as_package_data() -> None:
    from importlib.resources import files
    from pathlib import Path

    stored = json.loads(files("pulumi_wxo.native").joinpath("schema.json").read_text(encoding="utf-8"))
    assert "version" not in stored
    assert {k: v for k, v in SCHEMA.items() if k != "version"} == stored
    pyproject = (Path(__file__).resolve().parents[3] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"native/schema.json"' in pyproject


def test_main_prints_the_schema_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert native_schema.main() == 0
    assert json.loads(capsys.readouterr().out) == SCHEMA
