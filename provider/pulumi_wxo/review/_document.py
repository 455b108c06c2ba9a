"""One ``pulumi preview --json`` document, read into :class:`StackPreview`.

The engine writes two shapes (docs/guide/cli.md, "review"):

- the digest (plain ``pulumi preview --json``): one object with ``steps``, each
  ``{op, urn, oldState, newState, diffReasons, replaceReasons, detailedDiff}``, where a state is
  ``{type, id, inputs, outputs}`` and a secret is the string ``"[secret]"``;
- the event stream (``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1``): one engine event per line
  (read here as a list), where ``resourcePreEvent.metadata`` holds ``{op, urn, type, old, new,
  keys, diffs, detailedDiff}``, a secret is ``{"4dabf1...": "1b4706...", "ciphertext": ...}``,
  and policy packs report violations as ``policyEvent``. A replacement is three events there
  (``create-replacement``, ``replace``, ``delete-replaced``) and one step in the digest.

Errors the preview reported (``diagnostics`` in the digest, ``diagnosticEvent`` in the stream,
``severity: error``) are kept too: a preview that failed must not read as "nothing changes".

Input is untrusted: anything of the wrong shape raises :class:`ReviewError` naming the
document and the JSON path; nothing here raises anything else on a JSON value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_wxo.resources import RESOURCES

__all__ = ["Diagnostic", "ReviewError", "StackPreview", "Step", "Violation", "parse_preview"]

#: Both hosts' type tokens, to the resource kind (``Model``, ``ModelPolicy``, ``Connection``).
KINDS: Mapping[str, str] = {t: r.name for r in RESOURCES for t in (r.dynamic_token, r.native_token)}
# Steps that are the halves of a replacement the ``replace`` step already stands for, and
# the engine's bookkeeping steps: nothing for a reviewer.
_SKIPPED_OPS = frozenset({"create-replacement", "delete-replaced", "discard", "remove-pending-replace"})
_NO_CHANGE_OPS = frozenset({"same", "read", "refresh"})


class ReviewError(Exception):
    """A preview document that cannot be reviewed: ``label`` (the file), ``where`` (a JSON
    path, or empty) and what is wrong."""

    def __init__(self, label: str, message: str, *, where: str = "") -> None:
        self.label, self.where, self.message = label, where, message
        super().__init__(f"{label}: {where + ': ' if where else ''}{message}")


@dataclass(frozen=True)
class Step:
    """One resource's planned change, as the engine reported it."""

    op: str
    """The engine's operation: ``create``, ``update``, ``replace``, ``delete``, ``same``, ``import``..."""
    urn: str
    type: str
    old: Mapping[str, Any] | None
    """The inputs recorded by the last ``up`` (None for a create)."""
    new: Mapping[str, Any] | None
    """The inputs of this preview (None for a delete)."""
    resource_id: str | None = None
    new_outputs: Mapping[str, Any] | None = None
    diff_keys: tuple[str, ...] | None = None
    """Top-level keys the provider said differ; None when the host does not say (the dynamic host)."""
    replace_keys: tuple[str, ...] = ()

    @property
    def kind(self) -> str | None:
        """``Model``, ``ModelPolicy``, or None for a resource of another provider."""
        return KINDS.get(self.type)

    @property
    def name(self) -> str:
        """The resource's name in the program (the last part of its URN)."""
        return self.urn.rsplit("::", 1)[-1]

    @property
    def action(self) -> str:
        """What a reviewer reads: ``create``, ``adopt``, ``takeover``, ``import``, ``update``,
        ``replace``, ``delete``, ``same``, or the engine's op for anything else."""
        if self.op == "create" and self.new is not None:
            adopt = self.new.get("adopt")
            if adopt == "takeover":
                return "takeover"
            if adopt is True:
                return "adopt"
        if self.op in _NO_CHANGE_OPS:
            return "same"
        return self.op

    def input(self, key: str) -> Any:
        """``key`` of the new inputs, else of the old ones."""
        for bag in (self.new, self.old):
            if bag is not None and key in bag:
                return bag[key]
        return None


