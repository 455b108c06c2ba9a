"""Spec files: parsing with lines, every problem class with file/line/field, overrides, exports,
and ``declare`` under ``pulumi.runtime.set_mocks`` (what the program registers)."""

from __future__ import annotations

import json
import logging
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from pulumi_wxo._schema import ModelSpec, PolicySpec
from pulumi_wxo._spec import (
    ExportedSpec,
    Problem,
    SpecError,
    declare,
    dump_yaml,
    export_model,
    export_policy,
    find_spec_files,
    load_specs,
    python_program,
    read_specs,
    resource_name,
    secret_config_key,
    spec_json_schema,
)
from tests.mocks import Recorder

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "specs-good"
BROKEN = DATA / "broken-specs"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "specs"
SECRET_SIG = "4dabf18193072939515e22adb298388d"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def by_name(paths: Any, **kw: Any) -> dict[str, Any]:
    specs, problems = read_specs(paths, **kw)
    assert [p for p in problems if p.is_error] == []
    return {s.name: s for s in specs}


# --------------------------------------------------------------------------- parsing


def test_good_specs_multi_doc_json_nested_and_lines() -> None:
    specs = by_name(GOOD)
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


def test_hidden_schema_and_other_files_are_skipped() -> None:
    files, problems = find_spec_files(GOOD)
    names = sorted(Path(f).name for f in files)
    assert names == ["claude.yml", "models.yaml", "route.yaml", "vertex.json"]
    assert problems == []


def test_globs_files_and_missing_paths(tmp_path: Path) -> None:
    files, problems = find_spec_files(f"{GOOD}/**/*.yaml")
    assert sorted(Path(f).name for f in files) == ["models.yaml", "route.yaml"]
    assert problems == []
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "models.py").write_text("x = 1")
    _, problems = find_spec_files(
        [tmp_path / "notes.txt", tmp_path / "models.py", tmp_path / "nope.yaml", f"{tmp_path}/*.yaml"]
    )
    assert [(Path(p.file).name, p.message) for p in problems] == [
        ("notes.txt", "not a spec file (.yaml, .yml or .json)"),
        ("models.py", "Python spec files are not supported; write the spec as YAML"),
        ("nope.yaml", "no such file or directory"),
        ("*.yaml", "no spec files match this pattern"),
    ]


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
    assert [(Path(p.file).name, p.line, p.field) for p in problems] == [("list.json", 4, "model_type")]


def test_adk_export_files_are_accepted(tmp_path: Path) -> None:
    specs, problems = read_specs(DATA / "adk-export")
    assert [(Path(p.file).name, p.line, p.field, p.severity) for p in problems] == [
        ("claude.yaml", 4, "id", "warning"),
        ("groq.yaml", 4, "provider", "warning"),
    ]
    assert "'openai' is ignored: the provider comes from the name ('groq')" in problems[1].message
    claude = {s.name: s for s in specs}["virtual-model/anthropic/claude-3-7-sonnet-latest"].spec
    assert isinstance(claude, ModelSpec) and claude.provider_config is not None
    # server_cert_file (ADK 2.19) is read relative to the spec file, into server_cert
    assert claude.provider_config.server_cert == (DATA / "adk-export" / "certs" / "gateway.pem").read_text()

    write(
        tmp_path,
        "m.yaml",
        """
        spec_version: v1
        name: openai/gpt-4o
        provider_config:
          api_key: ${secret:k}
          server_cert_file: missing.pem
        """,
    )
    _, [problem] = read_specs(tmp_path)
    assert (problem.line, problem.field) == (5, "provider_config.server_cert_file")
    assert problem.message.startswith(f"cannot read {tmp_path / 'missing.pem'}")


def test_a_file_named_twice_is_read_once() -> None:
    files, _ = find_spec_files([GOOD, GOOD / "models.yaml", f"{GOOD}/*.yaml"])
    assert len(files) == len(set(files)) == 4


# --------------------------------------------------------------------------- problems


