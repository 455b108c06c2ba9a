"""specs.adk: where IBM's ADK is stricter, a warning by default and an error under ``adk=True``,
each checked against the ADK's own parser (``parse_model_file`` / ``parse_policy_file`` /
``validate_ProviderConfig``, what ``orchestrate models import`` runs), so the rules stay true."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ibm_watsonx_orchestrate.cli.commands.models import models_controller as adk
from ibm_watsonx_orchestrate.cli.commands.models.model_provider_mapper import validate_ProviderConfig
from pydantic import ValidationError

from pulumi_wxo.schema import ProviderConfig
from pulumi_wxo.specs import read_specs
from pulumi_wxo.specs.adk import adk_credentials_missing

pytestmark = pytest.mark.unit

MODEL = "spec_version: v1\nkind: model\nname: virtual-model/openai/gpt-4o\n"
POLICY_HEAD = "spec_version: v1\nkind: model\nname: virtual-policy/p\n"
TARGETS = "    - model_name: virtual-model/openai/a\n    - model_name: virtual-model/openai/b\n"


@pytest.fixture
def spec(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "s.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def found(path: Path, adk_mode: bool) -> list[tuple[int | None, str, str]]:
    """(line, field, severity) of the ADK's problems for ``path``."""
    _, problems = read_specs(path, adk=adk_mode)
    return [(p.line, p.field, p.severity) for p in problems if p.message.startswith("the ADK ")]


def adk_import(path: Path, app_id: str | None = None) -> Any:
    """What `orchestrate models import -f PATH [--app-id]` does before it sends anything."""
    [model] = adk.parse_model_file(str(path))
    provider = model.name.split("/")[1]
    model.provider_config = model.provider_config or adk.ProviderConfig()
    model.provider_config.provider = provider
    validate_ProviderConfig(model.provider_config, app_id=app_id)
    return model


def test_one_document_per_file(spec: Callable[[str, str], Path]) -> None:
    pc = "provider_config:\n  api_key: sk-1\n"  # a literal: the model is ADK-complete (our error)
    two = spec(MODEL + pc + "---\n" + MODEL.replace("gpt-4o", "gpt-4o-mini") + pc)
    assert found(two, False) == [(7, "", "warning")]  # where the second document starts
    assert found(two, True) == [(7, "", "error")]
    with pytest.raises(yaml.YAMLError, match="expected a single document"):
        adk.parse_model_file(str(two))
    listed = spec(
        '[{"spec_version": "v1", "name": "openai/x", "provider_config": {"api_key": "k"}}]', "l.json"
    )
    assert found(listed, True) == [(1, "", "error")]
    with pytest.raises(AttributeError):  # the ADK reads the list as a mapping
        adk.parse_model_file(str(listed))


def test_a_policy_needs_both_descriptions_the_policy_form_and_strategy_mappings(
    spec: Callable[[str, str], Path],
) -> None:
    flat = spec(POLICY_HEAD + "strategy: fallback\ntargets:\n" + TARGETS.replace("    ", "  "))
    assert found(flat, False) == [(3, "name", "warning"), (3, "name", "warning"), (4, "strategy", "warning")]
    assert [sev for *_, sev in found(flat, True)] == ["error"] * 3
    with pytest.raises(ValidationError) as info:
        adk.parse_policy_file(str(flat))
    assert {e["loc"][0] for e in info.value.errors()} == {"display_name", "description", "policy"}

    short = spec(
        POLICY_HEAD + "display_name: P\ndescription: D\npolicy:\n  strategy: fallback\n  targets:\n" + TARGETS
    )
    assert found(short, True) == [(7, "policy.strategy", "error")]
    with pytest.raises(ValidationError, match=r"policy\.strategy"):
        adk.parse_policy_file(str(short))

    good = short.read_text().replace("strategy: fallback", "strategy: {mode: fallback}")
    assert found(spec(good, "good.yaml"), True) == []
    [policy] = adk.parse_policy_file(str(spec(good, "good2.yaml")))
    assert [t.model_name for t in policy.policy.targets] == [
        "virtual-model/openai/a",
        "virtual-model/openai/b",
    ]


def test_a_policy_cache_is_dropped_by_the_adk(spec: Callable[[str, str], Path]) -> None:
    text = POLICY_HEAD + "display_name: P\ndescription: D\npolicy:\n  strategy: {mode: fallback}\n"
    cached = spec(text + "  cache: {mode: simple}\n  targets:\n" + TARGETS)
    assert found(cached, True) == [(8, "policy.cache", "error")]
    [policy] = adk.parse_policy_file(str(cached))
    assert "cache" not in policy.model_dump()["policy"]


def test_a_nested_weight_stays_refused_with_its_reason(spec: Callable[[str, str], Path]) -> None:
    text = (
        POLICY_HEAD
        + "display_name: P\ndescription: D\npolicy:\n  strategy: {mode: loadbalance}\n  targets:\n"
        "    - {model_name: virtual-model/openai/a, weight: 0.5}\n"
        "    - strategy: {mode: fallback}\n      weight: 0.5\n      targets:\n"
        "        - model_name: virtual-model/openai/b\n        - model_name: virtual-model/openai/c\n"
    )
    path = spec(text)
    _, problems = read_specs(path)
    assert [(p.line, p.field, p.is_error) for p in problems if "weight" in p.field] == [
        (11, "targets[1].weight", True)
    ]
    assert "the ADK drops it silently" in next(p.message for p in problems if p.field == "targets[1].weight")
    # ... because the ADK accepts it and routes without it:
    [policy] = adk.parse_policy_file(str(path))
    assert "weight" not in policy.model_dump()["policy"]["targets"][1]


