"""GitHub-flavoured Markdown read back with a real parser (markdown-it-py, CommonMark plus GFM
tables), for the tests of ``pulumi-wxo review``: tables as rows of cell texts, code blocks,
headings, and the raw HTML a comment carries. Shared by the unit and the e2e tier."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["Table", "code_blocks", "headings", "html_tags", "parse", "tables"]

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    heading: str
    """The text of the last heading before the table."""

    def column(self, name: str) -> list[str]:
        i = self.header.index(name)
        return [row[i] for row in self.rows]

    def row(self, first: str) -> list[str]:
        """The row whose first cell is ``first``."""
        [found] = [r for r in self.rows if r[0] == first]
        return found


def parse(markdown: str) -> list[Token]:
    return _MD.parse(markdown)


def _text(inline: Token) -> str:
    """What a reader sees in an inline token: text and code, escapes and entities decoded,
    ``<br>`` as a newline, other HTML tags left out."""
    out = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or (
            child.type == "html_inline" and child.content == "<br>"
        ):
            out.append("\n")
    return "".join(out)


def tables(markdown: str) -> list[Table]:
    found: list[Table] = []
    heading = ""
    tokens = parse(markdown)
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    in_head = False
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            heading = _text(tokens[i + 1])
        elif tok.type == "table_open":
            header, rows = [], []
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(_text(tok))
        elif tok.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif tok.type == "table_close":
            found.append(Table(header=header, rows=rows, heading=heading))
    return found


def code_blocks(markdown: str) -> list[tuple[str, str]]:
    """(info string, content) of every fenced code block."""
    return [(t.info.strip(), t.content) for t in parse(markdown) if t.type == "fence"]


def headings(markdown: str) -> list[str]:
    tokens = parse(markdown)
    return [_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]


def html_tags(markdown: str) -> set[str]:
    """Every raw HTML tag in the document (inline and block), as written."""
    tags: set[str] = set()
    for tok in parse(markdown):
        if tok.type == "html_block":
            tags.add(tok.content.strip())
        for child in tok.children or []:
            if child.type == "html_inline":
                tags.add(child.content)
    return tags
