"""The variant switches' behaviour over loopback (emulator/switches.py is the table).

api-contract §2.1/§8/§11: open behaviour, one switch per variant. ``mcsp_v1`` and ``token_ttl`` are
exercised with the token endpoints (test_emulator_tokens.py), ``connection_credentials`` and
``connection_in_use`` with the connections (test_emulator_connections.py); the table itself, and that every
derived form matches it, in tests/unit/test_emulator_switch_table.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_GRANITE as GRANITE
from tests.support.emulator import (
    granite,
    policy_body,
)

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# secrets


@pytest.mark.parametrize(
    ("secrets", "expected"),
    [
        ("omit", {"provider": "bedrock", "awsRegion": "us-east-1"}),
        (
            "mask",
            {
                "provider": "bedrock",
                "api_key": "********",
                "awsSecretAccessKey": "********",
                "awsAccessKeyId": "********",
                "awsSessionToken": "********",
                "awsRegion": "us-east-1",
            },
        ),
        (
            "echo",
            {
                "provider": "bedrock",
                "api_key": "k-1",
                "awsSecretAccessKey": "k-2",
                "awsAccessKeyId": "k-3",
                "awsSessionToken": "k-4",
                "awsRegion": "us-east-1",
            },
        ),
    ],
)
def test_secrets_switch(
    emulator: EmulatorThread, http: httpx.Client, secrets: str, expected: dict[str, Any]
) -> None:
    emulator.control.settings(secrets=secrets)  # type: ignore[arg-type]
    provider_config = {
        "api_key": "k-1",
        "aws_secret_access_key": "k-2",
        "awsAccessKeyId": "k-3",
        "aws_session_token": "k-4",
        "aws_region": "us-east-1",
    }
    created = http.post("/v1/models", json=granite(name="bedrock/claude", provider_config=provider_config))

    assert created.json()["provider_config"] == expected
    assert http.get("/v1/models").json()[0]["provider_config"] == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("azure_entra_client_secret", "s"),
        ("azure_ad_token", "s"),
        ("ad_auth", "s"),
        ("vertex_service_account_json", {"private_key": "s"}),
        ("watsonx_cpd_password", "s"),
    ],
)
def test_every_secret_key_is_omitted_by_default(http: httpx.Client, field: str, value: Any) -> None:
    response = http.post("/v1/models", json=granite(provider_config={field: value}))
    assert response.json()["provider_config"] == {"provider": "watsonx"}


# ---------------------------------------------------------------------------------------------
# duplicates


def test_duplicates_accepted_by_default(emulator: EmulatorThread, http: httpx.Client) -> None:
    first = http.post("/v1/models", json=granite())
    second = http.post("/v1/models", json=granite())

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert len(http.get(f"/v1/models?name={GRANITE}").json()) == 2


def test_duplicates_rejected_with_409(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.reset(duplicates="reject")
    http.post("/v1/models", json=granite())

    response = http.post("/v1/models", json=granite(name=GRANITE))

    assert response.status_code == 409
    assert response.json() == {"detail": f"Model with name '{GRANITE}' already exists"}
    assert len(emulator.control.state()["models"]) == 1
    # renaming another model onto an existing name conflicts too; keeping one's own name does not
    other = http.post("/v1/models", json=granite(name="openai/gpt-4o")).json()
    assert http.put(f"/v1/models/{other['id']}", json=granite()).status_code == 409
    assert http.put(f"/v1/models/{other['id']}", json=granite(name="openai/gpt-4o")).status_code == 200
    # and the same for policies
    http.post("/v1/model_policy", json=policy_body())
    dup = http.post("/v1/model_policy", json=policy_body())
    assert dup.status_code == 409
    assert dup.json() == {"detail": "Model policy with name 'virtual-policy/anygem' already exists"}


# ---------------------------------------------------------------------------------------------
# create_response


def test_create_response_empty(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.settings(create_response="empty")
    created = http.post("/v1/models", json=granite())
    assert (created.status_code, created.content) == (200, b"")
    [stored] = emulator.control.state()["models"]
    replaced = http.put(f"/v1/models/{stored['id']}", json=granite())
    assert (replaced.status_code, replaced.content) == (200, b"")
    policy = http.post("/v1/model_policy", json=policy_body())
    assert (policy.status_code, policy.content) == (200, b"")


def test_create_response_id(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.settings(create_response="id")
    created = http.post("/v1/models", json=granite())
    [stored] = emulator.control.state()["models"]
    assert created.status_code == 201
    assert created.json() == stored["id"]
    assert created.content == f'"{stored["id"]}"'.encode()
    replaced = http.put(f"/v1/models/{stored['id']}", json=granite())
    assert (replaced.status_code, replaced.json()) == (200, stored["id"])
    policy = http.post("/v1/model_policy", json=policy_body())
    assert policy.json() == emulator.control.state()["policies"][0]["id"]


# ---------------------------------------------------------------------------------------------
# empty_list


def test_empty_list_404(emulator: EmulatorThread, http: httpx.Client) -> None:
    emulator.control.settings(empty_list="404")

    models = http.get("/v1/models")
    policies = http.get("/v1/model_policy")
    filtered = http.get("/v1/models", params={"name": "x"})

    assert (models.status_code, models.json()) == (404, {"detail": "No models found"})
    assert (policies.status_code, policies.json()) == (404, {"detail": "No model policies found"})
    assert (filtered.status_code, filtered.json()) == (404, {"detail": "No models found"})
    assert http.get("/v1/models/list").status_code == 200  # the catalogue is never empty
    http.post("/v1/models", json=granite())
    assert http.get("/v1/models").status_code == 200


def test_empty_list_array_is_the_default(http: httpx.Client) -> None:
    assert (http.get("/v1/models").status_code, http.get("/v1/models").json()) == (200, [])
    assert http.get("/v1/model_policy").json() == []


def test_mask_keeps_the_service_account_json_a_mapping(emulator: EmulatorThread, http: httpx.Client) -> None:
    # The ADK types vertex_service_account_json as a mapping: "********" in its place would make
    # the model unreadable to it (api-contract §12.5). Every string inside is masked instead.
    emulator.control.settings(secrets="mask")
    account = {"type": "service_account", "private_key": "-----BEGIN", "n": 3, "scopes": ["a", "b"]}
    body = {"name": "vertex-ai/gemini", "provider_config": {"vertex_service_account_json": account}}
    assert http.post("/v1/models", json=body).status_code == 201

    [model] = http.get("/v1/models").json()

    assert model["provider_config"]["vertexServiceAccountJson"] == {
        "type": "********",
        "private_key": "********",
        "n": 3,
        "scopes": ["********", "********"],
    }
