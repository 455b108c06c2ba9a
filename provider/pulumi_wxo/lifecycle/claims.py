"""Who may take an existing model, and what the stored inputs say about it.

Two rules both hosts share (docs/dev/lifecycle.md, "Ownership between stacks"; docs/guide/recovery.md,
"A model that belongs to another stack"):

* **Ownership between stacks.** A model whose owner tag names another resource (another stack,
  or another resource of this one) is that resource's. ``adopt=True`` takes an existing model
  with no owner tag; it refuses one that another stack owns, naming that stack when the model
  carries its stack tag (lifecycle/ownership.py). Taking it anyway is an explicit opt-in on the
  resource, ``adopt="takeover"``, and the preview says what will be taken from whom.
* **Stored inputs hold what the user declared.** A dynamic provider sends the engine no
  detailed diff, so ``pulumi preview --diff`` shows the stored inputs, old against new, all of
  them. The values the provider keeps for itself are stored under keys the engine's display
  never prints (keys starting with ``__``; the engine still hands them to the provider), and
  control inputs left at their defaults are not stored at all. A state written before keeps
  its shape for a key its old inputs hold, so that its next update shows no change it did not
  make (docs/dev/lifecycle.md, "What a diff shows").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_wxo.lifecycle.common import name_taken
from pulumi_wxo.lifecycle.ownership import owner_of, stack_of
from pulumi_wxo.lifecycle.values import is_unknown
from pulumi_wxo.resources import Resource
from pulumi_wxo.schema import Failure

#: The explicit opt-in to take over a model another stack owns.
TAKEOVER = "takeover"


def internal_key(key: str) -> str:
    return f"__{key}"


def control(props: Mapping[str, Any], key: str) -> Any:
    """A control input as stored: under ``key`` (as sent, or a state written before) or ``__key``."""
    value = props.get(key)
    return value if value is not None else props.get(internal_key(key))


def adopt_mode(props: Mapping[str, Any]) -> str:
    """``""`` (refuse an existing object), ``"adopt"`` or ``"takeover"``."""
    value = props.get("adopt")
    if value == TAKEOVER:
        return TAKEOVER
    return "adopt" if value is True else ""


def adopt_value(props: Mapping[str, Any]) -> bool | str:
    """``adopt`` for the outputs: True, False or ``"takeover"``."""
    mode = adopt_mode(props)
    return mode if mode == TAKEOVER else bool(mode)


def adopt_failures(news: Mapping[str, Any]) -> list[Failure]:
    value = news.get("adopt")
    if value is None or is_unknown(value) or isinstance(value, bool) or value == TAKEOVER:
        return []
    return [Failure("adopt", f'must be true, false or "{TAKEOVER}" (to take over another stack\'s model)')]


def stored_inputs(olds: Mapping[str, Any], inputs: Mapping[str, Any], resource: Resource) -> dict[str, Any]:
    """``inputs`` as check stores them, as ``resource`` declares its controls: the provider's own
    (``stored="internal"``) under ``__<key>``, those that serve check alone (``"transient"``) not
    at all, a control input at one of its ``unstored`` values left out; a key the old inputs
    hold as it is keeps its shape."""
    internal, transient, defaults = (
        resource.internal_inputs,
        resource.transient_inputs,
        resource.control_defaults,
    )
    out: dict[str, Any] = {}
    for key, value in inputs.items():
        if key in transient:
            continue
        if key in internal:
            out[key if key in olds else internal_key(key)] = value
        elif key in defaults and any(value is d or value == d for d in defaults[key]) and key not in olds:
            continue
        else:
            out[key] = value
    return out


def stack_label(stack: str | None, owner: str) -> str:
    return f"stack '{stack}'" if stack else f"another stack (owner {owner})"


def foreign(found: Sequence[Mapping[str, Any]], owner: str | None) -> list[Mapping[str, Any]]:
    """The objects of ``found`` that carry an owner tag naming another resource than ``owner``."""
    out = []
    for obj in found:
        tag = owner_of(dict(obj))
        if tag is not None and tag.owner != owner:
            out.append(obj)
    return out


def holder(obj: Mapping[str, Any]) -> str:
    tag = owner_of(dict(obj))
    return stack_label(stack_of(dict(obj)), tag.owner if tag else "?")


def handover(kind: str, obj: Mapping[str, Any]) -> str:
    """How to hand a model over, in words for the message that refuses it."""
    return (
        f"to hand it over, remove it from the state of {holder(obj)} with `pulumi state delete <urn>` "
        f'(the {kind} stays on the server), then set adopt="{TAKEOVER}" on this resource; '
        f'adopt="{TAKEOVER}" alone takes it over while that stack still manages it, and that '
        "stack's next `pulumi up` will want to change it back"
    )


def owned_elsewhere(kind: str, name: str, objs: Sequence[Mapping[str, Any]], *, adopting: bool) -> Failure:
    """The failure of a name another stack's resource owns."""
    obj = objs[0]
    ids = ", ".join(str(o.get("id")) for o in objs)
    why = "adopt=True does not take a model another stack manages" if adopting else "choose another name"
    return Failure(
        "name",
        f"a {kind} named '{name}' already exists on the server (id {ids}) and belongs to "
        f"{holder(obj)}; {why}; {handover(kind, obj)}",
    )