# The engine's words for enforcement levels (apitype.PolicyEvent: "warning", "mandatory",
# "remediate", "none") in the words a pack's configuration uses.
_LEVELS = {"warning": "advisory", "none": "disabled"}


@dataclass(frozen=True)
class Violation:
    """A policy pack's finding (``policyEvent``; only the event stream carries them)."""

    pack: str
    policy: str
    level: str
    """advisory, mandatory, remediate (as the pack's configuration says it)."""
    message: str
    urn: str = ""
    severity: str = ""


@dataclass(frozen=True)
class Diagnostic:
    """An error the engine or a provider reported during the preview."""

    message: str
    urn: str = ""


#: Errors kept per document: a failing preview can repeat one error per resource.
MAX_ERRORS = 50


@dataclass
class StackPreview:
    """One stack's preview: its steps (those of watsonx Orchestrate resources, and any other
    resource that changes) and the policy packs' violations."""

    label: str
    stack: str = ""
    project: str = ""
    steps: list[Step] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(s.action != "same" for s in self.steps)


def _mapping(label: str, value: Any, where: str, *, optional: bool = True) -> Mapping[str, Any] | None:
    if value is None and optional:
        return None
    if not isinstance(value, Mapping):
        raise ReviewError(label, f"expected an object, found {_what(value)}", where=where)
    return value


