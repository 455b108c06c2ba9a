"""Shared pytest fixtures. Keep each section small; add new ones in a section of their own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from pulumi_wxo.lifecycle import Runtime
from tests.support.emulator import EMULATOR_API_KEY, EMULATOR_TOKEN
from tests.support.runtime import fresh_runtime, global_runtime_reset

if TYPE_CHECKING:
    from pulumi_wxo.emulator import EmulatorThread

# ---------------------------------------------------------------------------------------------
# Emulator (tests/emulator, and any test that needs a real API over loopback)
#
# emulator_server: one emulator per session (tmp SQLite file, fixed token "test-token",
#                  accepted api key "test-api-key").
# emulator:        the same server, reset to its start-up switches before the test.


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
# The emulator's wire (tests/emulator/test_emulator_*.py: one module per emulator module)
#
# http: an httpx client on the emulator with the fixed token; anon: one without a token.
# The wire's helpers (granite(), policy_body(), claims(), ...) are in tests/support/emulator.py.


@pytest.fixture
def http(emulator: EmulatorThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}) as client:
        yield client


@pytest.fixture
def anon(emulator: EmulatorThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url) as client:
        yield client


# ---------------------------------------------------------------------------------------------
# The lifecycle Runtime (tests/support/runtime.py)
#
# runtime:        a fresh Runtime() for code that is handed one; its sleeps are recorded.
# global_runtime: the process-wide RUNTIME, reset before and after, for code that reads it (the
#                 dynamic host's provider classes); its sleeps are recorded.


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    fresh = fresh_runtime()
    yield fresh
    fresh.reset()


@pytest.fixture
def global_runtime() -> Iterator[Runtime]:
    with global_runtime_reset() as shared:
        yield shared


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
