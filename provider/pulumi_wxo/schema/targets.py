"""The one walker over policy targets, for every shape they come in.

Targets are nested: a target is a model (``model_name``, optional ``weight``) or a rule
(``strategy`` over ``targets``). The schema checks them, the lifecycle looks their models up,
spec files map their lines, the resources turn ``Model`` objects into names: each does it
through :func:`iter_targets` (read) or :func:`map_targets` (rebuild), so the recursion and the
property paths (``targets[0].targets[1].model_name``) are written once.

Items may be mappings (engine inputs, spec documents, API objects) or schema objects
(:class:`~pulumi_wxo.schema.policy.PolicyTarget` / ``PolicyNode``): anything with
``model_name`` / ``targets`` as keys or attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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


def iter_targets(targets: Any, *, prefix: str = "targets", depth: int = 1) -> Iterator[TargetVisit]:
    """Every item of ``targets``, depth first (a rule before its own targets).

    Anything that is not a list yields nothing; items that are neither mappings nor schema
    objects are yielded with ``model_name``/``targets`` ``None`` (the schema reports them).
    """
    if not _is_list(targets):
        return
    for i, item in enumerate(targets):
        path = f"{prefix}[{i}]"
        nested = _field(item, "targets")
        yield TargetVisit(path, depth, item, _field(item, "model_name"), nested)
        if nested is not None:
            yield from iter_targets(nested, prefix=f"{path}.targets", depth=depth + 1)


def model_names(targets: Any) -> list[str]:
    """The model names in ``targets``, nested rules included, in order."""
    return [v.model_name for v in iter_targets(targets) if isinstance(v.model_name, str)]


def map_targets(targets: Sequence[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """A copy of ``targets`` with ``fn`` applied to every item, nested lists mapped first.

    ``fn`` gets each item with its own ``targets`` already mapped (for mappings) and returns
    the item to keep.
    """
    out: list[Any] = []
    for given in targets:
        item = given
        if isinstance(given, Mapping) and _is_list(given.get("targets")):
            item = {**given, "targets": map_targets(given["targets"], fn)}
        out.append(fn(item))
    return out
