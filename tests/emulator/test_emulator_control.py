"""The control API under /_emulator/ and its client EmulatorControl (emulator/control.py).

Also the store's dump and load behind ``GET``/``PUT state`` (Store.dump, Store.load).
"""

from __future__ import annotations

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_API_KEY as API_KEY
from tests.support.emulator import EMULATOR_GRANITE as GRANITE
from tests.support.emulator import (
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
        "connection_credentials": "flag",
        "connection_in_use": "allow",
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


def test_an_html_fault_answers_a_page_instead_of_json(emulator: EmulatorThread, http: httpx.Client) -> None:
    page = "<html><body>Down for maintenance</body></html>"
    for kwargs in ({"html": page}, {"html": page, "status": 404, "detail": "x"}):
        with pytest.raises(httpx.HTTPStatusError) as info:
            emulator.control.add_fault(**kwargs)
        assert info.value.response.status_code == 422
    emulator.control.add_fault(method="GET", status=404, html=page)
    answer = http.get("/v1/models")
    assert (answer.status_code, answer.headers["content-type"], answer.text) == (
        404,
        "text/html; charset=utf-8",
        page,
    )
    assert http.post("/v1/models", json=granite()).status_code == 201  # GET only


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


# ---------------------------------------------------------------------------------------------
# State: dump (GET state) and load (PUT state, Store.load): a recorded server is replayed exactly

STATE_BODY = {
    "name": "virtual-model/openai/gpt-4o",
    "display_name": "GPT",
    "description": "GPT via OpenAI",
    "provider_config": {"provider": "openai", "api_key": "sk-state-1"},
}


def test_load_replaces_every_object_with_the_dump(emulator: EmulatorThread, http: httpx.Client) -> None:
    assert http.post("/v1/orchestrate/models", json=STATE_BODY).status_code in (200, 201)
    policy = {
        "name": "p",
        "display_name": "P",
        "description": "one target",
        "policy": {"strategy": {"mode": "single"}, "targets": [{"model_name": STATE_BODY["name"]}]},
    }
    assert http.post("/v1/orchestrate/model_policy", json=policy).status_code in (200, 201)
    dump = emulator.control.state()
    assert len(dump["models"]) == 1 and len(dump["policies"]) == 1

    emulator.control.reset()
    http.post("/v1/orchestrate/models", json={**STATE_BODY, "name": "virtual-model/openai/other"})
    assert emulator.control.load_state(dump) == {"models": 1, "policies": 1}

    assert emulator.control.state()["models"] == dump["models"]  # ids, timestamps, secrets as recorded
    assert emulator.control.state()["policies"] == dump["policies"]
    listed = http.get("/v1/orchestrate/models", params={"name": STATE_BODY["name"]}).json()
    assert [m["id"] for m in listed] == [dump["models"][0]["id"]]
    assert http.get("/v1/orchestrate/models", params={"name": "virtual-model/openai/other"}).json() == []


def test_load_refuses_an_object_without_id(emulator: EmulatorThread, http: httpx.Client) -> None:
    kept = http.post("/v1/orchestrate/models", json=STATE_BODY).json()

    with pytest.raises(httpx.HTTPStatusError) as err:
        emulator.control.load_state({"models": [{"name": "virtual-model/openai/x"}]})

    assert err.value.response.status_code == 422
    assert "string id and name" in err.value.response.text
    assert err.value.response.json() == {
        "detail": [
            {
                "loc": ["body", "models"],
                "msg": "models: every object needs a string id and name",
                "type": "value_error",
            }
        ]
    }
    assert [m["id"] for m in emulator.control.state()["models"]] == [kept["id"]]  # nothing replaced


# ---------------------------------------------------------------------------------------------
# An administrator's tags (api-contract §12.7)


def test_an_administrator_adds_and_removes_tags(emulator: EmulatorThread, http: httpx.Client) -> None:
    created = http.post("/v1/models", json={**granite(), "tags": ["ibm"]}).json()
    deny = "wxo-reserved-tag-admin-disallowed"

    after = emulator.control.edit_model_tags(created["id"], add=[deny, deny, "ibm"])

    assert after["tags"] == ["ibm", deny] and after["updated_at"] > created["updated_at"]
    assert http.get("/v1/models").json()[0]["tags"] == ["ibm", deny]
    assert emulator.control.edit_model_tags(created["id"], remove=["ibm"])["tags"] == [deny]
    # a later full PUT replaces them like any tag (api-contract §2)
    http.put(f"/v1/models/{created['id']}", json={**granite(), "tags": ["x"]})
    assert emulator.control.state()["models"][0]["tags"] == ["x"]


def test_tag_edits_are_checked(emulator: EmulatorThread) -> None:
    with pytest.raises(httpx.HTTPStatusError) as missing:
        emulator.control.edit_model_tags("no-such-id", add=["t"])
    assert (missing.value.response.status_code, missing.value.response.json()) == (
        404,
        {"detail": "Model not found"},
    )
    response = emulator.control._http.post("/models/x/tags", json={"add": [""], "other": 1})
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["detail"]} == {("body", "add", 0), ("body", "other")}


def test_load_keeps_known_tenants_apart_and_gives_a_recording_to_the_emulators_tenant(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    model = http.post("/v1/orchestrate/models", json=STATE_BODY).json()
    recorded = {**emulator.control.state()["models"][0], "id": "from-a-real-server", "tenant_id": "real-1"}
    team = {**recorded, "id": "team-model", "tenant_id": "team-1"}
    tenants = [{"id": "team-1", "name": "team", "title": None, "tags": []}]
    assert emulator.control.load_state({"models": [recorded, team], "tenants": tenants}) == {
        "models": 2,
        "policies": 0,
    }
    # A tenant this emulator does not know (a real server's): the fixed token's tenant sees it.
    # A tenant it knows: kept apart.
    assert [m["id"] for m in http.get("/v1/orchestrate/models").json()] == ["from-a-real-server"]
    assert model["id"] not in [m["id"] for m in emulator.control.state()["models"]]
