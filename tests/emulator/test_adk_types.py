"""Every answer of the emulator, read back with the ADK's own pydantic types (api-contract §12.5).

One object the ADK cannot parse makes a whole command fail (``orchestrate models list`` for
the tenant, ``export``/``remove``/``add`` for that model), so this checks each shape the emulator
answers with, for every model shape it accepts and every ``--secrets`` mode: the list item
(``ListVirtualModel``), the same item as ``orchestrate models export`` re-imports it
(``VirtualModel``), the catalogue entry (``ModelListEntry``), policies (``ModelPolicy``), model
selection and connections.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from ibm_watsonx_orchestrate_clients.connections.connections_client import (
    GetConfigResponse,
    GetConnectionResponse,
    ListConfigsResponse,
)
from ibm_watsonx_orchestrate_clients.models.models_client import (
    CUSTOM_MODEL_TAG,
    LLM_DISALLOWED_BY_ADMIN_TAG,
)
from ibm_watsonx_orchestrate_core.types.model_policies.types import ModelPolicy
from ibm_watsonx_orchestrate_core.types.model_selection import GetModelSelectionResponse
from ibm_watsonx_orchestrate_core.types.models.types import ListVirtualModel, ModelListEntry, VirtualModel

from pulumi_wxo.emulator import EmulatorThread

pytestmark = pytest.mark.emulator

SERVICE_ACCOUNT = {
    "type": "service_account",
    "project_id": "p",
    "private_key_id": "k1",
    "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
    "client_email": "sa@p.iam.gserviceaccount.com",
    "token_uri": "https://oauth2.googleapis.com/token",
}

# Each credential shape the schema knows (api-contract §4.4, §9).
SHAPES: dict[str, dict[str, Any]] = {
    "api-key": {"name": "openai/gpt-4o", "provider_config": {"api_key": "sk-1"}},
    "aws-keys": {
        "name": "bedrock/anthropic.claude-3",
        "provider_config": {
            "aws_access_key_id": "AKIA1",
            "aws_secret_access_key": "s3cr3t",
            "aws_session_token": "tok",
            "aws_region": "us-east-1",
        },
    },
    "vertex-json": {
        "name": "vertex-ai/gemini-2.0-flash",
        "provider_config": {
            "vertex_service_account_json": SERVICE_ACCOUNT,
            "vertex_project_id": "p",
            "vertex_region": "us-central1",
        },
    },
    "azure-entra": {
        "name": "azure-openai/gpt-4o",
        "provider_config": {
            "azure_auth_mode": "entra",
            "azure_entra_client_id": "c",
            "azure_entra_client_secret": "cs",
            "azure_entra_tenant_id": "t",
            "azure_resource_name": "r",
            "azure_deployment_id": "d",
            "azure_api_version": "2024-06-01",
        },
    },
    "cpd-password": {
        "name": "watsonx/ibm/granite-3-8b-instruct",
        "provider_config": {
            "watsonx_cpd_url": "https://cpd.example",
            "watsonx_cpd_username": "admin",
            "watsonx_cpd_password": "pw",
            "watsonx_project_id": "proj",
        },
    },
    "connection": {"name": "openai/gpt-4o-mini", "connection_id": "9b1f0c2e-0000-4000-8000-000000000001"},
}


@pytest.fixture(params=["omit", "mask", "echo"])
def secrets(request: pytest.FixtureRequest, emulator: EmulatorThread) -> str:
    emulator.control.settings(secrets=request.param)
    return str(request.param)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_model_answer_reads_as_the_adk_types(http: httpx.Client, secrets: str, shape: str) -> None:
    body = {"description": f"{shape} model", **SHAPES[shape]}
    created = http.post("/v1/orchestrate/models", json=body)
    assert created.status_code == 201

    for answer in (created.json(), *http.get("/v1/orchestrate/models").json()):
        listed = ListVirtualModel.model_validate(answer)
        # what `orchestrate models export` writes, and `models import` / `add` read again
        spec = listed.model_dump(mode="json", exclude_none=True)
        VirtualModel.model_validate(spec)
    [one] = http.get("/v1/orchestrate/models", params={"name": f"virtual-model/{body['name']}"}).json()
    config = ListVirtualModel.model_validate(one).provider_config
    assert config is not None
    if shape == "vertex-json":
        expected = {"omit": None, "echo": SERVICE_ACCOUNT}.get(
            secrets, dict.fromkeys(SERVICE_ACCOUNT, "********")
        )
        assert config.vertex_service_account_json == expected  # masked, still a mapping

    for entry in http.get("/v1/orchestrate/models/list").json()["resources"]:
        # as the CLI builds its rows (adk/cli/commands/models/models_controller.py)
        ModelListEntry(
            name=entry["id"],
            description=entry.get("description"),
            is_custom=CUSTOM_MODEL_TAG in entry.get("tags", []),
            is_denied=LLM_DISALLOWED_BY_ADMIN_TAG in entry.get("tags", []),
        )


@pytest.mark.parametrize("description", [None, "", "Balances two models"])
def test_policy_answers_read_as_the_adk_type(http: httpx.Client, description: str | None) -> None:
    body = {
        "name": "anygem",
        "display_name": "Any Gem",
        "description": description,
        "policy": {
            "strategy": {"mode": "fallback"},
            "targets": [
                {"model_name": "virtual-model/openai/gpt-4o"},
                {
                    "strategy": {"mode": "loadbalance"},
                    "targets": [{"model_name": "virtual-model/x/y", "weight": 1}],
                },
            ],
        },
    }
    created = http.post("/v1/orchestrate/model_policy", json=body)
    assert created.status_code == 201
    replaced = http.put(f"/v1/orchestrate/model_policy/{created.json()['id']}", json=body)

    for answer in (created.json(), replaced.json(), *http.get("/v1/orchestrate/model_policy").json()):
        policy = ModelPolicy.model_validate(answer)
        # documented as nullable, stored as the name like a model's (api-contract §12.5)
        assert policy.description == (description or "virtual-policy/anygem")


def test_a_null_description_loaded_into_state_still_reads(
    http: httpx.Client, emulator: EmulatorThread
) -> None:
    # a recorded server replayed through the control API may hold one
    record = {
        "id": "p1",
        "name": "virtual-policy/old",
        "display_name": "Old",
        "description": None,
        "policy": {},
    }
    emulator.control.load_state({"models": [], "policies": [record]})

    [answer] = http.get("/v1/orchestrate/model_policy").json()

    assert ModelPolicy.model_validate(answer).description == "virtual-policy/old"


def test_model_selection_and_connection_answers_read_as_the_adk_types(http: httpx.Client) -> None:
    GetModelSelectionResponse.model_validate(http.get("/v1/orchestrate/model-selection").json())
    http.post("/v1/orchestrate/connections/applications", json={"app_id": "bare"})
    http.post("/v1/orchestrate/connections/applications", json={"app_id": "kv"})
    config = {
        "app_id": "kv",
        "environment": "draft",
        "preference": "team",
        "security_scheme": "key_value_creds",
    }
    assert (
        http.post("/v1/orchestrate/connections/applications/kv/configurations", json=config).status_code
        == 201
    )

    listing = http.get("/v1/orchestrate/connections/applications", params={"include_details": "true"}).json()
    entries = [ListConfigsResponse.model_validate(e) for e in listing["applications"]]
    assert [(e.app_id, e.environment) for e in entries] == [("bare", None), ("kv", "draft")]
    one = http.get("/v1/orchestrate/connections/applications", params={"app_id": "kv"}).json()
    assert GetConnectionResponse.model_validate(one).connection_id == entries[1].connection_id
    got = http.get("/v1/orchestrate/connections/applications/kv/configurations/draft").json()
    assert GetConfigResponse.model_validate(got).security_scheme == "key_value_creds"


def _sample(annotation: Any) -> Any:
    """A value of an emulator ProviderConfig field's type."""
    text = str(annotation)
    for marker, value in (
        ("list[dict", [{"id": "h"}]),
        ("list[str]", ["x-h"]),
        ("dict[str, str]", {"team": "a"}),
        ("dict[str, typing.Any]", {"type": "service_account"}),
        ("bool", True),
        ("int", 1),
    ):
        if marker in text:
            return value
    return "v"


def test_every_provider_config_key_the_emulator_answers_is_one_the_adk_reads(
    http: httpx.Client, secrets: str
) -> None:
    from pulumi_wxo.emulator.models import ProviderConfig

    config = {name: _sample(field.annotation) for name, field in ProviderConfig.model_fields.items()}
    assert (
        http.post("/v1/models", json={"name": "openai/every-key", "provider_config": config}).status_code
        == 201
    )

    [answer] = http.get("/v1/models").json()

    listed = ListVirtualModel.model_validate(answer)  # the ADK's ProviderConfig forbids unknown keys
    assert listed.provider_config is not None
    VirtualModel.model_validate(listed.model_dump(mode="json", exclude_none=True))
