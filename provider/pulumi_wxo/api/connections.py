"""The connections API (``/connections/applications``, api-contract §13) as one collection.

A connection is not one object under one path: it is an application (``POST``, ``DELETE
/{app_id}``), a configuration per environment (``.../configurations/{env}``) and credentials per
environment and slot (``.../configs/{env}/credentials`` or ``runtime_credentials``). This
collection hides the sequence behind the six verbs every resource uses, so the lifecycle
engine treats it as any other collection: each object it answers has ``id`` (the
``connection_id``), ``name`` (the ``app_id``), and the canonical view of
:func:`pulumi_wxo.schema.connection.normalize_connection` (configurations, and whether
credentials are set; never a credential value: the API answers none).

The body of :meth:`create` and :meth:`update` is ``{"name": app_id, "configurations": {env:
body}, "credentials": {env: [[slot, body], ...]}}`` (``ConnectionSpec.configuration_body`` and
``credential_bodies``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from pulumi_wxo.api.collections import Collection, JsonObject, Objects
from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.schema.connection import ENVIRONMENTS, normalize_connection

PATH = "/connections/applications"


class ConnectionsCollection(Collection):
    """list, find, get, create, update and delete of connections (api-contract §13.3, §13.4)."""

    def __init__(self, client: Any) -> None:
        super().__init__(client, PATH, kind="connection", plural="connections")

    # ------------------------------------------------------------------ reads

    def list(self, *, names: Sequence[str] = (), ids: Sequence[str] = (), **more: Sequence[str]) -> Objects:
        """Every connection, each with its configurations (one list, then a read per connection)."""
        action = f"list {self.plural}"
        params = httpx.QueryParams({"include_details": "true"})
        response = self._client._send("GET", self.path, params=params, action=action, tolerate_404=True)
        if response.status_code == 404:
            return []
        body = self._client._json(response, "GET", action=action)
        entries = body.get("applications") if isinstance(body, Mapping) else None
        grouped: dict[str, dict[str, Any]] = {}
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("connection_id"), str):
                continue
            item = grouped.setdefault(entry["connection_id"], {"connection": dict(entry), "entered": {}})
            if isinstance(entry.get("environment"), str):
                item["entered"][entry["environment"]] = bool(entry.get("credentials_entered"))
        objects = [
            self._object(item["connection"], item["entered"], action=action) for item in grouped.values()
        ]
        wanted_names, wanted_ids = set(names), set(ids)
        return [
            o
            for o in objects
            if (not wanted_names or o["name"] in wanted_names) and (not wanted_ids or o["id"] in wanted_ids)
        ]

    def find(self, name: str) -> Objects:
        """The connection whose ``app_id`` is ``name`` (a list of at most one)."""
        action = f"find {self.kind} '{name}'"
        found = self._lookup({"app_id": name}, action=action)
        return [found] if found is not None and found["name"] == name else []

    def get(self, id_: str, *, name: str | None = None) -> JsonObject | None:
        """The connection whose ``connection_id`` is ``id_``, else whose ``app_id`` is (an import
        by app_id: the object answers its own id), or None."""
        action = f"read {self.kind} '{name or id_}'"
        found = self._lookup({"connection_id": id_}, action=action)
        if found is not None and found["id"] == id_:
            return found
        return next(iter(self.find(id_)), None) if name is None else None

    # ------------------------------------------------------------------ writes

    def create(self, body: JsonObject) -> Any:
        """``POST`` the application, then each environment's configuration and credentials.

        A failure after the application exists deletes it again, so no half-made connection is
        left behind (the create is retried whole)."""
        app_id = str(body["name"])
        action = self._action("create", app_id)
        self._client._send("POST", self.path, body={"app_id": app_id}, action=action)
        try:
            self._configure(app_id, body, action=action, fresh=True)
        except WxoError:
            self.delete("", name=app_id)
            raise
        found = self.find(app_id)
        return found[0] if found else None

    def update(self, id_: str, body: JsonObject, *, name: str | None = None) -> None:
        """Each environment's configuration (PATCH, or POST when absent) and credentials."""
        app_id = str(body["name"])
        self._configure(app_id, body, action=self._action("update", app_id), fresh=False)

    def delete(self, id_: str, *, name: str | None = None) -> bool:
        """``DELETE /{app_id}`` (the configurations and credentials go with it); False when gone."""
        app_id = name or id_
        action = self._action("delete", app_id)
        response = self._client._send("DELETE", self._app_path(app_id), action=action, tolerate_404=True)
        return response.status_code != 404

    # ------------------------------------------------------------------ steps

    def _app_path(self, app_id: str) -> str:
        return f"{self.path}/{quote(app_id, safe='')}"

    def _lookup(self, query: Mapping[str, str], *, action: str) -> JsonObject | None:
        response = self._client._send(
            "GET", self.path, params=httpx.QueryParams(dict(query)), action=action, tolerate_404=True
        )
        if response.status_code == 404:
            return None
        answer = self._client._json(response, "GET", action=action)
        if not isinstance(answer, Mapping) or not isinstance(answer.get("connection_id"), str):
            return None
        entered = self._entered(str(answer["connection_id"]), action=action)
        return self._object(answer, entered, action=action)

    def _entered(self, connection_id: str, *, action: str) -> dict[str, bool]:
        """``credentials_entered`` per environment, from the list of this one connection."""
        params = httpx.QueryParams({"include_details": "true", "connectionIds": connection_id})
        response = self._client._send("GET", self.path, params=params, action=action, tolerate_404=True)
        if response.status_code == 404:
            return {}
        body = self._client._json(response, "GET", action=action)
        entries = body.get("applications") if isinstance(body, Mapping) else None
        return {
            str(e["environment"]): bool(e.get("credentials_entered"))
            for e in (entries if isinstance(entries, list) else [])
            if isinstance(e, Mapping) and e.get("connection_id") == connection_id and e.get("environment")
        }

    def _configuration(self, app_id: str, env: str, *, action: str) -> JsonObject | None:
        path = f"{self._app_path(app_id)}/configurations/{env}"
        response = self._client._send("GET", path, action=action, tolerate_404=True)
        if response.status_code == 404:
            return None
        answer = self._client._json(response, "GET", action=action)
        return dict(answer) if isinstance(answer, Mapping) else None

    def _object(
        self, connection: Mapping[str, Any], entered: Mapping[str, bool], *, action: str
    ) -> JsonObject:
        app_id = str(connection.get("app_id") or "")
        configurations = {env: self._configuration(app_id, env, action=action) for env in ENVIRONMENTS}
        view = normalize_connection(connection, configurations, entered)
        return {"id": view["connection_id"], "name": view["app_id"], **view}

    def _configure(self, app_id: str, body: Mapping[str, Any], *, action: str, fresh: bool) -> None:
        """Each environment of ``body``: its configuration (an upsert, as ``orchestrate connections
        configure``), then its credentials (POST, or PATCH when the slot is set)."""
        configurations: Mapping[str, Any] = body.get("configurations") or {}
        credentials: Mapping[str, Any] = body.get("credentials") or {}
        app = self._app_path(app_id)
        for env, config in configurations.items():
            current = None if fresh else self._configuration(app_id, env, action=action)
            if current is None:
                self._client._send("POST", f"{app}/configurations", body=dict(config), action=action)
            else:  # every key, null included: a setting left out is cleared, not kept
                self._client._send("PATCH", f"{app}/configurations/{env}", body=dict(config), action=action)
        for env, slots in credentials.items():
            for slot, payload in slots:
                path = f"{app}/configs/{env}/{slot}"
                if fresh:
                    self._client._send("POST", path, body=dict(payload), action=action)
                    continue
                # PATCH replaces a set slot; a slot never set answers 404: then POST it.
                response = self._client._send(
                    "PATCH", path, body=dict(payload), action=action, tolerate_404=True
                )
                if response.status_code == 404:
                    self._client._send("POST", path, body=dict(payload), action=action)
