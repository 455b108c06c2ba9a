"""The one walker over policy targets, for every shape they come in.

Targets are nested: a target is a model (``model_name``, optional ``weight``) or a rule
(``strategy`` over ``targets``). The schema checks them, the lifecycle looks their models up,
spec files map their lines, the resources turn ``Model`` objects into names: each does it
through :func:`iter_targets` (a flat walk), :func:`fold_targets` (rebuild bottom-up) or
:func:`map_targets` (rebuild in place), so what counts as a rule (:func:`is_rule`), the
recursion and the property paths (``targets[0].targets[1].model_name``) are written once.

Items may be mappings (engine inputs, spec documents, API objects) or schema objects
(:class:`~pulumi_wxo.schema.policy.PolicyTarget` / ``PolicyNode``): anything with
``model_name`` / ``targets`` as keys or attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class TargetVisit:
    """One item of a targets list, where it sits, and what it holds."""

    path: str
    """Property path of the item: ``targets[0]``, ``targets[1].targets[0]``."""
    depth: int
    """1 for the top-level list, 2 inside a nested rule, ..."""
    item: Any
    """The item as given (a mapping or a schema object)."""
    model_name: Any
    """Its ``model_name`` (a model target), else ``None``."""
    targets: Any
    """Its nested ``targets`` (a rule), else ``None``."""

    @property
    def name_path(self) -> str:
        return f"{self.path}.model_name"


def _field(item: Any, key: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(key)
    return getattr(item, key, None)


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def is_rule(item: Any) -> bool:
    """A nested rule, as the schema tells them apart: a mapping with a ``model_name`` is a
    target, any other mapping a rule; a schema object is a rule when it has a strategy and
    targets (``PolicyNode``). Anything else (a stray value in a raw document) is a target
    for the walk, and the schema reports it."""
    if isinstance(item, Mapping):
        return "model_name" not in item
    return hasattr(item, "strategy") and hasattr(item, "targets") and not hasattr(item, "model_name")


def _children(rule: Any) -> Any:
    return _field(rule, "targets") or []


def iter_targets(targets: Any, *, prefix: str = "targets", depth: int = 1) -> Iterator[TargetVisit]:
    """Every item of ``targets``, depth first (a rule before its own targets).

    Anything that is not a list yields nothing; items that are neither mappings nor schema
    objects are yielded with ``model_name``/``targets`` ``None`` (the schema reports them).
    """
    if not _is_list(targets):
        return
    for i, item in enumerate(targets):
        path = f"{prefix}[{i}]"
        if is_rule(item):
            nested = _children(item)
            yield TargetVisit(path, depth, item, None, nested)
            yield from iter_targets(nested, prefix=f"{path}.targets", depth=depth + 1)
        else:
            yield TargetVisit(path, depth, item, _field(item, "model_name"), None)


def model_names(targets: Any) -> list[str]:
    """The model names in ``targets``, nested rules included, in order."""
    return [v.model_name for v in iter_targets(targets) if isinstance(v.model_name, str)]


def fold_targets(
    targets: Iterable[Any],
    leaf: Callable[[str, Any], R],
    rule: Callable[[str, Any, list[R]], R],
    prefix: str = "",
) -> list[R]:
    """Fold a ``targets`` list, validated (``PolicyTarget`` / ``PolicyNode``) or raw (mappings).

    Each item at ``{prefix}targets[i]`` becomes ``leaf(path, target)``, or, for a nested rule,
    ``rule(path, node, results)`` where ``results`` is the fold of the rule's own targets
    (paths ``{path}.targets[j]``). Returns one result per item, in order.
    """
    out: list[R] = []
    for i, target in enumerate(targets):
        path = f"{prefix}targets[{i}]"
        if is_rule(target):
            out.append(rule(path, target, fold_targets(_children(target), leaf, rule, f"{path}.")))
        else:
            out.append(leaf(path, target))
    return out


def map_targets(targets: Sequence[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """A copy of ``targets`` with ``fn`` applied to every item, nested lists mapped first.

    ``fn`` gets each item with its own ``targets`` already mapped (for mappings) and returns
    the item to keep.
    """
    out: list[Any] = []
    for given in targets:
        item = given
        if isinstance(given, Mapping) and is_rule(given) and _is_list(given.get("targets")):
            item = {**given, "targets": map_targets(given["targets"], fn)}
        out.append(fn(item))
    return out
