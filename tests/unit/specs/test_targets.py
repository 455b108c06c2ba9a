"""specs.targets: the one walk over nested policy targets, on validated and on raw targets."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo._schema import PolicyNode, PolicySpec, PolicyTarget, validate_policy
from pulumi_wxo.specs.targets import walk_targets

pytestmark = pytest.mark.unit

RAW: list[Any] = [
    {"model_name": "virtual-model/openai/gpt-4o", "weight": 0.5},
    {
        "strategy": {"mode": "fallback"},
        "targets": [{"model_name": "virtual-model/anthropic/c"}, {"model_name": "virtual-model/groq/g"}],
    },
]


def flat(path: str, target: Any) -> list[tuple[str, Any]]:
    return [(path, target)]


def concat(path: str, node: Any, found: list[list[tuple[str, Any]]]) -> list[tuple[str, Any]]:
    return [(path, "rule"), *(item for items in found for item in items)]


def test_raw_targets_paths_in_order() -> None:
    got = [item for items in walk_targets(RAW, flat, concat) for item in items]
    assert [(path, t if t == "rule" else t["model_name"]) for path, t in got] == [
        ("targets[0]", "virtual-model/openai/gpt-4o"),
        ("targets[1]", "rule"),
        ("targets[1].targets[0]", "virtual-model/anthropic/c"),
        ("targets[1].targets[1]", "virtual-model/groq/g"),
    ]


def test_validated_targets_walk_like_raw_ones() -> None:
    spec, fails = validate_policy({"name": "p", "strategy": "loadbalance", "targets": RAW})
    assert fails == [] and isinstance(spec, PolicySpec)
    got = [item for items in walk_targets(spec.root().targets, flat, concat) for item in items]
    assert [path for path, _ in got] == [
        "targets[0]",
        "targets[1]",
        "targets[1].targets[0]",
        "targets[1].targets[1]",
    ]
    assert isinstance(got[0][1], PolicyTarget) and got[1][1] == "rule"
    assert [t.model_name for _, t in got if isinstance(t, PolicyTarget)] == spec.model_names()


def test_rule_gets_the_node_and_its_folded_children() -> None:
    seen: list[Any] = []

    def rule(path: str, node: Any, found: list[str]) -> str:
        seen.append(node)
        return f"{path}({', '.join(found)})"

    assert walk_targets(RAW, lambda path, t: path, rule, prefix="policy.") == [
        "policy.targets[0]",
        "policy.targets[1](policy.targets[1].targets[0], policy.targets[1].targets[1])",
    ]
    assert seen == [RAW[1]]
    spec, _ = validate_policy({"name": "p", "strategy": "loadbalance", "targets": RAW})
    assert spec is not None
    walk_targets(spec.root().targets, lambda path, t: path, rule)
    assert isinstance(seen[-1], PolicyNode)


def test_a_stray_value_in_a_raw_document_is_a_leaf() -> None:
    # An exported document is not validated: what is neither a target nor a rule is the leaf's.
    assert walk_targets(["text", 3, {"targets": None}], flat, concat) == [
        [("targets[0]", "text")],
        [("targets[1]", 3)],
        [("targets[2]", "rule")],
    ]
