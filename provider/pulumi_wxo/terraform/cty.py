"""Values on the wire of plugin protocol 6: msgpack with cty's rules, to plain data and back.

A cty type is kept as its JSON form (``"string"``, ``["list", "number"]``,
``["object", {"a": "bool"}]``, ``"dynamic"``). Values are walked by their type, as OpenTofu
writes them:

* every attribute of an object is present (null when unset);
* an unknown value is a msgpack extension (code 0; refined unknowns use other codes): it becomes
  :data:`~pulumi_wxo.lifecycle.UNKNOWN`, and ``UNKNOWN`` goes back as extension 0;
* a ``dynamic`` value is a pair: its type's JSON (bytes), then the value of that type.

Nothing here knows a resource; :mod:`pulumi_wxo.terraform.schema` says which type each
attribute has.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import msgpack

from pulumi_wxo.lifecycle.values import UNKNOWN

Type = Any  # a cty type in its JSON form

DYNAMIC: Type = "dynamic"


def object_type(attrs: Mapping[str, Type]) -> Type:
    return ["object", dict(attrs)]


def blocks_type(kind: str, element: Type) -> Type:
    """A map or list of blocks whose element holds a ``dynamic`` attribute. OpenTofu cannot give
    such a collection one element type, so it sends it as a ``dynamic`` value (an object or a
    tuple); this form (ours, never on the wire) keeps the element's type for the way back."""
    return ["blocks", kind, element]


def has_dynamic(ty: Type) -> bool:
    if ty == DYNAMIC:
        return True
    if isinstance(ty, list) and ty[0] == "object":
        return any(has_dynamic(t) for t in ty[1].values())
    if isinstance(ty, list) and ty[0] in ("list", "map", "set"):
        return has_dynamic(ty[1])
    return isinstance(ty, list) and ty[0] in ("tuple", "blocks")


def _is_blocks(ty: Type) -> bool:
    return isinstance(ty, list) and len(ty) == 3 and ty[0] == "blocks"


def _resolved(ty: Type, value: Any) -> Type:
    """``ty`` with each ``dynamic`` part replaced by the type of its part of ``value``."""
    if ty == DYNAMIC or (isinstance(ty, list) and ty[0] in ("list", "map", "set") and has_dynamic(ty)):
        return infer(value)
    if isinstance(ty, list) and ty[0] == "object":
        given = value if isinstance(value, Mapping) else {}
        return ["object", {k: _resolved(t, given.get(k)) for k, t in ty[1].items()}]
    if _is_blocks(ty):
        return _concrete(ty, value)
    return ty


def _concrete(ty: Type, value: Any) -> Type:
    _, kind, element = ty
    if kind == "map":
        return ["object", {str(k): _resolved(element, v) for k, v in (value or {}).items()}]
    return ["tuple", [_resolved(element, v) for v in (value or [])]]


def _unknown_ext(code: int, data: bytes) -> Any:
    return UNKNOWN


def unpack(data: bytes, ty: Type) -> Any:
    """A msgpack DynamicValue of type ``ty`` as plain data (None for an empty payload)."""
    if not data:
        return None
    raw = msgpack.unpackb(data, raw=False, ext_hook=_unknown_ext, strict_map_key=False)
    return decode(raw, ty)


def pack(value: Any, ty: Type) -> bytes:
    """Plain data as a msgpack DynamicValue of type ``ty``."""
    packed: bytes = msgpack.packb(encode(value, ty), use_bin_type=True)
    return packed


def decode(raw: Any, ty: Type) -> Any:
    """One msgpack value of type ``ty`` as plain data."""
    if raw is UNKNOWN or isinstance(raw, msgpack.ExtType):
        return UNKNOWN
    if raw is None:
        return None
    if ty == DYNAMIC or _is_blocks(ty):
        inner, value = raw
        text = inner.decode() if isinstance(inner, bytes) else inner
        return decode(value, json.loads(text))
    if ty == "number":
        if isinstance(raw, str):  # cty writes numbers too precise for a float as text
            try:
                return int(raw)
            except ValueError:
                return float(raw)
        return raw
    if isinstance(ty, str):
        return raw
    kind, inner = ty
    if kind in ("list", "set"):
        return [decode(v, inner) for v in raw]
    if kind == "tuple":
        return [decode(v, t) for v, t in zip(raw, inner, strict=True)]
    if kind == "map":
        return {str(k): decode(v, inner) for k, v in raw.items()}
    if kind == "object":
        return {k: decode(raw.get(k), t) for k, t in inner.items()}
    raise ValueError(f"unsupported cty type {ty!r}")


def from_json(value: Any, ty: Type) -> Any:
    """A value of a state file's JSON (``UpgradeResourceState``) as plain data: a ``dynamic``
    value is written there as ``{"value": ..., "type": ...}``."""
    if value is None:
        return None
    if ty == DYNAMIC or _is_blocks(ty):
        if isinstance(value, Mapping) and set(value) == {"value", "type"}:
            return from_json(value["value"], value["type"])
        return value
    if isinstance(ty, str):
        return value
    kind, inner = ty[0], ty[1]
    if kind in ("list", "set") and isinstance(value, list):
        return [from_json(v, inner) for v in value]
    if kind == "tuple" and isinstance(value, list):
        return [from_json(v, t) for v, t in zip(value, inner, strict=False)]
    if kind == "map" and isinstance(value, Mapping):
        return {k: from_json(v, inner) for k, v in value.items()}
    if kind == "object" and isinstance(value, Mapping):
        return {k: from_json(value.get(k), t) for k, t in inner.items()}
    return value


def encode(value: Any, ty: Type) -> Any:
    """Plain data as the msgpack value of type ``ty`` (objects get every attribute)."""
    if value is UNKNOWN:
        return msgpack.ExtType(0, b"")
    if value is None:
        return None
    if ty == DYNAMIC or _is_blocks(ty):
        found = infer(value) if ty == DYNAMIC else _concrete(ty, value)
        return [json.dumps(found).encode(), encode(value, found)]
    if ty == "string":
        return value if isinstance(value, str) else json.dumps(value)
    if ty == "number":
        if isinstance(value, float) and value.is_integer() and math.isfinite(value):
            return int(value)
        return value
    if ty == "bool":
        return bool(value)
    kind, inner = ty
    if kind in ("list", "set"):
        return [encode(v, inner) for v in value]
    if kind == "tuple":
        return [encode(v, t) for v, t in zip(value, inner, strict=True)]
    if kind == "map":
        return {str(k): encode(v, inner) for k, v in value.items()}
    if kind == "object":
        given = value if isinstance(value, Mapping) else {}
        return {k: encode(given.get(k), t) for k, t in inner.items()}
    raise ValueError(f"unsupported cty type {ty!r}")


def infer(value: Any) -> Type:
    """The cty type of a plain value in a ``dynamic`` attribute: objects and tuples, as HCL
    gives them for ``{...}`` and ``[...]``."""
    if value is None or value is UNKNOWN:
        return DYNAMIC
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return ["object", {str(k): infer(v) for k, v in value.items()}]
    if isinstance(value, list | tuple):
        return ["tuple", [infer(v) for v in value]]
    return "string"
