"""Secret values out of what the CLI prints: :func:`mask_secrets` over a server answer.

A server may echo credentials on GET (api-contract §2.1/§11: unknown; the emulator's
``--secrets echo``). ``export`` never writes one (specs/export.py turns each into a
``${secret:KEY}`` placeholder); ``list`` must not print one either, in JSON or in a table. Both
follow one rule, :func:`is_secret_spelling`: any spelling of a field the schema marks secret.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_wxo.schema import SECRET_FIELDS, is_secret_key, to_snake_key

__all__ = ["MAX_DEPTH", "SECRET_MARKER", "is_secret_spelling", "mask_secrets"]

SECRET_MARKER = "<secret>"

# Containers nested deeper than this are replaced whole by the marker: what cannot be searched
# is not shown (a real model or policy nests a few levels; a hostile answer could nest thousands).
MAX_DEPTH = 64

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_secret_spelling(key: str) -> bool:
    """True when ``key`` names a secret field in any spelling a server could use.

    The export rule: the schema's names and API aliases (``is_secret_key``), their snake_case
    form, and the plain camelCase of a snake name that has no alias (``apiKey`` for ``api_key``).
    """
    if is_secret_key(key) or to_snake_key(key) in SECRET_FIELDS:
        return True
    return _CAMEL_BOUNDARY.sub("_", key).lower() in SECRET_FIELDS


def mask_secrets(value: Any, *, _depth: int = 0) -> Any:
    """A copy of the JSON-like ``value`` in which the value of every secret key (at any depth,
    in any object) is :data:`SECRET_MARKER`; ``None`` stays ``None`` (nothing to hide)."""
    if isinstance(value, dict | list) and _depth >= MAX_DEPTH:
        return SECRET_MARKER
    if isinstance(value, dict):
        return {
            key: (
                SECRET_MARKER
                if item is not None and isinstance(key, str) and is_secret_spelling(key)
                else mask_secrets(item, _depth=_depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(item, _depth=_depth + 1) for item in value]
    return value
