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


# ---------------------------------------------------------------------------------------------
# Tier accounting: say how many tests of each tier ran, so a CI log shows the e2e tier was
# executed (and .ci/run can refuse a run where it was not).

_TIERS = ("unit", "emulator", "e2e")


def _tier(nodeid: str) -> str | None:
    for tier in _TIERS:
        if nodeid.startswith(f"tests/{tier}/"):
            return tier
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = dict.fromkeys(_TIERS, 0)
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        tier = _tier(report.nodeid)
        if tier and report.when == "call":
            counts[tier] += 1
    terminalreporter.write_line(
        "tests executed per tier: " + ", ".join(f"{t}={n}" for t, n in counts.items())
    )
