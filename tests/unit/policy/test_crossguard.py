"""policy.crossguard: the rules behind pulumi_policy's own analyzer, with the engine's wire forms
(secrets, unknowns, URNs) for both hosts' type tokens."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.policy import POLICIES, UNKNOWN
from pulumi_wxo.policy.crossguard import build_policies, plain, stack_of
from tests.unit.policy.support import MODEL_TYPES, POLICY_TYPES, SECRET, UNKNOWN_STRING, Analyzer, secret

pytestmark = pytest.mark.unit

STRICT = {
    "wxo-credentials-in-connection": "mandatory",
    "wxo-required-tags": {"enforcementLevel": "mandatory", "tags": ["team-*"]},
    "wxo-required-guardrails": {"enforcementLevel": "mandatory", "input": True, "stacks": ["prod"]},
    "wxo-loadbalance-weights": "mandatory",
}


def messages(found: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(policy, the violation's own line); pulumi_policy puts the policy's description first."""
    return [(p, m.splitlines()[-1]) for p, m, _ in found]


@pytest.mark.parametrize("type_", MODEL_TYPES)
def test_a_model_of_either_host(type_: str) -> None:
    props = {
        "name": "openai/gpt-4o",
        "tags": ["e2e"],
        "provider_config": {"api_key": secret(SECRET), "custom_host": "https://h"},
        "adopt": False,
        "force_delete": False,
    }
    got = Analyzer(STRICT).analyze(type_, props, stack="prod")
    assert messages(got) == [
        (
            "wxo-credentials-in-connection",
            "model 'virtual-model/openai/gpt-4o': provider_config.api_key holds a credential in the program; "
            "store it in an Orchestrate connection and set connection_id instead",
        ),
        (
            "wxo-required-tags",
            "model 'virtual-model/openai/gpt-4o': no tag matches 'team-*'; add one (required tags: team-*)",
        ),
        (
            "wxo-required-guardrails",
            "model 'virtual-model/openai/gpt-4o': no input guardrail; set "
            "provider_config.default_input_guardrails (this stack requires input guardrails)",
        ),
    ]
    assert not [m for _, m, _ in got if SECRET in m]
    # The stack comes from the URN: on dev the guardrails are not required.
    assert [p for p, _, _ in Analyzer(STRICT).analyze(type_, props, stack="dev")] == [
        "wxo-credentials-in-connection",
        "wxo-required-tags",
    ]


@pytest.mark.parametrize("type_", MODEL_TYPES)
def test_unknown_values_at_preview_are_not_judged(type_: str) -> None:
    props = {
        "name": UNKNOWN_STRING,
        "tags": UNKNOWN_STRING,
        "provider_config": {"custom_host": UNKNOWN_STRING},
    }
    assert Analyzer({**STRICT, "wxo-name-patterns": {"model": "x"}}).analyze(type_, props, stack="dev") == []


@pytest.mark.parametrize("type_", POLICY_TYPES)
def test_a_policy_of_either_host(type_: str) -> None:
    targets = [
        {"model_name": "virtual-model/openai/a", "weight": 0.7},
        {"model_name": UNKNOWN_STRING, "weight": 0.7},
    ]
    props = {"name": "split", "strategy": {"mode": "loadbalance"}, "targets": targets}
    got = Analyzer(STRICT).analyze(type_, props, name="split")
    assert messages(got) == [
        (
            "wxo-loadbalance-weights",
            "policy 'virtual-policy/split': targets: load-balance weights sum to 1.4, not 1; "
            "traffic shares must add up to 1",
        )
    ]


def test_other_resources_are_not_looked_at() -> None:
    assert Analyzer(STRICT).analyze("aws:s3/bucket:Bucket", {"name": "openai/gpt-4o", "tags": []}) == []


@pytest.mark.parametrize(("model_type", "policy_type"), list(zip(MODEL_TYPES, POLICY_TYPES, strict=True)))
def test_the_stack_policy_sees_every_resource_and_names_the_policy_resource(
    model_type: str, policy_type: str
) -> None:
    resources = [
        (model_type, "gpt", {"name": "openai/gpt-4o"}),
        (policy_type, "route", {"name": "route", "strategy": "fallback", "targets": [
            {"model_name": "openai/gpt-4o"},
            {"model_name": "watsonx/granite"},
            {"model_name": UNKNOWN_STRING},
        ]}),
        ("random:index/randomString:RandomString", "r", {"name": "openai/x"}),
    ]  # fmt: skip
    [(policy, message, urn)] = Analyzer({"wxo-policy-targets-exist": "mandatory"}).analyze_stack(resources)
    assert policy == "wxo-policy-targets-exist"
    assert urn == f"urn:pulumi:dev::proj::{policy_type}::route"
    assert "routes to 'virtual-model/watsonx/granite', which this stack does not declare" in message


def test_a_bad_config_raises_naming_the_policy_and_the_key() -> None:
    """The engine checks types against the schema; the pack checks the rest (unknown keys, values)."""
    analyzer = Analyzer({"wxo-required-tags": {"enforcementLevel": "mandatory", "tag": ["x"]}})
    with pytest.raises(
        ValueError,
        match=r"^policy-pack config: wxo-required-tags: tag: unknown key \(did you mean 'tags'\?\)$",
    ):
        analyzer.analyze(MODEL_TYPES[0], {"name": "openai/gpt-4o"})


def test_the_policies_and_their_schemas() -> None:
    built = build_policies()
    assert [p.name for p in built] == [d.name for d in POLICIES]
    assert [p.enforcement_level.value for p in built] == [d.level for d in POLICIES]  # type: ignore[union-attr]
    for p in built:
        assert p.config_schema is not None
        # A null default would fail the engine's own type check of the filled-in config.
        assert all(prop.get("default", 0) is not None for prop in p.config_schema.properties.values())


def test_stack_of_and_plain() -> None:
    assert stack_of("urn:pulumi:prod-eu::proj::wxo:index:Model::gpt") == "prod-eu"
    assert stack_of("not-a-urn") is None and stack_of("urn:other:x::y") is None
    from pulumi_policy.proxy import unknown_checking_proxy

    proxied = unknown_checking_proxy({"a": [1, UNKNOWN_STRING, {"b": UNKNOWN_STRING}], "c": UNKNOWN_STRING})
    got: Any = plain(proxied)
    assert got == {"a": [1, UNKNOWN, {"b": UNKNOWN}], "c": UNKNOWN}
    assert type(got) is dict and type(got["a"]) is list