# (file, line, field, words in the message, severity) for every problem in broken-specs/
BROKEN_EXPECTED = [
    ("app-id.yaml", 5, "app_id", "set connection_id", "warning"),
    ("app-id.yaml", 6, "provider_config.api_key", "is required for provider 'watsonx'", "error"),
    ("duplicates.yaml", 8, "config.max_tokens", "duplicate key (also on line 7)", "error"),
    ("kinds.yaml", 2, "kind", "'agent' is not a model spec", "error"),
    ("kinds.yaml", 5, "", "a spec must be a mapping", "error"),
    ("kinds.yaml", 6, "", "a spec must be a mapping", "error"),
    ("kinds.yaml", 8, "spec_version", "'v2' is not supported", "error"),
    ("multi.yaml", 4, "name", "declared twice (also in {BROKEN}/duplicates.yaml:3)", "error"),
    ("multi.yaml", 10, "spec_version", "is required", "error"),
    ("multi.yaml", 17, "name", "unknown provider 'openia'", "error"),
    ("multi.yaml", 19, "config.temperature", "less than or equal to 2", "error"),
    ("multi.yaml", 20, "config.max_tokens", "greater than 0", "error"),
    ("nested.yaml", 14, "targets[1].targets[1].weight", "greater than 0", "error"),
    ("policy.json", 7, "targets", "a fallback needs at least two targets (got 1)", "error"),
    ("references.yaml", 4, "display_name", "resolved in provider_config only", "error"),
    ("references.yaml", 6, "provider_config.api_key", "malformed secret reference", "error"),
    ("secret-literal.yaml", 6, "provider_config.api_key", "${secret:openaiApiKey}", "error"),
    ("syntax.yaml", 4, "", "invalid YAML: did not find expected ','", "error"),
    ("undeclared-target.yaml", 8, "targets[1].model_name", "not declared here", "warning"),
    ("unknown-field.yaml", 4, "display_nmae", "did you mean 'display_name'", "error"),
    ("unknown-field.yaml", 7, "provider_config.api_kye", "did you mean 'api_key'", "error"),
]


def test_every_problem_in_broken_specs_has_file_line_and_field() -> None:
    _, problems = read_specs(BROKEN)
    got = [(Path(p.file).name, p.line, p.field, p.severity) for p in problems]
    assert got == [(f, line, field, sev) for f, line, field, _, sev in BROKEN_EXPECTED]
    for p, (_, _, _, words, _) in zip(problems, BROKEN_EXPECTED, strict=True):
        assert words.replace("{BROKEN}", str(BROKEN)) in p.message, p
    # The literal key is reported by field, never repeated.
    assert not [p for p in problems if "LITERAL" in str(p)]


def test_problem_rendering() -> None:
    assert str(Problem("a.yaml", 3, "config.top_p", "too big")) == "a.yaml:3: config.top_p: too big"
    assert str(Problem("a.yaml", None, "", "unreadable")) == "a.yaml: unreadable"
    assert str(Problem("a.yaml", 1, "x", "hm", "warning")) == "a.yaml:1: x: warning: hm"


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "bad.json", '{\n  "spec_version": "v1",\n  "name": "openai/x",,\n}\n')
    _, [problem] = read_specs(tmp_path)
    assert (problem.line, problem.field) == (3, "")
    assert problem.message.startswith("invalid JSON: ")


def test_resource_name_collisions_name_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "spec_version: v1\nname: openai/a/b\nconnection_id: c\n")
    write(tmp_path, "b.yaml", "spec_version: v1\n\nname: openai/a-b\nconnection_id: c\n")
    _, [problem] = read_specs(tmp_path)
    assert (Path(problem.file).name, problem.line, problem.field) == ("b.yaml", 3, "name")
    assert f"({tmp_path}/a.yaml:2) both get the resource name 'openai-a-b'" in problem.message


def test_load_specs_raises_every_error_and_logs_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(SpecError) as info:
        load_specs(BROKEN)
    assert len(info.value.problems) == sum(1 for e in BROKEN_EXPECTED if e[4] == "error")
    assert str(info.value).startswith("19 problems in spec files:\n  ")
    caplog.set_level(logging.WARNING, logger="pulumi_wxo")
    specs = load_specs(BROKEN / "undeclared-target.yaml")
    assert [s.name for s in specs] == ["virtual-policy/balanced"]
    assert "not declared here; make sure it exists on the server" in caplog.text


def test_examples_catalogue_is_valid_and_its_schema_is_current() -> None:
    specs, problems = read_specs(EXAMPLES)
    assert problems == []
    assert {s.kind for s in specs} == {"model", "policy"}
    assert len({s.spec.provider for s in specs if isinstance(s.spec, ModelSpec)}) >= 4
    schema = json.loads((EXAMPLES / "wxo-spec.schema.json").read_text())
    assert schema == spec_json_schema(), "run: pulumi-wxo schema -o examples/specs/wxo-spec.schema.json"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("virtual-model/openai/gpt-4o", "openai-gpt-4o"),
        ("virtual-model/watsonx/ibm/granite-3-3-8b-instruct", "watsonx-ibm-granite-3-3-8b-instruct"),
        ("virtual-policy/anygem", "anygem"),
        ("virtual-model/ollama/llama3:8b", "ollama-llama3-8b"),
    ],
)
def test_resource_names_are_stable(name: str, expected: str) -> None:
    assert resource_name(name) == expected


