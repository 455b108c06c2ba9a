"""The tenant's objects besides models and policies that the ADK CLI calls: connections and the
model-selection settings (api-contract §12). State and rules, no HTTP, like :mod:`.store`, whose
SQLite file keeps them (so a reset clears them too).

Connections (api-contract §13): one record per ``app_id`` with a uuid ``connection_id`` and up
to two configurations (``draft``, ``live``), each with optional credentials in two slots (the
OAuth flows' ``credentials``, the ``runtime_credentials``). The values are kept, and never
answered back (:func:`.connections.credentials_answer`). The shapes and rules are in
:mod:`.connections`.

Model selection (api-contract §12.3): ``default_llm``, ``llm_denylist``,
``premier_models_enabled``, one record per tenant.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from typing import Any

from .connections import (
    ConnectionConfigIn,
    ConnectionEnvironment,
    CredentialsIn,
    CredentialSlot,
    check_configuration,
    check_credentials,
)
from .models import ModelSelectionIn, ModelSelectionPatchIn
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

    def delete_connection(self, app_id: str, *, refuse_in_use: bool = False) -> None:
        """Delete; with ``refuse_in_use`` (the switch ``connection_in_use=refuse``), a 409 while a
        model of the tenant names the connection (api-contract §13.3 [INF])."""
        record = self.connection_by_app_id(app_id)
        if refuse_in_use:
            users = sorted(
                m["name"]
                for m in self._store.list_models()
                if m.get("connection_id") == record["connection_id"]
            )
            if users:
                raise Conflict(f"Connection '{app_id}' is used by {len(users)} model(s): {', '.join(users)}")
        self._store.remove_object("connection", record["id"])

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
        merged = {**base, **sent, "config_id": base["config_id"]}
        if sent.get("security_scheme", "oauth2") != "oauth2" and "auth_type" not in sent:
            # the ADK PATCHes without null keys: a change away from OAuth leaves auth_type out
            merged.pop("auth_type", None)
        check_configuration(merged)
        configurations[environment.value] = merged
        self._store.put_object("connection", {**record, "configurations": configurations})
        return self.configuration(app_id, environment)

    def _slots(self, record: dict[str, Any], environment: ConnectionEnvironment) -> dict[str, Any]:
        slots = record["credentials"].get(environment.value)
        # a state file of an older emulator kept only a flag: the runtime slot, values unknown
        return slots if isinstance(slots, dict) else ({"runtime_credentials": {}} if slots else {})

    def set_credentials(
        self,
        app_id: str,
        environment: ConnectionEnvironment,
        slot: CredentialSlot,
        body: CredentialsIn,
        *,
        create: bool,
    ) -> None:
        """POST (``create``: 409 when the slot is set) or PATCH (404 when it is not; each wrapper
        key sent replaces the one stored) one slot's credentials (api-contract §13.4 [INF])."""
        record = self.connection_by_app_id(app_id)
        config = record["configurations"].get(environment.value)
        if config is None:
            raise NotFound(f"No {environment.value} configuration for connection '{app_id}'")
        values = check_credentials(config, slot, body)
        slots = dict(self._slots(record, environment))
        if create and slot in slots:
            raise Conflict(f"Connection '{app_id}' already has {environment.value} {slot}")
        if not create and slot not in slots:
            raise NotFound(f"No {environment.value} {slot} for connection '{app_id}'")
        slots[slot] = {**slots.get(slot, {}), **values}  # per wrapper key: app and idp apart
        self._store.put_object(
            "connection", {**record, "credentials": {**record["credentials"], environment.value: slots}}
        )

    def delete_credentials(
        self, app_id: str, environment: ConnectionEnvironment, slot: CredentialSlot
    ) -> None:
        """Remove one slot; already absent is fine (the ADK deletes only what it found)."""
        record = self.connection_by_app_id(app_id)
        slots = {k: v for k, v in self._slots(record, environment).items() if k != slot}
        self._store.put_object(
            "connection", {**record, "credentials": {**record["credentials"], environment.value: slots}}
        )

    def credentials(self, app_id: str, environment: ConnectionEnvironment) -> dict[str, Any]:
        """The slots set for ``environment``: ``{slot: body}`` (values included; for the routes,
        which answer them masked or not at all)."""
        return dict(self._slots(self.connection_by_app_id(app_id), environment))

    def credentials_entered(self, record: dict[str, Any], environment: str) -> bool:
        return bool(self._slots(record, ConnectionEnvironment(environment)))

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
                "credentials_entered": self.credentials_entered(record, env),
            }
            for env, config in record["configurations"].items()
        ]
