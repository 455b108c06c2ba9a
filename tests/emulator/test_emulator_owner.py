"""Whose emulator answers on a port (emulator/owner.py), and ``make demo`` refusing one it did
not start: the health answer names the serving process and its database."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.emulator.owner import main, whose

pytestmark = pytest.mark.emulator

ROOT = Path(__file__).resolve().parents[2]


def test_health_names_the_process_and_its_database(emulator: EmulatorThread) -> None:
    health = emulator.control.health()
    assert health["pid"] == os.getpid()
    assert health["db"] == os.path.abspath(emulator.settings.db)


def test_the_emulator_started_with_the_pid_file_and_database_is_ours(
    emulator: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid_file = tmp_path / "emulator.pid"
    pid_file.write_text(f"{os.getpid()}\n")
    assert whose(emulator.url, str(pid_file), emulator.settings.db)[0] == "ours"
    assert main([emulator.url, str(pid_file), emulator.settings.db]) == 0


@pytest.mark.parametrize("which", ["another pid", "another database", "no pid file"])
def test_any_other_emulator_is_foreign(emulator: EmulatorThread, tmp_path: Path, which: str) -> None:
    pid_file = tmp_path / "emulator.pid"
    db = emulator.settings.db
    if which == "another pid":
        pid_file.write_text(f"{os.getpid() + 1}\n")
    elif which == "another database":
        pid_file.write_text(f"{os.getpid()}\n")
        db = str(tmp_path / "emulator.db")
    owner, sentence = whose(emulator.url, str(pid_file), db)
    assert owner == "foreign"
    served = os.path.abspath(emulator.settings.db)
    assert f"served by another process (pid {os.getpid()}, db {served})" in sentence
    assert main([emulator.url, str(pid_file), db]) == 4


@pytest.fixture
def not_an_emulator() -> Iterator[str]:
    """An HTTP server that answers 404 to everything."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_that_is_no_emulator_is_foreign(not_an_emulator: str, tmp_path: Path) -> None:
    owner, sentence = whose(not_an_emulator, str(tmp_path / "pid"), str(tmp_path / "db"))
    assert owner == "foreign" and "not as the emulator does (HTTP 501" in sentence


def test_a_closed_port_is_free(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert whose(f"http://127.0.0.1:{port}", str(tmp_path / "pid"), str(tmp_path / "db"))[0] == "free"


def test_make_demo_refuses_an_emulator_it_did_not_start(emulator: EmulatorThread, tmp_path: Path) -> None:
    """Another checkout's emulator on the demo port: a message, exit non-zero, and not one
    request reaches it beyond its health (nothing is deployed into it). ``emulator-start`` is
    the step of ``make demo`` (and ``make down``) that decides, before any ``pulumi`` command;
    the whole ``make demo`` would also start a Pulumi CLI build, which this tier does not need."""
    emulator.control.clear_requests()
    port = emulator.url.rsplit(":", 1)[1]
    proc = subprocess.run(
        ["make", "--no-print-directory", "emulator-start", f"DEMO={tmp_path / 'demo'}", f"DEMO_PORT={port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    refusal = f"refusing to use http://127.0.0.1:{port}: it is not the emulator this checkout started"
    assert refusal in proc.stderr
    assert "make demo DEMO_PORT=" in proc.stderr
    assert emulator.control.requests() == []
    assert emulator.control.state()["models"] == []
    assert not (tmp_path / "demo" / "emulator.pid").exists()
