"""Paths and the ``run`` helper shared by the command line's unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.cli import main

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples" / "specs"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
