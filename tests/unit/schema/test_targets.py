"""schema.targets: the one walker over nested policy targets, on validated and on raw targets."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.schema import PolicyNode, PolicySpec, PolicyTarget, validate_policy
from pulumi_wxo.schema.targets import fold_targets, iter_targets, map_targets, model_names

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
    got = [item for items in fold_targets(RAW, flat, concat) for item in items]
    assert [(path, t if t == "rule" else t["model_name"]) for path, t in got] == [
        ("targets[0]", "virtual-model/openai/gpt-4o"),
        ("targets[1]", "rule"),
        ("targets[1].targets[0]", "virtual-model/anthropic/c"),
        ("targets[1].targets[1]", "virtual-model/groq/g"),
    ]


def test_validated_targets_walk_like_raw_ones() -> None:
    spec, fails = validate_policy({"name": "p", "strategy": "loadbalance", "targets": RAW})
    assert fails == [] and isinstance(spec, PolicySpec)
    got = [item for items in fold_targets(spec.root().targets, flat, concat) for item in items]
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

    assert fold_targets(RAW, lambda path, t: path, rule, prefix="policy.") == [
        "policy.targets[0]",
        "policy.targets[1](policy.targets[1].targets[0], policy.targets[1].targets[1])",
    ]
    assert seen == [RAW[1]]
    spec, _ = validate_policy({"name": "p", "strategy": "loadbalance", "targets": RAW})
    assert spec is not None
    fold_targets(spec.root().targets, lambda path, t: path, rule)
    assert isinstance(seen[-1], PolicyNode)


def test_a_stray_value_in_a_raw_document_is_a_leaf() -> None:
    # An exported document is not validated: what is neither a target nor a rule is the leaf's.
    assert fold_targets(["text", 3, {"targets": None}], flat, concat) == [
        [("targets[0]", "text")],
        [("targets[1]", 3)],
        [("targets[2]", "rule")],
    ]


def test_iter_targets_visits_every_item_with_path_and_depth() -> None:
    visits = list(iter_targets(RAW))
    assert [(v.path, v.depth, v.model_name) for v in visits] == [
        ("targets[0]", 1, "virtual-model/openai/gpt-4o"),
        ("targets[1]", 1, None),
        ("targets[1].targets[0]", 2, "virtual-model/anthropic/c"),
        ("targets[1].targets[1]", 2, "virtual-model/groq/g"),
    ]
    assert visits[1].targets == RAW[1]["targets"]
    assert visits[2].name_path == "targets[1].targets[0].model_name"
    assert model_names(RAW) == [
        "virtual-model/openai/gpt-4o",
        "virtual-model/anthropic/c",
        "virtual-model/groq/g",
    ]
    assert list(iter_targets("not a list")) == []


def test_validated_and_raw_targets_give_the_same_names() -> None:
    spec, _ = validate_policy({"name": "p", "strategy": "loadbalance", "targets": RAW})
    assert spec is not None
    assert model_names(spec.targets) == model_names(RAW) == spec.model_names()


def test_map_targets_rebuilds_nested_lists_first_and_leaves_the_input_alone() -> None:
    seen: list[Any] = []

    def tag(item: Any) -> Any:
        seen.append(item)
        return {**item, "seen": True} if "model_name" in item else item

    out = map_targets(RAW, tag)
    assert out[0] == {**RAW[0], "seen": True}
    assert out[1]["targets"] == [{**t, "seen": True} for t in RAW[1]["targets"]]
    assert [s.get("model_name") for s in seen] == [
        "virtual-model/openai/gpt-4o",
        "virtual-model/anthropic/c",
        "virtual-model/groq/g",
        None,
    ]
    assert "seen" not in RAW[1]["targets"][0]  # a copy, not an edit
