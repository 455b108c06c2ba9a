"""Shared pytest fixtures. Keep each section small; add new ones in a section of their own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pulumi_wxo.emulator import EmulatorThread

# ---------------------------------------------------------------------------------------------
# Emulator (tests/emulator, and any test that needs a real API over loopback)
#
# emulator_server: one emulator per session (tmp SQLite file, fixed token "test-token",
#                  accepted api key "test-api-key").
# emulator:        the same server, reset to its start-up switches before the test.

EMULATOR_TOKEN = "test-token"
EMULATOR_API_KEY = "test-api-key"


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorThread]:
    # Imported here so that test tiers without the [emulator] extra still collect.
    from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread

    db = tmp_path_factory.mktemp("emulator") / "emulator.db"
    settings = EmulatorSettings(db=str(db), token=EMULATOR_TOKEN, api_keys=(EMULATOR_API_KEY,))
    with EmulatorThread(settings) as server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorThread) -> EmulatorThread:
    emulator_server.control.reset()
    return emulator_server
