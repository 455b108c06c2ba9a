"""The command line's entry point: ``main([...])`` help texts, usage errors and exit codes."""

from __future__ import annotations

import pytest

from pulumi_wxo.cli import build_parser
from tests.unit.cli.support import run

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("command", ["validate", "schema", "export", "list"])
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
