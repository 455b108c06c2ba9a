"""Faults and the request log (emulator/middleware.py, FaultSpec in emulator/runtime.py)."""

from __future__ import annotations

import random

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_API_KEY as API_KEY
from tests.support.emulator import EMULATOR_GRANITE as GRANITE
from tests.support.emulator import IAM_GRANT, granite, policy_body, wait_until_answered

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# Status faults


def test_fault_count_hits_the_next_n_matching_requests(emulator: EmulatorThread, http: httpx.Client) -> None:
    fault_id = emulator.control.add_fault(method="POST", path=r"/models$", status=503, count=2)

    statuses = [http.post("/v1/models", json=granite()).status_code for _ in range(3)]
    unmatched = http.get("/v1/models")

    assert statuses == [503, 503, 201]
    assert unmatched.status_code == 200
    assert len(emulator.control.state()["models"]) == 1
    log = emulator.control.requests()
    assert [(e["method"], e["status"], e["fault"]) for e in log] == [
        ("POST", 503, fault_id),
        ("POST", 503, fault_id),
        ("POST", 201, None),
        ("GET", 200, None),
    ]
    [fault] = emulator.control.faults()
    assert (fault["remaining"], fault["hits"]) == (0, 2)


def test_fault_body_and_retry_after(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(path="/models", status=503, retry_after=2, count=1)
    emulator.control.add_fault(path="/models", status=502, detail="Upstream exploded", count=1)

    first = http.get("/v1/models")
    second = http.get("/v1/models")

    assert (first.status_code, first.json()) == (503, {"detail": "Service Unavailable"})
    assert first.headers["Retry-After"] == "2"
    assert (second.status_code, second.json()) == (502, {"detail": "Upstream exploded"})
    assert "Retry-After" not in second.headers


def test_quota_fault(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(method="POST", path="/models", quota=True, count=1)
    response = http.post("/v1/models", json=granite())
    assert response.status_code == 429
    assert response.json() == {
        "detail": {"code": "RESOURCE_QUOTA_EXCEEDED", "message": "Tenant resource quota exceeded."}
    }
    assert emulator.control.state()["models"] == []


def test_fault_fraction_is_reproducible_with_a_seed(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(method="GET", path="/models", status=500, fraction=0.3, seed=42)
    rng = random.Random(42)
    expected = [500 if rng.random() < 0.3 else 200 for _ in range(30)]

    statuses = [http.get("/v1/models").status_code for _ in range(30)]

    assert statuses == expected
    assert 0 < statuses.count(500) < 30


def test_fault_fraction_with_count_stops_after_count(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.add_fault(path="/models", status=500, fraction=0.5, seed=7, count=3)
    statuses = [http.get("/v1/models").status_code for _ in range(40)]
    assert statuses.count(500) == 3


# ---------------------------------------------------------------------------------------------
# Delays: before the handler, or after it has committed


def test_delay_after_commits_before_the_client_sees_anything(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    emulator.control.add_fault(method="POST", path="/models", delay=0.5, delay_after=True, count=1)

    with pytest.raises(httpx.ReadTimeout):
        http.post("/v1/models", json=granite(), timeout=0.2)

    # the POST timed out at the client, yet the model exists
    [stored] = emulator.control.state()["models"]
    assert stored["name"] == GRANITE
    [entry] = wait_until_answered(emulator, 1)
    assert (entry["method"], entry["status"]) == ("POST", 201)


def test_delay_after_with_status_reports_an_error_for_a_committed_write(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    emulator.control.add_fault(method="POST", path="/model_policy", status=504, delay=0.05, delay_after=True)
    response = http.post("/v1/model_policy", json=policy_body())
    assert (response.status_code, response.json()) == (504, {"detail": "Gateway Timeout"})
    assert len(emulator.control.state()["policies"]) == 1


def test_delay_before_with_status_never_reaches_the_handler(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    emulator.control.add_fault(method="POST", path="/models", delay=0.3, status=503, count=1)
    with pytest.raises(httpx.ReadTimeout):
        http.post("/v1/models", json=granite(), timeout=0.1)
    [entry] = wait_until_answered(emulator, 1)
    assert entry["status"] == 503
    assert emulator.control.state()["models"] == []


# ---------------------------------------------------------------------------------------------
# Scope


def test_faults_apply_to_token_routes_but_not_to_control(
    emulator: EmulatorThread, anon: httpx.Client
) -> None:
    emulator.control.add_fault(path=".*", status=503)

    token = anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY})

    assert token.status_code == 503
    assert emulator.control.health()["status"] == "ok"
    assert emulator.control.tokens_issued()["iam"] == 0
    assert emulator.control.clear_faults() == 1
    assert anon.post("/identity/token", data={"grant_type": IAM_GRANT, "apikey": API_KEY}).status_code == 200
