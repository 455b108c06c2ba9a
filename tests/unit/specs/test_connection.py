"""specs.connection: ``kind: connection`` files in the ADK's format, their credentials as
``${secret:NAME}`` references (a literal never echoed), problems at file:line:field, the bounds
of any spec file, and a model's ``app_id`` resolved to a connection declared with it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from ibm_watsonx_orchestrate.cli.commands.connections.connections_controller import (
    _validate_connections_spec_content,
)
from ibm_watsonx_orchestrate_core.types.connections import ConnectionConfiguration

from pulumi_wxo.schema import ModelSpec
from pulumi_wxo.schema.connection import ConnectionSpec
from pulumi_wxo.specs import SecretRef, SpecError, declare, read_specs
from pulumi_wxo.specs.connection import suggested_key
from tests.support.mocks import Recorder
from tests.unit.specs.support import EXAMPLES, write

pytestmark = pytest.mark.unit

ROOT = EXAMPLES.parents[1]
CONNECTION = """\
spec_version: v1
kind: connection
app_id: openai-platform
environments:
  draft:
    kind: key_value
    type: team
    credentials:
      api_key: ${secret:openaiKey}
  live:
    kind: key_value
    credentials:
      api_key: ${secret:team:openaiLiveKey}
"""
MODEL = """\
spec_version: v1
kind: model
name: virtual-model/openai/gpt-4o
app_id: openai-platform
"""


def found(
    tmp: Path, *files: tuple[str, str], **kw: Any
) -> tuple[list[Any], list[tuple[str, int | None, str, str]]]:
    for name, text in files:
        write(tmp, name, text)
    specs, problems = read_specs(tmp, **kw)
    return specs, [(Path(p.file).name, p.line, p.field, p.severity) for p in problems]


def test_a_connection_file_in_the_adks_format_is_a_spec_with_its_references(tmp_path: Path) -> None:
    specs, problems = found(tmp_path, ("conn.yaml", CONNECTION), secret_namespaces=["team"])
    assert problems == []
    [spec] = specs
    assert (spec.kind, spec.name, spec.resource_name, spec.line) == (
        "connection",
        *["openai-platform"] * 2,
        1,
    )
    assert isinstance(spec.spec, ConnectionSpec) and spec.spec.environment_names() == ("draft", "live")
    assert spec.spec.environment("live")["type"] == "team"  # the ADK's default
    assert spec.secrets == (
        SecretRef("api_key", "openaiKey", "environments.draft.credentials"),
        SecretRef("api_key", "team:openaiLiveKey", "environments.live.credentials"),
    )
    assert (
        spec.secrets[1].path == "environments.live.credentials.api_key" and not spec.secrets[1].wants_object
    )
    assert spec.line_of("environments.live.credentials.api_key") == 13


def test_the_examples_connection_files_import_with_the_adk_which_ignores_credentials() -> None:
    files = [EXAMPLES / "anthropic-credentials.yaml", ROOT / "examples/ci/specs/openai-platform.yaml"]
    for file in files:
        content = yaml.safe_load(file.read_text())
        _validate_connections_spec_content(content)  # exits the process when it refuses
        for env, block in content["environments"].items():
            config = ConnectionConfiguration.model_validate({**block, "environment": env, "app_id": "x"})
            assert config.security_scheme == "key_value_creds" and config.preference == "team"
            assert "credentials" not in config.model_dump()  # the ADK ignores pulumi-wxo's block


def test_a_literal_credential_is_refused_at_its_line_and_never_echoed(tmp_path: Path) -> None:
    text = CONNECTION.replace("${secret:openaiKey}", "sk-LITERAL-0001").replace(
        "    credentials:\n      api_key: ${secret:team",
        "    server_url: ${secret:url}\n    credentials:\n      api_key: ${secret:wxo",
    )
    specs, problems = found(tmp_path, ("conn.yaml", text))
    assert specs == []
    assert problems == [
        ("conn.yaml", 9, "environments.draft.credentials.api_key", "error"),
        ("conn.yaml", 12, "environments.live.server_url", "error"),
        ("conn.yaml", 14, "environments.live.credentials.api_key", "error"),
    ]
    _, every = read_specs(tmp_path)
    messages = [str(p) for p in every]
    assert "${secret:openaiPlatformApiKey}" in messages[0] and "pulumi config set --secret" in messages[0]
    assert "resolved in credentials only" in messages[1]
    assert "'wxo' is the provider's own configuration" in messages[2]
    assert not any("LITERAL" in m for m in messages)


def test_setting_keys_may_be_literal_and_schema_failures_land_on_their_lines(tmp_path: Path) -> None:
    oauth = """\
    spec_version: v1
    kind: connection
    app_id: oauth
    environments:
      draft:
        kind: oauth_auth_client_credentials_flow
        custom_runtime_creds: {region: eu}
        credentials:
          client_id: ${secret:oauthClientId}
          client_secret: ${secret:oauthClientSecret}
          token_url: https://idp.example.com/token
          scope: read
      live:
        kind: bearer
        credentials:
          tokn: ${secret:bearerToken}
    """
    _, problems = found(tmp_path, ("oauth.yaml", oauth))
    assert problems == [
        ("oauth.yaml", 15, "environments.live.credentials.token", "error"),
        ("oauth.yaml", 16, "environments.live.credentials.tokn", "error"),
    ]
    (tmp_path / "oauth.yaml").write_text((tmp_path / "oauth.yaml").read_text().replace("tokn", "token"))
    [spec], problems = read_specs(tmp_path)
    assert problems == []
    assert isinstance(spec.spec, ConnectionSpec)
    draft = spec.spec.environment("draft")
    assert draft["custom_config_entries"] == {"region": "eu"}  # an ADK export's spelling
    assert draft["credentials"]["token_url"] == "https://idp.example.com/token"
    assert [r.field for r in spec.secrets] == ["client_id", "client_secret", "token"]


def test_the_shape_of_a_connection_file(tmp_path: Path) -> None:
    text = """\
    spec_version: v1
    kind: connection
    app_id: shaped
    type: team
    resource: {component: knowledge}
    environments:
      draft:
        type: team
    """
    _, problems = found(tmp_path, ("c.yaml", text))
    assert problems == [
        ("c.yaml", 4, "type", "error"),
        ("c.yaml", 5, "resource", "warning"),
        ("c.yaml", 7, "environments.draft.kind", "error"),
    ]
    _, every = read_specs(tmp_path)
    assert every[2].message.startswith("is required: one of basic, bearer")


def test_a_json_connection_file_and_the_bounds_of_any_spec_file(tmp_path: Path) -> None:
    doc = yaml.safe_load(CONNECTION.replace("${secret:team:openaiLiveKey}", "${secret:openaiKey}"))
    write(tmp_path, "ok/conn.json", json.dumps(doc, indent=2))
    specs, problems = read_specs(tmp_path / "ok")
    assert problems == [] and [s.name for s in specs] == ["openai-platform"]
    # The same limits as a model file: a number too long for the parser ends in file:line.
    doc["environments"]["draft"]["custom_config_entries"] = {"n": 1}
    text = json.dumps(doc, indent=2).replace('"n": 1', '"n": ' + "9" * 5000)
    write(tmp_path, "big/conn.json", text)
    _, problems = read_specs(tmp_path / "big")
    line = text[: text.index("9" * 5000)].count("\n") + 1
    assert [(p.line, p.is_error) for p in problems] == [(line, True)]
    assert "a number of 5,000 characters is too long" in problems[0].message
    bomb = "spec_version: v1\nkind: connection\napp_id: b\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 7):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    write(tmp_path, "bomb/conn.yaml", bomb)
    _, problems = read_specs(tmp_path / "bomb")
    assert [p.is_error for p in problems] == [True] and "expands to more than" in problems[0].message


def test_a_models_app_id_names_the_connection_declared_with_it(tmp_path: Path) -> None:
    specs, problems = found(
        tmp_path, ("conn.yaml", CONNECTION), ("model.yaml", MODEL), secret_namespaces=["team"]
    )
    assert problems == []  # no api_key is required: the connection holds it
    model = next(s for s in specs if s.kind == "model")
    assert isinstance(model.spec, ModelSpec)
    assert model.app_id == "openai-platform" and model.spec.connection_id is None
    assert model.line_of("app_id") == 4


def test_an_app_id_declared_nowhere_both_keys_and_a_connection_of_another_kind(tmp_path: Path) -> None:
    _, problems = found(tmp_path, ("model.yaml", MODEL))
    assert problems == [("model.yaml", 4, "app_id", "warning")]  # it may exist on the instance
    both = MODEL + "connection_id: 2b0f3c1e\n"
    _, problems = found(tmp_path, ("model.yaml", both))
    assert problems == [("model.yaml", 4, "app_id", "error")]
    _, [problem] = read_specs(tmp_path)
    assert "app_id" in str(problem) and "connection_id both name the model's connection" in str(problem)
    bearer = CONNECTION.replace("key_value", "bearer").replace("api_key:", "token:")
    _, problems = found(tmp_path, ("model.yaml", MODEL), ("conn.yaml", bearer), secret_namespaces=["team"])
    assert problems == [("model.yaml", 4, "app_id", "warning")]
    _, [problem] = read_specs(tmp_path, secret_namespaces=["team"])
    assert "is a connection of kind bearer" in problem.message


def test_suggested_keys() -> None:
    assert suggested_key("openai-platform", "api_key") == "openaiPlatformApiKey"
    assert suggested_key("--", "") == "connectionCredential"


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    rec = Recorder({"connection_id": "cid-{name}"})
    pulumi.runtime.set_mocks(rec, project="proj", stack="dev", preview=False)
    yield rec
    pulumi.runtime.set_all_config({}, [])


def test_declare_leaves_an_app_id_of_no_declared_connection_to_the_model(
    mocks: Recorder, tmp_path: Path
) -> None:
    write(tmp_path, "model.yaml", MODEL)

    @pulumi.runtime.test
    def program() -> None:
        declare(tmp_path)

    program()
    [model] = mocks.resources.values()
    # The Model resolves it at check (a connection already on the instance), as the ADK does.
    assert model.inputs["app_id"] == "openai-platform" and "connection_id" not in model.inputs


def test_declare_reads_a_connections_credentials_from_stack_config(mocks: Recorder, tmp_path: Path) -> None:
    write(tmp_path, "conn.yaml", CONNECTION.replace("team:openaiLiveKey", "openaiKey"))
    write(tmp_path, "model.yaml", MODEL)
    with pytest.raises(SpecError) as info:
        declare(tmp_path)
    assert [(p.line, p.field) for p in info.value.problems] == [
        (9, "environments.draft.credentials.api_key"),
        (13, "environments.live.credentials.api_key"),
    ]
    assert "stack config 'proj:openaiKey' is not set" in info.value.problems[0].message

    @pulumi.runtime.test
    def program() -> None:
        declare(tmp_path, secrets={"openaiKey": "sk-GIVEN-1"})

    program()
    conn = mocks.resources["openai-platform"].inputs
    assert conn["environments"]["value"]["live"] == {
        "kind": "key_value",
        "credentials": {"api_key": "sk-GIVEN-1"},
    }
    assert mocks.resources["openai-gpt-4o"].inputs["connection_id"] == "cid-openai-platform"


def test_stack_overrides_address_a_connection_by_its_app_id(tmp_path: Path) -> None:
    write(tmp_path, "conn.yaml", CONNECTION)
    patch = {"openai-platform": {"environments": {"live": {"server_url": "https://eu.example.com"}}}}
    specs, problems = read_specs(tmp_path, overrides=patch, secret_namespaces=["team"])
    assert problems == []
    [spec] = specs
    assert isinstance(spec.spec, ConnectionSpec)
    assert spec.spec.environment("live")["server_url"] == "https://eu.example.com"
    assert spec.spec.environment("draft")["server_url"] is None
    # A connection has no short name: a name that is not its app_id matches nothing.
    _, problems = read_specs(tmp_path, overrides={"openai": {"environments": {}}}, secret_namespaces=["team"])
    assert [p.message.split(";")[0] for p in problems] == ["names no spec in the given files"]


def test_an_app_id_declared_twice_is_an_error_at_the_second(tmp_path: Path) -> None:
    _, problems = found(
        tmp_path, ("a.yaml", CONNECTION), ("b.yaml", "# the same\n" + CONNECTION), secret_namespaces=["team"]
    )
    assert problems == [("b.yaml", 4, "app_id", "error")]
    _, [problem] = read_specs(tmp_path, secret_namespaces=["team"])
    assert f"'openai-platform' is declared twice (also in {tmp_path}/a.yaml:3)" in problem.message


def test_an_override_cannot_give_a_model_with_app_id_a_connection_id(tmp_path: Path) -> None:
    write(tmp_path, "model.yaml", MODEL)
    patch = {"openai/gpt-4o": {"connection_id": "c-2"}}
    specs, problems = read_specs(tmp_path, overrides=patch, override_source="Pulumi.prod.yaml")
    assert specs == []
    [both] = [p for p in problems if p.is_error]
    assert (both.file, both.line, both.field) == ('Pulumi.prod.yaml["openai/gpt-4o"]', None, "connection_id")
    assert both.message == "and app_id (openai-platform) both name the model's connection"


def test_an_adk_export_bound_by_app_id_keeps_the_exports_leniency(tmp_path: Path) -> None:
    # `orchestrate models export` writes app_id and the platform's tags: the tags are dropped
    # with a warning, as for any file written from a server's answer.
    write(tmp_path, "conn.yaml", CONNECTION)
    write(tmp_path, "model.yaml", MODEL + "tags: [team, third party]\n")
    specs, problems = read_specs(tmp_path, secret_namespaces=["team"])
    assert [(Path(p.file).name, p.line, p.field, p.severity) for p in problems] == [
        ("model.yaml", 5, "tags[1]", "warning")
    ]
    model = next(s for s in specs if isinstance(s.spec, ModelSpec))
    assert model.spec.tags == ["team"] and model.app_id == "openai-platform"


def test_an_exports_spelling_and_the_imports_together_are_one_too_many(tmp_path: Path) -> None:
    text = CONNECTION.replace(
        "    type: team\n", "    custom_config_entries: {a: b}\n    custom_runtime_creds: {a: c}\n"
    )
    _, problems = found(tmp_path, ("c.yaml", text), secret_namespaces=["team"])
    assert problems == [("c.yaml", 8, "environments.draft.custom_runtime_creds", "error")]
