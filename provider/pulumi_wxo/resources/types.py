"""The one walker over the schema's pydantic annotations, and the spellings derived from it.

:func:`describe` turns an annotation (``str | None``, ``list[Target]``, ``ModelType``,
``ProviderConfig | None``) into a neutral :class:`TypeRef`; every consumer spells that one
description its own way, so a field's type is read in one place only:

* :func:`python_input`: the ``pulumi.Input[...]`` annotation of a typed argument;
* :func:`python_output`: the ``pulumi.Output[...]`` value type of an output;
* :func:`schema_type`: the Pulumi package-schema type spec;
* :func:`doc_name`: the short type the reference docs show.

Whether a field is a secret is decided here too (:func:`is_secret`): its ``secret`` mark.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pulumi_wxo.resources.base import field_mark

Kind = Literal["scalar", "literal", "list", "map", "object", "union", "any"]
_ANY_SPEC: dict[str, Any] = {"$ref": "pulumi.json#/Any"}
_SCALARS: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}


@dataclass(frozen=True)
class TypeRef:
    """A type as every generator needs it, whatever pydantic syntax spelt it."""

    kind: Kind
    #: ``scalar``: the Python type (str, bool, int, float).
    scalar: type | None = None
    #: ``literal``: the allowed values.
    values: tuple[Any, ...] = ()
    #: ``list``: (item,); ``map``: (key, value); ``union``: the alternatives.
    parts: tuple[TypeRef, ...] = ()
    #: ``object``: the pydantic models (two for a discriminated union of objects).
    models: tuple[type[BaseModel], ...] = ()
    #: ``None`` is allowed.
    optional: bool = False


def describe(annotation: Any) -> TypeRef:
    """The neutral description of a pydantic field annotation."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = describe(args[0])
        # A discriminated union of objects (a policy target or a nested rule): one object type.
        if inner.kind == "union" and all(p.kind == "object" for p in inner.parts):
            models = tuple(m for p in inner.parts for m in p.models)
            return TypeRef("object", models=models, optional=inner.optional)
        return inner
    if origin in (Union, types.UnionType):
        kept = [describe(a) for a in args if a is not type(None)]
        optional = len(kept) < len(args)
        if len(kept) == 1:
            return _optional(kept[0], optional)
        return TypeRef("union", parts=tuple(kept), optional=optional)
    if origin is Literal:
        return TypeRef("literal", values=tuple(args))
    if origin is list:
        return TypeRef("list", parts=(describe(args[0]),))
    if origin is dict:
        return TypeRef("map", parts=(describe(args[0]), describe(args[1])))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return TypeRef("object", models=(annotation,))
    if annotation is Any:
        return TypeRef("any")
    if annotation in _SCALARS:
        return TypeRef("scalar", scalar=annotation)
    raise TypeError(f"no type description for {annotation!r}")


def _optional(ref: TypeRef, optional: bool) -> TypeRef:
    if not optional or ref.optional:
        return ref
    return TypeRef(ref.kind, ref.scalar, ref.values, ref.parts, ref.models, optional=True)


def is_secret(info: FieldInfo) -> bool:
    """A credential: the field carries ``json_schema_extra={"secret": True}``."""
    return field_mark(info, "secret")


def has_secrets(ref: TypeRef) -> bool:
    """An object type with a secret field among its models' fields, or a list or mapping of one."""
    if ref.kind in ("list", "map"):
        return any(has_secrets(p) for p in ref.parts)
    return ref.kind == "object" and any(is_secret(f) for m in ref.models for f in m.model_fields.values())


# ---------------------------------------------------------------------------- Python


