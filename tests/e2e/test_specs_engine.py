"""Spec files through the real engine: ``declare`` over a catalogue, per-file edits, stack
overrides, problems at preview, and the export -> adopt -> no-changes round trip."""

from __future__ import annotations

import json
import os
import runpy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi import automation as auto

from pulumi_wxo.cli import main
from pulumi_wxo.specs import declare
from tests.support.emulator import by_hand, hand_policy
from tests.support.engine import ROOT, Engine, user_tags
from tests.support.native import export, install_plugin, resources

EXAMPLES = ROOT / "examples" / "specs"
GPT = "virtual-model/openai/gpt-4o"
MINI = "virtual-model/openai/gpt-4o-mini"
AZURE = "virtual-model/azure-openai/gpt-4o"
POLICY = "virtual-policy/gpt-4o-resilient"
CLAUDE = "virtual-model/anthropic/claude-3-7-sonnet-latest"
SECRETS = {
    "watsonxKey": "wx-e2e-SECRET-1",
    "openaiKey": "sk-e2e-SECRET-2",
    "azureKey": "az-e2e-SECRET-3",
    "anthropicKey": "ant-e2e-SECRET-5",
}
CONFIG = {f"wxo-e2e:{k}": auto.ConfigValue(v, secret=True) for k, v in SECRETS.items()}


def specs_program(path: Path, **kw: Any) -> Callable[[], None]:
    def program() -> None:
        resources = declare(str(path), **kw)
        pulumi.export("names", sorted(resources))

    return program


def changes(summary: dict[str, int] | None) -> dict[str, int]:
    return {k: v for k, v in (summary or {}).items() if k != "same"}


def by_name(eng: Engine) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in eng.models()}


