"""A model's connection, checked at every check: ``app_id`` resolved to its ``connection_id`` (as
``orchestrate models import --app-id`` does), and a ``connection_id`` that names no connection
on the instance refused, naming the field.

A reference the user introduces or changes fails the preview. One a stack already recorded
(its connection deleted out of band since) is a warning: the model still exists and can be
updated or destroyed, and the warning says what will fail at inference. Without connection
settings, or when the server cannot be reached, a ``connection_id`` is left to the server;
an ``app_id`` cannot be, so the check fails with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.lifecycle.common import from_snapshot
from pulumi_wxo.lifecycle.runtime import Runtime
from pulumi_wxo.lifecycle.values import UNKNOWN, is_unknown
from pulumi_wxo.resources import CONNECTION
from pulumi_wxo.schema import Failure


def _quoted(value: str) -> str:
    return repr(value[:200])


def _by_app_id(runtime: Runtime, app_id: str) -> list[dict[str, Any]]:
    return from_snapshot(
        runtime,
        CONNECTION.collection,
        lambda s: s.by_name(app_id),
        lambda: runtime.client().collection(CONNECTION.collection).find(app_id),
    )


def _by_id(runtime: Runtime, connection_id: str) -> dict[str, Any] | None:
    found = from_snapshot(runtime, CONNECTION.collection, lambda s: s.by_id(connection_id), lambda: None)
    return found or runtime.client().collection(CONNECTION.collection).get(connection_id)


def resolve_app_id(
    runtime: Runtime, news: Mapping[str, Any], inputs: dict[str, Any]
) -> tuple[Mapping[str, Any], list[Failure]]:
    """``news`` with ``connection_id`` resolved from ``app_id`` (stored in ``inputs`` too, so
    create and update send it), and the failures of an ``app_id`` that resolves to nothing."""
    app_id = news.get("app_id")
    if app_id is None:
        return news, []
    if news.get("connection_id") is not None:
        return news, [
            Failure(
                "app_id",
                "give app_id or connection_id, not both: app_id names a connection by its app_id and "
                "the provider resolves it to the connection_id",
            )
        ]
    if is_unknown(app_id):
        return {**news, "connection_id": UNKNOWN}, []
    placeholder = {**news, "connection_id": "unresolved"}  # no "api_key is required" on top
    if not isinstance(app_id, str) or not app_id.strip():
        return placeholder, [Failure("app_id", "must be a connection's app_id (a non-empty string)")]
    try:
        found = [c for c in _by_app_id(runtime, app_id) if isinstance(c.get("id"), str)]
    except WxoError as err:
        return placeholder, [
            Failure("app_id", f"cannot resolve app_id {_quoted(app_id)} to a connection: {err}")
        ]
    if not found:
        return placeholder, [
            Failure(
                "app_id",
                f"no connection with app_id {_quoted(app_id)} on the instance: create it first (a "
                "Connection resource beside the model, whose connection_id the model then uses, or a "
                "connection file beside the model file), or fix the app_id",
            )
        ]
    inputs["connection_id"] = found[0]["id"]
    return {**news, "connection_id": found[0]["id"]}, []


def missing_connection(
    runtime: Runtime, olds: Mapping[str, Any], news: Mapping[str, Any], notes: list[str]
) -> list[Failure]:
    """A ``connection_id`` that names no connection on the instance: a failure when it is new
    or changed, else a note (best effort: no settings or an unreachable server pass it)."""
    connection_id = news.get("connection_id")
    if news.get("app_id") is not None or not isinstance(connection_id, str) or not connection_id:
        return []
    if is_unknown(connection_id):
        return []
    try:
        if _by_id(runtime, connection_id) is not None:
            return []
        named = [c for c in _by_app_id(runtime, connection_id) if isinstance(c.get("id"), str)]
    except WxoError:
        return []
    what = f"no connection with id {_quoted(connection_id)} on the instance"
    if named:
        fix = f"{_quoted(connection_id)} is a connection's app_id: give it as app_id instead"
    else:
        fix = (
            "declare the connection beside the model (a Connection resource) and use its "
            "connection_id, or fix the id"
        )
    if olds.get("connection_id") == connection_id:
        notes.append(
            f"connection_id: {what} (unchanged since the model's last update); the model "
            f"will fail at inference until it exists: {fix}"
        )
        return []
    return [Failure("connection_id", f"{what}: {fix}")]
