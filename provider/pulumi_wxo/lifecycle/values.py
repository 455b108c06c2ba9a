"""Preview unknowns, in the one spelling the lifecycle understands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

# The string the Python SDK puts on the wire for an unknown value during preview
# (pulumi.runtime.rpc); it can reach a provider nested inside a dict.
UNKNOWN_WIRE: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class _Unknown:
    """A value not known until the deployment runs (a host maps its SDK's unknowns to it)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


def is_unknown(value: Any) -> bool:
    """True when ``value`` is, or contains, a preview unknown."""
    if value is UNKNOWN or (isinstance(value, str) and value == UNKNOWN_WIRE):
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False
