"""Shared pytest fixtures. Keep each section small; add new ones in a section of their own."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
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
# The emulator's wire (tests/emulator/test_emulator_*.py: one module per emulator module)
#
# http: an httpx client on the emulator with the fixed token; anon: one without a token.
# granite() / policy_body(): what the ADK sends; claims(): a JWT's payload; assert_422(): the
# exact 422 item; wait_until_answered(): bounded wait for the request log.

EMULATOR_GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
IAM_GRANT = "urn:ibm:params:oauth:grant-type:apikey"
INVALID_TOKEN = {"detail": "Invalid or expired token"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture
def http(emulator: EmulatorThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}) as client:
        yield client


@pytest.fixture
def anon(emulator: EmulatorThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url) as client:
        yield client


def granite(**overrides: Any) -> dict[str, Any]:
    """What the ADK sends for the api-contract §5 example (snake_case, extras included)."""
    body: dict[str, Any] = {
        "name": "watsonx/ibm/granite-3-3-8b-instruct",
        "display_name": "IBM watsonx.ai (Granite)",
        "description": "Granite via watsonx.ai",
        "config": {"max_tokens": 2048},
        "provider_config": {
            "provider": "watsonx",
            "api_key": "sk-very-secret",
            "custom_host": "https://us-south.ml.cloud.ibm.com",
            "watsonx_space_id": "space-guid",
        },
        "tags": ["ibm", "watsonx"],
        "model_type": "chat",
        "spec_version": "v1",
        "kind": "model",
        "app_id": "watsonx_credentials",
    }
    body.update(overrides)
    return body


def policy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "anygem",
        "display_name": "Any Gem",
        "description": "Balances 2 Gemini models",
        "policy": {
            "strategy": {"mode": "loadbalance", "on_status_codes": [503, 504]},
            "retry": {"attempts": 1, "on_status_codes": [503]},
            "targets": [
                {"model_name": "virtual-model/google/gemini-2.0-flash", "weight": 0.75},
                {"model_name": "virtual-model/google/gemini-2.0-flash-lite", "weight": 0.25},
            ],
        },
    }
    body.update(overrides)
    return body


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def wait_until_answered(emulator: EmulatorThread, n: int) -> list[dict[str, Any]]:
    """Wait (bounded) until ``n`` requests have been answered, so no delayed answer outlives its test."""
    deadline = time.monotonic() + 5
    while len(log := emulator.control.requests()) < n:
        assert time.monotonic() < deadline, log
        time.sleep(0.02)
    return log


def assert_422(response: httpx.Response, loc: list[Any], msg: str, type_: str) -> None:
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert {"loc": loc, "msg": msg, "type": type_} in detail
    for item in detail:
        assert set(item) == {"loc", "msg", "type"}  # no "input", "ctx" or "url" (could echo secrets)


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
