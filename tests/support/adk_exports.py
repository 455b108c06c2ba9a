"""What the ADK round-trip tests put on the emulator and export from it: one model per
credential shape the schema knows, a policy over them, and ``pulumi-wxo export`` written to a
folder (tests/emulator/test_adk_roundtrip.py, tests/emulator/test_adk_cli_roundtrip.py).
``tenant`` puts them on an emulator with its secrets switch set; ``load_all`` reads specs back."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

from pulumi_wxo.cli.export import export_objects, header
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.emulator.switches import Secrets
from pulumi_wxo.specs import dump_yaml, read_specs

SA_JSON = {"type": "service_account", "project_id": "proj-1", "private_key_id": "k1"}
# One model per credential shape the schema knows (api-contract §4.4, §4.5), as created.
SHAPES: dict[str, dict[str, Any]] = {
    "api-key": {
        "name": "virtual-model/openai/gpt-4o",
        "display_name": "GPT-4o",
        "description": "OpenAI with an api key",
        "tags": ["openai"],
        "provider_config": {"api_key": "sk-openai-SECRET", "custom_host": "https://api.openai.test"},
        "config": {"max_tokens": 1024, "temperature": 0.5},
    },
    "aws-keys": {
        "name": "virtual-model/bedrock/anthropic.claude-3",
        "display_name": "Claude on Bedrock",
        "description": "AWS access keys",
        "provider_config": {
            "aws_access_key_id": "AKIA-SECRET",
            "aws_secret_access_key": "aws-SECRET",
            "aws_region": "us-east-1",
        },
    },
    "vertex-service-account": {
        "name": "virtual-model/vertex-ai/gemini-1.5-pro",
        "display_name": "Gemini on Vertex",
        "description": "a service-account JSON (a mapping)",
        "provider_config": {
            "vertex_service_account_json": SA_JSON,
            "vertex_project_id": "proj-1",
            "vertex_region": "us-central1",
        },
    },
    "azure-entra": {
        "name": "virtual-model/azure-openai/gpt-4o-eu",
        "display_name": "GPT-4o on Azure",
        "description": "Entra client credentials",
        "provider_config": {
            "azure_entra_client_id": "client-1",
            "azure_entra_client_secret": "entra-SECRET",
            "azure_entra_tenant_id": "tenant-1",
            "azure_resource_name": "contoso",
            "azure_deployment_id": "gpt-4o",
            "azure_api_version": "2024-06-01",
        },
    },
    "cpd-password": {
        "name": "virtual-model/watsonx/ibm/granite-3-8b",
        "display_name": "Granite on CPD",
        "description": "a Cloud Pak for Data password",
        "provider_config": {
            "watsonx_cpd_url": "https://cpd.example.test",
            "watsonx_cpd_username": "admin",
            "watsonx_cpd_password": "cpd-SECRET",
            "watsonx_space_id": "space-1",
        },
    },
    "connection": {
        "name": "virtual-model/anthropic/claude-3-7-sonnet",
        "display_name": "Claude",
        "description": "credentials in a key_value connection",
        "connection_id": "conn-anthropic",
        "config": {"max_tokens": 2048},
    },
}
POLICY = {
    "name": "virtual-policy/resilient",
    "display_name": "virtual-policy/resilient",  # equal to the name: still written
    "description": "OpenAI first, then Azure",
    "policy": {
        "strategy": {"mode": "fallback", "on_status_codes": [429, 503]},
        "retry": {"attempts": 2, "on_status_codes": [503]},
        "targets": [
            {"model_name": "virtual-model/openai/gpt-4o"},
            {"model_name": "virtual-model/azure-openai/gpt-4o-eu"},
        ],
    },
}
BEDROCK = "virtual-model/bedrock/anthropic.claude-3"
# One key_value connection's credentials, enough for every shape above that needs one.
CONNECTION_CREDENTIALS = {
    "api_key": "sk-conn",
    "aws_access_key_id": "AKIA-conn",
    "aws_secret_access_key": "aws-conn",
    "azure_entra_client_secret": "entra-conn",
    "watsonx_cpd_password": "cpd-conn",
}


def create_all(http: httpx.Client) -> None:
    for body in SHAPES.values():
        http.post("/v1/models", json=body).raise_for_status()
    http.post("/v1/model_policy", json=POLICY).raise_for_status()


def tenant(emulator: EmulatorThread, http: httpx.Client, secrets: Secrets = "echo") -> None:
    """Every shape and the policy created (``create_all``) on an emulator that answers their
    secrets as ``secrets`` says (``echo``: every credential comes back, as a real export sees it)."""
    emulator.control.settings(secrets=secrets)
    create_all(http)


def load_all(folder: Path, models: Iterable[str]) -> dict[str, Any]:
    """The specs the loader reads from ``folder``, by name: no error among its problems, and
    exactly the ``models`` and the policy."""
    specs, problems = read_specs(folder)
    assert not [p for p in problems if p.is_error]
    by_name = {s.name: s.spec for s in specs}
    assert set(by_name) == {*models, POLICY["name"]}
    return by_name


def write_exports(http: httpx.Client, folder: Path, audience: str) -> list[Path]:
    exported, _ = export_objects(
        http.get("/v1/models").json(),
        http.get("/v1/model_policy").json(),
        audience=audience,  # type: ignore[arg-type]
    )
    folder.mkdir(parents=True, exist_ok=True)
    for e in exported:
        (folder / e.filename).write_text(dump_yaml(e.document, header=header(e)))
    return sorted(folder.iterdir())
