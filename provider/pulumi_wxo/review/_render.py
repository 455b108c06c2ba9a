"""Stack previews into the Markdown of a pull-request comment (docs/guide/cli.md, "review").

Per stack: a summary line, then each changed model or policy under its own heading, the
risky ones first (delete, replace), then take-overs, adoptions, creates and updates; each
with a table of its changed fields (old → new), a replacement's reason, the policies that
route to a model about to go, a policy's targets and weights (a table and a Mermaid
flowchart), and the policy packs' violations. Pure: values in, text out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_wxo.native.migration import DYNAMIC_ONLY_KEY
from pulumi_wxo.resources import MODEL, POLICY, RESOURCES
from pulumi_wxo.review._document import StackPreview, Step
from pulumi_wxo.review._split import Block, split_parts
from pulumi_wxo.review._targets import mermaid, target_rows, target_table
from pulumi_wxo.review._values import SECRET, UNKNOWN, Masked, cell, escape, flatten, mask
from pulumi_wxo.schema.targets import model_names

__all__ = ["ACTIONS", "Review", "render"]

#: The actions a reviewer reads, in the order the comment lists them, with their words.
ACTIONS: Mapping[str, tuple[str, str]] = {
    "delete": ("Delete", "to delete"),
    "replace": ("Replace", "to replace"),
    "takeover": ("Take over", "to take over"),
    "adopt": ("Adopt", "to adopt"),
    "import": ("Import", "to import"),
    "create": ("Create", "to create"),
    "update": ("Update", "to update"),
}
_RISKY = frozenset({"delete", "replace", "takeover"})
# The resource's class name (a step's kind) -> the word in the comment, and its id output.
_KIND_WORD = {r.name: r.kind for r in RESOURCES}
_ID_OUTPUT = {r.name: r.id_output for r in RESOURCES}
_KEY = {r.name: r.key for r in RESOURCES}
# Inputs the provider keeps for itself: the pickled dynamic provider, and the control inputs
# the SDK or the plugin computes or check alone reads (the owner stamp and its stack, the
# policy's list of declared models, the program's other models: ``Control.stored``); every key
# starting with ``__`` too, as in the engine's own display (lifecycle/claims.py). ``adopt`` is
# the action itself. Never a row.
_HIDDEN = frozenset(
    {DYNAMIC_ONLY_KEY, "adopt", *(c.name for r in RESOURCES for c in r.controls if c.stored != "plain")}
)
# Control inputs shown only when they are not at their default (``force_delete=True``).
_CONTROLS = frozenset(name for r in RESOURCES for name in r.control_inputs) - _HIDDEN
_TABLE_HEAD = ("| Field | Before | After |", "| --- | --- | --- |")


@dataclass(frozen=True)
class Review:
    """The comment: one or more parts, and whether anything changes (the exit status)."""

    parts: list[str]
    changed: bool
    errors: int = 0
    """Errors the previews reported (each listed in the comment)."""


def _masked_inputs(bag: Mapping[str, Any] | None, is_secret_key: Callable[[str], bool]) -> dict[str, Masked]:
    if bag is None:
        return {}
    masked = mask(dict(bag), is_secret_key)
    return {k: v for k, v in masked.items() if k not in _HIDDEN and not k.startswith("__")}


def _field_rows(
    step: Step, old: dict[str, Masked], new: dict[str, Masked], skip: frozenset[str]
) -> list[str]:
    """One row per changed leaf (every declared leaf for a create)."""
    before = flatten({k: v for k, v in old.items() if k not in skip})
    after = flatten({k: v for k, v in new.items() if k not in skip})
    rows = []
    for path in list(after) + [p for p in before if p not in after]:
        top = path.split(".", 1)[0]
        b_has, a_has = path in before, path in after
        b, a = before.get(path), after.get(path)
        note = ""
        if top in _CONTROLS and not b and not a:
            continue  # a control input at its default
        if b_has and a_has and b is SECRET and a is SECRET:
            if step.action != "update":
                continue
            if step.diff_keys is None:
                note = " _(may change: the preview does not compare secrets)_"
            elif top in step.diff_keys and not _visible_change(before, after, top):
                note = " _(changed)_"
            else:
                continue
        elif b_has and a_has and b == a:
            continue
        if step.old is not None and a_has and not b_has and a is None:
            continue
        rows.append(f"| {_code(path)} | {cell(b, absent=not b_has)} | {cell(a, absent=not a_has)}{note} |")
    return rows


def _visible_change(before: Mapping[str, Masked], after: Mapping[str, Masked], top: str) -> bool:
    keys = {p for p in (*before, *after) if p == top or p.startswith(top + ".")}
    return any(before.get(p) != after.get(p) for p in keys if before.get(p) is not SECRET)


def _name_of(bag: Mapping[str, Any] | None, kind: str | None = None) -> str | None:
    """The object's name in a step's inputs: its declaration's key (a connection's ``app_id``)."""
    name = bag.get(_KEY.get(kind or "", "name")) if bag is not None else None
    return name if isinstance(name, str) else None


def _routes(steps: Sequence[Step]) -> dict[str, list[str]]:
    """Model name -> the policies (their names in the program) that route to it, before or after."""
    out: dict[str, list[str]] = {}
    for step in steps:
        if step.kind != POLICY.name:
            continue
        for bag in (step.old, step.new):
            for model in model_names(bag.get("targets") if bag is not None else None):
                if step.name not in out.setdefault(model, []):
                    out[model].append(step.name)
    return out


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _intro(step: Step, routes: Mapping[str, list[str]]) -> list[str]:
    """The sentences under a resource's heading: what happens, why, and who is affected."""
    what = _KIND_WORD.get(step.kind or "", "resource")
    old_name, new_name = _name_of(step.old, step.kind), _name_of(step.new, step.kind)
    rid = f" (id {_code(step.resource_id)})" if step.resource_id else ""
    out: list[str] = []
    action = step.action
    if action == "delete":
        out.append(f"**Deletes** the {what} {_code(old_name or step.name)}{rid} from the server.")
    elif action == "replace":
        reasons = ", ".join(_code(k) for k in step.replace_keys) or "a field that cannot change in place"
        out.append(
            f"**Replaces** the {what} {_code(old_name or step.name)}{rid}: a new one is created"
            f"{' as ' + _code(new_name) if new_name and new_name != old_name else ''} and the old one "
            f"deleted, because {reasons} cannot change in place."
        )
    elif action in ("adopt", "takeover", "import"):
        found = (step.new_outputs or {}).get(_ID_OUTPUT.get(step.kind or "", ""))
        known = f" (id {_code(found)})" if isinstance(found, str) and found and found != str(UNKNOWN) else ""
        verb = {
            "adopt": "Adopts the existing",
            "takeover": "**Takes over** the existing",
            "import": "Imports the existing",
        }[action]
        tail = (
            "from the stack that manages it now: that stack will no longer own it"
            if action == "takeover"
            else "nothing is created"
        )
        out.append(
            f"{verb} {what} {_code(new_name or step.name)}{known} on the server; {tail}. "
            "The table shows what `up` will set; the preview does not show the server's current values."
        )
    if step.kind == MODEL.name and action in ("delete", "replace"):
        users = sorted({p for n in {old_name, new_name} if n for p in routes.get(n, [])})
        if users:
            out.append("Policies that route to it: " + ", ".join(_code(p) for p in users) + ".")
    return out


