"""``specs/export_hcl.py``: exported specs as OpenTofu/Terraform resource and import blocks.

The output is read back with tests/support/hcl.py, a reader written from the HCL syntax
specification: every value from the server must read back as the same value, and nothing in it
may start a template. The real ``tofu`` reads it in tests/e2e/test_tofu_export_engine.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_wxo._text import is_inert
from pulumi_wxo.cli.export import export_objects, import_ids
from pulumi_wxo.specs.export_hcl import hcl_config, hcl_identifier, hcl_string, variable_name
from tests.support.hcl import HclError, Ref, imports, parse, resources

pytestmark = pytest.mark.unit

GPT = "virtual-model/openai/gpt-4o"
GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
CLAUDE = "virtual-model/anthropic/claude-3.7-sonnet"
HOSTILE = (
    'q"uote \\back ${var.x} %{ if true }x%{ endif } $${y} %%{z} $$$${w}\nline\r\t é 😀 \x07 \u202e ##[error]'
)


def config(
    models: list[dict[str, Any]],
    policies: list[dict[str, Any]] = (),  # type: ignore[assignment]
    connections: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> tuple[str, Any]:
    exported, _ = export_objects(models, policies, connections=connections)
    out = hcl_config(exported, import_ids(models, policies, connections), source="https://wxo.example/v1")
    return out.text, out


def read_string(literal: str) -> str:
    [(_, _, _, value)] = parse(f"x = {literal}")
    assert isinstance(value, str)
    return value


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ('a"b', r'"a\"b"'),
        ("a\\b", r'"a\\b"'),
        ("${var.x}", '"$${var.x}"'),
        ("%{ if }", '"%%{ if }"'),
        # The escape of "${" is "$${", whatever stands before it (tofu reads "$$${x}" as "$${x}").
        ("$${x}", '"$$${x}"'),
        ("%%{x}", '"%%%{x}"'),
        ("$x %x $$ %%", '"$x %x $$ %%"'),
        ("a\nb\r\tc", r'"a\nb\r\tc"'),
        ("\x07\x1b[31m", r'"\u0007\u001b[31m"'),
        ("\u202e", r'"\u202e"'),
        ("é 😀", '"é 😀"'),
        ("##[error]x", r'"\u0023#[error]x"'),
    ],
)
def test_a_string_is_escaped_to_read_back_as_itself(text: str, literal: str) -> None:
    assert hcl_string(text) == literal
    assert read_string(literal) == text


def test_the_reader_refuses_what_would_be_a_template() -> None:
    # The oracle is strict: the same texts written naively would not read back.
    for naive in ('"${var.x}"', '"%{ if }"', '"a\nb"'):
        with pytest.raises(HclError):
            read_string(naive)


def test_a_lone_surrogate_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        hcl_string("a\ud800")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_reads_back_and_prints_inert(text: str) -> None:
    literal = hcl_string(text)
    assert read_string(literal) == text
    assert is_inert(literal)


@pytest.mark.parametrize(
    ("resource_name", "identifier"),
    [
        ("openai-gpt-4o", "openai-gpt-4o"),
        ("anthropic-claude-3.7-sonnet", "anthropic-claude-3_7-sonnet"),
        ("1route", "_1route"),
        ("-x", "_-x"),
        ("_x", "_x"),
    ],
)
def test_a_resource_name_becomes_an_identifier(resource_name: str, identifier: str) -> None:
    assert hcl_identifier(resource_name) == identifier


def test_a_variable_is_the_snake_case_of_the_config_key() -> None:
    assert variable_name("openaiApiKey") == "openai_api_key"
    assert variable_name("watsonxCpdPassword") == "watsonx_cpd_password"
    assert variable_name("01aiApiKey") == "secret_01ai_api_key"
    assert variable_name("count") == "count_secret"


def test_a_tenant_becomes_resources_with_imports_and_references() -> None:
    conn = {
        "connection_id": "c-1",
        "app_id": "wx-creds",
        "environments": {
            "draft": {"kind": "key_value", "type": "team", "credentials_set": False},
            "live": {"kind": "key_value", "type": "team", "credentials_set": False},
        },
    }
    models = [
        {"id": "m-1", "name": GRANITE, "display_name": "Granite", "connection_id": "c-1"},
        {"id": "m-2", "name": CLAUDE, "connection_id": "elsewhere", "config": {"max_tokens": 100}},
    ]
    policy = {
        "id": "p-1",
        "name": "virtual-policy/mix",
        "display_name": "mix",
        "description": "Half and half",
        "policy": {
            "strategy": {"mode": "loadbalance"},
            "targets": [
                {"model_name": GRANITE, "weight": 0.5},
                {"model_name": "virtual-model/openai/not-exported", "weight": 0.5},
            ],
        },
    }
    text, out = config(models, [policy], [conn])
    found = resources(text)
    assert list(found) == [
        "wxo_connection.wx-creds",
        "wxo_model.anthropic-claude-3_7-sonnet",
        "wxo_model.watsonx-ibm-granite-3-3-8b-instruct",
        "wxo_model_policy.mix",
    ]
    assert imports(text) == {
        "wxo_connection.wx-creds": "wx-creds",  # a connection is imported by its app_id
        "wxo_model.anthropic-claude-3_7-sonnet": "m-2",
        "wxo_model.watsonx-ibm-granite-3-3-8b-instruct": "m-1",
        "wxo_model_policy.mix": "p-1",
    }
    assert out.imports == 4 and out.variables == ()
    assert found["wxo_connection.wx-creds"] == {
        "app_id": "wx-creds",
        "environments": {
            # sso written even when false: an import reads false, so the plan shows no change
            "draft": {"kind": "key_value", "type": "team", "sso": False},
            "live": {"kind": "key_value", "type": "team", "sso": False},
        },
    }
    granite = found["wxo_model.watsonx-ibm-granite-3-3-8b-instruct"]
    assert granite["connection_id"] == Ref("wxo_connection.wx-creds.connection_id")
    assert isinstance(granite["connection_id"], Ref) and granite["name"] == GRANITE
    claude = found["wxo_model.anthropic-claude-3_7-sonnet"]
    assert claude["connection_id"] == "elsewhere" and not isinstance(claude["connection_id"], Ref)
    assert claude["config"] == {"max_tokens": 100}  # a block, not an attribute
    assert "config {" in text and "config =" not in text
    mix = found["wxo_model_policy.mix"]
    assert mix["strategy"] == {"mode": "loadbalance"}
    [first, second] = mix["targets"]
    assert isinstance(first["model_name"], Ref)
    assert first == {"model_name": "wxo_model.watsonx-ibm-granite-3-3-8b-instruct.name", "weight": 0.5}
    assert second == {"model_name": "virtual-model/openai/not-exported", "weight": 0.5}
    assert not isinstance(second["model_name"], Ref)
    # Every resource is followed by its import block.
    assert text.index("import {\n  to = wxo_model_policy.mix") > text.index(
        'resource "wxo_model_policy" "mix"'
    )


def test_a_nested_rule_keeps_its_shape_with_references() -> None:
    models = [{"id": "m-1", "name": GRANITE, "connection_id": "c"}]
    policy = {
        "id": "p-1",
        "name": "virtual-policy/nested",
        "policy": {
            "strategy": {"mode": "fallback"},
            "targets": [
                {"strategy": {"mode": "loadbalance"}, "targets": [{"model_name": GRANITE, "weight": 1}]},
            ],
        },
    }
    found = resources(config(models, [policy])[0])
    [rule] = found["wxo_model_policy.nested"]["targets"]
    assert rule["strategy"] == {"mode": "loadbalance"}
    assert rule["targets"] == [
        {"model_name": "wxo_model.watsonx-ibm-granite-3-3-8b-instruct.name", "weight": 1}
    ]


def test_credentials_are_sensitive_variables_never_values() -> None:
    conn = {
        "connection_id": "c-1",
        "app_id": "openai-creds",
        "environments": {"draft": {"kind": "key_value", "type": "team", "credentials_set": True}},
    }
    models = [
        {"id": "m-1", "name": GPT, "provider_config": {"api_key": "sk-echoed-by-server"}},
        {"id": "m-2", "name": "virtual-model/openai/o3", "connection_id": "c-1"},
    ]
    text, out = config(models, connections=[conn])
    assert "sk-echoed" not in text
    found = resources(text)
    assert found["wxo_model.openai-gpt-4o"]["provider_config"] == {"api_key": "var.openai_api_key"}
    assert isinstance(found["wxo_model.openai-gpt-4o"]["provider_config"]["api_key"], Ref)
    creds = found["wxo_connection.openai-creds"]["environments"]["draft"]["credentials"]
    assert creds == {"api_key": "var.openai_creds_api_key"}
    variables = {labels[0]: body for kind, name, labels, body in parse(text) if name == "variable"}
    assert set(variables) == {"openai_api_key", "openai_creds_api_key"}
    for body in variables.values():
        assert ("attr", "sensitive", None, True) in body and ("attr", "type", None, Ref("string")) in body
    assert [name for name, _ in out.variables] == ["openai_api_key", "openai_creds_api_key"]
    assert "provider_config.api_key" in dict(out.variables)["openai_api_key"]


def test_hostile_server_data_reads_back_identical() -> None:
    name = "virtual-model/openai/" + HOSTILE.replace("\n", " ")
    models = [
        {
            "id": 'id "with" ${quotes}',
            "name": name,
            "display_name": HOSTILE,
            "description": HOSTILE,
            "tags": [HOSTILE, "plain"],
            "connection_id": HOSTILE,
            "config": {"stop": [HOSTILE], "metadata": {HOSTILE: HOSTILE}, "user": HOSTILE},
        }
    ]
    policy = {
        "id": "p",
        "name": "virtual-policy/" + HOSTILE,
        "description": HOSTILE,
        "policy": {"strategy": {"mode": "single"}, "targets": [{"model_name": name}]},
    }
    text, _ = config(models, [policy])
    assert is_inert(text)  # no control character, no CI workflow command
    found = resources(text)
    [(address, model)] = [(a, r) for a, r in found.items() if a.startswith("wxo_model.")]
    assert model["name"] == name
    for key in ("display_name", "description", "connection_id"):
        assert model[key] == HOSTILE
    assert model["tags"] == [HOSTILE, "plain"]
    assert model["config"] == {"stop": [HOSTILE], "metadata": {HOSTILE: HOSTILE}, "user": HOSTILE}
    assert imports(text)[address] == 'id "with" ${quotes}'
    [policy_found] = [r for a, r in found.items() if a.startswith("wxo_model_policy.")]
    assert policy_found["name"] == "virtual-policy/" + HOSTILE and policy_found["description"] == HOSTILE
    assert policy_found["targets"] == [{"model_name": f"{address}.name"}]
    # Resource names are identifiers whatever the server's names hold.
    for _kind, block_name, labels, _ in parse(text):
        if block_name == "resource":
            assert all(ch.isalnum() or ch in "_-" for ch in labels[1]), labels


def test_an_object_with_a_lone_surrogate_is_left_out_with_a_note() -> None:
    models = [
        {"id": "m-1", "name": GPT, "description": "bad \ud800", "connection_id": "c"},
        {"id": "m-2", "name": CLAUDE, "connection_id": "c"},
    ]
    text, out = config(models)
    assert list(resources(text)) == ["wxo_model.anthropic-claude-3_7-sonnet"]
    assert any("left out model 'virtual-model/openai/gpt-4o'" in n and "surrogate" in n for n in out.notes)


def test_a_text_not_in_normal_form_c_is_written_with_a_note() -> None:
    decomposed = "cafe\u0301"
    text, out = config([{"id": "m-1", "name": GPT, "description": decomposed, "connection_id": "c"}])
    assert resources(text)["wxo_model.openai-gpt-4o"]["description"] == decomposed
    assert any("normal form C" in n for n in out.notes)


def test_two_names_of_one_identifier_get_a_suffix() -> None:
    # "a.b" and "a_b" are two resource names of the other formats, one HCL identifier.
    models = [
        {"id": "1", "name": "virtual-model/openai/a.b", "connection_id": "c"},
        {"id": "2", "name": "virtual-model/openai/a_b", "connection_id": "c"},
    ]
    text, _ = config(models)
    assert sorted(imports(text).items()) == [("wxo_model.openai-a_b", "1"), ("wxo_model.openai-a_b_2", "2")]


def test_a_field_the_terraform_schema_lacks_is_left_out_with_a_note() -> None:
    models = [{"id": "1", "name": GPT, "connection_id": "c", "config": {"max_tokens": 5, "brand_new": 1}}]
    exported, _ = export_objects(models, [])
    doc = exported[0].document
    doc["config"]["brand_new"] = 1  # as a future server might answer it
    out = hcl_config(exported, {("model", GPT): "1"})
    assert resources(out.text)["wxo_model.openai-gpt-4o"]["config"] == {"max_tokens": 5}
    assert any("config: brand_new is not in the Terraform schema" in n for n in out.notes)


def test_values_keep_their_types() -> None:
    cfg = {"max_tokens": 100, "temperature": 0.25, "stream": False, "logit_bias": {"50256": -100}}
    text, _ = config([{"id": "1", "name": GPT, "connection_id": "c", "config": cfg}])
    got = resources(text)["wxo_model.openai-gpt-4o"]["config"]
    assert json.dumps(got, sort_keys=True) == json.dumps(cfg, sort_keys=True)
    assert "stream      = false" in text  # aligned as `tofu fmt` aligns
