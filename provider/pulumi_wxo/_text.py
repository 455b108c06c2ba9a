"""Text from outside (a server's names, a file's keys) made safe to print: it cannot drive a
terminal or give orders to a CI log. A leaf module: the CLI's stderr and tables
(``cli/console.py``) and the files ``export`` writes (``specs/export.py``) share it.

Two kinds of danger, each neutralised by writing it as a visible escape (docs/guide/cli.md):

* **Control characters**: C0, DEL and C1 controls (ESC starts the sequences that move the
  cursor, recolour or retitle a terminal) and the invisible Unicode controls that reorder or
  break lines where a reader does not see it (bidi embeddings, overrides and isolates, the line
  and paragraph separators), and lone surrogates, which no UTF-8 stream can write. They become
  ``\\x1b``, ``\\u202e``, ``\\ud800``.
* **Workflow commands**: a CI runner reads a log line that starts with ``::`` (GitHub Actions:
  ``::error::``, ``::add-mask::``, ``::stop-commands::``) or that holds ``##[`` / ``##vso[``
  (the older and the Azure Pipelines forms) as an order. The first character of each becomes
  ``\\x3a`` or ``\\x23``, which no runner reads as a command.
"""

from __future__ import annotations

import re

__all__ = ["inert", "inert_json", "inert_literal", "is_inert", "visible"]

# Category Cc (C0, DEL, C1), the format and separator characters that reorder or break text, and
# lone surrogates (a server's JSON can hold "\ud800"; no UTF-8 stream can write one).
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
# A workflow command: "::" at the start of a line (after any blank), "##[" or "##vso[" anywhere.
_COMMAND_LINE = re.compile(r"^(\s*):(?=:)", re.MULTILINE)
_COMMAND_ANYWHERE = re.compile(r"#(?=#(?:vso)?\[)", re.IGNORECASE)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as a visible escape (``\\x1b``, ``\\u202e``),
    so that it prints as one line that cannot move the cursor, recolour or retitle the terminal."""
    return CONTROLS.sub(_escape, text)


def inert(text: str) -> str:
    """``text`` (which may span lines) safe for a terminal and a CI log: within each of its
    lines, controls are visible escapes (:func:`visible`), and no line is a workflow command."""
    lines = "\n".join(visible(line) for line in text.split("\n"))
    return _COMMAND_ANYWHERE.sub(r"\\x23", _COMMAND_LINE.sub(r"\1\\x3a", lines))


def is_inert(text: str) -> bool:
    """True when printing ``text`` as is is safe: :func:`inert` would leave it unchanged."""
    return inert(text) == text


def inert_json(text: str) -> str:
    """JSON text (as ``json.dumps`` writes it, controls already escaped) with the ``#`` that
    would start ``##[`` written ``\\u0023``: JSON has ``#`` only inside strings, where that
    escape reads back as the same character."""
    return _COMMAND_ANYWHERE.sub(r"\\u0023", text)


def inert_literal(literal: str) -> str:
    """A Python or double-quoted YAML string literal (controls already escaped) with the ``#``
    that would start ``##[`` written ``\\x23``, which both languages read back as ``#``."""
    return _COMMAND_ANYWHERE.sub(r"\\x23", literal)
