"""Terminal output beyond plain lines: tables and a spinner.

``rich`` draws them when it is installed (the ``table`` extra: ``pip install
'pulumi-wxo[table]'``); it is optional so that the provider, which runs inside every
``pulumi up``, does not depend on it. Without it, tables are plain text columns and there is
no spinner. docs/guide/cli.md says more.

Every cell is server-provided text (a model's name, tags, ids), so neither table kind lets it
drive the terminal: control characters (C0, DEL, C1, which start escape sequences, move the
cursor or set the window title) and the invisible Unicode controls that reorder or break lines
are shown as visible escapes (:func:`visible`: ``\\x1b``, ``\\u202e``), and rich gets each cell
as a ``Text``, which it never parses for markup (``[bold]``) or emoji codes (``:smile:``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_wxo._text import inert, visible

__all__ = ["Status", "Table", "inert", "plain_table", "print_tables", "visible"]


@dataclass(frozen=True)
class Table:
    """A titled table of text cells, one tuple per row."""

    title: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def print_tables(tables: Sequence[Table]) -> None:
    """The tables on stdout, drawn by rich when it is installed, else as plain text."""
    try:
        from rich.console import Console
        from rich.table import Table as RichTable
        from rich.text import Text
    except ImportError:
        sys.stdout.write("\n".join(plain_table(t) for t in tables))
        return
    console = Console()
    if not console.is_terminal:
        # Piped or in CI (make demo): rich would assume 80 columns and fold every uuid.
        console = Console(width=200)
    for t in tables:
        # Text, not str: a str cell would be parsed as console markup and emoji codes. inert as
        # well: a "##[" inside a cell is a workflow command to a CI log wherever the line starts.
        table = RichTable(title=Text(inert(visible(t.title))))
        for col in t.columns:
            table.add_column(Text(inert(visible(col))), overflow="fold")
        for row in t.rows:
            table.add_row(*(Text(inert(visible(cell))) for cell in row))
        console.print(table)


def plain_table(table: Table) -> str:
    """``table`` as text: its title, then left-aligned columns two spaces apart, never folded
    (a uuid stays on one line, so the output can be grepped and cut). Cells go through
    :func:`visible`, so a row is always one line."""
    columns = [visible(c) for c in table.columns]
    rows = [[visible(cell) for cell in row] for row in table.rows]
    widths = [len(c) for c in columns]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        # inert: a row whose first cell starts with "::" is no workflow command in a CI log.
        return inert("  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()) + "\n"

    out = inert(table.title) + "\n" + line(columns) + line(["-" * w for w in widths])
    return out + "".join(line(row) for row in rows)


class Status:
    """A rich spinner on stderr when it is a terminal and rich is installed; silent otherwise
    (logs, pipes, CI)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._status: Any = None

    def __enter__(self) -> Status:
        if sys.stderr.isatty():
            try:
                from rich.console import Console
            except ImportError:
                return self
            self._status = Console(stderr=True).status(self._text)
            self._status.__enter__()
        return self

    def update(self, text: str) -> None:
        if self._status is not None:
            self._status.update(text)

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)