def _resource_blocks(
    step: Step, routes: Mapping[str, list[str]], is_secret_key: Callable[[str], bool], max_bytes: int
) -> list[Block]:
    word, _ = ACTIONS.get(step.action, (step.action.capitalize(), ""))
    what = _KIND_WORD.get(step.kind or "", "resource")
    flag = "⚠️ " if step.action in _RISKY else ""
    heading = f"#### {flag}{word} {what} {_code(step.name)}"
    intro = (heading, "", *(line for s in _intro(step, routes) for line in (s, "")))
    if step.action == "delete":
        return [Block(head=intro[:-1])]
    old = _masked_inputs(step.old, is_secret_key)
    new = _masked_inputs(step.new, is_secret_key)
    skip = frozenset({"targets"}) if step.kind == POLICY.name else frozenset()
    rows = _field_rows(step, old, new, skip)
    continued = (f"{heading} (continued)", "", *_TABLE_HEAD)
    blocks = [Block(head=(*intro, *_TABLE_HEAD), rows=tuple(rows), continued=continued)] if rows else []
    if step.kind == POLICY.name and old.get("targets") != new.get("targets"):
        blocks.extend(
            _target_blocks(step, old, new, heading if rows else "", max_bytes, intro=() if rows else intro)
        )
    if not blocks:
        blocks.append(Block(head=(*intro, "_No field that the preview shows changes._")))
    return blocks


def _target_blocks(
    step: Step,
    old: dict[str, Masked],
    new: dict[str, Masked],
    heading: str,
    max_bytes: int,
    *,
    intro: tuple[str, ...],
) -> list[Block]:
    rows = target_rows(old.get("targets"), new.get("targets"))
    header, body = target_table(rows)
    title = ("**Targets and weights**", "")
    continued = (f"{heading or intro[0]} (continued)", "", *title, *header)
    blocks = [Block(head=(*intro, *title, *header), rows=body, continued=continued)]
    strategy = new.get("strategy", old.get("strategy"))
    mode = strategy.get("mode") if isinstance(strategy, dict) else strategy
    name = _name_of(step.new, step.kind) or _name_of(step.old, step.kind) or step.name
    diagram = mermaid(name, mode if isinstance(mode, str) else "?", rows)
    if diagram is not None and sum(len(line.encode()) + 1 for line in diagram) < max_bytes // 2:
        blocks.append(Block(head=diagram))
    else:
        blocks.append(
            Block(head=(f"_The diagram of {len(rows)} targets is left out: too large for a comment._",))
        )
    return blocks


