"""Small rules both resources share: control inputs, a taken name, refreshed inputs, a 404."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.errors import NotFoundError, WxoError
from pulumi_wxo.lifecycle.runtime import Runtime
from pulumi_wxo.lifecycle.values import is_unknown
from pulumi_wxo.schema import Failure


def bool_failures(news: Mapping[str, Any], keys: Iterable[str]) -> list[Failure]:
    return [
        Failure(k, "must be true or false")
        for k in sorted(keys)
        if news.get(k) is not None and not is_unknown(news.get(k)) and not isinstance(news.get(k), bool)
    ]


def unknown_inputs(news: Mapping[str, Any], allowed: Iterable[str]) -> list[Failure]:
    known = set(allowed)
    return [Failure(k, "unknown input") for k in news if k not in known]


def name_taken(
    runtime: Runtime, kind: str, name: str, find: Callable[[WxoClient], list[dict[str, Any]]]
) -> list[Failure]:
    """At preview of a new resource: refuse a name the server already has (unless adopting).

    Best effort: without connection settings, or when the server cannot be reached, the
    check is left to create, which refuses before POSTing.
    """
    try:
        found = find(runtime.client())
    except WxoError:
        return []
    if not found:
        return []
    ids = ", ".join(str(o.get("id")) for o in found)
    return [
        Failure(
            "name",
            f"a {kind} named '{name}' already exists on the server (id {ids}); set adopt=True to manage "
            "it with Pulumi, or choose another name",
        )
    ]


def read_inputs(
    outs: Mapping[str, Any], *, defaults_to_name: Iterable[str], computed: Iterable[str]
) -> dict[str, Any]:
    """The refreshed state as inputs, so the next preview *shows* drift field by field.

    The engine displays an update as old inputs against new inputs (a dynamic provider sends
    no detailed diff). Without this, a model edited outside Pulumi would preview as an update
    with no field marked. Server defaults are left out (a display_name equal to the name, an
    empty list or mapping), as a user who never set them would not see them as removed.
    Secret values keep their secretness: the engine re-marks inputs after Read by key.
    """
    skip = set(computed)
    out: dict[str, Any] = {}
    for key, value in outs.items():
        if key in skip or value is None or value in ({}, []):
            continue
        if key in defaults_to_name and value == outs.get("name"):
            continue
        out[key] = value
    return out


def gone(err: NotFoundError, *, kind: str, name: str, id_: str) -> NotFoundError:
    """A 404 on update: the object was deleted outside Pulumi; say how to recover."""
    return NotFoundError(
        status=404,
        method=err.method,
        path=err.path,
        detail=err.detail,
        action=f"update {kind} '{name}'",
        hint=f"the {kind} (id {id_}) was deleted outside Pulumi; run `pulumi refresh` "
        "to drop it from state, then `pulumi up` to create it again",
    )
