"""``make demo`` and ``make down`` as a newcomer runs them, on a free port and a scratch folder.

The catalogue is a dynamic-only program: no line of the output is a warning, even with the
virtualenv's ``bin/`` (and so the console script ``pulumi-resource-wxo``) on ``PATH`` as an
activated virtualenv has it (docs/guide/hosts.md, "Installing the plugin"). The demo owns its
emulator: a second ``make demo`` reuses it, ``make down`` destroys the stack and stops it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi import automation as auto

from tests.support.process import run

ROOT = Path(__file__).resolve().parents[2]


def _make(target: str, demo: Path, port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("PULUMI_IGNORE_AMBIENT_PLUGINS", None)
    argv = ["make", "--no-print-directory", target, f"DEMO={demo}", f"DEMO_PORT={port}"]
    return run(argv, cwd=ROOT, env=env, timeout=900)


def test_make_demo_prints_no_warning_and_make_down_stops_its_emulator(
    pulumi_cli: auto.PulumiCommand, tmp_path: Path
) -> None:
    """(``pulumi_cli``: the CLI is built before, as for every test of the tier, so that the output
    is the demo's own; scripts/pulumi-cli.sh then finds it in its cache.)"""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo = tmp_path / "demo"
    try:
        up = _make("demo", demo, port)
        output = up.stdout + up.stderr
        assert up.returncode == 0, output
        assert "Resources:\n    + 6 created" in up.stdout, up.stdout
        assert [line for line in output.splitlines() if "warning" in line.lower()] == []
        pid = int((demo / "emulator.pid").read_text())

        again = _make("demo", demo, port)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "emulator already running" in again.stdout and "6 unchanged" in again.stdout
        assert [line for line in again.stdout.splitlines() if "warning" in line.lower()] == []
        assert int((demo / "emulator.pid").read_text()) == pid
    finally:
        down = _make("down", demo, port)
    assert down.returncode == 0, down.stdout + down.stderr
    assert "emulator stopped" in down.stdout and not (demo / "emulator.pid").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
