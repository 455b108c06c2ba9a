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


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from pulumi_wxo import __version__

    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"pulumi-wxo {__version__}\n")


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--format", "json", "tests/data/broken-specs"],
        ["validate", "tests/data/broken-specs"],
        ["schema"],
    ],
)
def test_a_closed_pipe_ends_quietly(argv: list[str]) -> None:
    """``pulumi-wxo ... | head``: the reader is gone before the first write; no traceback and
    no errno text, and not the interpreter's 120 for a failed flush at exit: 1, as the Python
    documentation's recipe for SIGPIPE does."""
    import os
    import subprocess
    import sys

    from tests.unit.cli.support import ROOT

    read_end, write_end = os.pipe()
    os.close(read_end)  # every write fails with EPIPE, whenever it happens
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "import sys; from pulumi_wxo.cli import main; sys.exit(main())", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in proc.stderr and "Errno" not in proc.stderr and "Broken pipe" not in proc.stderr
    assert proc.returncode == 1, proc.stderr


@pytest.mark.parametrize(
    ("command", "extra"), [("list", "table"), ("export", "table"), ("policy-pack", "policy")]
)
def test_help_says_how_to_install_an_optional_extra(
    capsys: pytest.CaptureFixture[str], command: str, extra: str
) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and f"pip install 'pulumi-wxo[{extra}]'" in " ".join(out.split())