def adoption_note(kind: str, name: str, obj: Mapping[str, Any], *, takeover: bool) -> str:
    """The line a preview shows for a create that will adopt (or take over) ``obj``."""
    id_ = obj.get("id")
    if takeover and owner_of(dict(obj)) is not None:
        return (
            f"will take over the existing {kind} '{name}' (id {id_}) from {holder(obj)}: "
            "nothing is created; its owner tag, fields and tags become this resource's"
        )
    return f"will adopt the existing {kind} '{name}' (id {id_}): nothing is created"


def short_reason(found: Sequence[Mapping[str, Any]], owner: str | None, mode: str) -> str:
    theirs = foreign(found, owner)
    if theirs:
        why = "; adopt=True does not take it" if mode == "adopt" else ""
        return f"belongs to {holder(theirs[0])}{why}"
    return "exists, id " + ", ".join(str(o.get("id")) for o in found)


def conflicts_note(kind: str, conflicts: Sequence[tuple[str, str]]) -> Failure | None:
    """Every other name of the program that is taken, listed on the first failing check."""
    if not conflicts:
        return None
    lines = "; ".join(f"'{name}' ({why})" for name, why in conflicts)
    return Failure(
        "name",
        f"other {kind}s declared in this program are taken on the server too: {lines}",
    )


def claim_failures(
    kind: str, name: str, others: Sequence[Mapping[str, Any]], *, owner: str | None, mode: str
) -> tuple[list[Failure], list[str]]:
    """At preview of a new resource: the failures and the notes for the objects named ``name``
    on the server that are not this resource's (``others``)."""
    if not others:
        return [], []
    theirs = foreign(others, owner)
    if mode == TAKEOVER or (mode == "adopt" and not theirs):
        if len(others) > 1:
            return [], []  # create refuses duplicates, naming every id
        return [], [adoption_note(kind, name, others[0], takeover=mode == TAKEOVER)]
    if theirs:
        return [owned_elsewhere(kind, name, theirs, adopting=mode == "adopt")], []
    return name_taken(kind, name, lambda: [dict(o) for o in others]), []


def refuse_foreign(
    kind: str, name: str, others: Sequence[Mapping[str, Any]], *, owner: str | None, mode: str
) -> str | None:
    """At create: why ``others`` may not be taken (None: they may)."""
    theirs = foreign(others, owner)
    if not theirs or mode == TAKEOVER:
        return None
    verb = "adopt" if mode else "create"
    return f"{verb} {kind} '{name}': {owned_elsewhere(kind, name, theirs, adopting=mode == 'adopt').reason}"
