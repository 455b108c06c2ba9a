"""Server objects checked before they are read: the error names the object and the field."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo import schema as s
from pulumi_wxo.api.errors import ServerObjectError, WxoError
from pulumi_wxo.schema.bounds import MAX_DEPTH
from pulumi_wxo.schema.server_objects import (
    check_policy,
    id_problem,
    object_id,
    policy_targets,
)

pytestmark = pytest.mark.unit

NAME = "virtual-model/openai/gpt-4o"
POLICY = "virtual-policy/route"


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("tags", 5, "is a number, expected an array of strings"),
        ("tags", ["ok", 3], "holds an item that is not a string"),
        ("config", "abc", "is a string, expected an object"),
        ("provider_config", ["x"], "is an array, expected an object"),
        ("providerConfig", 1.5, "is a number, expected an object"),
        ("display_name", {"a": 1}, "is an object, expected a string"),
        ("model_type", True, "is a boolean, expected a string"),
        ("id", 42, "is a number, expected a string"),
    ],
)
def test_a_model_field_of_the_wrong_shape_is_named(field: str, value: object, reason: str) -> None:
    with pytest.raises(ServerObjectError) as info:
        s.normalize_model({"id": "m-1", "name": NAME, field: value})
    err = info.value
    assert isinstance(err, WxoError)
    assert (err.kind, err.name, err.field) == ("model", NAME, field)
    assert str(err).startswith(
        f"read model '{NAME}': the server's model '{NAME}' has an unusable field '{field}'"
    )
    assert reason in str(err)
    assert "wxo:url" in str(err)  # what to check


def test_values_are_described_by_type_never_echoed() -> None:
    with pytest.raises(ServerObjectError) as info:
        s.normalize_model({"id": "m-1", "name": NAME, "config": "sk-echoed-SECRET-55"})
    assert "sk-echoed-SECRET-55" not in str(info.value)


def test_a_model_nested_too_deep_or_not_finite_is_refused_before_any_recursion() -> None:
    assert s.normalize_model({"id": "m-1", "name": NAME, "config": {"response_format": nested(20)}})
    with pytest.raises(ServerObjectError) as info:
        s.normalize_model({"id": "m-1", "name": NAME, "config": nested(5000)})
    assert info.value.field.startswith("config.k.k")  # the path where the limit is reached
    assert f"nested deeper than {MAX_DEPTH} levels" in str(info.value)
    with pytest.raises(ServerObjectError) as nan:  # Python's json reads NaN and Infinity
        s.normalize_model({"id": "m-1", "name": NAME, "config": {"temperature": float("nan")}})
    assert (nan.value.field, nan.value.reason) == ("config.temperature", "must be a finite number")


def test_a_model_object_that_is_not_an_object() -> None:
    with pytest.raises(ServerObjectError) as info:
        s.normalize_model(["not", "an", "object"])  # type: ignore[arg-type]
    assert (info.value.name, info.value.field) == ("?", "(object)")


def test_a_well_formed_model_still_normalises() -> None:
    norm = s.normalize_model({"id": "m-1", "name": NAME, "tags": None, "config": None})
    assert (norm["id"], norm["tags"], norm["config"]) == ("m-1", [], {})
    # An id unusable in a path can still be read (and listed); the path rule is object_id's.
    assert s.normalize_model({"id": "..", "name": NAME})["id"] == ".."


@pytest.mark.parametrize(
    ("obj", "field", "reason"),
    [
        ({"policy": "abc"}, "policy", "is a string, expected an object"),
        ({"policy": {"targets": 5}}, "policy.targets", "is a number, expected an array"),
        ({"policy": {"strategy": 7}}, "policy.strategy", "is a number, expected an object or a string"),
        ({"policy": {"retry": []}}, "policy.retry", "is an array, expected an object"),
        ({"policy": {"targets": [5]}}, "policy.targets[0]", "is a number, expected an object"),
        ({"policy": {"targets": [{"model_name": 5}]}}, "policy.targets[0].model_name", "expected a string"),
        (
            {"policy": {"targets": [{"strategy": {"mode": "single"}, "targets": "x"}]}},
            "policy.targets[0].targets",
            "is a string, expected an array",
        ),
        ({"name": 5}, "name", "is a number, expected a string"),
    ],
)
def test_a_policy_field_of_the_wrong_shape_is_named(obj: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(ServerObjectError) as info:
        s.normalize_policy({"id": "p-1", "name": POLICY, **obj})
    err = info.value
    assert (err.kind, err.field) == ("policy", field)
    assert err.name == (POLICY if field != "name" else "id p-1")
    assert reason in str(err)


def test_policy_targets_nested_too_deep_are_refused() -> None:
    deep: Any = [{"model_name": NAME}]
    for _ in range(100):
        deep = [{"strategy": {"mode": "single"}, "targets": deep}]
    with pytest.raises(ServerObjectError) as info:
        check_policy({"id": "p-1", "name": POLICY, "policy": {"targets": deep}}, s.PolicySpec)
    assert "nested deeper than" in str(info.value)


def test_policy_targets_of_a_good_policy() -> None:
    obj = {"id": "p-1", "name": POLICY, "policy": {"targets": [{"model_name": NAME}]}}
    assert policy_targets(obj) == [{"model_name": NAME}]
    assert policy_targets({"name": POLICY}) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "is missing"),
        ("", "is empty"),
        (".", "a dot segment"),
        ("..", "a dot segment"),
        ("a/b", "path separator"),
        ("a\\b", "path separator"),
        ("a\x00b", "'a\\x00b' contains a control character"),
        ("x" * 257, "257 characters long (at most 256)"),
        (["m-1"], "is an array, expected a string"),
    ],
)
def test_ids_that_cannot_go_into_a_path(value: object, problem: str) -> None:
    assert problem in (id_problem(value) or "")


@pytest.mark.parametrize(
    "value", ["m-1", "5f0c2a9e-6f8e-4b7a-9d1c-0c8f3e2b1a77", "a.b", "...", "x" * 256, "%2e%2e"]
)
def test_ids_that_can(value: str) -> None:
    assert id_problem(value) is None


def test_object_id_names_the_object() -> None:
    assert object_id("model", {"id": "m-1"}) == "m-1"
    with pytest.raises(ServerObjectError) as info:
        object_id("model", {"name": NAME}, action=f"adopt model '{NAME}'")
    assert str(info.value).startswith(
        f"adopt model '{NAME}': the server's model '{NAME}' has an unusable field 'id'"
    )


def test_the_checked_fields_are_the_specs() -> None:
    from pulumi_wxo.schema.server_objects import _POLICY_INNER, model_shapes, policy_shapes

    model = model_shapes(s.ModelSpec)
    assert list(model)[: len(s.ModelSpec.model_fields)] == list(s.ModelSpec.model_fields)
    assert model["tags"] == "strings" and model["config"] == "object" and model["name"] == "string"
    # The routing rule's fields are checked under `policy`, the others at the top.
    assert set(_POLICY_INNER) == set(s.PolicyNode.model_fields)
    top = set(s.PolicySpec.model_fields) - set(s.PolicyNode.model_fields)
    assert policy_shapes(s.PolicySpec) == {**dict.fromkeys(sorted(top), "string"), "policy": "object"}


def test_a_field_added_to_the_spec_is_checked_in_server_objects() -> None:
    from pydantic import create_model

    from pulumi_wxo.schema.server_objects import check_model

    wider = create_model("Wider", __base__=s.ModelSpec, region=(str | None, None))
    with pytest.raises(ServerObjectError, match="region"):
        check_model({"id": "m", "name": "virtual-model/openai/x", "region": 5}, wider)
    check_model({"id": "m", "name": "virtual-model/openai/x", "region": 5}, s.ModelSpec)
