"""A policy's targets and weights, before and after: a table and a Mermaid flowchart.

Targets are walked with the schema's one walker (:func:`pulumi_wxo.schema.targets.iter_targets`).
A model target is matched between before and after by its model name within its rule; a nested
rule by its place (``targets[1]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi_wxo.review._values import UNKNOWN, Masked, cell, escape, mermaid_label
from pulumi_wxo.schema.targets import iter_targets

__all__ = ["TargetRow", "mermaid", "target_rows", "target_table"]

# A diagram with more edges than this is left out (the table still lists every target).
MAX_DIAGRAM_EDGES = 200


@dataclass(frozen=True)
class TargetRow:
    key: tuple[str, str]
    """(path of the rule it belongs to, the model name or the rule's path)."""
    parent: str
    label: str
    is_rule: bool
    before: tuple[bool, Any]
    """(present, weight) before the change."""
    after: tuple[bool, Any]


def _mode(item: Any) -> str:
    strategy = item.get("strategy") if isinstance(item, dict) else None
    mode = strategy.get("mode") if isinstance(strategy, dict) else strategy
    return mode if isinstance(mode, str) else "?"


def _entries(targets: Masked) -> dict[tuple[str, str], tuple[str, str, bool, Any]]:
    out: dict[tuple[str, str], tuple[str, str, bool, Any]] = {}
    for visit in iter_targets(targets):
        parent = visit.path.rsplit(".targets[", 1)[0] if visit.depth > 1 else ""
        weight = visit.item.get("weight") if isinstance(visit.item, dict) else None
        if visit.targets is not None:
            out[(parent, visit.path)] = (parent, f"rule {visit.path} ({_mode(visit.item)})", True, weight)
        else:
            name = visit.model_name
            label = "(known after apply)" if name is UNKNOWN else str(name)
            out[(parent, label)] = (parent, label, False, weight)
    return out


def target_rows(before: Masked, after: Masked) -> list[TargetRow]:
    """Every target of either side, in the order of ``after`` then the removed ones."""
    old, new = _entries(before), _entries(after)
    rows: list[TargetRow] = []
    for key in list(new) + [k for k in old if k not in new]:
        parent, label, is_rule, _ = new.get(key) or old[key]
        rows.append(
            TargetRow(
                key=key,
                parent=parent,
                label=label,
                is_rule=is_rule,
                before=(key in old, old[key][3] if key in old else None),
                after=(key in new, new[key][3] if key in new else None),
            )
        )
    return rows


def _weight(side: tuple[bool, Any]) -> str:
    present, weight = side
    return cell(weight) if present and weight is not None else "—"


def target_table(rows: list[TargetRow]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(header lines, one row per target) of the targets table."""
    header = ("| Target | Weight before | Weight after |", "| --- | --- | --- |")
    body = []
    for row in rows:
        before = _weight(row.before)
        after = "_removed_" if not row.after[0] else _weight(row.after)
        if not row.before[0]:
            after += " _(added)_"
        indent = "↳ " * row.parent.count("targets[")
        name = escape(row.label) if row.is_rule else f"<code>{escape(row.label)}</code>"
        body.append(f"| {indent}{name} | {before} | {after} |")
    return header, tuple(body)


def _edge_text(row: TargetRow) -> str:
    def w(side: tuple[bool, Any]) -> str:
        return "" if side[1] is None else f"{side[1]}"

    if not row.before[0]:
        return f"added {w(row.after)}".strip()
    if not row.after[0]:
        return f"removed (was {w(row.before)})" if w(row.before) else "removed"
    if row.before[1] != row.after[1]:
        return f"{w(row.before) or 'none'} to {w(row.after) or 'none'}"
    return w(row.after)


def mermaid(policy: str, mode: str, rows: list[TargetRow]) -> tuple[str, ...] | None:
    """The flowchart as the lines of a ```` ```mermaid ```` block, or None when too large:
    a solid edge per kept target, dotted for a removed one, thick for an added one, each
    labelled with its weight (before to after)."""
    if len(rows) > MAX_DIAGRAM_EDGES:
        return None
    lines = ["```mermaid", "flowchart LR", f'  P["{mermaid_label(f"{policy} ({mode})")}"]']
    ids: dict[str, str] = {}
    for i, row in enumerate(rows):
        node = f"T{i}"
        if row.is_rule:
            ids[row.key[1]] = node
        source = ids.get(row.parent, "P")
        arrow = "==>" if not row.before[0] else "-.->" if not row.after[0] else "-->"
        text = _edge_text(row)
        label = f'|"{mermaid_label(text)}"|' if text else ""
        lines.append(f'  {source} {arrow}{label} {node}["{mermaid_label(row.label)}"]')
    lines.append("```")
    return tuple(lines)
