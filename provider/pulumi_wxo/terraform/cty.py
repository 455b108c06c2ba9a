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
    if ty == DYNAMIC:
        inner, value = raw
        text = inner.decode() if isinstance(inner, bytes) else inner
        return decode(value, json.loads(text))
    if ty == "number":
        if isinstance(raw, str):  # cty writes numbers too precise for a float as text
            number = float(raw)
            return int(number) if number.is_integer() else number
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


def encode(value: Any, ty: Type) -> Any:
    """Plain data as the msgpack value of type ``ty`` (objects get every attribute)."""
    if value is UNKNOWN:
        return msgpack.ExtType(0, b"")
    if value is None:
        return None
    if ty == DYNAMIC:
        found = infer(value)
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
