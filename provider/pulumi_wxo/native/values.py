"""The engine's property values to the lifecycle's plain data and back, secrets kept.

The plugin reports ``acceptSecrets``: the engine then sends secret inputs marked, and it keeps
as secret exactly what the plugin marks in its answers (it does not re-mark outputs by the
inputs' keys, as it does for a plugin without secrets). So every answer is marked twice over:
a value that came in secret goes out secret at the same path, and every credential field of
``provider_config`` (``SECRET_FIELDS``, marked in the schema) goes out secret even when the
program passed it as a plain string.

Without ``acceptOutputs``, a preview unknown arrives as the engine's unknown sentinel string
(or a :class:`Computed`); both become :data:`~pulumi_wxo.lifecycle.UNKNOWN`, and ``UNKNOWN``
goes back as the sentinel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN as ENGINE_UNKNOWN

from pulumi_wxo.lifecycle import UNKNOWN, is_unknown
from pulumi_wxo.resources import RESOURCES
from pulumi_wxo.resources.base import field_mark
from pulumi_wxo.resources.types import TypeRef, describe
from pulumi_wxo.schema import SECRET_FIELDS

# Where the schema's credential fields sit in a Model's properties.
SECRET_PATHS: dict[str, frozenset[str]] = {"provider_config": SECRET_FIELDS}
# Fields whose server default is the name: secret whenever the name is (a copy of it).
NAME_DEFAULTS: tuple[str, ...] = tuple(dict.fromkeys(f for r in RESOURCES for f in r.defaults_to_name))
# Fields marked secret in a declaration's spec (a connection's credentials): secret as a whole.
SECRET_WHOLE: frozenset[str] = frozenset(
    f for r in RESOURCES for f in r.api_fields if field_mark(r.field(f), "secret")
)


def _holds_secret_blocks(ref: TypeRef) -> bool:
    """A mapping of objects with a secret field (a connection's environments)."""
    blocks = ref.parts[1] if ref.kind == "map" else None
    return blocks is not None and any(
        field_mark(info, "secret") for m in blocks.models for info in m.model_fields.values()
    )


# Mappings of blocks that may carry such a field: secret as a whole when one block does.
SECRET_BLOCKS: frozenset[str] = frozenset(
    f for r in RESOURCES for f in r.api_fields if _holds_secret_blocks(describe(r.field(f).annotation))
)


def to_plain(value: PropertyValue) -> Any:
    """One engine value as the lifecycle reads it (secrets unwrapped: the lifecycle never logs them).

    Walked whole, as the dynamic host passes values on: the engine's message was parsed by
    protobuf, whose recursion limit (100) already bounds the nesting, and the lifecycle refuses
    anything deeper than ``MAX_DEPTH`` itself, naming the field (schema/bounds.py); cutting the
    value short here would hide it from that check.
    """
    inner = value.value
    if isinstance(inner, Computed) or inner == ENGINE_UNKNOWN:
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {k: to_plain(v) for k, v in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [to_plain(v) for v in inner]
    return inner


def plain_map(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {k: to_plain(v) for k, v in props.items()}


def to_engine(value: Any, like: PropertyValue | None = None, *, secret: bool = False) -> PropertyValue:
    """A plain value as an engine value, secret where ``like`` (the value it came from) was."""
    secret = secret or (like is not None and like.is_secret)
    like_items = like.value if like is not None else None
    if is_unknown(value):
        out = PropertyValue(ENGINE_UNKNOWN)
    elif isinstance(value, Mapping):
        olds = like_items if isinstance(like_items, Mapping) else {}
        out = PropertyValue({str(k): to_engine(v, olds.get(k)) for k, v in value.items()})
    elif isinstance(value, list | tuple):
        # A list whose old value held a secret anywhere is secret as a whole: items have no keys.
        secret = secret or (like is not None and like.contains_secret())
        out = PropertyValue([to_engine(v) for v in value])
    elif isinstance(value, bool) or value is None or isinstance(value, str | float):
        out = PropertyValue(value)
    elif isinstance(value, int):
        out = PropertyValue(float(value))  # the wire has one number type
    else:
        out = PropertyValue(str(value))
    return out.with_secret(True) if secret else out


def engine_map(props: Mapping[str, Any], *likes: Mapping[str, PropertyValue]) -> dict[str, PropertyValue]:
    """Plain properties as engine values: secret where the first of ``likes`` holding a key has
    it secret (or any of them has it secret as a whole), and at every credential path of the
    schema (``SECRET_PATHS``); the fields that default to the name (``NAME_DEFAULTS``) are secret
    when the name is."""
    out: dict[str, PropertyValue] = {}
    for key, value in props.items():
        like = next((m[key] for m in likes if key in m), None)
        pv = to_engine(value, like, secret=any(key in m and m[key].is_secret for m in likes))
        keys = SECRET_PATHS.get(key)
        if keys and not pv.is_secret and isinstance(pv.value, Mapping):
            pv = pv.with_value(
                {
                    k: v.with_secret(True) if k in keys and v.value is not None else v
                    for k, v in pv.value.items()
                }
            )
        if not pv.is_secret and _secret_whole(key, value):
            pv = pv.with_secret(True)
        out[key] = pv
    if "name" in out and out["name"].is_secret:
        for key in NAME_DEFAULTS:
            if key in out and not out[key].is_secret:
                out[key] = out[key].with_secret(True)
    return out


def _secret_whole(key: str, value: Any) -> bool:
    if value is None:
        return False
    if key in SECRET_WHOLE:
        return True
    return key in SECRET_BLOCKS and (
        not isinstance(value, Mapping)
        or any(not isinstance(b, Mapping) or b.get("credentials") is not None for b in value.values())
    )
