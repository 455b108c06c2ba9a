"""Values from a preview, made safe to show: secrets hidden, unknowns named, text escaped.

A value is a secret when the engine marked it (``"[secret]"`` in the digest, the
``4dabf1...`` signature object in the event stream) *or* when its key is a credential field
(``is_secret_key``, the CLI's rule for every spelling a server may use): a credential that
reached a preview unmarked is still never shown. A secret is shown as ``[secret]``.

Everything else a document holds is text an author of the pull request controls: it is
escaped for GitHub-flavoured Markdown (HTML, Markdown punctuation, table pipes, newlines), so
a model name cannot end a table row, open a link or post HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

__all__ = [
    "SECRET",
    "SECRET_TEXT",
    "UNKNOWN",
    "Masked",
    "cell",
    "escape",
    "flatten",
    "mask",
    "mermaid_label",
]

SECRET_TEXT: Final = "[secret]"
# The engine's sentinel for a value not known until ``up`` (Pulumi's UnknownStringValue).
UNKNOWN_SENTINEL: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_SECRET_SIG: Final = "4dabf18193072939515e22adb298388d"
_SECRET_SIG_VALUE: Final = "1b47061264138c4ac30d75fd1eb44270"
# Containers nested deeper than this are shown as a marker, not walked (a model or a policy
# nests a few levels).
MAX_DEPTH: Final = 24
# Characters of one value in a table cell; a longer one ends with an ellipsis.
MAX_CELL: Final = 160


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


SECRET: Final = _Marker("SECRET")
UNKNOWN: Final = _Marker("UNKNOWN")
_DEEP: Final = _Marker("DEEP")

Masked = Any
"""A JSON-like value in which secrets are :data:`SECRET` and unknowns :data:`UNKNOWN`."""


def mask(value: Any, is_secret_key: Callable[[str], bool]) -> Masked:
    """A copy of ``value`` with every secret (marked, or under a credential key) as :data:`SECRET`."""

    def walk(item: Any, depth: int) -> Masked:
        if isinstance(item, str):
            return SECRET if item == SECRET_TEXT else UNKNOWN if item == UNKNOWN_SENTINEL else item
        if isinstance(item, dict):
            if item.get(_SECRET_SIG) == _SECRET_SIG_VALUE:
                return SECRET
            if depth >= MAX_DEPTH:
                return _DEEP
            return {
                str(k): SECRET if v is not None and is_secret_key(str(k)) else walk(v, depth + 1)
                for k, v in item.items()
            }
        if isinstance(item, list):
            return _DEEP if depth >= MAX_DEPTH else [walk(v, depth + 1) for v in item]
        return item

    return walk(value, 0)


def flatten(value: Masked, prefix: str = "") -> dict[str, Masked]:
    """Property path (``provider_config.api_key``) to leaf: objects are walked, a list is one
    leaf (``tags``), an empty object is a leaf."""
    if isinstance(value, dict) and (value or not prefix):
        out: dict[str, Masked] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: value}


def _plain(value: Masked) -> str:
    """A masked value as compact JSON-ish text, markers by name."""
    if value is SECRET:
        return SECRET_TEXT
    if value is UNKNOWN:
        return "(known after apply)"
    if value is _DEEP:
        return "(nested too deep to show)"
    if isinstance(value, str):
        return value
    return json.dumps(_jsonable(value), ensure_ascii=False, separators=(", ", ": "))


def _jsonable(value: Masked) -> Any:
    if isinstance(value, _Marker):
        return _plain(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# Any ASCII punctuation may be backslash-escaped in CommonMark; these are the ones that can
# act inside a line (escapes, code, emphasis, links, table cells, strikethrough, GitHub's math).
# An escaped value never starts a line, so block markers (``#``, ``-``, ``>``) need nothing.
# HTML's specials become entities; a word joiner after ``@`` keeps GitHub from reading
# ``@org/team`` as a mention (a ping); a line break is a ``<br>``; other control characters
# (and the Unicode line separators) a space. One translation table does it all.
_ESCAPES: dict[int, str] = {
    **{ord(c): "\\" + c for c in "\\`*_[]|~$"},
    **{ord(c): e for c, e in {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "@": "@\u2060"}.items()},
    **{c: " " for c in (*range(0x20), 0x7F, 0x2028, 0x2029)},
    ord("\n"): "<br>",
}


def escape(text: str, *, limit: int = MAX_CELL) -> str:
    """``text`` as inert Markdown for a table cell or a line: at most ``limit`` characters
    (then ``…``), HTML and Markdown punctuation escaped, no mention, each newline a ``<br>``."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPES)


def cell(value: Masked, *, absent: bool = False) -> str:
    """A value for a table cell: ``—`` when absent, else its escaped text in ``<code>``
    (markers in italics, so ``[secret]`` cannot be mistaken for a value)."""
    if absent:
        return "—"
    if isinstance(value, _Marker):
        return f"_{escape(_plain(value))}_"
    return f"<code>{escape(_plain(value))}</code>"


def mermaid_label(text: str, *, limit: int = 80) -> str:
    """``text`` for a quoted Mermaid label: only letters, digits and ``space _ . / : , = -``
    stay; anything else becomes Mermaid's ``#NNN;`` entity, so no quote, bracket, backtick or
    newline ends the label, the code block or the diagram."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(c if c.isascii() and (c.isalnum() or c in " _./:,=-") else f"#{ord(c)};" for c in text)
