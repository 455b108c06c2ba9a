"""specs.export: server objects as spec documents (never a secret), YAML, and the program."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pulumi_wxo.specs import ExportedSpec, dump_yaml, export_model, export_policy, read_specs

pytestmark = pytest.mark.unit


def test_export_model_never_writes_secrets_and_asks_for_required_ones() -> None:
    echoed = {
        "id": "m1",
        "name": "virtual-model/openai/gpt-4o",
        "display_name": "GPT",
        "description": "virtual-model/openai/gpt-4o",
        "tags": [],
        "model_type": "chat",
        "provider_config": {"provider": "openai", "api_key": "sk-ECHOED-1234", "customHost": "https://h"},
        "config": {"max_tokens": 100.0},
    }
    e = export_model(echoed)
    assert e.document == {
        "spec_version": "v1",
        "kind": "model",
        "name": "virtual-model/openai/gpt-4o",
        "display_name": "GPT",
        "description": "virtual-model/openai/gpt-4o",  # always written: the ADK requires it of policies
        "model_type": "chat",
        "provider_config": {
            "secrets_resolved_by": "pulumi-wxo",  # the ADK refuses the file (docs/guide/specs.md)
            "api_key": "${secret:openaiApiKey}",
            "custom_host": "https://h",
        },
        "config": {"max_tokens": 100},
    }
    assert e.secrets == (("api_key", "openaiApiKey"),)
    assert (e.filename, e.notes) == ("openai-gpt-4o.yaml", ())
    assert "ECHOED" not in dump_yaml(e.document)

    omitted = export_model({"id": "m2", "name": "virtual-model/bedrock/claude", "provider_config": {}})
    assert omitted.document["provider_config"] == {
        "secrets_resolved_by": "pulumi-wxo",
        "api_key": "${secret:bedrockApiKey}",
    }
    bound = export_model({"id": "m3", "name": "virtual-model/anthropic/c", "connection_id": "conn-1"})
    assert "provider_config" not in bound.document and bound.secrets == ()
    assert bound.document["connection_id"] == "conn-1"


def test_export_policy_and_round_trip_through_the_reader(tmp_path: Path) -> None:
    policy = export_policy(
        {
            "id": "p1",
            "name": "virtual-policy/anygem",
            "display_name": "Any Gem",
            "description": "Balances\ntwo models",
            "policy": {
                "strategy": {"mode": "loadbalance"},
                "targets": [
                    {"model_name": "virtual-model/openai/gpt-4o", "weight": 0.5},
                    {"model_name": "virtual-model/anthropic/c", "weight": 0.5},
                ],
            },
        }
    )
    assert policy.filename == "policy-anygem.yaml"
    assert list(policy.document) == ["spec_version", "kind", "name", "display_name", "description", "policy"]
    model = export_model({"id": "m", "name": "virtual-model/openai/gpt-4o", "provider_config": {}})
    bound = export_model({"id": "m3", "name": "virtual-model/anthropic/c", "connection_id": "conn-1"})
    for e in (policy, model, bound):
        (tmp_path / e.filename).write_text(dump_yaml(e.document, header="exported\nby a test"))
    text = (tmp_path / "policy-anygem.yaml").read_text()
    assert text.startswith("# exported\n# by a test\nspec_version: v1\n")
    assert "description: |-\n  Balances\n  two models\n" in text
    specs, problems = read_specs(tmp_path)
    assert problems == [] and len(specs) == 3


def test_exported_spec_is_plain_data() -> None:
    e = ExportedSpec("model", "virtual-model/openai/x", "openai-x", {"a": 1})
    assert yaml.safe_load(dump_yaml(e.document)) == {"a": 1}


def test_export_drops_the_providers_owner_tag() -> None:
    listed = {
        "id": "m-1",
        "name": "virtual-model/openai/gpt-4o",
        "tags": ["team-a", "pulumi-wxo-owner:0123456789abcdef:01234567"],
        "provider_config": {"provider": "openai"},
    }
    assert export_model(listed).document["tags"] == ["team-a"]


@pytest.mark.parametrize(
    ("shown", "asked"),
    [
        ({"awsRegion": "us-east-1"}, ["aws_access_key_id", "aws_secret_access_key"]),
        ({"vertexProjectId": "p"}, ["vertex_service_account_json"]),
        ({"azureEntraClientId": "c", "azureEntraTenantId": "t"}, ["azure_entra_client_secret"]),
        ({"watsonxCpdUrl": "https://cpd", "watsonxSpaceId": "s"}, ["watsonx_cpd_password"]),
        ({"customHost": "https://h"}, ["api_key"]),
    ],
)
def test_an_omitted_credential_is_asked_for_by_its_kind(shown: dict[str, str], asked: list[str]) -> None:
    provider = {
        "awsRegion": "bedrock",
        "vertexProjectId": "vertex-ai",
        "azureEntraClientId": "azure-ai",
        "watsonxCpdUrl": "watsonx",
        "customHost": "openai",
    }[next(iter(shown))]
    e = export_model({"id": "m", "name": f"virtual-model/{provider}/m", "provider_config": shown})
    assert [field for field, _ in e.secrets] == asked
    assert e.notes == ()  # the document passes the schema as written
    pc = e.document["provider_config"]
    assert next(iter(pc)) == "secrets_resolved_by" and pc["secrets_resolved_by"] == "pulumi-wxo"
    adk = export_model(
        {"id": "m", "name": f"virtual-model/{provider}/m", "provider_config": shown}, audience="adk"
    )
    assert adk.connection_needs == " and ".join(asked) and adk.secrets == ()
    assert set(adk.document["provider_config"]).isdisjoint([*asked, "secrets_resolved_by"])
    assert (adk.document["display_name"], adk.document["description"]) == (adk.name, adk.name)


def test_a_policy_always_has_both_descriptions() -> None:
    e = export_policy(
        {
            "id": "p",
            "name": "virtual-policy/p",
            "display_name": "virtual-policy/p",
            "description": None,
            "policy": {"strategy": {"mode": "single"}, "targets": [{"model_name": "virtual-model/openai/a"}]},
        }
    )
    assert (e.document["display_name"], e.document["description"]) == ("virtual-policy/p", "virtual-policy/p")


def test_export_writes_no_server_owned_tag() -> None:
    tags = ["team", "third party", "wxo-reserved-tag-premier", "pulumi-wxo-owner:org/proj/stack/urn"]
    e = export_model({"id": "m", "name": "virtual-model/openai/a", "connection_id": "c", "tags": tags})
    assert e.document["tags"] == ["team"]
