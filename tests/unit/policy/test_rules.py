"""policy.rules: each guardrail on plain properties, stack scoping, levels, and no secret in a message."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.policy import POLICIES, TYPE_KINDS, UNKNOWN, Violation, evaluate
from pulumi_wxo.schema import SECRET_FIELDS
from tests.unit.policy.support import SECRET, config, model, policy

pytestmark = pytest.mark.unit


def found(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.policy, v.path) for v in violations]


def test_the_type_tokens_are_those_of_both_hosts() -> None:
    from pulumi_wxo.model import MODEL_TYPE_TOKEN
    from pulumi_wxo.native.schema import MODEL_TOKEN, POLICY_TOKEN

    dynamic_policy = MODEL_TYPE_TOKEN.replace(":Model", ":ModelPolicy")
    assert dict(TYPE_KINDS) == {
        MODEL_TYPE_TOKEN: "model",
        dynamic_policy: "policy",
        MODEL_TOKEN: "model",
        POLICY_TOKEN: "policy",
        "pulumi-python:dynamic/wxo:Connection": "connection",
        "wxo:index:Connection": "connection",
    }


def test_with_no_configuration_only_the_keyless_rules_speak() -> None:
    """Nothing is required until configured; inline credentials and bad weights are advisory."""
    resources = [
        model(provider_config={"api_key": SECRET}),
        policy(targets=[{"model_name": "openai/x", "weight": 0.5}]),
    ]
    got = evaluate(resources, config())
    assert found(got) == [
        ("wxo-credentials-in-connection", "provider_config.api_key"),
        ("wxo-loadbalance-weights", "targets"),
        ("wxo-policy-targets-exist", "targets[0].model_name"),
    ]
    assert {v.level for v in got} == {"advisory"}


def test_allowed_providers() -> None:
    cfg = config(wxo_allowed_providers={"providers": ["watsonx", "ollama"]})
    [v] = evaluate([model(), model(resource="w", name="watsonx/granite")], cfg)
    assert (v.policy, v.path, v.resource and v.resource.name) == ("wxo-allowed-providers", "name", "gpt")
    assert "provider 'openai' is not allowed on this stack (allowed: watsonx, ollama)" in v.message
    assert v.message.startswith("model 'virtual-model/openai/gpt-4o': ")
    assert evaluate([model(name=UNKNOWN)], cfg) == []


@pytest.mark.parametrize(
    ("key", "value", "path"),
    [
        ("api_key", SECRET, "provider_config.api_key"),
        ("awsSecretAccessKey", SECRET, "provider_config.aws_secret_access_key"),  # the API's alias
        (
            "vertex_service_account_json",
            {"private_key": SECRET},
            "provider_config.vertex_service_account_json",
        ),
        ("api_key", UNKNOWN, "provider_config.api_key"),  # unknown at preview, still written inline
    ],
)
def test_credentials_only_through_a_connection(key: str, value: Any, path: str) -> None:
    [v] = evaluate([model(provider_config={key: value, "custom_host": "https://h"})], config())
    assert (v.policy, v.path) == ("wxo-credentials-in-connection", path)
    assert SECRET not in v.message and "store it in an Orchestrate connection" in v.message


def test_credentials_a_connection_and_plain_settings_pass_and_one_can_be_required() -> None:
    clean = model(provider_config={"custom_host": "https://h", "api_key": None, "watsonx_space_id": "s"})
    assert evaluate([clean], config()) == []
    cfg = config(wxo_credentials_in_connection={"require_connection_id": True})
    [v] = evaluate(
        [model(connection_id=None), model(connection_id=UNKNOWN), model(connection_id=None, app_id="creds")],
        cfg,
    )
    assert (v.path, v.message) == (
        "connection_id",
        "model 'virtual-model/openai/gpt-4o': has no connection_id; bind the model to a connection "
        "(connection_id, or app_id)",
    )


def test_required_tags_are_patterns() -> None:
    cfg = config(wxo_required_tags={"tags": ["team-*", "cost-center"]})
    assert evaluate([model(tags=["team-a", "cost-center"])], cfg) == []
    got = evaluate(
        [model(tags=["e2e"]), model(tags=None), model(tags=UNKNOWN), model(tags=["team-b", UNKNOWN])], cfg
    )
    assert [v.message.split(": ", 1)[1] for v in got] == [
        "no tag matches 'team-*'; add one (required tags: team-*, cost-center)",
        "no tag matches 'cost-center'; add one (required tags: team-*, cost-center)",
        "no tag matches 'team-*'; add one (required tags: team-*, cost-center)",
        "no tag matches 'cost-center'; add one (required tags: team-*, cost-center)",
    ]  # tags not known at preview are not judged


@pytest.mark.parametrize(
    ("targets", "strategy", "paths"),
    [
        (
            [{"model_name": "a", "weight": 0.7}, {"model_name": "b", "weight": 0.7}],
            "loadbalance",
            ["targets"],
        ),
        (
            [
                {"model_name": "a", "weight": 0.1},
                {"model_name": "b", "weight": 0.2},
                {"model_name": "c", "weight": 0.7},
            ],
            "loadbalance",
            [],
        ),
        ([{"model_name": "a", "weight": 0.7}, {"model_name": "b", "weight": 0.7}], {"mode": "fallback"}, []),
        ([{"model_name": "a"}, {"model_name": "b"}], "loadbalance", []),  # unweighted: not judged
        ([{"model_name": "a", "weight": 0.5}, {"model_name": "b"}], "loadbalance", ["targets"]),
        ([{"model_name": "a", "weight": UNKNOWN}, {"model_name": "b", "weight": 2}], "loadbalance", []),
        (
            [
                {"strategy": {"mode": "loadbalance"}, "targets": [{"model_name": "a", "weight": 0.3}]},
                {"model_name": "b"},
            ],
            "fallback",
            ["targets[0].targets"],
        ),
    ],
)
def test_loadbalance_weights_sum_to_one(targets: list[Any], strategy: Any, paths: list[str]) -> None:
    got = evaluate([policy(strategy=strategy, targets=targets)], config(wxo_policy_targets_exist="disabled"))
    assert [v.path for v in got] == paths
    assert all(v.policy == "wxo-loadbalance-weights" for v in got)


def test_loadbalance_weights_tolerance_is_configurable() -> None:
    near = policy(targets=[{"model_name": "a", "weight": 0.5}, {"model_name": "b", "weight": 0.49}])
    assert found(evaluate([near], config(wxo_policy_targets_exist="disabled"))) == [
        ("wxo-loadbalance-weights", "targets")
    ]
    assert (
        evaluate(
            [near], config(wxo_policy_targets_exist="disabled", wxo_loadbalance_weights={"tolerance": 0.02})
        )
        == []
    )


def test_targets_exist_in_the_stack_or_are_external() -> None:
    targets = [
        {"model_name": "virtual-model/openai/gpt-4o"},
        {
            "strategy": "fallback",
            "targets": [{"model_name": "watsonx/granite"}, {"model_name": "ollama/llama"}],
        },
        {"model_name": UNKNOWN},
    ]
    resources = [model(), policy(strategy="fallback", targets=targets)]
    [v] = evaluate(
        resources,
        config(wxo_policy_targets_exist={"enforcementLevel": "mandatory", "external": ["*/ollama/*"]}),
    )
    assert (v.policy, v.level, v.path) == (
        "wxo-policy-targets-exist",
        "mandatory",
        "targets[1].targets[0].model_name",
    )
    assert "routes to 'virtual-model/watsonx/granite', which this stack does not declare" in v.message


def test_required_guardrails_on_the_chosen_stacks() -> None:
    cfg = config(wxo_required_guardrails={"input": True, "output": True, "stacks": ["prod*"]})
    guarded = {"default_input_guardrails": [{"id": "pii"}], "defaultOutputGuardrails": [{"id": "hap"}]}
    assert evaluate([model("prod", provider_config=guarded)], cfg) == []
    assert evaluate([model("dev", provider_config={})], cfg) == []  # not a chosen stack
    got = evaluate([model("prod-eu", provider_config={"default_input_guardrails": []})], cfg)
    assert [v.path for v in got] == [
        "provider_config.default_input_guardrails",
        "provider_config.default_output_guardrails",
    ]
    assert "no input guardrail; set provider_config.default_input_guardrails" in got[0].message
    # Offline without --stack (stack None) every stack-scoped policy is checked.
    assert len(evaluate([model(None)], cfg)) == 2
    assert (
        evaluate(
            [
                model(
                    "prod",
                    provider_config={
                        "default_input_guardrails": UNKNOWN,
                        "default_output_guardrails": UNKNOWN,
                    },
                )
            ],
            cfg,
        )
        == []
    )


def test_name_patterns() -> None:
    cfg = config(
        wxo_policy_targets_exist="disabled",
        wxo_name_patterns={"model": r"(openai|watsonx)/[a-z0-9.-]+", "policy": r"virtual-policy/team-a-.*"},
    )
    ok = [model(), policy(name="team-a-route", targets=[{"model_name": "openai/gpt-4o", "weight": 1}])]
    assert evaluate(ok, cfg) == []
    got = evaluate([model(name="ollama/llama"), policy(name="route")], cfg)
    assert [(v.resource and v.resource.kind, v.path) for v in got] == [("model", "name"), ("policy", "name")]
    assert got[0].message == (
        "model 'virtual-model/ollama/llama': the name does not match "
        "'(openai|watsonx)/[a-z0-9.-]+'; rename it"
    )


def test_levels_all_and_disabled() -> None:
    bad = [model(provider_config={"api_key": SECRET}, tags=[])]
    cfg = config(all="mandatory", wxo_required_tags={"tags": ["x"]}, wxo_credentials_in_connection="disabled")
    assert [(v.policy, v.level) for v in evaluate(bad, cfg)] == [("wxo-required-tags", "mandatory")]
    assert str(evaluate(bad, cfg)[0]).startswith(
        "wxo-required-tags (mandatory): model 'virtual-model/openai/gpt-4o'"
    )


def test_no_secret_in_any_message() -> None:
    """Every credential field holds the planted secret; every policy is on and configured to fail."""
    pc: dict[str, Any] = {f: SECRET for f in SECRET_FIELDS}
    pc["vertex_service_account_json"] = {"private_key": SECRET}
    cfg = config(
        all="mandatory",
        wxo_allowed_providers={"providers": ["watsonx"]},
        wxo_credentials_in_connection={"require_connection_id": True},
        wxo_required_tags={"tags": ["team-*"]},
        wxo_required_guardrails={"input": True, "output": True},
        wxo_name_patterns={"model": "nothing", "policy": "nothing"},
    )
    resources = [
        model(provider_config=pc, connection_id=None, tags=[SECRET]),
        policy(targets=[{"model_name": "openai/other", "weight": 0.3}]),
    ]
    got = evaluate(resources, cfg)
    assert {v.policy for v in got} == {d.name for d in POLICIES}
    assert len([v for v in got if v.policy == "wxo-credentials-in-connection"]) == len(SECRET_FIELDS) + 1
    assert not [str(v) for v in got if SECRET in str(v)]
