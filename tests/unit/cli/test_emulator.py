"""``pulumi-wxo emulator``: without the emulator extra, its whole help, and a message naming
the extra and exit 2 when asked to serve."""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Sequence

import pytest

from tests.unit.cli.support import run

pytestmark = pytest.mark.unit


def test_without_the_extra_it_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("pulumi_wxo.emulator.server", "pulumi_wxo.emulator.guard"):  # they need FastAPI
        monkeypatch.setitem(sys.modules, module, None)
    code, out, err = run(capsys, "emulator", "--port", "1")
    assert (code, out) == (2, "")
    assert err == "pulumi-wxo emulator needs the emulator extra: pip install 'pulumi-wxo[emulator]'\n"


def test_its_arguments_go_to_the_emulator_untouched(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], str | None]] = []

    def emulator_main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
        calls.append((list(argv or []), prog))
        return 7

    fake = types.ModuleType("pulumi_wxo.emulator.__main__")
    fake.main = emulator_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pulumi_wxo.emulator.__main__", fake)
    # --help too: it is the emulator's, not the top-level parser's
    assert run(capsys, "emulator", "--port", "4321", "--help") == (7, "", "")
    assert calls == [(["--port", "4321", "--help"], "pulumi-wxo emulator")]


# A fresh interpreter in which FastAPI, uvicorn and starlette cannot be imported.
WITHOUT_EXTRA = (
    "import sys\n"
    "for m in ('fastapi', 'uvicorn', 'starlette'): sys.modules[m] = None\n"
    "from pulumi_wxo.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_help_lists_every_option_without_the_extra() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRA, "emulator", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    for option in ("--port", "--db", "--token", "--duplicates", "--secrets", "--log-level"):
        assert option in proc.stdout, option
    assert "pip install 'pulumi-wxo[emulator]'" in " ".join(proc.stdout.split())
