"""The command line's entry point: ``main([...])`` help texts, usage errors and exit codes."""

from __future__ import annotations

import pytest

from pulumi_wxo.cli import build_parser
from tests.unit.cli.support import run

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("command", ["validate", "schema", "export", "list", "review"])
def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "example" in out and f"pulumi-wxo {command}" in out.split("example", 1)[1]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate")
    assert code == 2 and "the following arguments are required: PATH" in err
    code, out, _ = run(capsys)
    assert code == 2 and "validate" in out and "export" in out
    assert build_parser().prog == "pulumi-wxo"


def test_error_text_from_a_server_cannot_drive_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pulumi_wxo.cli as cli
    from pulumi_wxo.api.errors import WxoError

    def hostile(_args: object) -> int:
        raise WxoError("list models: the server said \x1b]0;pwned\x07\x1b[2J\nsecond line")

    monkeypatch.setitem(cli.COMMANDS, "list", hostile)
    code, _, err = run(capsys, "list")
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in err and err.count("\n") == 2  # lines kept, escapes shown
