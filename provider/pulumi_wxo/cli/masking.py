"""Secret values out of what the CLI prints: :func:`mask_secrets` over a server answer.

A server may echo credentials on GET (api-contract §2.1/§11: unknown; the emulator's
``--secrets echo``). ``export`` never writes one (specs/export.py turns each into a
``${secret:KEY}`` placeholder or withholds it); ``list`` must not print one either, in JSON or in
a table. Both follow the package's one rule, :func:`pulumi_wxo.schema.is_secret_key`: a key that
names a credential, by meaning, in any case, separator or spacing (docs/guide/cli.md).
"""

from __future__ import annotations

from typing import Any

from pulumi_wxo.schema import is_secret_key

__all__ = ["MAX_DEPTH", "SECRET_MARKER", "mask_secrets"]

SECRET_MARKER = "<secret>"

# Containers nested deeper than this are replaced whole by the marker: what cannot be searched
# is not shown (a real model or policy nests a few levels; a hostile answer could nest thousands).
MAX_DEPTH = 64


def mask_secrets(value: Any, *, _depth: int = 0) -> Any:
    """A copy of the JSON-like ``value`` in which the value of every secret key (at any depth,
    in any object) is :data:`SECRET_MARKER`; ``None`` stays ``None`` (nothing to hide)."""
    if isinstance(value, dict | list) and _depth >= MAX_DEPTH:
        return SECRET_MARKER
    if isinstance(value, dict):
        return {
            key: (
                SECRET_MARKER
                if item is not None and isinstance(key, str) and is_secret_key(key)
                else mask_secrets(item, _depth=_depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(item, _depth=_depth + 1) for item in value]
    return value
