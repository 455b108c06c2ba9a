"""Values as a diff should see them: numbers canonical, masked secrets recognised."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

MASKED = re.compile(r"^\*{3,}$|^\*+[^*]{0,4}$")


def is_masked(value: Any) -> bool:
    """A secret the server masked instead of echoing (``********``, ``****abcd``)."""
    return isinstance(value, str) and bool(MASKED.match(value))


def canonical(value: Any) -> Any:
    """Numbers the way a diff should see them: whole floats become ints, recursively.

    The engine hands every number over as a float (``1`` arrives as ``1.0``), while the
    API and state may hold ints: without this, ``max_tokens`` would differ forever.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def canonical_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`canonical` of a mapping, typed as one."""
    out: dict[str, Any] = canonical(value)
    return out


def marked(spec: Any, mark: str) -> tuple[str, ...]:
    """The fields of a pydantic spec that carry ``json_schema_extra={mark: True}``."""
    return tuple(
        name
        for name, info in spec.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(mark) is True
    )
