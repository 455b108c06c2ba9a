"""Fixtures of the emulator tier beside the session emulator (tests/conftest.py).

IBM's ADK CLI against the emulator over HTTPS (tests/support/adk_cli.py), for
tests/emulator/test_orchestrate_cli.py and tests/emulator/test_adk_cli_roundtrip.py:
tls_emulator: one per module; emu: the same, reset before the test; home: one ADK home per
module; logged_in: the ADK CLI in that home, logged in once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.adk_cli import Cli, Emu


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emu]:
    # Imported here: only the modules that use the ADK CLI need its helpers (trustme).
    from tests.support.adk_cli import serve_tls

    with serve_tls(tmp_path_factory.mktemp("tls")) as emu:
        yield emu


@pytest.fixture
def emu(tls_emulator: Emu) -> Emu:
    tls_emulator.server.control.reset()
    return tls_emulator


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def logged_in(tls_emulator: Emu, home: Path) -> Cli:
    """One ADK home, logged in once (MCSP), for every test of the models commands (a reset of
    the emulator keeps minted tokens valid)."""
    from tests.support.adk_cli import login, make_cli

    cli = make_cli(home, tls_emulator.ca)
    tls_emulator.server.control.reset()  # set up before `emu`: undo a previous test's switches
    login(cli, tls_emulator)
    return cli
