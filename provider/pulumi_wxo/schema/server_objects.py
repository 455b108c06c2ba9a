"""Objects as the server returns them, checked before anything reads them.

A GET answer is untrusted input: ``normalize_model`` and ``normalize_policy`` call
:func:`check_model` / :func:`check_policy` first, so that ``tags: 5``, ``config: "abc"`` or a
policy nested a thousand levels deep becomes a
:class:`~pulumi_wxo.errors.ServerObjectError` naming the object (kind and name) and the
field, not a ``TypeError`` or a ``RecursionError``. :func:`id_problem` is the rule for an id
that goes into a URL path (``PUT``/``DELETE {collection}/{id}``): ``.`` and ``..`` would send the
request to the collection or above it, ``/`` to another path. Field shapes are those of
api-contract §2.1 (models) and §6 (policies); nesting and numbers are bounded as declared inputs
are (schema/bounds.py, so that what reaches the state can be diffed). Values are described by
their JSON type only, never echoed, since they may hold secrets.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from pulumi_wxo.errors import ServerObjectError
from pulumi_wxo.schema.bounds import input_failures
from pulumi_wxo.schema.targets import iter_targets

__all__ = [
    "MAX_ID_LENGTH",
    "check_model",
    "check_policy",
    "id_problem",
    "model_shapes",
    "object_id",
    "object_name",
    "policy_shapes",
    "policy_targets",
    "shown_text",
]

#: Ids are uuids (api-contract §2.1); anything much longer is not an id.
MAX_ID_LENGTH = 256


def _shape(annotation: Any) -> str | None:
    """The JSON shape of a spec field's type (``None`` dropped): a string for ``str`` or a
    choice of strings, ``strings`` for ``list[str]``, an object for a nested model; None else."""
    kept = [annotation]
    if get_origin(annotation) in (Union, UnionType):
        kept = [a for a in get_args(annotation) if a is not type(None)]
    if len(kept) != 1:
        return None
    kind = kept[0]
    if kind is str or get_origin(kind) is Literal:
        return "string"
    if get_origin(kind) is list and get_args(kind) == (str,):
        return "strings"
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return "object"
    return None


def _shapes(spec: type[BaseModel], *, without: Iterable[str] = ()) -> dict[str, str]:
    """Field -> expected JSON shape, for each field of the spec (in its order) but ``without``."""
    left_out = set(without)
    return {
        name: shape
        for name, info in spec.model_fields.items()
        if name not in left_out and (shape := _shape(info.annotation)) is not None
    }


# The routing rule as the server holds it, under ``policy`` (api-contract §6): a strategy may be
# a bare mode, a cache is an object. Its keys are the fields of PolicyNode (a unit test holds it).
_POLICY_INNER: dict[str, str] = {
    "strategy": "object or string",
    "retry": "object",
    "cache": "object",
    "targets": "array",
}


@cache
def model_shapes(spec: type[BaseModel]) -> dict[str, str]:
    """Field -> expected JSON shape of a model object: the spec's fields, and what only the
    server sends (the provider it derives from the name, provider_config under its camelCase
    name, api-contract §2.1). Absent or null fields are fine (the normalisers default them)."""
    return {**_shapes(spec), "provider": "string", "providerConfig": "object"}


@cache
def policy_shapes(spec: type[BaseModel]) -> dict[str, str]:
    """The same of a policy object: the spec's fields but the routing rule's, which the API
    nests under ``policy`` (:data:`_POLICY_INNER`)."""
    return {**_shapes(spec, without=_POLICY_INNER), "policy": "object"}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


_EXPECTED = {
    "string": "a string",
    "strings": "an array of strings",
    "object": "an object",
    "object or string": "an object or a string",
    "array": "an array",
}


def _mismatch(value: object, shape: str) -> str:
    if shape == "strings" and isinstance(value, list | tuple):
        return "holds an item that is not a string, expected an array of strings"
    return f"is {_json_type(value)}, expected {_EXPECTED[shape]}"


def _fits(value: object, shape: str) -> bool:
    is_object = isinstance(value, Mapping)
    is_array = isinstance(value, Sequence) and not isinstance(value, str | bytes)
    if shape == "string":
        return isinstance(value, str)
    if shape == "strings":
        return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    if shape == "object":
        return is_object
    if shape == "object or string":
        return is_object or isinstance(value, str)
    return is_array  # "array"


def shown_text(text: str, limit: int = 200) -> str:
    """Text fit for a message: control characters escaped, long text cut."""
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return "".join(c if unicodedata.category(c) != "Cc" else ascii(c)[1:-1] for c in text)


def object_name(obj: Mapping[str, Any]) -> str:
    """What a message calls the object: its name, else its id, else ``?``."""
    name = obj.get("name")
    if isinstance(name, str) and name:
        return shown_text(name)
    object_id_ = obj.get("id")
    return f"id {shown_text(str(object_id_))}" if isinstance(object_id_, str) and object_id_ else "?"


def id_problem(value: object) -> str | None:
    """Why ``value`` cannot be an object id in a URL path, or None when it can."""
    if value is None:
        return "is missing"
    if not isinstance(value, str):
        return f"is {_json_type(value)}, expected a string"
    if not value:
        return "is empty"
    if value in (".", ".."):
        return f"is {value!r}, a dot segment: the request would reach the collection or the path above it"
    if "/" in value or "\\" in value:
        return f"'{shown_text(value)}' contains a path separator"
    if any(unicodedata.category(c) == "Cc" for c in value):
        return f"'{shown_text(value)}' contains a control character"
    if len(value) > MAX_ID_LENGTH:
        return f"is {len(value)} characters long (at most {MAX_ID_LENGTH})"
    return None


def object_id(kind: str, obj: Mapping[str, Any], *, action: str | None = None) -> str:
    """The usable id of a server object, or a ServerObjectError naming it and the field."""
    value = obj.get("id")
    problem = id_problem(value)
    if problem is not None:
        raise ServerObjectError(kind=kind, name=object_name(obj), field="id", reason=problem, action=action)
    assert isinstance(value, str)
    return value


def _check_fields(
    kind: str, name: str, obj: Mapping[str, Any], shapes: Mapping[str, str], *, prefix: str = ""
) -> None:
    for key, shape in shapes.items():
        value = obj.get(key)
        if value is not None and not _fits(value, shape):
            raise ServerObjectError(kind=kind, name=name, field=prefix + key, reason=_mismatch(value, shape))


def _check_object(kind: str, obj: object) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise ServerObjectError(kind=kind, name="?", field="(object)", reason=_mismatch(obj, "object"))
    # An id only has to be a string to be read (and shown, escaped, by `pulumi-wxo list`); the
    # stricter rule of a URL path is applied where one is built or adopted (object_id).
    _check_fields(kind, object_name(obj), obj, {"id": "string"})
    # The bounds of declared inputs (schema/bounds.py), by the same iterative walk: nothing
    # nested past them, no NaN or infinity (Python's json reads both), reaches a recursive
    # step, the state or a later diff.
    problems = input_failures({str(k): v for k, v in obj.items()})
    if problems:
        raise ServerObjectError(
            kind=kind, name=object_name(obj), field=problems[0].path, reason=problems[0].reason
        )
    return obj


def check_model(obj: object, spec: type[BaseModel]) -> Mapping[str, Any]:
    """``obj`` when it has the shape of a model object (api-contract §2.1) whose fields are
    ``spec``'s (ModelSpec: handed in, since the schema's normaliser calls this), else
    ServerObjectError."""
    model = _check_object("model", obj)
    _check_fields("model", object_name(model), model, model_shapes(spec))
    return model


def check_policy(obj: object, spec: type[BaseModel]) -> Mapping[str, Any]:
    """``obj`` when it has the shape of a policy object (api-contract §6) whose fields are
    ``spec``'s (PolicySpec), else ServerObjectError."""
    policy = _check_object("policy", obj)
    _check_fields("policy", object_name(policy), policy, policy_shapes(spec))
    policy_targets(policy)
    return policy


def policy_targets(obj: Mapping[str, Any]) -> list[Any]:
    """The (checked) ``policy.targets`` of a server policy object, ``[]`` when it has none."""
    name = object_name(obj)
    inner = obj.get("policy")
    if inner is None:
        return []
    if not isinstance(inner, Mapping):
        raise ServerObjectError(kind="policy", name=name, field="policy", reason=_mismatch(inner, "object"))
    _check_fields("policy", name, inner, _POLICY_INNER, prefix="policy.")
    targets = list(inner.get("targets") or [])
    problems = input_failures({"policy": {"targets": targets}}, index="bracket")
    if problems:  # before the (recursive) walk below
        raise ServerObjectError(kind="policy", name=name, field=problems[0].path, reason=problems[0].reason)
    for visit in iter_targets(targets, prefix="policy.targets"):
        item = visit.item
        if not isinstance(item, Mapping):
            raise ServerObjectError(
                kind="policy", name=name, field=visit.path, reason=_mismatch(item, "object")
            )
        if "model_name" in item:
            _check_fields("policy", name, item, {"model_name": "string"}, prefix=f"{visit.path}.")
        else:
            _check_fields("policy", name, item, {"targets": "array"}, prefix=f"{visit.path}.")
    return targets
