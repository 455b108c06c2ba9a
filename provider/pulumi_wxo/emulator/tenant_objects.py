"""The tenant's objects besides models and policies that the ADK CLI calls: connections and the
model-selection settings (api-contract §12). State and rules, no HTTP, like :mod:`.store`, whose
SQLite file keeps them (so a reset clears them too).

Connections (api-contract §12.4): one record per ``app_id`` with a uuid ``connection_id`` and up
to two configurations (``draft``, ``live``), each with optional credentials. Credentials are kept
only as "entered"; their values are never answered back.

Model selection (api-contract §12.3): ``default_llm``, ``llm_denylist``,
``premier_models_enabled``, one record per tenant.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from typing import Any

from .models import ConnectionConfigIn, ConnectionEnvironment, ModelSelectionIn, ModelSelectionPatchIn
from .store import Conflict, NotFound, Store

__all__ = ["TenantObjects"]

_SELECTION_ID = "model-selection"
_DEFAULT_SELECTION: dict[str, Any] = {
    "default_llm": None,
    "llm_denylist": [],
    "premier_models_enabled": False,
}


class TenantObjects:
    """Connections and model selection of one tenant, stored in ``store`` (a view scoped to
    that tenant, :meth:`~.store.Store.scoped`). ``home``: the emulator's own tenant, whose
    settings record keeps the id it always had; another tenant's gets its own id (ids are
    unique across the database)."""

    def __init__(self, store: Store, *, tenant_id: str, home: bool = True) -> None:
        self._store = store
        self._tenant_id = tenant_id
        self._selection_id = _SELECTION_ID if home else f"{_SELECTION_ID}/{tenant_id}"

    # -- model selection (api-contract §12.3) ----------------------------------------------------

    def selection(self) -> dict[str, Any]:
        """The settings in force: ``default_llm`` is ``None`` until one is set (the route fills
        in the catalogue's default)."""
        for record in self._store.objects("setting"):
            if record["id"] == self._selection_id:
                return {key: record[key] for key in _DEFAULT_SELECTION}
        return dict(_DEFAULT_SELECTION, llm_denylist=[])

    def _save_selection(self, settings: dict[str, Any]) -> dict[str, Any]:
        self._store.put_object("setting", {"id": self._selection_id, "name": self._selection_id, **settings})
        return self.selection()

    def replace_selection(self, body: ModelSelectionIn) -> dict[str, Any]:
        return self._save_selection(
            {
                "default_llm": body.default_llm,
                "llm_denylist": list(dict.fromkeys(body.llm_denylist)),
                "premier_models_enabled": body.premier_models_enabled,
            }
        )

    def patch_selection(self, body: ModelSelectionPatchIn) -> dict[str, Any]:
        current = self.selection()
        denied = [m for m in current["llm_denylist"] if m not in set(body.remove_from_llm_denylist or ())]
        denied += [m for m in dict.fromkeys(body.add_to_llm_denylist or ()) if m not in denied]
        return self._save_selection(
            {
                "default_llm": body.default_llm or current["default_llm"],
                "llm_denylist": denied,
                "premier_models_enabled": (
                    current["premier_models_enabled"]
                    if body.premier_models_enabled is None
                    else body.premier_models_enabled
                ),
            }
        )

    def reset_selection(self) -> None:
        with contextlib.suppress(NotFound):  # already the defaults: DELETE is idempotent [INF]
            self._store.remove_object("setting", self._selection_id)

    # -- connections (api-contract §12.4) --------------------------------------------------------

    def connections(self, connection_ids: Iterable[str] = ()) -> list[dict[str, Any]]:
        wanted = set(connection_ids)
        return [c for c in self._store.objects("connection") if not wanted or c["connection_id"] in wanted]

    def connection_by_app_id(self, app_id: str) -> dict[str, Any]:
        for record in self._store.objects("connection"):
            if record["app_id"] == app_id:
                return record
        raise NotFound(f"Connection '{app_id}' not found")

    def connection_by_id(self, connection_id: str) -> dict[str, Any]:
        for record in self._store.objects("connection"):
            if record["connection_id"] == connection_id:
                return record
        raise NotFound(f"Connection with id '{connection_id}' not found")

    def create_connection(self, app_id: str, resource: dict[str, Any] | None) -> dict[str, Any]:
        """A new connection; 409 when the ``app_id`` exists (the ADK words its own message for a
        409, api-contract §12.4 [SRC])."""
        if any(c["app_id"] == app_id for c in self._store.objects("connection")):
            raise Conflict(f"Connection with app_id '{app_id}' already exists")
        connection_id = str(uuid.uuid4())
        record: dict[str, Any] = {
            "id": connection_id,
            "name": app_id,
            "app_id": app_id,
            "connection_id": connection_id,
            "tenant_id": self._tenant_id,
            "resource": resource or {},
            "configurations": {},
            "credentials": {},
        }
        self._store.put_object("connection", record)
        return record

    def delete_connection(self, app_id: str) -> None:
        self._store.remove_object("connection", self.connection_by_app_id(app_id)["id"])

    def configuration(self, app_id: str, environment: ConnectionEnvironment) -> dict[str, Any]:
        record = self.connection_by_app_id(app_id)
        config = record["configurations"].get(environment.value)
        if config is None:
            raise NotFound(f"No {environment.value} configuration for connection '{app_id}'")
        return {
            **config,
            "config_id": config["config_id"],
            "tenant_id": self._tenant_id,
            "app_id": app_id,
            "environment": environment.value,
        }

    def set_configuration(
        self, app_id: str, environment: ConnectionEnvironment, body: ConnectionConfigIn, *, create: bool
    ) -> dict[str, Any]:
        """POST (``create``: 409 when it exists) or PATCH (404 when it does not, merged)."""
        record = self.connection_by_app_id(app_id)
        configurations = dict(record["configurations"])
        existing = configurations.get(environment.value)
        if create and existing is not None:
            raise Conflict(f"Connection '{app_id}' already has a {environment.value} configuration")
        if not create and existing is None:
            raise NotFound(f"No {environment.value} configuration for connection '{app_id}'")
        # None means "not set" in the ADK's bodies (it sends every key on create)
        sent = body.model_dump(
            mode="json", exclude={"environment", "app_id", "config_id", "tenant_id"}, exclude_none=True
        )
        base = existing or {"config_id": str(uuid.uuid4())}
        configurations[environment.value] = {**base, **sent, "config_id": base["config_id"]}
        self._store.put_object("connection", {**record, "configurations": configurations})
        return self.configuration(app_id, environment)

    def set_credentials(self, app_id: str, environment: ConnectionEnvironment, *, entered: bool) -> None:
        """Record that credentials were set (or removed); their values are not kept."""
        record = self.connection_by_app_id(app_id)
        if environment.value not in record["configurations"]:
            raise NotFound(f"No {environment.value} configuration for connection '{app_id}'")
        credentials = {**record["credentials"], environment.value: entered}
        self._store.put_object("connection", {**record, "credentials": credentials})

    def credentials_entered(self, app_id: str, environment: ConnectionEnvironment) -> bool:
        return bool(self.connection_by_app_id(app_id)["credentials"].get(environment.value))

    def listing(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """``ListConfigsResponse`` entries of one connection: one per configuration, or one
        without an environment when it has none (the ADK's "Non-Configured" table)."""
        base = {"connection_id": record["connection_id"], "app_id": record["app_id"]}
        if not record["configurations"]:
            return [base]
        keys = ("name", "security_scheme", "auth_type", "preference")  # absent rather than null:
        return [  # the ADK's ListConfigsResponse types `name` as a plain string
            {
                **base,
                **{key: config[key] for key in keys if config.get(key) is not None},
                "environment": env,
                "credentials_entered": bool(record["credentials"].get(env)),
            }
            for env, config in record["configurations"].items()
        ]
