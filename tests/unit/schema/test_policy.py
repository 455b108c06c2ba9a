"""schema.policy: bounds on policy inputs (NaN, infinities, deep nesting) and the policy name."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pulumi_wxo import schema as s
from pulumi_wxo.schema.policy import normalize_policy_name
from tests.unit.schema.support import policy_failures as paths

pytestmark = pytest.mark.unit

ROUTE: dict[str, Any] = {
    "name": "route",
    "strategy": "loadbalance",
    "targets": [{"model_name": "openai/a", "weight": 0.5}, {"model_name": "openai/b", "weight": 0.5}],
}


def test_the_route_is_valid() -> None:
    spec, fails = s.validate_policy(ROUTE)
    assert fails == [] and spec is not None and spec.name == "virtual-policy/route"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_weights_retry_and_cache_are_refused_by_path(bad: float) -> None:
    got = paths(
        {
            **ROUTE,
            "targets": [
                {"model_name": "openai/a", "weight": bad},
                {"strategy": "single", "targets": [{"model_name": "openai/b", "weight": bad}]},
            ],
            "retry": {"attempts": bad},
            "cache": {"ttl": bad},
        }
    )
    assert got == {
        "targets[0].weight": "must be a finite number",
        "targets[1].targets[0].weight": "must be a finite number",
        "retry.attempts": "must be a finite number",
        "cache.ttl": "must be a finite number",
    }


@pytest.mark.parametrize("bad", ["nan", "inf", "-infinity"])
def test_non_finite_strings_are_refused_as_not_finite(bad: str) -> None:
    got = paths({**ROUTE, "targets": [{"model_name": "openai/a", "weight": bad}]})
    assert got == {"targets[0].weight": "Input should be a finite number"}


def test_deeply_nested_rules_are_refused_by_the_bound_before_the_types_see_them() -> None:
    rule: Any = {"model_name": "openai/a"}
    for _ in range(500):
        rule = {"strategy": "single", "targets": [rule]}
    got = paths({**ROUTE, "targets": [rule]})
    deep = {p: r for p, r in got.items() if r == "nested deeper than 32 levels"}
    assert len(deep) == 1 and next(iter(deep)).startswith("targets[0].targets[0]")


@pytest.mark.parametrize(
    ("given", "name"), [("route", "virtual-policy/route"), (" virtual-policy/r ", "virtual-policy/r")]
)
def test_policy_names_are_normalised(given: str, name: str) -> None:
    assert normalize_policy_name(given) == name


@pytest.mark.parametrize("bad", ["", " ", "virtual-policy", "virtual-policy/"])
def test_empty_policy_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="must"):
        normalize_policy_name(bad)


def test_unbalanced_weights_reads_raw_inputs_and_schema_objects_alike() -> None:
    raw: dict[str, Any] = {
        "name": "split",
        "strategy": "loadbalance",
        "targets": [
            {"model_name": "openai/a", "weight": 0.6},
            {"strategy": {"mode": "loadbalance"}, "targets": [{"model_name": "openai/b", "weight": 0.5}]},
        ],
    }
    expected = [
        ("targets", "load-balance weights sum to 0.6, not 1; traffic shares must add up to 1"),
        ("targets[1].targets", "load-balance weights sum to 0.5, not 1; traffic shares must add up to 1"),
    ]
    assert s.unbalanced_weights(raw["strategy"], raw["targets"]) == expected
    spec, fails = s.validate_policy(raw)
    assert fails == [] and spec is not None
    assert s.unbalanced_weights(spec.strategy, spec.targets) == expected
    assert s.unbalanced_weights(spec.strategy, spec.targets, tolerance=0.5) == []
    assert s.unbalanced_weights("loadbalance", "not a list") == []
