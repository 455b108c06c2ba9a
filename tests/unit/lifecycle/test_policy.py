"""lifecycle.policy: check and diff on hostile inputs (no sockets; no connection settings).

The create/read/update/delete paths run against the emulator in tests/emulator.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from pulumi_wxo.lifecycle import PolicyLifecycle, Runtime
from pulumi_wxo.schema.bounds import MAX_DEPTH
from tests.support.strategies import (
    nest,
)

pytestmark = pytest.mark.unit

ROUTE: dict[str, Any] = {
    "name": "route",
    "strategy": {"mode": "loadbalance"},
    "targets": [{"model_name": "openai/a", "weight": 0.5}, {"model_name": "openai/b", "weight": 0.5}],
}
OUTPUTS: dict[str, Any] = {
    "name": "virtual-policy/route",
    "display_name": "virtual-policy/route",
    "description": "virtual-policy/route",
    "strategy": {"mode": "loadbalance"},
    "retry": None,
    "cache": None,
    "targets": [
        {"model_name": "virtual-model/openai/a", "weight": 0.5},
        {"model_name": "virtual-model/openai/b", "weight": 0.5},
    ],
}


def offline() -> PolicyLifecycle:
    runtime = Runtime()
    runtime.configure(lambda _key: None, {})
    return PolicyLifecycle(runtime)


def failures(news: dict[str, Any]) -> dict[str, str]:
    return {f.path: f.reason for f in offline().check({}, news).failures}


def test_a_nan_weight_leaves_the_other_targets_checked() -> None:
    targets = [{"model_name": "openai/a", "weight": math.nan}, {"model_name": "openai/b", "weight": 3.0}]
    assert failures({**ROUTE, "targets": targets}) == {
        "targets[0].weight": "must be a finite number",
        "targets[1].weight": "Input should be less than or equal to 1",
    }


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 330, 5000])
@pytest.mark.parametrize("field", ["targets", "cache", "retry", "declared_models", "adopt"])
def test_deep_nesting_is_refused_at_check(field: str, depth: int) -> None:
    got = failures({**ROUTE, field: nest(0.5, depth, "mixed")})
    deep = [p for p, r in got.items() if r == f"nested deeper than {MAX_DEPTH} levels"]
    assert len(deep) == 1 and deep[0].startswith(field)


def test_deeply_nested_rules_are_refused_without_recursing() -> None:
    rule: Any = {"model_name": "openai/a"}
    for _ in range(400):
        rule = {"strategy": "single", "targets": [rule]}
    got = failures({**ROUTE, "targets": [rule]})
    deep = [p for p, r in got.items() if r.startswith("nested deeper")]
    assert len(deep) == 1 and deep[0].startswith("targets[0].targets[0].targets[0]")


def test_declared_models_that_are_not_a_list_are_refused() -> None:
    assert failures({**ROUTE, "declared_models": 5.0}) == {
        "declared_models": "must be a list of model names (set by ModelPolicy)"
    }


@pytest.mark.parametrize("depth", [330, 5000])
def test_diff_of_deep_inputs_or_outputs_is_a_change_and_never_raises(depth: int) -> None:
    deep = nest(1.0, depth, "dict")
    lc = offline()
    assert lc.diff(OUTPUTS, {**ROUTE, "cache": deep}).changed == ["cache"]
    assert lc.diff({**OUTPUTS, "targets": [deep]}, dict(ROUTE)).changed == ["targets"]
    assert lc.diff({**OUTPUTS, "name": deep}, dict(ROUTE)).replaces == ["name"]
    assert lc.diff(OUTPUTS, dict(ROUTE)).changed == []
