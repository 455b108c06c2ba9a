"""The control API under /_emulator/ and its client EmulatorControl (emulator/control.py)."""

from __future__ import annotations

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.conftest import EMULATOR_API_KEY as API_KEY
from tests.conftest import EMULATOR_GRANITE as GRANITE
from tests.conftest import (
    IAM_GRANT,
    granite,
    policy_body,
)

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# Settings


def test_settings_roundtrip_and_validation(emulator: EmulatorThread) -> None:
    defaults = emulator.control.settings()
    assert defaults == {
        "duplicates": "accept",
        "create_response": "object",
        "secrets": "omit",
        "empty_list": "array",
        "mcsp_v1": "on",
        "token_ttl": 3600,
    }
    changed = emulator.control.settings(duplicates="reject", token_ttl=60)
    assert changed == {**defaults, "duplicates": "reject", "token_ttl": 60}
    assert emulator.control.settings() == changed
    with pytest.raises(httpx.HTTPStatusError) as info:
        emulator.control.settings(secrets="sometimes")  # type: ignore[arg-type]
    assert info.value.response.status_code == 422
    assert emulator.control.reset() == defaults


# ---------------------------------------------------------------------------------------------
# Faults


def test_invalid_fault_specs_are_422(emulator: EmulatorThread) -> None:
    for kwargs in ({"path": "(unclosed"}, {"status": 200}, {"fraction": 1.5}, {"count": 0}):
        with pytest.raises(httpx.HTTPStatusError) as info:
            emulator.control.add_fault(**kwargs)
        assert info.value.response.status_code == 422
    assert emulator.control.faults() == []


# ---------------------------------------------------------------------------------------------
# Request log, state, reset


def test_request_log_records_api_and_token_calls_only(emulator: EmulatorThread, http: httpx.Client) -> None:
    http.get(f"/v1/models?name={GRANITE}")
    http.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": "nope"})
    emulator.control.state()

    assert emulator.control.requests() == [
        {"method": "GET", "path": "/v1/models", "query": f"name={GRANITE}", "status": 200, "fault": None},
        {"method": "POST", "path": "/identity/token", "query": "", "status": 400, "fault": None},
    ]
    emulator.control.clear_requests()
    assert emulator.control.requests() == []


def test_reset_clears_state_faults_log_and_switches(emulator: EmulatorThread, http: httpx.Client) -> None:
    http.post("/v1/models", json=granite())
    http.post("/v1/model_policy", json=policy_body())
    http.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY})
    emulator.control.add_fault(path="/nothing", status=500)
    emulator.control.settings(secrets="echo")

    switches = emulator.control.reset(empty_list="404")

    assert switches["secrets"] == "omit" and switches["empty_list"] == "404"
    state = emulator.control.state()
    assert (state["models"], state["policies"]) == ([], [])
    assert [t["name"] for t in state["tenants"]] == ["wxo-dev"]
    assert emulator.control.faults() == []
    assert emulator.control.requests() == []
    assert emulator.control.tokens_issued()["iam"] == 0


def test_reset_with_an_invalid_switch_is_422_and_clears_nothing(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    http.post("/v1/models", json=granite())
    emulator.control.settings(secrets="echo")

    with pytest.raises(httpx.HTTPStatusError) as info:
        emulator.control.reset(secrets="sometimes", token_ttl=-1)  # type: ignore[arg-type]

    assert info.value.response.status_code == 422
    assert info.value.response.json() == {
        "detail": [
            {
                "loc": ["body", "secrets"],
                "msg": "Input should be 'omit', 'mask' or 'echo'",
                "type": "literal_error",
            },
            {
                "loc": ["body", "token_ttl"],
                "msg": "Input should be greater than or equal to 0",
                "type": "greater_than_equal",
            },
        ]
    }
    assert len(emulator.control.state()["models"]) == 1
    assert emulator.control.settings()["secrets"] == "echo"