def test_catalogue_deploys_and_an_edit_changes_exactly_that_model(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(EXAMPLES, specs)
    eng = engine_factory(specs_program(specs), config=CONFIG)
    up = eng.up()
    # 5 models, 1 policy, 1 connection, the stack
    assert changes(up.summary.resource_changes) == {"create": 8}, eng.text()
    assert eng.names() == sorted(
        [
            CLAUDE,
            AZURE,
            GPT,
            MINI,
            "virtual-model/watsonx/ibm/granite-3-3-8b-instruct",
        ]
    )
    stored = by_name(eng)
    assert stored[GPT]["provider_config"]["api_key"] == SECRETS["openaiKey"]  # resolved from config
    assert stored[AZURE]["provider_config"]["azure_api_version"] == "2024-06-01"
    assert not any(v in eng.text() for v in SECRETS.values())

    # The policy over two of them: created after both of its models (wired to the resources).
    [policy] = eng.emulator.control.state()["policies"]
    assert policy["name"] == POLICY
    assert policy["policy"]["targets"] == [{"model_name": GPT}, {"model_name": AZURE}]
    assert policy["policy"]["strategy"] == {"mode": "fallback", "on_status_codes": [429, 500, 502, 503, 504]}
    posts = [r["path"] for r in eng.emulator.control.requests() if r["method"] == "POST"]
    kinds = sorted(p.rsplit("/", 1)[1] for p in posts if p.endswith(("/models", "/model_policy")))
    assert kinds == ["model_policy", *["models"] * 5]
    # The Claude model's app_id: the connection of anthropic-credentials.yaml, made first.
    [conn] = eng.emulator.control.state()["connections"]
    assert (
        conn["app_id"] == "anthropic-credentials" and stored[CLAUDE]["connection_id"] == conn["connection_id"]
    )
    assert SECRETS["anthropicKey"] in json.dumps(conn)  # the stack's secret, as its credential

    assert changes(eng.preview(diff=True).change_summary) == {}, eng.text()

    # Edit one document of a two-document file: exactly that model is updated in place.
    openai = specs / "openai.yaml"
    openai.write_text(openai.read_text().replace("  max_tokens: 512\n", "  max_tokens: 300\n"))
    up = eng.up()
    assert changes(up.summary.resource_changes) == {"update": 1}, eng.text()
    after = by_name(eng)
    assert after[MINI]["config"] == {"max_tokens": 300} and after[MINI]["id"] == stored[MINI]["id"]
    assert {n: m for n, m in after.items() if n != MINI} == {n: m for n, m in stored.items() if n != MINI}
    assert eng.emulator.control.state()["policies"] == [policy]


def test_the_catalogue_declared_on_the_native_plugin(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    install_plugin(tmp_path / "pulumi-home")
    eng = engine_factory(specs_program(EXAMPLES, host="native"), config=CONFIG)
    up = eng.up()
    # 5 models, 1 policy, 1 connection, the stack
    assert changes(up.summary.resource_changes) == {"create": 8}, eng.text()
    assert by_name(eng)[GPT]["provider_config"]["api_key"] == SECRETS["openaiKey"]
    [policy] = eng.emulator.control.state()["policies"]
    assert policy["policy"]["targets"] == [{"model_name": GPT}, {"model_name": AZURE}]
    ws = eng.stack.workspace
    env = {**os.environ, **ws.env_vars}
    exported = export(ws.pulumi_command.command, Path(ws.work_dir), env, eng.stack.name)
    assert len(resources(exported, "wxo:index:Model")) == 5
    assert len(resources(exported, "wxo:index:ModelPolicy")) == 1
    assert len(resources(exported, "wxo:index:Connection")) == 1
    assert resources(exported, "pulumi-python:dynamic/wxo:Model") == []
    assert not any(v in json.dumps(exported) + eng.text() for v in SECRETS.values())
    assert changes(eng.preview(diff=True).change_summary) == {}, eng.text()


def test_stack_overrides_change_one_model_in_one_stack(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    eng = engine_factory(specs_program(EXAMPLES), config=CONFIG)
    eng.up()
    before = by_name(eng)
    # What this does in a shell:
    #   pulumi config set --path 'wxo-specs:overrides["virtual-model/openai/gpt-4o"].config.max_tokens' 256
    eng.stack.set_config(
        f'wxo-specs:overrides["{GPT}"].config.max_tokens', auto.ConfigValue("256"), path=True
    )
    eng.stack.set_config(
        f'wxo-specs:overrides["{GPT}"].display_name', auto.ConfigValue("GPT-4o (prod)"), path=True
    )
    up = eng.up()
    assert changes(up.summary.resource_changes) == {"update": 1}, eng.text()
    after = by_name(eng)
    assert after[GPT]["config"] == {"max_tokens": 256, "temperature": 0.3}
    assert after[GPT]["display_name"] == "GPT-4o (prod)"
    assert {n: m for n, m in after.items() if n != GPT} == {n: m for n, m in before.items() if n != GPT}
    assert changes(eng.preview().change_summary) == {}


def test_example_program_with_the_prod_stacks_overrides(engine_factory: Callable[..., Engine]) -> None:
    example = ROOT / "examples" / "specs-program"
    stack_file = yaml.safe_load((example / "Pulumi.prod.yaml").read_text())["config"]
    # Structured stack config reaches a program as JSON, as `pulumi config set --path` stores it.
    config = {**CONFIG, **{k: auto.ConfigValue(json.dumps(v)) for k, v in stack_file.items()}}

    def program() -> None:
        runpy.run_path(str(example / "__main__.py"))

    eng = engine_factory(program, stack_name="prod", config=config)
    up = eng.up()
    assert changes(up.summary.resource_changes) == {"create": 8}, eng.text()
    assert POLICY in up.outputs["resources"].value and len(up.outputs["resources"].value) == 7
    models = by_name(eng)
    assert models[GPT]["config"]["max_tokens"] == 4096 and user_tags(models[GPT]) == [
        "openai",
        "general",
        "prod",
    ]
    granite = models["virtual-model/watsonx/ibm/granite-3-3-8b-instruct"]
    assert granite["provider_config"]["watsonx_space_id"] == "9d2e41aa-space-prod"
    assert models[MINI]["config"] == {"max_tokens": 512}  # not overridden: as in the spec file
    [policy] = eng.emulator.control.state()["policies"]
    assert policy["policy"]["retry"] == {"attempts": 3, "on_status_codes": [503, 504]}


FALLBACK_ONE = """\
spec_version: v1
kind: model
name: virtual-policy/lonely
policy:
  strategy: fallback
  targets:
    - model_name: virtual-model/openai/gpt-4o
"""


@pytest.mark.parametrize(
    ("extra", "where", "message"),
    [
        (FALLBACK_ONE, "extra.yaml:6: targets", "a fallback needs at least two targets (got 1)"),
        (
            "spec_version: v1\nname: groq/llama-3-70b\nprovider_config:\n  api_key: gsk-LITERAL-key\n",
            "extra.yaml:4: provider_config.api_key",
            "secret values must not be written in spec files; write ${secret:groqApiKey}",
        ),
        (
            "spec_version: v1\nname: groq/llama-3-70b\nprovider_config:\n  api_key: ${secret:groqKey}\n",
            "extra.yaml:4: provider_config.api_key",
            "stack config 'wxo-e2e:groqKey' is not set; run `pulumi config set --secret groqKey <value>`",
        ),
        (
            # A pull request's spec that would send the pipeline's own token to its host.
            "spec_version: v1\nname: groq/llama-3-70b\nprovider_config:\n  api_key: ${secret:wxo:token}\n"
            "  custom_host: https://collector.invalid/v1\n",
            "extra.yaml:4: provider_config.api_key",
            "'wxo' is the provider's own configuration (its credentials); a spec file cannot read it",
        ),
        (
            "spec_version: v1\nname: groq/llama-3-70b\nprovider_config:\n"
            "  api_key: ${secret:aws:secretKey}\n",
            "extra.yaml:4: provider_config.api_key",
            "reads the stack config namespace 'aws', which this stack does not allow for spec files",
        ),
        (
            "spec_version: v1\nkind: connection\napp_id: groq-creds\nenvironments:\n  draft:\n"
            "    kind: key_value\n    credentials:\n      api_key: gsk-LITERAL-conn\n",
            "extra.yaml:8: environments.draft.credentials.api_key",
            "credential values must not be written in spec files; write ${secret:groqCredsApiKey}",
        ),
    ],
    ids=[
        "fallback-one-target",
        "secret-literal",
        "secret-not-set",
        "provider-token",
        "other-namespace",
        "connection-literal",
    ],
)
def test_spec_problems_fail_at_preview_naming_file_line_and_field(
    engine_factory: Callable[..., Engine], tmp_path: Path, extra: str, where: str, message: str
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(EXAMPLES, specs)
    (specs / "extra.yaml").write_text(extra)
    eng = engine_factory(specs_program(specs), config=CONFIG)
    eng.emulator.control.clear_requests()
    with pytest.raises(auto.CommandError) as info:
        eng.preview()
    text = str(info.value)
    assert f"{specs}/{where}: {message}" in text, text
    assert "Traceback" not in text  # a clean RunError, not a crash
    assert "LITERAL" not in text and "test-token" not in text
    assert eng.models() == [] and eng.emulator.control.requests() == []


def test_an_app_id_of_a_connection_on_the_instance_is_resolved_else_refused_at_preview(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "groq.yaml").write_text("spec_version: v1\nname: groq/llama-3-70b\napp_id: groq-creds\n")
    eng = engine_factory(specs_program(specs))
    with pytest.raises(auto.CommandError) as info:
        eng.preview()
    assert "app_id: no connection with app_id 'groq-creds' on the instance" in str(info.value)
    assert eng.models() == []
    # Made outside the stack (as `orchestrate connections add` would): the ADK's rule.
    with by_hand(eng.emulator) as raw:
        raw.post("/connections/applications", json={"app_id": "groq-creds"}).raise_for_status()
    [conn] = eng.emulator.control.state()["connections"]
    eng.up()
    assert by_name(eng)["virtual-model/groq/llama-3-70b"]["connection_id"] == conn["connection_id"]
    assert changes(eng.preview().change_summary) == {}, eng.text()


def test_a_namespace_the_stack_allows_is_read_at_up(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "team.yaml").write_text(
        "spec_version: v1\nname: groq/llama-3-70b\nprovider_config:\n  api_key: ${secret:team:groqKey}\n"
    )
    config = {
        "team:groqKey": auto.ConfigValue("gsk-e2e-SECRET-4", secret=True),
        # What `pulumi config set --path 'wxo-specs:secretNamespaces[0]' team` stores.
        "wxo-specs:secretNamespaces": auto.ConfigValue(json.dumps(["team"])),
    }
    eng = engine_factory(specs_program(specs), config=config)
    up = eng.up()
    assert changes(up.summary.resource_changes) == {"create": 2}, eng.text()
    assert by_name(eng)["virtual-model/groq/llama-3-70b"]["provider_config"]["api_key"] == "gsk-e2e-SECRET-4"
    assert "gsk-e2e-SECRET-4" not in eng.text()


def test_export_then_adopt_then_preview_shows_no_changes(
    engine_factory: Callable[..., Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eng = engine_factory(lambda: None, config=CONFIG)
    # An existing tenant, made by hand (secrets echoed back, the least helpful server).
    eng.emulator.control.settings(secrets="echo")
    claude = "virtual-model/anthropic/claude"
    mix = hand_policy("virtual-policy/mix", "loadbalance", {GPT: 0.5, claude: 0.5}, "Mix", "half and half")
    with by_hand(eng.emulator) as raw:
        raw.post("/connections/applications", json={"app_id": "anthropic-team"}).raise_for_status()
        for env in ("draft", "live"):
            raw.post(
                "/connections/applications/anthropic-team/configurations",
                json={
                    "app_id": "anthropic-team",
                    "environment": env,
                    "preference": "team",
                    "security_scheme": "key_value_creds",
                },
            ).raise_for_status()
        [conn] = eng.emulator.control.state()["connections"]
        for body in (
            {"name": GPT, "display_name": "GPT", "provider_config": {"api_key": "sk-live-ECHO-9"}},
            {"name": claude, "connection_id": conn["connection_id"], "config": {"max_tokens": 9}},
            {
                "name": "virtual-model/watsonx/ibm/granite",
                "tags": ["ibm"],
                "provider_config": {"api_key": "wx-live-ECHO-8", "watsonxSpaceId": "space-1"},
            },
        ):
            raw.post("/models", json=body).raise_for_status()
        raw.post("/model_policy", json=mix).raise_for_status()
    before = eng.emulator.control.state()

    out_dir = tmp_path / "exported"
    code = main(["export", "--url", eng.emulator.url, "--token", "test-token", "--output", str(out_dir)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "ECHO" not in "".join(p.read_text() for p in out_dir.iterdir())
    assert (
        "pulumi config set --secret openaiApiKey" in err and "pulumi config set --secret watsonxApiKey" in err
    )
    # The connection's file, and its model naming it by app_id.
    assert (out_dir / "connection-anthropic-team.yaml").is_file()
    assert "app_id: anthropic-team" in (out_dir / "anthropic-claude.yaml").read_text()
    eng.stack.set_all_config(
        {
            "wxo-e2e:openaiApiKey": auto.ConfigValue("sk-live-ECHO-9", secret=True),
            "wxo-e2e:watsonxApiKey": auto.ConfigValue("wx-live-ECHO-8", secret=True),
            **{
                f"wxo-e2e:{line.split()[4]}": auto.ConfigValue("sk-ant-ECHO-7", secret=True)
                for line in err.splitlines()
                if "pulumi config set --secret anthropicTeam" in line
            },
        }
    )

    up = eng.up(specs_program(out_dir, adopt=True))
    assert up.summary.result == "succeeded", eng.text()
    # Taken over: 4 objects, the connection and the stack.
    assert changes(up.summary.resource_changes) == {"create": 6}
    after = eng.emulator.control.state()
    # No duplicates: the same ids, the same objects.
    assert sorted((m["name"], m["id"]) for m in after["models"]) == sorted(
        (m["name"], m["id"]) for m in before["models"]
    )
    assert [(p["name"], p["id"]) for p in after["policies"]] == [
        (p["name"], p["id"]) for p in before["policies"]
    ]
    assert after["policies"][0]["policy"] == before["policies"][0]["policy"]

    prev = eng.preview(specs_program(out_dir, adopt=True), diff=True)
    assert changes(prev.change_summary) == {}, eng.text()
    assert "ECHO" not in eng.text()
