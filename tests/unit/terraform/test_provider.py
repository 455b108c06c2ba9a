"""The Terraform host at the protocol level: OpenTofu's requests, in process, against memory.

Each test drives the servicer the way OpenTofu does (tests/support/terraform.py) and checks
what OpenTofu itself would check: a configured value planned as written, an apply that answers
its plan, a rename that replaces, a deleted object read as null. The real ``tofu`` runs the same
paths in tests/e2e/test_tofu_engine.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_wxo.lifecycle import UNKNOWN, Runtime
from pulumi_wxo.lifecycle.ownership import owner_id, owner_of
from pulumi_wxo.terraform.schema import SCHEMA_VERSION
from tests.support.terraform import Memory, Tofu, diagnostics, memory_runtime

GPT = "virtual-model/openai/gpt-4o"
SECRET = "sk-unit-secret-0123456789"
MODEL = {"name": GPT, "provider_config": {"api_key": SECRET}, "config": {"max_tokens": 100}}


@pytest.fixture
def memory() -> Memory:
    return Memory()


@pytest.fixture
def runtime(memory: Memory) -> Iterator[Runtime]:
    rt = memory_runtime(memory)
    yield rt
    rt.reset()


@pytest.fixture
def tofu(runtime: Runtime) -> Tofu:
    tofu = Tofu(runtime, environ={"TF_WORKSPACE": "staging"})
    # Each tofu command starts the plugin afresh: no list of the tenant outlives a command.
    assert diagnostics(tofu.configure(owner="team-a", snapshot_max_age=0)) == []
    return tofu


def test_create_then_an_empty_plan(tofu: Tofu, memory: Memory) -> None:
    state, plan = tofu.up("wxo_model", None, MODEL)
    planned = tofu.planned(plan, "wxo_model")
    assert planned["id"] is UNKNOWN and planned["model_id"] is UNKNOWN
    assert planned["display_name"] == GPT and planned["provider"] == "openai"  # server defaults, known
    assert state["id"] == state["model_id"] == memory.models()[0]["id"]
    assert state["config"]["max_tokens"] == 100 and state["tags"] == []

    again = tofu.plan("wxo_model", state, MODEL)
    assert diagnostics(again) == [] and list(again.requires_replace) == []
    assert tofu.planned(again, "wxo_model") == state  # no change: the plan is the prior state
    assert memory.writes == ["POST /models"]


def test_an_edit_is_in_place_and_a_rename_replaces(tofu: Tofu, memory: Memory) -> None:
    state, _ = tofu.up("wxo_model", None, MODEL)
    edited = {**MODEL, "config": {"max_tokens": 200}}
    plan = tofu.plan("wxo_model", state, edited)
    assert list(plan.requires_replace) == []
    state, _ = tofu.up("wxo_model", state, edited)
    assert memory.models()[0]["config"]["max_tokens"] == 200 and memory.writes[-1] == "PUT /models"

    renamed = {**edited, "name": "virtual-model/openai/gpt-4o-mini"}
    plan = tofu.plan("wxo_model", state, renamed)
    assert [[s.attribute_name for s in p.steps] for p in plan.requires_replace] == [["name"]]


def test_delete_empties_the_server(tofu: Tofu, memory: Memory) -> None:
    state, _ = tofu.up("wxo_model", None, MODEL)
    plan = tofu.plan("wxo_model", state, None)
    assert tofu.planned(plan, "wxo_model") is None
    done = tofu.apply("wxo_model", state, None, MODEL)
    assert diagnostics(done) == [] and memory.models() == []


def test_a_model_deleted_out_of_band_reads_as_null(tofu: Tofu, memory: Memory) -> None:
    state, _ = tofu.up("wxo_model", None, MODEL)
    memory.objects["/models"].clear()
    assert tofu.read("wxo_model", state) is None


def test_a_change_out_of_band_is_read_and_planned_back(tofu: Tofu, memory: Memory) -> None:
    state, _ = tofu.up("wxo_model", None, MODEL)
    memory.models()[0]["description"] = "changed by hand"
    read = tofu.read("wxo_model", state)
    assert read["description"] == "changed by hand"
    plan = tofu.plan("wxo_model", read, MODEL)
    assert tofu.planned(plan, "wxo_model")["description"] == GPT  # back to the default


def test_a_short_name_is_not_drift(tofu: Tofu) -> None:
    short = {**MODEL, "name": "openai/gpt-4o"}
    state, _ = tofu.up("wxo_model", None, short)
    assert state["name"] == "openai/gpt-4o"  # as written: a configured value is planned as is
    read = tofu.read("wxo_model", state)
    assert read["name"] == "openai/gpt-4o"
    again = tofu.plan("wxo_model", read, short)
    assert tofu.planned(again, "wxo_model") == read and list(again.requires_replace) == []


def test_import_by_id_then_an_empty_plan(tofu: Tofu, memory: Memory) -> None:
    # No credential (the server would not answer one back): an ollama model on its host.
    config = {
        "name": "virtual-model/ollama/llama3",
        "provider_config": {"custom_host": "http://ollama:11434"},
    }
    state, _ = tofu.up("wxo_model", None, config)
    imported = tofu.import_("wxo_model", state["id"])
    assert diagnostics(imported) == []
    [resource] = imported.imported_resources
    assert resource.type_name == "wxo_model"
    found = tofu._value("wxo_model", resource.state)
    assert found["id"] == state["id"] and found["provider_config"]["custom_host"] == "http://ollama:11434"
    read = tofu.read("wxo_model", found)
    plan = tofu.plan("wxo_model", read, config)
    assert diagnostics(plan) == [] and tofu.planned(plan, "wxo_model") == read


def test_import_of_an_unknown_id_fails(tofu: Tofu) -> None:
    assert "no object with id 'nope'" in diagnostics(tofu.import_("wxo_model", "nope"))[0][0]


def test_an_older_schema_version_is_upgraded(tofu: Tofu) -> None:
    state, _ = tofu.up("wxo_model", None, MODEL)
    # A version-0 state: no `id` attribute yet, and an attribute since removed.
    raw = {k: v for k, v in state.items() if k != "id"} | {"retired": "x"}
    upgraded = tofu.upgrade("wxo_model", SCHEMA_VERSION - 1, raw)
    assert upgraded == state


def test_validation_names_the_attribute(tofu: Tofu) -> None:
    bad = {"name": GPT, "config": {"temperature": 7.5}, "provider_config": {"api_key": SECRET}}
    found = tofu.validate("wxo_model", bad)
    assert [path for _, path in found] == ["config.temperature"]
    assert tofu.validate("wxo_model", MODEL) == []
    # Unknown values wait for the plan.
    assert tofu.validate("wxo_model", {**MODEL, "name": UNKNOWN}) == []


def test_no_secret_in_a_diagnostic(tofu: Tofu, memory: Memory) -> None:
    tofu.up("wxo_model", None, MODEL)
    # The same name again under another resource: refused, and the refusal quotes no secret.
    other = Tofu(tofu.provider.runtime, environ={"TF_WORKSPACE": "other"})
    other.configure(owner="team-b")
    found = diagnostics(other.plan("wxo_model", None, MODEL))
    assert found and all(SECRET not in text for text, _ in found)


def test_the_owner_tag_names_the_owner_and_workspace(tofu: Tofu, memory: Memory) -> None:
    tofu.up("wxo_model", None, MODEL)
    tag = owner_of(memory.models()[0])
    assert tag is not None
    assert tag.owner == owner_id(project="team-a", stack="staging", type_token="wxo_model", resource_name=GPT)
    assert "pulumi-wxo-owner:stack:team-a/staging" in memory.models()[0]["tags"]


def test_a_killed_apply_is_taken_back_without_a_duplicate(tofu: Tofu, memory: Memory) -> None:
    tofu.up("wxo_model", None, MODEL)  # the state of this apply was never written
    state, _ = tofu.up("wxo_model", None, MODEL)
    assert len(memory.models()) == 1 and state["id"] == memory.models()[0]["id"]


def test_a_policy_over_two_models(tofu: Tofu, memory: Memory) -> None:
    tofu.up("wxo_model", None, MODEL)
    tofu.up("wxo_model", None, {**MODEL, "name": "virtual-model/openai/gpt-4o-mini"})
    policy = {
        "name": "route",
        "strategy": {"mode": "loadbalance"},
        "targets": [
            {"model_name": GPT, "weight": 0.5},
            {"model_name": "virtual-model/openai/gpt-4o-mini", "weight": 0.5},
        ],
    }
    state, _ = tofu.up("wxo_model_policy", None, policy)
    assert state["policy_id"] == next(iter(memory.objects["/model_policy"]))
    again = tofu.plan("wxo_model_policy", state, policy)
    assert tofu.planned(again, "wxo_model_policy") == state


def test_the_schema_comes_from_the_declarations(tofu: Tofu) -> None:
    from pulumi_wxo.api.setting_table import SETTINGS
    from pulumi_wxo.schema import ModelConfig, ProviderConfig

    schema = tofu.schema()
    assert set(schema.resource_schemas) == {"wxo_model", "wxo_model_policy", "wxo_connection"}
    provider = {a.name: a for a in schema.provider.block.attributes}
    assert set(provider) == {s.attr for s in SETTINGS} | {"owner"}
    assert {n for n, a in provider.items() if a.sensitive} == {s.attr for s in SETTINGS if s.secret}

    model = schema.resource_schemas["wxo_model"].block
    attrs = {a.name: a for a in model.attributes}
    assert attrs["name"].required and attrs["model_id"].computed and not attrs["model_id"].optional
    assert attrs["display_name"].optional and attrs["display_name"].computed  # defaults to the name
    blocks = {b.type_name: b for b in model.block_types}
    # provider_config and config are blocks, one typed attribute per field: a typo is refused.
    assert {a.name for a in blocks["provider_config"].block.attributes} == set(ProviderConfig.model_fields)
    assert {a.name for a in blocks["config"].block.attributes} == set(ModelConfig.model_fields)
    inner = {a.name: a for a in blocks["provider_config"].block.attributes}
    assert inner["api_key"].sensitive and not inner["custom_host"].sensitive
    assert inner["request_timeout"].type == b'"number"'

    policy = {b.type_name: b for b in schema.resource_schemas["wxo_model_policy"].block.block_types}
    assert policy["strategy"].min_items == 1  # required
    connection = {a.name: a for a in schema.resource_schemas["wxo_connection"].block.attributes}
    assert connection["app_id"].required and connection["credentials"].sensitive


def test_a_state_file_with_dynamic_values_is_upgraded(tofu: Tofu) -> None:
    # As OpenTofu writes a connection into its state file: dynamic values as {"value", "type"}.
    raw = {
        "id": "c-1",
        "app_id": "openai-creds",
        "kind": "key_value",
        "credentials": {"value": {"api_key": SECRET}, "type": ["object", {"api_key": "string"}]},
        "environments": {"value": {}, "type": ["object", {}]},
    }
    upgraded = tofu.upgrade("wxo_connection", SCHEMA_VERSION, raw)
    assert upgraded["credentials"] == {"api_key": SECRET} and upgraded["environments"] == {}
    assert upgraded["app_id"] == "openai-creds" and upgraded["sso"] is None


@pytest.mark.parametrize(("owner", "refused"), [("team-a", False), ("team a", True), ("x" * 300, True)])
def test_the_owner_must_fit_the_stack_tag(tofu: Tofu, owner: str, refused: bool) -> None:
    from tf.gen import tfplugin_pb2 as pb

    from pulumi_wxo.terraform import cty
    from pulumi_wxo.terraform.schema import provider_type

    value = pb.DynamicValue(msgpack=cty.pack({"owner": owner}, provider_type()))
    found = diagnostics(
        tofu.provider.ValidateProviderConfig(pb.ValidateProviderConfig.Request(config=value), None)
    )
    assert [path for _, path in found] == (["owner"] if refused else [])


def test_a_state_of_another_instance_is_refused(tofu: Tofu, memory: Memory) -> None:
    from tf.gen import tfplugin_pb2 as pb

    state, _ = tofu.up("wxo_model", None, MODEL)
    tofu.configure(owner="team-a", url="https://elsewhere.example")  # the same config, re-pointed
    request = pb.ReadResource.Request(type_name="wxo_model", current_state=tofu._dv("wxo_model", state))
    found = diagnostics(tofu.provider.ReadResource(request, None))
    assert found and "elsewhere.example" in found[0][0]
    assert memory.writes == ["POST /models"]  # nothing written anywhere