def python_plain(ref: TypeRef) -> str:
    """The Python spelling of an input value's type, inside ``pulumi.Input[...]``."""
    if ref.kind == "literal":
        return "Literal[" + ", ".join(json.dumps(v) for v in ref.values) + "]"
    if ref.kind == "list":
        return f"Sequence[{python_plain(ref.parts[0])}]"
    if ref.kind == "map":
        return f"Mapping[{python_plain(ref.parts[0])}, {python_plain(ref.parts[1])}]"
    if ref.kind == "union":
        return " | ".join(python_plain(p) for p in ref.parts)
    if ref.kind == "object":
        return " | ".join(m.__name__ for m in ref.models)
    if ref.kind == "any":
        return "Any"
    assert ref.scalar is not None
    return ref.scalar.__name__


def python_input(
    ref: TypeRef, *, objects: Callable[[type[BaseModel]], str] | None = None, deep: bool = False
) -> str:
    """The annotation of a typed argument (``None`` not included: the caller adds it).

    A union is a union of inputs. ``objects`` names the input type of a pydantic model
    (``ProviderConfig`` -> ``ProviderConfigInput``); ``deep`` makes a list's items inputs too.
    """
    if ref.kind == "union":
        return " | ".join(python_input(p, objects=objects, deep=deep) for p in ref.parts)
    if ref.kind == "object" and objects is not None:
        return f"pulumi.Input[{' | '.join(objects(m) for m in ref.models)}]"
    if ref.kind == "list" and deep:
        return f"pulumi.Input[Sequence[{python_input(ref.parts[0], objects=objects, deep=deep)}]]"
    return f"pulumi.Input[{python_plain(ref)}]"


def python_output(ref: TypeRef, *, always: bool) -> str:
    """The value type of an output (``pulumi.Output[<this>]``): objects as dicts, literals as
    their scalar, ``| None`` unless the output is always present."""
    text = _output_value(ref)
    if text == "Any" or always or not ref.optional:
        return text
    return f"{text} | None"


def _output_value(ref: TypeRef) -> str:
    if ref.kind == "literal":
        return type(ref.values[0]).__name__
    if ref.kind == "list":
        return f"list[{_output_value(ref.parts[0])}]"
    if ref.kind in ("map", "object"):
        value = "Any" if ref.kind == "object" else _output_value(ref.parts[1])
        return f"dict[str, {value}]"
    if ref.kind in ("union", "any"):
        return "Any"
    assert ref.scalar is not None
    return ref.scalar.__name__


# ---------------------------------------------------------------------------- package schema


def schema_type(ref: TypeRef, token_of: Mapping[type[BaseModel], str]) -> dict[str, Any]:
    """The Pulumi package-schema type (a union of unlike types is Any)."""
    if ref.kind == "object":
        return {"$ref": f"#/types/{token_of[ref.models[0]]}"}
    if ref.kind in ("union", "any"):
        return dict(_ANY_SPEC)
    if ref.kind == "literal":
        return {"type": _SCALARS[type(ref.values[0])]}
    if ref.kind == "list":
        return {"type": "array", "items": schema_type(ref.parts[0], token_of)}
    if ref.kind == "map":
        return {"type": "object", "additionalProperties": schema_type(ref.parts[1], token_of)}
    return {"type": _SCALARS[ref.scalar]}


# ---------------------------------------------------------------------------- reference docs


def doc_name(ref: TypeRef) -> str:
    """A short readable type: ``str``, ``list[str]``, ``"chat" \\| "embedding"``, a model's name."""
    if ref.kind == "literal":
        return " \\| ".join(f'`"{v}"`' for v in ref.values)
    if ref.kind == "union":
        return " \\| ".join(doc_name(p) for p in ref.parts)
    if ref.kind == "object":
        return " \\| ".join(m.__name__ for m in ref.models)
    if ref.kind == "list":
        return f"list[{doc_name(ref.parts[0])}]"
    if ref.kind == "map":
        return f"dict[{doc_name(ref.parts[0])}, {doc_name(ref.parts[1])}]"
    if ref.kind == "any":
        return "Any"
    assert ref.scalar is not None
    return ref.scalar.__name__