@pytest.mark.parametrize(
    ("name", "field", "expected"),
    [
        ("virtual-model/openai/gpt-4o", "api_key", "openaiApiKey"),
        ("virtual-model/azure-openai/gpt-4o", "api_key", "azureOpenaiApiKey"),
        ("virtual-model/watsonx/ibm/g", "watsonx_cpd_password", "watsonxCpdPassword"),
        ("virtual-model/bedrock/claude", "aws_secret_access_key", "bedrockAwsSecretAccessKey"),
    ],
)
def test_secret_config_keys(name: str, field: str, expected: str) -> None:
    assert secret_config_key(name, field) == expected


# --------------------------------------------------------------------------- overrides


def test_overrides_merge_remove_and_are_attributed(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "specs")
    overrides = {
        "virtual-model/openai/gpt-4o": {"config": {"max_tokens": 256, "temperature": None}},
        "openai/gpt-4o-mini": {"tags": ["prod"]},  # short name works
        "gpt-4o-resilient": {"strategy": {"mode": "loadbalance"}},  # flat, onto the ADK form
    }
    specs = by_name(tmp_path / "specs", overrides=overrides)
    gpt = specs["virtual-model/openai/gpt-4o"].spec
    assert isinstance(gpt, ModelSpec) and gpt.config is not None
    assert (gpt.config.max_tokens, gpt.config.temperature) == (256, None)
    assert specs["virtual-model/openai/gpt-4o-mini"].spec.tags == ["prod"]  # type: ignore[union-attr]
    policy = specs["virtual-policy/gpt-4o-resilient"].spec
    assert isinstance(policy, PolicySpec) and policy.strategy.mode == "loadbalance"


def test_bad_overrides_are_reported_against_the_override() -> None:
    overrides = {
        "virtual-model/openai/gpt-4": {"config": {"max_tokens": 1}},
        "virtual-model/openai/gpt-4o": {
            "name": "openai/other",
            "config": {"max_tokens": -1},
            "provider_config": {"api_key": "sk-from-override-literal"},
        },
        "virtual-model/azure-openai/gpt-4o": "not a mapping",
    }
    _, problems = read_specs(EXAMPLES, overrides=overrides, override_source="Pulumi.prod.yaml")
    got = sorted((p.file, p.line, p.field) for p in problems)
    label = 'Pulumi.prod.yaml["{}"]'.format
    assert got == [
        (label("virtual-model/azure-openai/gpt-4o"), None, ""),
        (label("virtual-model/openai/gpt-4"), None, ""),
        (label("virtual-model/openai/gpt-4o"), None, "config.max_tokens"),
        (label("virtual-model/openai/gpt-4o"), None, "name"),
        (label("virtual-model/openai/gpt-4o"), None, "provider_config.api_key"),
    ]
    text = "\n".join(map(str, problems))
    assert "did you mean 'virtual-model/openai/gpt-4o'" in text
    assert "cannot be overridden" in text and "sk-from-override-literal" not in text


# --------------------------------------------------------------------------- export


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
        "model_type": "chat",
        "provider_config": {"api_key": "${secret:openaiApiKey}", "custom_host": "https://h"},
        "config": {"max_tokens": 100},
    }
    assert e.secrets == (("api_key", "openaiApiKey"),)
    assert (e.filename, e.notes) == ("openai-gpt-4o.yaml", ())
    assert "ECHOED" not in dump_yaml(e.document)

    omitted = export_model({"id": "m2", "name": "virtual-model/bedrock/claude", "provider_config": {}})
    assert omitted.document["provider_config"] == {"api_key": "${secret:bedrockApiKey}"}
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


