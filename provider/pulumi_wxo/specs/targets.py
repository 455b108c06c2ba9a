"""The one walk over a policy's (possibly nested) targets in this package.

Three places need it: the undeclared-target rule (:mod:`pulumi_wxo.specs.rules`), wiring
targets to Model resources (:mod:`pulumi_wxo.specs.declaration`) and the generated program
(:mod:`pulumi_wxo.specs.export`). Each calls :func:`walk_targets`, so the walk can be swapped
for a shared walker in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pulumi_wxo._schema import PolicyNode

R = TypeVar("R")


def _is_rule(target: Any) -> bool:
    # As the schema tells them apart: a mapping with a model_name is a target, any other
    # mapping a nested rule. A validated target is a PolicyTarget, a validated rule a
    # PolicyNode; anything else (a stray value in a raw document) is left to ``leaf``.
    if isinstance(target, PolicyNode):
        return True
    return isinstance(target, Mapping) and "model_name" not in target


def _children(rule: Any) -> Iterable[Any]:
    if isinstance(rule, PolicyNode):
        return rule.targets
    return rule.get("targets") or []


def walk_targets(
    targets: Iterable[Any],
    leaf: Callable[[str, Any], R],
    rule: Callable[[str, Any, list[R]], R],
    prefix: str = "",
) -> list[R]:
    """Fold a ``targets`` list, validated (``PolicyTarget`` / ``PolicyNode``) or raw (mappings).

    Each item at ``{prefix}targets[i]`` becomes ``leaf(path, target)``, or, for a nested rule,
    ``rule(path, node, results)`` where ``results`` is the walk of the rule's own targets
    (paths ``{path}.targets[j]``). Returns one result per item, in order.
    """
    out: list[R] = []
    for i, target in enumerate(targets):
        path = f"{prefix}targets[{i}]"
        if _is_rule(target):
            out.append(rule(path, target, walk_targets(_children(target), leaf, rule, f"{path}.")))
        else:
            out.append(leaf(path, target))
    return out
