"""cli.console: tables drawn by rich when it is installed, plain text columns when it is not
(the ``table`` extra is optional), and a spinner that stays silent without rich."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator

import pytest

from pulumi_wxo.cli.console import Status, Table, plain_table, print_tables

pytestmark = pytest.mark.unit

UUID = "5f0c6a52-7d1e-4c8b-9a43-2b7e1f0d9c61"
TABLES = [
    Table("Models (2)", ("name", "id"), [("virtual-model/openai/gpt-4o", UUID), ("virtual-model/x/y", "2")]),
    Table("Policies (0)", ("name", "mode"), []),
]


@pytest.fixture
def no_rich(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``import rich...`` fail as it does when the extra is not installed."""
    for name in ("rich", "rich.console", "rich.table"):
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