def test_python_program_adopts_wires_and_reads_secrets() -> None:
    exported = [
        export_model({"id": "m", "name": "virtual-model/openai/gpt-4o", "provider_config": {}}),
        export_model({"id": "m3", "name": "virtual-model/anthropic/c", "connection_id": "conn-1"}),
        export_policy(
            {
                "name": "virtual-policy/mix",
                "policy": {
                    "strategy": {"mode": "fallback"},
                    "targets": [
                        {"model_name": "virtual-model/openai/gpt-4o"},
                        {
                            "strategy": {"mode": "loadbalance"},
                            "targets": [{"model_name": "virtual-model/anthropic/c", "weight": 1}],
                        },
                        {"model_name": "virtual-model/groq/elsewhere"},
                    ],
                },
            }
        ),
    ]
    source = python_program(exported, source="http://h")
    compile(source, "__main__.py", "exec")
    assert 'cfg.require_secret("openaiApiKey")' in source
    assert source.count("    adopt=True,\n") == 3
    assert '{"model": openai_gpt_4o}' in source
    assert '{"model": anthropic_c, "weight": 1}' in source
    assert '{"model_name": "virtual-model/groq/elsewhere"}' in source
    assert "pulumi config set --secret openaiApiKey <value>" in source


def test_schema_marks_secrets_and_accepts_only_references() -> None:
    schema = spec_json_schema()
    pc = schema["$defs"]["ProviderConfig"]["properties"]
    assert pc["api_key"]["secret"] is True and pc["api_key"]["pattern"].startswith("^\\$\\{secret:")
    assert pc["vertex_service_account_json"]["secret"] is True
    assert "secret" not in pc["custom_host"]
    model = schema["$defs"]["ModelSpecFile"]
    assert model["required"] == ["spec_version", "name"]
    assert model["properties"]["name"]["description"].startswith("`virtual-model/<provider>/<model>`")
    assert {"spec_version", "kind", "app_id"} <= set(model["properties"])
    policy = schema["$defs"]["PolicySpecFile"]
    assert set(policy["properties"]["policy"]["properties"]) == {"strategy", "retry", "cache", "targets"}
    # Every $ref resolves.
    refs = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert refs and all(r.split("/")[-1] in schema["$defs"] for r in refs)


# --------------------------------------------------------------------------- declare (mocks)


class DependencyMonitor(pulumi.runtime.mocks.MockMonitor):  # type: ignore[misc]
    """Records each registration's dependencies (the mocks' args do not carry them)."""

    def __init__(self, mocks: Recorder) -> None:
        super().__init__(mocks)
        self.dependencies: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        deps = set(request.dependencies)
        for prop in request.propertyDependencies.values():
            deps |= set(prop.urns)
        self.dependencies[request.name] = sorted(deps)
        return super().RegisterResource(request)


@pytest.fixture
def mocks() -> Iterator[tuple[Recorder, DependencyMonitor]]:
    rec = Recorder()
    monitor = DependencyMonitor(rec)
    pulumi.runtime.set_mocks(rec, project="proj", stack="dev", preview=False, monitor=monitor)
    yield rec, monitor
    pulumi.runtime.set_all_config({}, [])


def set_config(values: dict[str, Any], secret: tuple[str, ...] = ()) -> None:
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}, list(secret)
    )


SECRETS = {"proj:watsonxKey": "wx-1", "proj:openaiKey": "sk-1", "proj:azureKey": "az-1"}


def test_declare_names_secrets_and_policy_wiring(mocks: tuple[Recorder, DependencyMonitor]) -> None:
    rec, monitor = mocks
    set_config(SECRETS, secret=tuple(SECRETS))
    declared: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> None:
        declared.update(declare(EXAMPLES))

    program()
    assert sorted(rec.resources) == [
        "anthropic-claude-3-7-sonnet-latest",
        "azure-openai-gpt-4o",
        "gpt-4o-resilient",
        "openai-gpt-4o",
        "openai-gpt-4o-mini",
        "watsonx-ibm-granite-3-3-8b-instruct",
    ]
    assert sorted(declared) == sorted(
        [
            "virtual-model/anthropic/claude-3-7-sonnet-latest",
            "virtual-model/azure-openai/gpt-4o",
            "virtual-policy/gpt-4o-resilient",
            "virtual-model/openai/gpt-4o",
            "virtual-model/openai/gpt-4o-mini",
            "virtual-model/watsonx/ibm/granite-3-3-8b-instruct",
        ]
    )
    assert isinstance(declared["virtual-policy/gpt-4o-resilient"], pulumi.CustomResource)
    gpt = rec.resources["openai-gpt-4o"]
    assert gpt.typ == "pulumi-python:dynamic/wxo:Model"
    pc = gpt.inputs["provider_config"]
    assert pc[SECRET_SIG] and pc["value"] == {"api_key": "sk-1"}  # a secret, from stack config
    assert gpt.inputs["config"] == {"max_tokens": 2048, "temperature": 0.3}
    assert gpt.inputs["adopt"] is False
    granite = rec.resources["watsonx-ibm-granite-3-3-8b-instruct"]
    assert granite.inputs["provider_config"]["value"] == {
        "api_key": "wx-1",
        "watsonx_space_id": "6c1f7b7e-space-team-ai",
        "custom_host": "https://us-south.ml.cloud.ibm.com",
    }
    assert granite.inputs["description"].startswith("IBM Granite 3.3 8B")

    policy = rec.resources["gpt-4o-resilient"]
    assert policy.typ == "pulumi-python:dynamic/wxo:ModelPolicy"
    assert policy.inputs["strategy"] == {"mode": "fallback", "on_status_codes": [429, 500, 502, 503, 504]}
    assert policy.inputs["targets"] == [
        {"model_name": "virtual-model/openai/gpt-4o"},
        {"model_name": "virtual-model/azure-openai/gpt-4o"},
    ]
    assert policy.inputs["retry"] == {"attempts": 2, "on_status_codes": [503]}
    # Wired to the Model resources: the engine orders creation by these dependencies.
    deps = monitor.dependencies["gpt-4o-resilient"]
    assert [d.rsplit("::", 1)[1] for d in deps] == ["azure-openai-gpt-4o", "openai-gpt-4o"]


