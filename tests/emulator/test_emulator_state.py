"""The control API's state dump and load: a recorded server is replayed exactly."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.conftest import EMULATOR_TOKEN

BODY = {
    "name": "virtual-model/openai/gpt-4o",
    "display_name": "GPT",
    "description": "GPT via OpenAI",
    "provider_config": {"provider": "openai", "api_key": "sk-state-1"},
}


@pytest.fixture
def http(emulator: EmulatorThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}) as c:
        yield c


def test_load_replaces_every_object_with_the_dump(emulator: EmulatorThread, http: httpx.Client) -> None:
    assert http.post("/v1/orchestrate/models", json=BODY).status_code in (200, 201)
    policy = {
        "name": "p",
        "display_name": "P",
        "description": "one target",
        "policy": {"strategy": {"mode": "single"}, "targets": [{"model_name": BODY["name"]}]},
    }
    assert http.post("/v1/orchestrate/model_policy", json=policy).status_code in (200, 201)
    dump = emulator.control.state()
    assert len(dump["models"]) == 1 and len(dump["policies"]) == 1

    emulator.control.reset()
    http.post("/v1/orchestrate/models", json={**BODY, "name": "virtual-model/openai/other"})
    assert emulator.control.load_state(dump) == {"models": 1, "policies": 1}

    assert emulator.control.state()["models"] == dump["models"]  # ids, timestamps, secrets as recorded
    assert emulator.control.state()["policies"] == dump["policies"]
    listed = http.get("/v1/orchestrate/models", params={"name": BODY["name"]}).json()
    assert [m["id"] for m in listed] == [dump["models"][0]["id"]]
    assert http.get("/v1/orchestrate/models", params={"name": "virtual-model/openai/other"}).json() == []


def test_load_refuses_an_object_without_id(emulator: EmulatorThread) -> None:
    with pytest.raises(httpx.HTTPStatusError) as err:
        emulator.control.load_state({"models": [{"name": "virtual-model/openai/x"}]})
    assert err.value.response.status_code == 422
    assert "string id and name" in err.value.response.text