def test_duplicate_keys_stay_refused(spec: Callable[[str, str], Path]) -> None:
    path = spec(MODEL + "connection_id: a\nconnection_id: b\n")
    _, problems = read_specs(path)
    assert [(p.line, p.field, p.is_error) for p in problems] == [(5, "connection_id", True)]
    assert adk.parse_model_file(str(path))[0].connection_id == "b"  # the ADK keeps the last


def test_connection_id_without_credentials_is_refused_by_the_adk(spec: Callable[[str, str], Path]) -> None:
    path = spec(MODEL + "connection_id: conn-1\n")
    # The form pulumi-wxo recommends: no warning by default; an error for the ADK.
    assert found(path, False) == []
    assert found(path, True) == [(4, "connection_id", "error")]
    with pytest.raises(SystemExit):
        adk_import(path)
    # Without connection_id and --app-id: a hint (warning) under --adk, and the ADK agrees.
    bare = spec(MODEL + "provider_config:\n  custom_host: https://h\n", "bare.yaml")
    specs, problems = read_specs(bare, adk=True)
    assert [(p.line, p.field, p.severity) for p in problems] == [(4, "provider_config", "warning")]
    assert "only with `--app-id`: a key_value connection holding api_key" in problems[0].message
    assert len(specs) == 1
    assert adk_import(bare, app_id="openai-app").provider_config.custom_host == "https://h"


def test_secret_references_and_the_marker_are_for_pulumi_wxo_only(spec: Callable[[str, str], Path]) -> None:
    text = (
        "spec_version: v1\nkind: model\nname: virtual-model/vertex-ai/gemini\nprovider_config:\n"
        "  vertex_project_id: p\n  vertex_service_account_json: ${secret:sa}\n"
    )
    unmarked = spec(text)
    marked = spec(text + "  secrets_resolved_by: pulumi-wxo\n", "marked.yaml")
    for path in (unmarked, marked):
        assert read_specs(path)[1] == []  # the Pulumi audience: clean by default
    assert found(unmarked, True) == [(6, "provider_config.vertex_service_account_json", "error")]
    assert found(marked, True) == [
        (6, "provider_config.vertex_service_account_json", "error"),
        (7, "provider_config.secrets_resolved_by", "error"),
    ]
    # The ADK: a reference is no mapping; the marker is a key its ProviderConfig forbids.
    with pytest.raises(ValidationError) as info:
        adk.parse_model_file(str(marked))
    assert {(e["loc"], e["type"]) for e in info.value.errors()} == {
        (("provider_config", "vertex_service_account_json"), "dict_type"),
        (("provider_config", "secrets_resolved_by"), "extra_forbidden"),
    }
    wrong = spec(text + "  secrets_resolved_by: the-adk\n", "wrong.yaml")
    assert [(p.line, p.field) for p in read_specs(wrong)[1]] == [(7, "provider_config.secrets_resolved_by")]


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[Path]:
    """The working directory is not the spec's folder (as when `orchestrate` runs from the root)."""
    (tmp_path / "specs" / "certs").mkdir(parents=True)
    (tmp_path / "run").mkdir()
    old = os.getcwd()
    os.chdir(tmp_path / "run")
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def test_server_cert_file_must_name_the_same_file_from_where_the_adk_runs(elsewhere: Path) -> None:
    import base64

    der = base64.b64encode(b"\x30\x03\x02\x01\x01").decode()
    (elsewhere / "specs" / "certs" / "ca.pem").write_text(
        f"-----BEGIN CERTIFICATE-----\n{der}\n-----END CERTIFICATE-----\n"
    )
    path = elsewhere / "specs" / "m.yaml"
    path.write_text(MODEL + "connection_id: c\nprovider_config:\n  server_cert_file: certs/ca.pem\n")
    assert found(path, False) == [(6, "provider_config.server_cert_file", "warning")]
    assert (6, "provider_config.server_cert_file", "error") in found(path, True)
    with pytest.raises(ValidationError, match="Failed to read server_cert_file"):
        adk.parse_model_file(str(path))
    os.chdir(elsewhere / "specs")  # from the spec's folder both read the same file
    assert found(path, False) == []
    assert adk.parse_model_file(str(path))[0].provider_config.server_cert.startswith("-----BEGIN")


def test_the_adk_adds_max_tokens_to_anthropic_names(spec: Callable[[str, str], Path]) -> None:
    path = spec(MODEL.replace("openai/gpt-4o", "bedrock/anthropic.claude") + "connection_id: c\n")
    assert found(path, False) == []
    assert (4, "connection_id", "error") in found(path, True)
    assert (3, "name", "warning") in found(path, True)


def test_the_adk_knows_every_provider_config_field_of_the_schema() -> None:
    # A field the ADK lacked would be refused there (its ProviderConfig forbids extras).
    ours = {n: f.alias for n, f in ProviderConfig.model_fields.items()}
    theirs = {n: f.alias for n, f in adk.ProviderConfig.model_fields.items() if n != "provider"}
    assert ours == theirs


@pytest.mark.parametrize(
    ("provider", "present", "missing"),
    [
        ("openai", set(), "api_key"),
        ("openai", {"api_key"}, None),
        ("bedrock", {"aws_access_key_id"}, "api_key or aws_access_key_id and aws_secret_access_key"),
        ("bedrock", {"aws_access_key_id", "aws_secret_access_key"}, None),
        ("vertex-ai", {"vertex_service_account_json"}, None),
        ("watsonx", {"watsonx_cpd_password"}, "api_key"),  # the ADK wants api_key even then
        ("openai-oauth2-client-creds", {"api_key"}, "an oauth2 connection"),
    ],
)
def test_credentials_the_adk_requires(provider: str, present: set[str], missing: str | None) -> None:
    assert adk_credentials_missing(provider, present) == missing
