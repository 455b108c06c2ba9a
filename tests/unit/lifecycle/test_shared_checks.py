"""The engine's check and diff on hostile inputs, for every declared resource (no sockets; no
connection settings).

The bounds, the refusal of a non-finite number at its path, a diff that never raises and an
error that never quotes a secret are the skeleton's (lifecycle/engine.py): one test each,
parametrized over the declarations. What only a model or a policy checks stays in
test_model.py and test_policy.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_wxo.api.errors import InvalidInputError, WxoError
from pulumi_wxo.lifecycle import UNKNOWN, Lifecycle, ModelLifecycle, PolicyLifecycle, Runtime
from pulumi_wxo.schema.bounds import MAX_DEPTH
from tests.support.strategies import (
    BOUNDED,
    assert_failures_are_clean,
    expected_refusals,
    model_inputs,
    nest,
    olds_like,
    policy_inputs,
    refusals,
)

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Case:
    lifecycle: type[Lifecycle]
    #: Inputs that pass check, and the outputs they leave.
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    inputs_strategy: st.SearchStrategy[tuple[dict[str, Any], str]]
    #: Whether ``spec_or_raise`` is only ever given inputs without top-level unknowns (a model's
    #: create and update follow a check that saw them known).
    known_for_spec: bool = False

    def offline(self) -> Lifecycle:
        """A lifecycle without connection settings: the server checks of check are skipped."""
        runtime = Runtime()
        runtime.configure(lambda _key: None, {})
        return self.lifecycle(runtime)

    def failures(self, news: dict[str, Any]) -> dict[str, str]:
        return {f.path: f.reason for f in self.offline().check({}, news).failures}


MODEL_NAME = "virtual-model/openai/gpt-4o"
POLICY_NAME = "virtual-policy/route"
MODEL = Case(
    ModelLifecycle,
    {"name": "openai/gpt-4o", "provider_config": {"api_key": "sk-unit-1"}},
    {
        **dict.fromkeys(("name", "display_name", "description"), MODEL_NAME),
        "tags": [],
        "model_type": "chat",
        "connection_id": None,
        "provider_config": {"api_key": "sk-unit-1"},
        "config": {},
    },
    model_inputs(UNKNOWN),
    known_for_spec=True,
)
POLICY = Case(
    PolicyLifecycle,
    {
        "name": "route",
        "strategy": {"mode": "loadbalance"},
        "targets": [{"model_name": "openai/a", "weight": 0.5}, {"model_name": "openai/b", "weight": 0.5}],
    },
    {
        **dict.fromkeys(("name", "display_name", "description"), POLICY_NAME),
        "strategy": {"mode": "loadbalance"},
        "retry": None,
        "cache": None,
        "targets": [
            {"model_name": "virtual-model/openai/a", "weight": 0.5},
            {"model_name": "virtual-model/openai/b", "weight": 0.5},
        ],
    },
    policy_inputs(UNKNOWN),
)
CASES = pytest.mark.parametrize("case", [MODEL, POLICY], ids=["model", "policy"])


def plant(value: Any, bad: float) -> Any:
    if value == "BAD":
        return bad
    if isinstance(value, dict):
        return {k: plant(v, bad) for k, v in value.items()}
    if isinstance(value, list):
        return [plant(v, bad) for v in value]
    return value


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(
    ("case", "change", "path"),
    [
        (MODEL, {"config": {"logit_bias": {"50256": "BAD"}}}, "config.logit_bias.50256"),
        (
            MODEL,
            {"config": {"response_format": {"schema": {"max": "BAD"}}}},
            "config.response_format.schema.max",
        ),
        (MODEL, {"config": {"stop": ["a", "BAD"]}}, "config.stop.1"),
        (MODEL, {"provider_config": {"api_key": "k", "cache": {"ttl": "BAD"}}}, "provider_config.cache.ttl"),
        (
            MODEL,
            {"provider_config": {"api_key": "k", "metadata": {"team": "BAD"}}},
            "provider_config.metadata.team",
        ),
        (MODEL, {"config": {"metadata": {"team": "BAD"}}}, "config.metadata.team"),
        (MODEL, {"display_name": "BAD"}, "display_name"),
        (MODEL, {"adopt": "BAD"}, "adopt"),
        (POLICY, {"targets": [{"model_name": "openai/a", "weight": "BAD"}]}, "targets[0].weight"),
        (
            POLICY,
            {"targets": [{"strategy": "single", "targets": [{"model_name": "openai/a", "weight": "BAD"}]}]},
            "targets[0].targets[0].weight",
        ),
        (POLICY, {"retry": {"attempts": "BAD"}}, "retry.attempts"),
        (
            POLICY,
            {"strategy": {"mode": "fallback", "on_status_codes": [503, "BAD"]}},
            "strategy.on_status_codes[1]",
        ),
        (POLICY, {"cache": {"ttl": "BAD"}}, "cache.ttl"),
        (POLICY, {"adopt": "BAD"}, "adopt"),
    ],
)
def test_non_finite_numbers_are_refused_at_check_naming_the_field(
    case: Case, change: dict[str, Any], path: str, bad: float
) -> None:
    assert case.failures({**case.inputs, **plant(change, bad)})[path] == "must be a finite number"


@CASES
def test_the_plain_inputs_pass_and_diff_clean_against_their_outputs(case: Case) -> None:
    assert case.failures(case.inputs) == {}
    assert case.offline().diff(case.outputs, dict(case.inputs)).changed == []


@CASES
def test_an_unknown_input_is_named(case: Case) -> None:
    assert case.failures({**case.inputs, "stray": 1}) == {"stray": "unknown input"}


@CASES
@pytest.mark.parametrize("depth", [330, 5000])
@pytest.mark.parametrize("field", ["name", "display_name"])
def test_diff_of_deep_inputs_or_outputs_is_a_change_and_never_raises(
    case: Case, depth: int, field: str
) -> None:
    deep = nest(1.0, depth, "dict")
    lc = case.offline()
    assert field in lc.diff(case.outputs, {**case.inputs, field: deep}).changed
    assert field in lc.diff({**case.outputs, field: deep}, dict(case.inputs)).changed
    assert lc.diff({**case.outputs, "name": deep}, dict(case.inputs)).replaces == ["name"]


@CASES
def test_a_recorded_name_nested_thousands_deep_is_never_turned_into_text(case: Case) -> None:
    """A hand-edited state may hold anything under ``name``: a plain nested dict (whose repr
    recurses, unlike the strategies' containers) must not reach a message. Diff reports the
    change; read and delete stop on the missing connection settings, not on a RecursionError."""
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(5000):
        inner["k"] = {}
        inner = inner["k"]
    lc = case.offline()
    assert "name" in lc.diff({**case.outputs, "name": deep}, dict(case.inputs)).changed
    for call in (lambda: lc.read("id-1", {"name": deep}), lambda: lc.delete("id-1", {"name": deep})):
        with pytest.raises(WxoError) as caught:
            call()
        assert "'id-1'" in str(caught.value) or "URL" in str(caught.value)


@CASES
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 330])
def test_deep_control_inputs_are_refused_once_at_check(case: Case, depth: int) -> None:
    got = case.failures({**case.inputs, "adopt": nest("x", depth, "mixed")})
    deep = [p for p, r in got.items() if r == f"nested deeper than {MAX_DEPTH} levels"]
    assert len(deep) == 1 and deep[0].startswith("adopt")


@BOUNDED
@CASES
@given(data=st.data())
def test_check_and_diff_never_raise_name_every_field_and_keep_the_secret(
    case: Case, data: st.DataObject
) -> None:
    news, secret = data.draw(case.inputs_strategy)
    olds = data.draw(olds_like(case.inputs_strategy))
    lc = case.offline()
    outcome = lc.check({}, news)
    assert_failures_are_clean(outcome.failures, secret)
    assert refusals(outcome.failures) == expected_refusals(news)
    assert_failures_are_clean(lc.check(olds, news).failures, secret)
    diff = lc.diff(olds, news)
    assert set(diff.changed) <= set(case.lifecycle.resource.api_fields)
    assert set(diff.replaces) <= set(case.lifecycle.resource.replace_fields) and set(diff.replaces) <= set(
        diff.changed
    )


@BOUNDED
@CASES
@given(data=st.data())
def test_create_and_update_refuse_with_an_error_that_keeps_the_secret(
    case: Case, data: st.DataObject
) -> None:
    inputs = case.inputs_strategy
    if case.known_for_spec:
        inputs = inputs.filter(lambda pair: UNKNOWN not in pair[0].values())
    news, secret = data.draw(inputs)
    for verb in ("create", "update"):
        try:
            case.offline().spec_or_raise(news, verb=verb)
        except InvalidInputError as err:
            assert secret not in str(err) and secret not in repr(err)
