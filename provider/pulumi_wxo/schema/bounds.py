"""Bounds on declared inputs, checked before anything else looks at them.

Inputs come from a Pulumi program or a spec file, so they can hold anything JSON-ish can:
numbers that JSON cannot carry (NaN, +inf, -inf: ``json.dumps`` refuses them when the body is
sent, naming no field) and nesting deep enough to exhaust Python's recursion limit in any
recursive walk (pydantic, :func:`~pulumi_wxo.schema.values.canonical`, the lifecycle's
unknown test). :func:`input_failures` finds both with one iterative walk, so it cannot
overflow itself, and names the property path of each problem. The validators run it first
and keep what it refuses away from every recursive step (docs/dev/lifecycle.md, "Bounds on
inputs").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from pulumi_wxo.schema.failures import Failure

MAX_DEPTH = 32
"""Most keys/indices on the path to any value (``config.response_format.a.b`` is 4 deep): a
non-empty mapping or list at this depth is refused, naming its path.

Far above what any model or policy field needs (a policy's nested rules, at most
``MAX_POLICY_DEPTH`` of them, take two levels each), far below Python's recursion limit.
"""

TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"
NOT_FINITE = "must be a finite number"

IndexStyle = Literal["dot", "bracket"]


def _children(value: Any) -> Iterator[tuple[str | int, Any]] | None:
    if isinstance(value, Mapping):
        return iter(value.items())
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return iter(enumerate(value))
    return None


def format_path(parts: Sequence[str | int], index: IndexStyle = "dot") -> str:
    """``("targets", 0, "weight")`` as ``targets.0.weight`` or ``targets[0].weight``."""
    out = ""
    for part in parts:
        if index == "bracket" and isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _walk(props: Mapping[Any, Any], index: IndexStyle) -> Iterator[tuple[tuple[Any, ...], Failure]]:
    """(key path, failure) of every problem, depth first, in input order."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((k,), v) for k, v in props.items()][::-1]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            yield parts, Failure(format_path(parts, index), NOT_FINITE)
            continue
        children = _children(value)
        if children is None or not len(value):
            continue
        if len(parts) >= MAX_DEPTH:
            # One failure for the container at the limit, not one per value inside it.
            yield parts, Failure(format_path(parts, index), TOO_DEEP)
            continue
        stack.extend(reversed([((*parts, k), v) for k, v in children]))


def input_failures(props: Mapping[str, Any], *, index: IndexStyle = "dot") -> list[Failure]:
    """Every non-finite number and every value nested deeper than :data:`MAX_DEPTH`, by path.

    Iterative (an explicit stack), so any depth is safe; a container at the limit that holds
    anything is reported once, at its path, and not walked further. Never echoes a value,
    only keys.
    """
    return [f for _parts, f in _walk(props, index)]


def split_bounded(
    props: Mapping[str, Any], *, index: IndexStyle = "dot"
) -> tuple[dict[str, Any], list[Failure], frozenset[str]]:
    """``props`` with every value :func:`input_failures` refuses replaced by ``None``, the
    failures, and their paths.

    The copy is safe for every recursive step and keeps list indices (so the other rules
    still name the right paths); a caller drops the failures those ``None`` values cause
    with :func:`under`. Only the containers on the way to a refused value are copied.
    """
    found = list(_walk(props, index))
    out: dict[Any, Any] = dict(props)
    copied: set[int] = {id(out)}
    for parts, _f in found:
        node: Any = out
        for key in parts[:-1]:
            child = node[key]
            if id(child) not in copied:
                child = dict(child) if isinstance(child, Mapping) else list(child)
                copied.add(id(child))
                node[key] = child
            node = child
        node[parts[-1]] = None
    return out, [f for _parts, f in found], frozenset(f.path for _parts, f in found)


def within_bounds(value: Any) -> bool:
    """True when ``value``, taken as one top-level field's value, passes the depth limit.

    The limit of :func:`input_failures` as a yes/no, for a caller that only needs to know
    whether a recursive walk over ``value`` is safe (old outputs in a diff).
    """
    stack: list[tuple[int, Any]] = [(1, value)]
    while stack:
        depth, item = stack.pop()
        children = _children(item)
        if children is None or not len(item):
            continue
        if depth >= MAX_DEPTH:
            return False
        stack.extend((depth + 1, v) for _k, v in children)
    return True


def under(path: str, paths: frozenset[str]) -> bool:
    """True when the property ``path`` is one of ``paths`` or inside one of them."""
    return bool(paths) and any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in paths)


def refused_fields(news: Mapping[str, Any], fields: Iterable[str]) -> frozenset[str]:
    """The ``fields`` whose value in ``news`` :func:`input_failures` refuses."""
    return frozenset(k for k in fields if input_failures({k: news.get(k)}))


class _OutOfBounds:
    """Stands for an old value too deep to walk: equal to nothing but itself."""

    def __repr__(self) -> str:
        return "<out of bounds>"


OUT_OF_BOUNDS: Any = _OutOfBounds()


def readable(olds: Mapping[str, Any]) -> dict[str, Any]:
    """``olds`` with every value too deep to walk replaced by :data:`OUT_OF_BOUNDS`, so that a
    diff compares it as changed without looking inside."""
    return {k: (v if within_bounds(v) else OUT_OF_BOUNDS) for k, v in olds.items()}
