"""Terraform's states, configs and plans to the lifecycle's plain data, and back.

OpenTofu keeps every attribute of a resource in its state (null when unset); the lifecycle
takes the declared inputs alone and answers with its outputs. Here, and nowhere else, the two
meet:

* :func:`inputs` — a config (or a state) as the lifecycle's inputs: nulls dropped at every
  depth, only API fields and the user's controls;
* :func:`state` — the lifecycle's outputs as a state: ``id`` from the id output, every
  attribute of the schema, nothing else;
* :func:`planned` — Terraform's rule for a plan: a value the configuration sets is planned as
  written; a computed one comes from the lifecycle's preview (or the prior state), unknown when
  the preview cannot know it;
* :func:`settled` — Terraform's rule for an apply: every value the plan knew stands, the
  unknown ones are filled from what the server answered, so an apply never returns something
  other than its plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi_wxo.lifecycle.values import UNKNOWN, is_unknown
from pulumi_wxo.resources import Resource
from pulumi_wxo.terraform.schema import Attr, resource_attrs


def strip(value: Any) -> Any:
    """``value`` without null object attributes, at every depth."""
    if isinstance(value, Mapping):
        return {k: strip(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def has_unknown(value: Any) -> bool:
    """Whether ``value`` is or holds an unknown (the lifecycle's :func:`is_unknown`)."""
    return is_unknown(value)


def inputs(resource: Resource, config: Mapping[str, Any]) -> dict[str, Any]:
    """The lifecycle's inputs in a config: the API fields and user controls that are set."""
    names = resource.args
    return {k: strip(v) for k, v in config.items() if k in names and not _unset(resource, k, v)}


def _unset(resource: Resource, key: str, value: Any) -> bool:
    """Null, or a block of many the configuration leaves out (an empty collection)."""
    if value is None:
        return True
    many = {a.name for a in resource_attrs(resource) if a.block and a.nesting != "single"}
    return key in many and value in ({}, [])


def olds(resource: Resource, prior: Mapping[str, Any]) -> dict[str, Any]:
    """A state as the lifecycle's old outputs (what the Pulumi engine hands it as ``olds``)."""
    out = {k: strip(v) for k, v in prior.items() if not _unset(resource, k, v) and k != "id"}
    if resource.id_output not in out and isinstance(prior.get("id"), str):
        out[resource.id_output] = prior["id"]
    return out


def state(resource: Resource, outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The lifecycle's outputs as a state of ``resource``'s schema."""
    out: dict[str, Any] = {}
    for a in resource_attrs(resource):
        value = outputs.get(a.name)
        # An empty object is a block left out (the lifecycle answers ``{}`` for an unset one).
        out[a.name] = a.absent() if a.block and value in (None, {}, []) else value
    out["id"] = outputs.get(resource.id_output)
    return out


def private(resource: Resource, outputs: Mapping[str, Any]) -> bytes:
    """The private data kept beside a state: the key as the lifecycle's outputs recorded it."""
    key = outputs.get(resource.key)
    return json.dumps({"key": key}).encode() if isinstance(key, str) else b""


def recorded_key(data: bytes) -> str | None:
    """The key :func:`private` kept, if ``data`` holds one."""
    try:
        found = json.loads(data or b"{}")
    except ValueError:
        return None
    key = found.get("key") if isinstance(found, dict) else None
    return key if isinstance(key, str) else None


def with_claim(data: bytes, id_: str) -> bytes:
    """A plan's private data: the state's, plus the id whose name the plan claims
    (:mod:`.names`). OpenTofu hands it back when it plans a replace again as a create."""
    try:
        found = json.loads(data or b"{}")
    except ValueError:
        found = {}
    return json.dumps({**(found if isinstance(found, dict) else {}), "claim": id_}).encode()


def claimed(data: bytes) -> str | None:
    """The id :func:`with_claim` kept, if ``data`` holds one."""
    try:
        found = json.loads(data or b"{}")
    except ValueError:
        return None
    claim = found.get("claim") if isinstance(found, dict) else None
    return claim if isinstance(claim, str) else None


def planned(
    resource: Resource, config: Mapping[str, Any], base: Mapping[str, Any], *, fresh: bool
) -> dict[str, Any]:
    """The planned state: the configuration's values, computed ones from ``base``.

    ``fresh``: ``base`` is the lifecycle's preview of a write (a create, or an update with
    changes), where a computed value it leaves null is one it could not tell (the inputs held
    unknowns): unknown, then, as OpenTofu requires of a value only the apply will learn.
    Otherwise ``base`` is the prior state, kept as it is.
    """
    out: dict[str, Any] = {}
    for a in resource_attrs(resource):
        given = config.get(a.name)
        if not a.computed or given is not None:
            out[a.name] = given
        elif a.name == "id":
            found = base.get(resource.id_output, base.get("id"))
            out[a.name] = found if isinstance(found, str) else UNKNOWN
        else:
            found = base.get(a.name)
            out[a.name] = UNKNOWN if fresh and found is None else found
    return out


def settled(plan: Any, actual: Any) -> Any:
    """The state after an apply: ``plan`` where known, ``actual`` for what was unknown."""
    if plan is UNKNOWN:
        return actual
    if isinstance(plan, Mapping) and has_unknown(plan):
        got = actual if isinstance(actual, Mapping) else {}
        return {k: settled(v, got.get(k)) for k, v in plan.items()}
    if isinstance(plan, list) and has_unknown(plan):
        return actual
    return plan


def kept_spelling(
    attrs: tuple[Attr, ...], read: dict[str, Any], prior: Mapping[str, Any], same: list[str]
) -> dict[str, Any]:
    """A refreshed state that keeps the prior state's value of every field the lifecycle
    finds unchanged (``same``): the user's spelling (``openai/x`` for ``virtual-model/openai/x``,
    a number written as ``1`` for ``1.0``) is not drift."""
    out = dict(read)
    for a in attrs:
        if a.name in same and a.name in prior:
            out[a.name] = prior[a.name]
    return out