def _summary(preview: StackPreview) -> str:
    counts: dict[str, int] = {}
    other = same = 0
    for step in preview.steps:
        if step.kind is None:
            if step.action != "same" and step.type != "pulumi:pulumi:Stack":
                other += 1
            continue
        if step.action == "same":
            same += 1
        else:
            counts[step.action] = counts.get(step.action, 0) + 1
    parts = [f"{counts.pop(a)} {ACTIONS[a][1]}" for a in ACTIONS if a in counts]
    parts += [f"{n} to {escape(a)}" for a, n in sorted(counts.items())]
    if other:
        parts.append(f"{other} other resource{'s' if other != 1 else ''} change")
    text = ", ".join(parts) if parts else "no changes"
    return f"**{text}**" + (f" ({same} unchanged)" if same else "")


def _violation_blocks(preview: StackPreview) -> list[Block]:
    rows = tuple(
        f"| {'❌ ' if v.level == 'mandatory' else ''}{escape(v.level)}"
        f"{' (' + escape(v.severity) + ')' if v.severity else ''} | {escape(v.pack)} | {escape(v.policy)} | "
        f"{_code(v.urn.rsplit('::', 1)[-1]) if v.urn else '—'} | {escape(v.message, limit=1000)} |"
        for v in preview.violations
    )
    header = ("| Level | Policy pack | Policy | Resource | Message |", "| --- | --- | --- | --- | --- |")
    return _table(f"#### Policy violations ({len(rows)})", header, rows)


def _error_blocks(preview: StackPreview) -> list[Block]:
    rows = tuple(
        f"| {_code(e.urn.rsplit('::', 1)[-1]) if e.urn else '—'} | {escape(e.message, limit=1000)} |"
        for e in preview.errors
    )
    title = f"#### ❌ The preview reported {len(rows)} error{'s' if len(rows) != 1 else ''}"
    return _table(title, ("| Resource | Error |", "| --- | --- |"), rows)


def _table(title: str, header: tuple[str, str], rows: tuple[str, ...]) -> list[Block]:
    """A table under ``title`` (none without rows); a part that continues it repeats both."""
    if not rows:
        return []
    return [Block(head=(title, "", *header), rows=rows, continued=(f"{title} (continued)", "", *header))]


def _order(step: Step) -> tuple[int, str]:
    keys = list(ACTIONS)
    return (keys.index(step.action) if step.action in keys else len(keys), step.urn)


def stack_blocks(preview: StackPreview, is_secret_key: Callable[[str], bool], max_bytes: int) -> list[Block]:
    title = _code(preview.stack) if preview.stack else escape(preview.label)
    project = f" (project {_code(preview.project)})" if preview.project else ""
    blocks = [Block(head=(f"### Stack {title}{project}", "", _summary(preview)))]
    blocks += _error_blocks(preview)
    routes = _routes(preview.steps)
    changed = sorted((s for s in preview.steps if s.kind and s.action != "same"), key=_order)
    for step in changed:
        blocks.extend(_resource_blocks(step, routes, is_secret_key, max_bytes))
    return blocks + _violation_blocks(preview)


def render(
    previews: Sequence[StackPreview], *, is_secret_key: Callable[[str], bool], max_bytes: int = 65536
) -> Review:
    """The review comment of ``previews`` (one per stack), in parts of at most ``max_bytes``.

    ``is_secret_key`` names credential fields by key (any spelling); their values are never
    shown, whether or not the engine marked them secret.
    """
    changed = any(p.changed for p in previews)
    errors = sum(len(p.errors) for p in previews)
    # One answer per key: a preview repeats the same few keys thousands of times.
    is_secret_key = functools.lru_cache(maxsize=4096)(is_secret_key)
    stacks = len(previews)
    lead = f"{stacks} stack{'s' if stacks != 1 else ''}: " + (
        "changes below." if changed else "nothing changes."
    )
    if errors:
        lead += f" **The previews reported {errors} error{'s' if errors != 1 else ''}**: see below."
    blocks = [Block(head=("## pulumi-wxo review", "", lead))]
    for preview in previews:
        blocks.extend(stack_blocks(preview, is_secret_key, max_bytes))
    return Review(parts=split_parts(blocks, max_bytes), changed=changed, errors=errors)
