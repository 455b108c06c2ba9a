"""specs.parse: YAML and JSON documents with the line of every key (multi-document files,
lists of specs, tab-indented JSON, dates kept as text, syntax errors with their line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.schema import ModelSpec, PolicySpec
from pulumi_wxo.specs import read_specs
from tests.unit.specs.support import GOOD, by_name, write

pytestmark = pytest.mark.unit


def test_good_specs_multi_doc_json_nested_and_lines() -> None:
    specs = by_name(GOOD, secret_namespaces=["shared"])  # models.yaml reads shared:azureKey
    assert sorted(specs) == [
        "virtual-model/anthropic/claude-3-7-sonnet-latest",
        "virtual-model/azure-openai/gpt-4o-mini",
        "virtual-model/openai/gpt-4o",
        "virtual-model/vertex-ai/gemini-1.5-pro",
        "virtual-policy/route",
    ]
    gpt = specs["virtual-model/openai/gpt-4o"]
    assert (gpt.kind, gpt.resource_name, gpt.line) == ("model", "openai-gpt-4o", 2)
    assert gpt.file == str(GOOD / "models.yaml")
    assert isinstance(gpt.spec, ModelSpec) and gpt.spec.config is not None
    assert gpt.spec.config.max_tokens == 2048
    assert gpt.line_of("config.temperature") == 11
    assert gpt.line_of("provider_config.api_key") == 8
    assert gpt.line_of("provider_config.custom_host") == 7  # absent: its parent's line

    azure = specs["virtual-model/azure-openai/gpt-4o-mini"]
    assert azure.line == 14  # second document of the same file
    assert [(r.field, r.key, r.namespace, r.name) for r in azure.secrets] == [
        ("api_key", "shared:azureKey", "shared", "azureKey")
    ]
    assert azure.spec.provider_config is not None
    assert azure.spec.provider_config.azure_resource_name == "contoso"  # camelCase alias accepted
    assert azure.spec.provider_config.azure_api_version == "2024-06-01"  # a date stays text
    assert azure.line_of("provider_config.azure_resource_name") == 19  # found by its alias

    vertex = specs["virtual-model/vertex-ai/gemini-1.5-pro"]
    assert vertex.file.endswith("vertex.json") and vertex.line == 1
    assert vertex.line_of("provider_config.vertex_project_id") == 7  # tab-indented JSON
    [ref] = vertex.secrets
    assert ref.wants_object  # a service-account JSON is read as an object

    route = specs["virtual-policy/route"]
    assert route.kind == "policy" and isinstance(route.spec, PolicySpec)
    assert route.target_names() == [
        "virtual-model/openai/gpt-4o",
        "virtual-model/azure-openai/gpt-4o-mini",
        "virtual-model/anthropic/claude-3-7-sonnet-latest",
    ]
    assert route.line_of("targets[1].targets[1].weight") == 17


def test_empty_documents_and_a_list_of_specs(tmp_path: Path) -> None:
    write(
        tmp_path,
        "list.json",
        """
        [
          {"spec_version": "v1", "name": "groq/llama-3-8b", "connection_id": "c"},
          {"spec_version": "v1", "name": "groq/llama-3-70b", "connection_id": "c",
           "model_type": "chatty"}
        ]
        """,
    )
    write(tmp_path, "empty.yaml", "---\n# nothing\n---\n")
    specs, problems = read_specs(tmp_path)
    assert [s.name for s in specs] == ["virtual-model/groq/llama-3-8b"]
    assert [(Path(p.file).name, p.line, p.field, p.severity) for p in problems] == [
        ("list.json", 2, "", "warning"),  # the ADK reads one mapping per file (specs/adk.py)
        ("list.json", 4, "model_type", "error"),
    ]


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "bad.json", '{\n  "spec_version": "v1",\n  "name": "openai/x",,\n}\n')
    _, [problem] = read_specs(tmp_path)
    assert (problem.line, problem.field) == (3, "")
    assert problem.message.startswith("invalid JSON: ")


def test_odd_keys_and_characters_are_problems_with_a_line(tmp_path: Path) -> None:
    head = "spec_version: v1\nname: openai/gpt-4o\nprovider_config:\n  api_key: ${secret:k}\n"
    write(tmp_path, "sup.yaml", head + 'config:\n  "\u00b2": 1\n')
    write(
        tmp_path,
        "sup.json",
        '{"spec_version": "v1", "name": "openai/x", "connection_id": "c",\n "\u00b2": 1}',
    )
    write(tmp_path, "nul.yaml", head + "description: a\x00b\n")
    _, problems = read_specs(tmp_path)
    assert [(Path(p.file).name, p.line, p.field, p.message) for p in problems] == [
        ("nul.yaml", 5, "", "invalid YAML: control characters are not allowed"),
        ("sup.json", 2, "\u00b2", "unknown field"),
        ("sup.yaml", 6, "config.\u00b2", "unknown field"),
    ]


@pytest.mark.timeout(30)  # a guard: today this takes over a minute (under a second here)
def test_a_long_list_of_specs_is_read_in_linear_time(tmp_path: Path) -> None:
    # Each item's lines are picked out in one pass over the lines, not one pass per item.
    write(tmp_path, "many.json", "[\n" + ",\n".join(["{}"] * 30_000) + "\n]\n")
    _, problems = read_specs(tmp_path)
    problems = [p for p in problems if p.is_error]  # and one warning: the ADK reads no list
    assert len(problems) == 60_000  # spec_version and name, for each item at its own line
    assert (problems[-1].line, problems[-1].field, problems[-1].message) == (30_001, "name", "is required")
