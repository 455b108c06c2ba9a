"""The store's rules (emulator/store.py): canonical records, defaults, names, full replace, persistence.

Driven over loopback and checked in ``GET /_emulator/state`` (the raw stored records).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread
from tests.support.emulator import EMULATOR_GRANITE as GRANITE
from tests.support.emulator import EMULATOR_TOKEN as TOKEN
from tests.support.emulator import IAM_GRANT, assert_422, granite, policy_body

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# Records and defaults (api-contract §2.1, §3, §10)


def test_state_is_canonical_snake_case_with_secrets(emulator: EmulatorThread, http: httpx.Client) -> None:
    http.post("/v1/models", json=granite())

    [stored] = emulator.control.state()["models"]
    assert stored["provider_config"] == {
        "provider": "watsonx",
        "api_key": "sk-very-secret",
        "custom_host": "https://us-south.ml.cloud.ibm.com",
        "watsonx_space_id": "space-guid",
    }
    # unknown top-level keys are ignored, not stored (api-contract §3 [INF])
    assert not {"spec_version", "kind", "app_id"} & set(stored)


def test_defaults_for_a_minimal_body(http: httpx.Client) -> None:
    response = http.post("/v1/models", json={"name": "virtual-model/openai/gpt-4o"})

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "virtual-model/openai/gpt-4o"
    assert body["display_name"] == body["description"] == "virtual-model/openai/gpt-4o"
    assert body["model_type"] == "chat"
    assert body["tags"] == []
    assert body["config"] == {}
    assert body["provider_config"] == {"provider": "openai"}
    assert body["model_name"] == "gpt-4o"


def test_provider_key_in_input_is_overwritten_by_the_derived_one(http: httpx.Client) -> None:
    body = granite(provider_config={"provider": "", "watsonx_project_id": "p"})
    assert http.post("/v1/models", json=body).json()["provider_config"] == {
        "provider": "watsonx",
        "watsonxProjectId": "p",
    }
    other = granite(name="anthropic/claude", provider_config={"provider": "openai"})
    assert http.post("/v1/models", json=other).json()["provider_config"] == {"provider": "anthropic"}


# ---------------------------------------------------------------------------------------------
# Names (api-contract §4.1, §10)


def test_unknown_provider_is_422_naming_name(emulator: EmulatorThread, http: httpx.Client) -> None:
    response = http.post("/v1/models", json=granite(name="virtual-model/acme/model-1"))

    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "name"],
                "msg": "Value error, Unsupported model provider 'acme'",
                "type": "value_error",
            }
        ]
    }
    assert response.status_code == 422
    assert emulator.control.state()["models"] == []


def test_name_without_a_model_part_is_422(http: httpx.Client) -> None:
    response = http.post("/v1/models", json=granite(name="virtual-model/watsonx"))
    msg = "Value error, Model name must have the form virtual-model/<provider>/<model>"
    assert_422(response, ["body", "name"], msg, "value_error")


# ---------------------------------------------------------------------------------------------
# Full replace and unknown ids (api-contract §2, §6, §10 item 4)


def test_put_replaces_everything_but_identity_and_creation(
    emulator: EmulatorThread, http: httpx.Client
) -> None:
    created = http.post("/v1/models", json=granite()).json()
    replacement = {
        "name": GRANITE,
        "description": "new description",
        "provider_config": {"watsonxProjectId": "proj"},
        "model_type": "completion",
        "connection_id": "conn-1",
    }

    response = http.put(f"/v1/orchestrate/models/{created['id']}", json=replacement)

    assert response.status_code == 200
    updated = response.json()
    assert updated == {
        **created,
        "display_name": GRANITE,  # full replace: defaults again
        "description": "new description",
        "tags": [],
        "config": {},
        "model_type": "completion",
        "provider_config": {"provider": "watsonx", "watsonxProjectId": "proj"},
        "connection_id": "conn-1",
        "updated_at": updated["updated_at"],
    }
    assert updated["updated_at"] > created["updated_at"]
    assert http.get("/v1/models").json() == [updated]
    assert "api_key" not in emulator.control.state()["models"][0]["provider_config"]


def test_put_unknown_id_is_404(http: httpx.Client) -> None:
    response = http.put("/v1/models/3c90c3cc-0d44-4b50-8888-8dd25736052a", json=granite())
    assert response.status_code == 404
    assert response.json() == {"detail": "Model not found"}


def test_policy_unknown_id_is_404(http: httpx.Client) -> None:
    for response in (
        http.put("/v1/model_policy/nope", json=policy_body()),
        http.delete("/v1/model_policy/nope"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Model policy not found"}


# ---------------------------------------------------------------------------------------------
# Concurrency and persistence


def test_concurrent_creates_are_all_stored(emulator: EmulatorThread) -> None:
    ids: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        with httpx.Client(
            timeout=30, base_url=emulator.url, headers={"Authorization": f"Bearer {TOKEN}"}
        ) as client:
            for i in range(5):
                response = client.post("/v1/models", json=granite(name=f"openai/m-{n}-{i}"))
                assert response.status_code == 201
                with lock:
                    ids.append(response.json()["id"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(set(ids)) == 40
    assert sorted(m["id"] for m in emulator.control.state()["models"]) == sorted(ids)


def test_restart_with_the_same_db_keeps_models_policies_and_tokens(tmp_path: Any) -> None:
    settings = EmulatorSettings(db=str(tmp_path / "wxo.db"), token="t1")
    with EmulatorThread(settings) as first, httpx.Client(timeout=30, base_url=first.url) as client:
        auth = {"Authorization": "Bearer t1"}
        model = client.post("/v1/models", json=granite(), headers=auth).json()
        policy = client.post("/v1/model_policy", json=policy_body(), headers=auth).json()
        minted = client.post(
            "/identity/token", data={"grant_type": IAM_GRANT, "apikey": "wxo-emulator-api-key"}
        ).json()["access_token"]
        first_state = first.control.state()

    with EmulatorThread(settings) as second, httpx.Client(timeout=30, base_url=second.url) as client:
        auth = {"Authorization": "Bearer t1"}
        assert client.get("/v1/models", headers=auth).json() == [model]
        assert client.get("/v1/model_policy", headers=auth).json() == [policy]
        assert second.control.state() == first_state
        assert client.get("/v1/models", headers={"Authorization": f"Bearer {minted}"}).status_code == 200


def test_in_memory_db_does_not_persist() -> None:
    with (
        EmulatorThread(EmulatorSettings(token="t")) as first,
        httpx.Client(timeout=30, base_url=first.url) as client,
    ):
        assert (
            client.post("/v1/models", json=granite(), headers={"Authorization": "Bearer t"}).status_code
            == 201
        )
    with EmulatorThread(EmulatorSettings(token="t")) as second:
        assert second.control.state()["models"] == []


def test_a_database_from_before_tenants_were_kept_apart_is_the_home_tenants(tmp_path: Any) -> None:
    # A file written before the objects table had a tenant column: its rows are the tenant
    # the emulator serves (--tenant-id), and stay readable and writable with its token.
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE objects (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
            "id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, data TEXT NOT NULL)"
        )
        record = {"id": "m-1", "name": GRANITE, "tags": []}
        conn.execute(
            "INSERT INTO objects (kind, id, name, data) VALUES ('model', 'm-1', ?, ?)",
            (GRANITE, json.dumps(record)),
        )
    db.chmod(0o600)
    with (
        EmulatorThread(EmulatorSettings(db=str(db), token="t1")) as emu,
        httpx.Client(timeout=30, base_url=emu.url, headers={"Authorization": "Bearer t1"}) as client,
    ):
        assert [m["id"] for m in emu.control.state()["models"]] == ["m-1"]
        assert client.delete("/v1/models/m-1").status_code == 200
        assert emu.control.state()["models"] == []
