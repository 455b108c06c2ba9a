"""cli.console: tables drawn by rich when it is installed, plain text columns when it is not
(the ``table`` extra is optional), and a spinner that stays silent without rich."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator

import pytest

from pulumi_wxo.cli.console import Status, Table, plain_table, print_tables, visible

pytestmark = pytest.mark.unit

UUID = "5f0c6a52-7d1e-4c8b-9a43-2b7e1f0d9c61"
TABLES = [
    Table("Models (2)", ("name", "id"), [("virtual-model/openai/gpt-4o", UUID), ("virtual-model/x/y", "2")]),
    Table("Policies (0)", ("name", "mode"), []),
]


@pytest.fixture
def no_rich(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``import rich...`` fail as it does when the extra is not installed."""
    for name in ("rich", "rich.console", "rich.table", "rich.text"):
        monkeypatch.setitem(sys.modules, name, None)
    yield


def test_plain_table_aligns_columns_and_never_folds() -> None:
    assert plain_table(TABLES[0]) == (
        "Models (2)\n"
        "name                         id\n"
        "---------------------------  ------------------------------------\n"
        f"virtual-model/openai/gpt-4o  {UUID}\n"
        "virtual-model/x/y            2\n"
    )
    assert plain_table(TABLES[1]) == "Policies (0)\nname  mode\n----  ----\n"


def test_without_rich_tables_are_plain_text(no_rich: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ImportError):
        import rich.table  # noqa: F401
    print_tables(TABLES)
    out = capsys.readouterr().out
    assert out == plain_table(TABLES[0]) + "\n" + plain_table(TABLES[1])


def test_with_rich_tables_are_drawn_wide_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    assert importlib.util.find_spec("rich") is not None, "the dev extra installs rich"
    print_tables(TABLES)
    out = capsys.readouterr().out
    assert "Models (2)" in out and "Policies (0)" in out
    assert any(UUID in line and "virtual-model/openai/gpt-4o" in line for line in out.splitlines())
    assert out != plain_table(TABLES[0]) + "\n" + plain_table(TABLES[1])  # rich's box drawing


def test_status_without_rich_is_silent_on_a_terminal(
    no_rich: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with Status("connecting...") as status:
        status.update("reading models")
    assert capsys.readouterr() == ("", "")


# ---------------------------------------------------------------------------------------------
# Server-provided text never drives the terminal (cli/console.py docstring)

HOSTILE = (
    "openai/[/bold]",  # rich markup: a closing tag with nothing open used to crash the table
    "[bold red]loud[/] :smile:",  # markup and an emoji code, to be shown as typed
    "csi\x1b[2J\x1b[31mred",  # ESC + CSI: clear the screen, recolour
    "osc\x1b]0;pwned\x07title",  # OSC: set the window title, BEL-terminated
    "c1\x9b2Jnul\x00del\x7f",  # the 8-bit CSI (C1), NUL, DEL
    "lines\r\n\tand\u202eflip\u2028",  # CR, LF, TAB, a bidi override, a line separator
)
SHOWN = (
    "openai/[/bold]",
    "[bold red]loud[/] :smile:",
    "csi\\x1b[2J\\x1b[31mred",
    "osc\\x1b]0;pwned\\x07title",
    "c1\\x9b2Jnul\\x00del\\x7f",
    "lines\\x0d\\x0a\\x09and\\u202eflip\\u2028",
)
RAW_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e\u2028]")  # all but the line feed
HOSTILE_TABLE = Table("Models (6)", ("name", "id"), [(h, str(i)) for i, h in enumerate(HOSTILE)])


def test_visible_escapes_every_control_character_and_nothing_else() -> None:
    assert [visible(h) for h in HOSTILE] == list(SHOWN)
    assert visible("virtual-model/openai/gpt-4o ünïcode 模型") == "virtual-model/openai/gpt-4o ünïcode 模型"


def test_plain_table_shows_control_characters_as_escapes_one_row_per_line(
    no_rich: None, capsys: pytest.CaptureFixture[str]
) -> None:
    print_tables([HOSTILE_TABLE])
    out = capsys.readouterr().out
    assert RAW_CONTROLS.search(out) is None
    lines = out.splitlines()
    assert len(lines) == 3 + len(HOSTILE)  # title, header, rule, one line per row
    width = max(len(shown) for shown in SHOWN)
    assert lines[3:] == [f"{shown.ljust(width)}  {i}" for i, shown in enumerate(SHOWN)]


def test_rich_table_shows_markup_literally_and_no_control_character(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)  # piped: rich adds no colour codes of its own
    print_tables([HOSTILE_TABLE])  # "openai/[/bold]" raised rich's MarkupError
    out = capsys.readouterr().out
    assert RAW_CONTROLS.search(out) is None and "\x1b" not in out
    for shown in SHOWN:
        assert shown in out, shown  # markup and emoji codes as typed, controls as escapes
    assert "😄" not in out


def test_a_rich_table_writes_no_workflow_command_inside_a_cell(capsys: pytest.CaptureFixture[str]) -> None:
    print_tables([Table("t ##[group]", ("##vso[task.setvariable]",), [("x ##[error]pwned",)])])
    out = capsys.readouterr().out
    assert re.search(r"##(?:vso)?\[", out, re.IGNORECASE) is None, out
    assert "\\x23#[error]pwned" in out  # still readable