def _text(label: str, value: Any, where: str, *, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise ReviewError(label, f"expected a string, found {_what(value)}", where=where)
    return value


def _keys(label: str, value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise ReviewError(label, "expected a list of property names", where=where)
    return tuple(value)


def _what(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


def _state(label: str, state: Any, where: str) -> tuple[Mapping[str, Any] | None, Any, Any]:
    """(inputs, id, outputs) of a step's state; all None when the state is absent."""
    got = _mapping(label, state, where)
    if got is None:
        return None, None, None
    inputs = _mapping(label, got.get("inputs"), f"{where}.inputs")
    outputs = _mapping(label, got.get("outputs"), f"{where}.outputs")
    return inputs or {}, got.get("id"), outputs


def _step(label: str, raw: Any, where: str, *, stream: bool) -> Step | None:
    item = _mapping(label, raw, where, optional=False)
    assert item is not None
    op = _text(label, item.get("op"), f"{where}.op")
    if op in _SKIPPED_OPS:
        return None
    urn = _text(label, item.get("urn"), f"{where}.urn")
    old_key, new_key = ("old", "new") if stream else ("oldState", "newState")
    old, old_id, _ = _state(label, item.get(old_key), f"{where}.{old_key}")
    new, new_id, new_outputs = _state(label, item.get(new_key), f"{where}.{new_key}")
    state_type = next(
        (s.get("type") for s in (item.get(new_key), item.get(old_key)) if isinstance(s, Mapping)), None
    )
    type_ = _text(label, item.get("type", state_type), f"{where}.type", optional=True)
    diff_keys = _keys(label, item.get("diffs" if stream else "diffReasons"), f"{where}.diffReasons")
    replace_keys = _keys(label, item.get("keys" if stream else "replaceReasons"), f"{where}.replaceReasons")
    rid = old_id or new_id
    return Step(
        op=op,
        urn=urn,
        type=type_,
        old=old,
        new=new,
        resource_id=rid if isinstance(rid, str) and rid else None,
        new_outputs=new_outputs,
        diff_keys=diff_keys,
        replace_keys=replace_keys or (),
    )


def _violation(label: str, raw: Any, where: str) -> Violation:
    item = _mapping(label, raw, where, optional=False)
    assert item is not None

    def text(key: str) -> str:
        return _text(label, item.get(key), f"{where}.{key}", optional=True)

    level = text("enforcementLevel") or "warning"
    return Violation(
        pack=text("policyPackName"),
        policy=text("policyName"),
        level=_LEVELS.get(level, level),
        message=text("message").strip(),
        urn=text("resourceUrn"),
        severity=text("severity"),
    )


def _error(label: str, raw: Any, where: str) -> Diagnostic | None:
    """The diagnostic at ``where`` when it is an error (``severity: error``), else None."""
    item = _mapping(label, raw, where, optional=False)
    assert item is not None
    if item.get("severity") != "error":
        return None
    message = _text(label, item.get("message"), f"{where}.message", optional=True)
    return Diagnostic(
        message=message.strip(), urn=_text(label, item.get("urn"), f"{where}.urn", optional=True)
    )


def _events(label: str, events: list[Any]) -> tuple[list[Step], list[Violation], list[Diagnostic]]:
    steps: list[Step] = []
    violations: list[Violation] = []
    errors: list[Diagnostic] = []
    for i, raw in enumerate(events):
        event = _mapping(label, raw, f"event {i + 1}", optional=False)
        assert event is not None
        if "resourcePreEvent" in event:
            pre = _mapping(
                label, event["resourcePreEvent"], f"event {i + 1}.resourcePreEvent", optional=False
            )
            assert pre is not None
            where = f"event {i + 1}.resourcePreEvent.metadata"
            step = _step(label, pre.get("metadata"), where, stream=True)
            if step is not None:
                steps.append(step)
        elif "policyEvent" in event:
            violations.append(_violation(label, event["policyEvent"], f"event {i + 1}.policyEvent"))
        elif "diagnosticEvent" in event:
            error = _error(label, event["diagnosticEvent"], f"event {i + 1}.diagnosticEvent")
            if error is not None and len(errors) < MAX_ERRORS:
                errors.append(error)
    return steps, violations, errors


def _urn_parts(urn: str) -> tuple[str, str]:
    """(stack, project) of ``urn:pulumi:<stack>::<project>::...``."""
    parts = urn.removeprefix("urn:pulumi:").split("::")
    return (parts[0], parts[1]) if len(parts) > 2 else ("", "")


def parse_preview(value: Any, label: str) -> StackPreview:
    """The review of one document: a digest (an object) or an event stream (a list of events).

    Raises :class:`ReviewError` when ``value`` is neither, or is of the wrong shape.
    """
    if isinstance(value, list):
        steps, violations, errors = _events(label, value)
        if not value or not any(isinstance(e, Mapping) and "sequence" in e for e in value):
            raise ReviewError(label, "a list, but not the event stream of `pulumi preview --json`")
    elif isinstance(value, Mapping):
        if not ({"steps", "changeSummary", "config"} & value.keys()):
            raise ReviewError(
                label, "not the output of `pulumi preview --json` (no `steps`, `changeSummary` or `config`)"
            )
        raw_steps = value.get("steps", [])
        if not isinstance(raw_steps, list):
            raise ReviewError(label, f"expected a list, found {_what(raw_steps)}", where="steps")
        found = (_step(label, raw, f"steps[{i}]", stream=False) for i, raw in enumerate(raw_steps))
        steps, violations = [s for s in found if s is not None], []
        diagnostics = value.get("diagnostics", [])
        if not isinstance(diagnostics, list):
            raise ReviewError(label, f"expected a list, found {_what(diagnostics)}", where="diagnostics")
        kept = (_error(label, raw, f"diagnostics[{i}]") for i, raw in enumerate(diagnostics))
        errors = [e for e in kept if e is not None][:MAX_ERRORS]
    else:
        raise ReviewError(label, f"expected a JSON object (a preview), found {_what(value)}")
    stack, project = _urn_parts(steps[0].urn) if steps else ("", "")
    return StackPreview(
        label=label, stack=stack, project=project, steps=steps, violations=violations, errors=errors
    )