def test_declare_stack_overrides_adopt_and_given_secrets(
    mocks: tuple[Recorder, DependencyMonitor],
) -> None:
    rec, _ = mocks
    set_config(
        {
            "wxo-specs:overrides": {
                "virtual-model/openai/gpt-4o": {"config": {"max_tokens": 256}},
                "openai/gpt-4o-mini": {"provider_config": {"api_key": "${secret:otherKey}"}},
            },
            "wxo-specs:adopt": "true",
        }
    )

    @pulumi.runtime.test
    def program() -> None:
        declare(
            EXAMPLES,
            overrides={"virtual-model/openai/gpt-4o": {"config": {"max_tokens": 999, "temperature": 0.9}}},
            secrets={"watsonxKey": "w", "openaiKey": "o", "azureKey": "a", "otherKey": "x"},
        )

    program()
    gpt = rec.resources["openai-gpt-4o"].inputs
    assert gpt["config"] == {"max_tokens": 256, "temperature": 0.9}  # stack config wins
    assert gpt["adopt"] is True
    assert rec.resources["openai-gpt-4o-mini"].inputs["provider_config"]["value"] == {"api_key": "x"}
    assert rec.resources["gpt-4o-resilient"].inputs["adopt"] is True


def test_declare_refuses_missing_secrets_and_bad_specs_before_registering(
    mocks: tuple[Recorder, DependencyMonitor], tmp_path: Path
) -> None:
    rec, _ = mocks
    set_config({"proj:openaiKey": "sk"}, secret=("proj:openaiKey",))
    with pytest.raises(SpecError) as info:
        declare(EXAMPLES)
    assert isinstance(info.value, pulumi.RunError)  # the engine prints it without a traceback
    text = str(info.value)
    where = f"{EXAMPLES}/watsonx-granite.yaml:15: provider_config.api_key"
    assert f"{where}: stack config 'proj:watsonxKey' is not set" in text
    assert "pulumi config set --secret azureKey <value>" in text
    assert "openaiKey" not in text

    write(tmp_path, "p.yaml", "spec_version: v1\nkind: policy\nname: p\nstrategy: fallback\ntargets:\n")
    write(tmp_path, "q.yaml", "spec_version: v1\nkind: policy\nname: q\nstrategy: fallback\n")
    with pytest.raises(SpecError) as info:
        declare(tmp_path)
    assert [(Path(p.file).name, p.line, p.field) for p in info.value.problems] == [
        ("p.yaml", 5, "targets"),
        ("q.yaml", 1, "targets"),
    ]
    assert rec.resources == {}


def test_declare_rejects_a_non_object_override(mocks: tuple[Recorder, DependencyMonitor]) -> None:
    set_config({"wxo-specs:overrides": "[1, 2]"})
    with pytest.raises(SpecError, match="wxo-specs:overrides: must be an object keyed by spec name"):
        declare(EXAMPLES)


def test_exported_spec_is_plain_data() -> None:
    e = ExportedSpec("model", "virtual-model/openai/x", "openai-x", {"a": 1})
    assert yaml.safe_load(dump_yaml(e.document)) == {"a": 1}
