"""State of the emulated Orchestrate tenant, kept in SQLite. No HTTP here.

The store owns the rules that the contract attributes to the server (name prefixing, provider
and model-name derivation, defaults, duplicate names, full-replace updates) and raises domain
errors that :mod:`pulumi_wxo.emulator.routes` maps to status codes and bodies::

    StoreError
    ├── NotFound    -> 404 {"detail": "Model not found" | "Model policy not found" | ...}
    ├── Conflict    -> 409 {"detail": "Model with name '<name>' already exists"}
    └── Invalid     -> 422 {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}

Records are stored canonically (snake_case ``provider_config``, secrets in clear, as the
server would need them for inference); rendering for the wire happens in the routes.

Persistence: pass a file path and a restarted emulator sees the same models, policies,
tenants and token-signing secret; ``":memory:"`` keeps everything in the process. The file is
created 0600 (or an existing one checked) first: :mod:`.dbfile`.
Thread-safety: one connection (``check_same_thread=False``) guarded by a re-entrant lock,
because uvicorn runs sync handlers in a thread pool.
"""

from __future__ import annotations

import copy
import json
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from .dbfile import prepare_private_file
from .errors import Conflict, Invalid, NotFound, StoreError
from .models import ModelPolicyIn, VirtualModelIn
from .names import KNOWN_PROVIDERS, policy_name, split_model_name

__all__ = [
    "KNOWN_PROVIDERS",
    "Conflict",
    "Invalid",
    "NotFound",
    "Store",
    "StoreError",
    "split_model_name",
]

# "connection" and "setting" records are kept for :mod:`.tenant_objects` (connections and the
# model-selection settings the ADK CLI also calls); a reset clears them with the rest.
Kind = Literal["model", "policy", "connection", "setting"]

_LABEL: dict[Kind, str] = {
    "model": "Model",
    "policy": "Model policy",
    "connection": "Connection",
    "setting": "Setting",
}


def _unencodable(value: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """The path of the first string (or key) that UTF-8 cannot hold: a lone surrogate
    (``"\\ud800"`` in JSON) decodes into a Python str, but no answer can carry it."""
    if isinstance(value, str):
        return path if any("\ud800" <= c <= "\udfff" for c in value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _unencodable(key, path) or _unencodable(item, (*path, key))
        if found is not None:
            return found
    return None


def _dumps(record: Any, root: str = "body") -> str:
    """``record`` as stored; Invalid (422) when it holds a string the API could not answer back,
    in the words pydantic uses for the same input (docs/guide/emulator.md)."""
    found = _unencodable(record, (root,))
    if found is not None:
        raise Invalid(
            "Input should be a valid string, unable to parse raw data as a unicode string",
            loc=found,
            type_="string_unicode",
        )
    return json.dumps(record)


def _now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime) -> str:
    # ISO-8601 with a Z suffix like the docs' "2023-11-07T05:31:56Z" (api-contract §2.1); microseconds
    # are kept so that an update within the same second still moves updated_at.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    """SQLite-backed state: models, policies, local tenants and token bookkeeping."""

    def __init__(
        self,
        path: str,
        *,
        tenant_id: str,
        tenant_name: str,
        created_by: str,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._lock = threading.RLock()
        prepare_private_file(path)  # secrets in clear: only this user may read the file
        self._conn = sqlite3.connect(path, check_same_thread=False)
        # The emulator's own tenant (`--tenant-id`), and the one this view acts for (`scoped`).
        self._home, self._home_name = tenant_id, tenant_name
        self._tenant_id = tenant_id
        self._tenant_name = tenant_name
        self._created_by = created_by
        self._clock = clock
        with self._lock, self._conn:
            self._conn.executescript(
                """
                CREATE TABLE IF NOT EXISTS objects (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    data TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS tenants (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    data TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS token_counts (flow TEXT PRIMARY KEY, n INTEGER NOT NULL);
                """
            )
            self._conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('jwt_secret', ?)", (secrets.token_hex(32),)
            )
            self._conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('token_generation', '0')")
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(objects)")}
            if "tenant" not in columns:  # a file from before tenants were kept apart: all the home's
                self._conn.execute("ALTER TABLE objects ADD COLUMN tenant TEXT")
            self._seed_tenant()

    def scoped(self, tenant_id: str) -> Store:
        """The same database seen by one tenant: its models, policies, connections and settings
        only (a token minted for a tenant acts for that tenant, docs/guide/emulator.md)."""
        view = copy.copy(self)
        view._tenant_id = tenant_id
        view._tenant_name = next(
            (t.get("name") or tenant_id for t in self.list_tenants() if t.get("id") == tenant_id), tenant_id
        )
        return view

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def reset(self) -> None:
        """Forget every model, policy, extra tenant and token count (keeps the signing secret)."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM objects")
            self._conn.execute("DELETE FROM tenants")
            self._conn.execute("DELETE FROM token_counts")
            self._seed_tenant()

    def _seed_tenant(self) -> None:
        tenant = {
            "id": self._home,
            "name": self._home_name,
            "title": "WatsonX Orchestrate Development",
            "tags": ["test"],
        }
        self._conn.execute(
            "INSERT OR IGNORE INTO tenants (id, data) VALUES (?, ?)", (self._home, _dumps(tenant, "body"))
        )

    # -- generic object helpers ----------------------------------------------------------------

    # Rows of this view's tenant (`COALESCE(tenant, home) = tenant`): a row without one, from a
    # file older than the column, is the home tenant's. `every`: the control API's view.
    def _mine(self, every: bool = False) -> tuple[int, str, str]:
        return int(every), self._home, self._tenant_id

    def _rows(self, kind: Kind, *, every: bool = False) -> list[dict[str, Any]]:
        cur = self._conn.execute(
            "SELECT data FROM objects WHERE kind = ? AND (? OR COALESCE(tenant, ?) = ?) ORDER BY seq",
            (kind, *self._mine(every)),
        )
        return [json.loads(row[0]) for row in cur.fetchall()]

    def _get(self, kind: Kind, object_id: str, *, every: bool = False) -> dict[str, Any]:
        row = self._conn.execute(
            "SELECT data FROM objects WHERE kind = ? AND id = ? AND (? OR COALESCE(tenant, ?) = ?)",
            (kind, object_id, *self._mine(every)),
        ).fetchone()
        if row is None:
            raise NotFound(f"{_LABEL[kind]} not found")
        record: dict[str, Any] = json.loads(row[0])
        return record

    def _check_duplicate(self, kind: Kind, name: str, *, except_id: str | None) -> None:
        row = self._conn.execute(
            "SELECT id FROM objects WHERE kind = ? AND name = ? AND id IS NOT ? "
            "AND (? OR COALESCE(tenant, ?) = ?)",
            (kind, name, except_id, *self._mine()),
        ).fetchone()
        if row is not None:
            raise Conflict(f"{_LABEL[kind]} with name '{name}' already exists")

    def _insert(self, kind: Kind, record: dict[str, Any], tenant: str | None = None) -> None:
        self._conn.execute(
            "INSERT INTO objects (kind, id, name, data, tenant) VALUES (?, ?, ?, ?, ?)",
            (kind, record["id"], record["name"], _dumps(record), tenant or self._tenant_id),
        )

    def _replace(self, kind: Kind, record: dict[str, Any]) -> int:
        cur = self._conn.execute(
            "UPDATE objects SET name = ?, data = ? "
            "WHERE kind = ? AND id = ? AND (? OR COALESCE(tenant, ?) = ?)",
            (record["name"], _dumps(record), kind, record["id"], *self._mine()),
        )
        return cur.rowcount

    def _list(
        self,
        kind: Kind,
        *,
        names: Iterable[str] = (),
        display_names: Iterable[str] = (),
        ids: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        # Repeatable filters: values of one parameter are OR-ed, different parameters AND-ed
        # (api-contract §2 "string[]" query params [DOC]; the combination rule is [INF]).
        wanted = {"name": set(names), "display_name": set(display_names), "id": set(ids)}
        with self._lock:
            rows = self._rows(kind)
        return [r for r in rows if all(not want or r.get(key) in want for key, want in wanted.items())]

    def _delete(self, kind: Kind, object_id: str) -> None:
        with self._lock, self._conn:
            cur = self._conn.execute(
                "DELETE FROM objects WHERE kind = ? AND id = ? AND (? OR COALESCE(tenant, ?) = ?)",
                (kind, object_id, *self._mine()),
            )
            if cur.rowcount == 0:
                raise NotFound(f"{_LABEL[kind]} not found")

    def _stamp(self) -> str:
        return _timestamp(self._clock())

    # -- models (api-contract §2, §3, §10) ---------------------------------------------------------

    def _model_record(
        self, body: VirtualModelIn, *, object_id: str, created: dict[str, Any] | None
    ) -> dict[str, Any]:
        name, provider, model_name = split_model_name(body.name)
        provider_config = body.provider_config.model_dump(exclude_none=True) if body.provider_config else {}
        # The server derives provider_config.provider from the name (api-contract §2.1 [LIVE-3P]).
        provider_config["provider"] = provider
        now = self._stamp()
        return {
            "id": object_id,
            "tenant_id": created["tenant_id"] if created else self._tenant_id,
            "tenant_name": created["tenant_name"] if created else self._tenant_name,
            "name": name,
            "display_name": body.display_name or name,
            "description": body.description or name,
            "tags": list(body.tags or []),
            "model_type": body.model_type.value,
            "model_name": model_name,
            "provider": provider,
            "config": dict(body.config or {}),
            "provider_config": provider_config,
            "connection_id": body.connection_id,
            "created_on": created["created_on"] if created else now,
            "updated_at": now,
            "created_by": created["created_by"] if created else self._created_by,
        }

    def create_model(self, body: VirtualModelIn, *, reject_duplicates: bool) -> dict[str, Any]:
        """Create a model (api-contract §2 "Create", §10 item 2)."""
        with self._lock, self._conn:
            record = self._model_record(body, object_id=str(uuid.uuid4()), created=None)
            if reject_duplicates:
                self._check_duplicate("model", record["name"], except_id=None)
            self._insert("model", record)
            return record

    def replace_model(
        self, model_id: str, body: VirtualModelIn, *, reject_duplicates: bool
    ) -> dict[str, Any]:
        """Full replace keeping id, tenant_* and created_*; bumps updated_at (api-contract §2, §10 item 4)."""
        with self._lock, self._conn:
            existing = self._get("model", model_id)
            record = self._model_record(body, object_id=model_id, created=existing)
            if reject_duplicates:
                self._check_duplicate("model", record["name"], except_id=model_id)
            self._replace("model", record)
            return record

    def list_models(
        self, *, names: Iterable[str] = (), display_names: Iterable[str] = (), ids: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        return self._list("model", names=names, display_names=display_names, ids=ids)

    def delete_model(self, model_id: str) -> None:
        self._delete("model", model_id)

    def edit_model_tags(self, model_id: str, *, add: Iterable[str], remove: Iterable[str]) -> dict[str, Any]:
        """An administrator's tag change (control API only): ``add`` appended when absent, then
        ``remove`` dropped; ``updated_at`` moves. A later full PUT replaces the tags again."""
        with self._lock, self._conn:
            record = self._get("model", model_id, every=True)
            tags = [t for t in record["tags"] if t not in set(remove)]
            tags += [t for t in dict.fromkeys(add) if t not in tags and t not in set(remove)]
            record = {**record, "tags": tags, "updated_at": self._stamp()}
            self._conn.execute("UPDATE objects SET data = ? WHERE id = ?", (_dumps(record), model_id))
            return record

    # -- policies (api-contract §6) ----------------------------------------------------------------

    def _policy_record(
        self, body: ModelPolicyIn, *, object_id: str, created: dict[str, Any] | None
    ) -> dict[str, Any]:
        now = self._stamp()
        name = policy_name(body.name)
        return {
            "id": object_id,
            "tenant_id": created["tenant_id"] if created else self._tenant_id,
            "tenant_name": created["tenant_name"] if created else self._tenant_name,
            "name": name,
            "display_name": body.display_name,
            # documented as nullable, but the ADK cannot read null back: the name, as for models
            # (api-contract §6, §10 item 2)
            "description": body.description or name,
            "policy": body.policy.model_dump(mode="json", exclude_none=True),
            "created_on": created["created_on"] if created else now,
            "updated_at": now,
            "created_by": created["created_by"] if created else self._created_by,
        }

    def create_policy(self, body: ModelPolicyIn, *, reject_duplicates: bool) -> dict[str, Any]:
        with self._lock, self._conn:
            record = self._policy_record(body, object_id=str(uuid.uuid4()), created=None)
            if reject_duplicates:
                self._check_duplicate("policy", record["name"], except_id=None)
            self._insert("policy", record)
            return record

    def replace_policy(
        self, policy_id: str, body: ModelPolicyIn, *, reject_duplicates: bool
    ) -> dict[str, Any]:
        with self._lock, self._conn:
            existing = self._get("policy", policy_id)
            record = self._policy_record(body, object_id=policy_id, created=existing)
            if reject_duplicates:
                self._check_duplicate("policy", record["name"], except_id=policy_id)
            self._replace("policy", record)
            return record

    def list_policies(
        self, *, names: Iterable[str] = (), display_names: Iterable[str] = (), ids: Iterable[str] = ()
    ) -> list[dict[str, Any]]:
        return self._list("policy", names=names, display_names=display_names, ids=ids)

    def delete_policy(self, policy_id: str) -> None:
        self._delete("policy", policy_id)

    # -- other tenant objects, by kind (:mod:`.tenant_objects` owns their rules) -----------------

    def objects(self, kind: Kind) -> list[dict[str, Any]]:
        with self._lock:
            return self._rows(kind)

    def put_object(self, kind: Kind, record: dict[str, Any]) -> None:
        """Insert ``record``, or replace the one with its ``id``."""
        with self._lock, self._conn:
            if self._replace(kind, record) == 0:
                self._insert(kind, record)

    def remove_object(self, kind: Kind, object_id: str) -> None:
        self._delete(kind, object_id)

    # -- local Developer Edition tenants (api-contract §7.2) ---------------------------------------

    def list_tenants(self) -> list[dict[str, Any]]:
        with self._lock:
            cur = self._conn.execute("SELECT data FROM tenants ORDER BY seq")
            return [json.loads(row[0]) for row in cur.fetchall()]

    def create_tenant(self, name: str, title: str | None, tags: list[str]) -> dict[str, Any]:
        tenant = {"id": str(uuid.uuid4()), "name": name, "title": title, "tags": tags}
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO tenants (id, data) VALUES (?, ?)", (tenant["id"], _dumps(tenant, "body"))
            )
        return tenant

    def tenant_exists(self, tenant_id: str) -> bool:
        with self._lock:
            return (
                self._conn.execute("SELECT 1 FROM tenants WHERE id = ?", (tenant_id,)).fetchone() is not None
            )

    # -- token bookkeeping ---------------------------------------------------------------------

    def jwt_secret(self) -> bytes:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'jwt_secret'").fetchone()
        return bytes.fromhex(row[0])

    def token_generation(self) -> int:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'token_generation'").fetchone()
        return int(row[0])

    def bump_token_generation(self) -> int:
        """Invalidate every token minted so far (they carry the old generation)."""
        with self._lock, self._conn:
            generation = self.token_generation() + 1
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'token_generation'", (str(generation),))
            return generation

    def count_token(self, flow: str) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO token_counts (flow, n) VALUES (?, 1) ON CONFLICT(flow) DO UPDATE SET n = n + 1",
                (flow,),
            )

    def token_counts(self) -> dict[str, int]:
        with self._lock:
            cur = self._conn.execute("SELECT flow, n FROM token_counts")
            return {flow: int(n) for flow, n in cur.fetchall()}

    # -- inspection ----------------------------------------------------------------------------

    def load(self, state: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Replace every model and policy with the objects of a :meth:`dump` (control API only).

        Records are stored as given (ids, timestamps and secrets included), so a server
        recorded once can be replayed later; tenants in the dump are added to the seeded one.
        A record belongs to the tenant its ``tenant_id`` names when that tenant is known here
        (seeded, created, or in the dump); otherwise (a real server's recording) to the home
        tenant, so that the fixed token sees it.
        """
        counts = {"models": 0, "policies": 0}
        kinds: tuple[tuple[str, Kind], ...] = (("models", "model"), ("policies", "policy"))
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM objects WHERE kind IN ('model', 'policy')")
            for tenant in state.get("tenants") or []:
                if isinstance(tenant.get("id"), str):
                    self._conn.execute(
                        "INSERT OR IGNORE INTO tenants (id, data) VALUES (?, ?)",
                        (tenant["id"], _dumps(tenant, "tenants")),
                    )
            known = {str(row[0]) for row in self._conn.execute("SELECT id FROM tenants")}
            for key, kind in kinds:
                for record in state.get(key) or []:
                    if not isinstance(record.get("id"), str) or not isinstance(record.get("name"), str):
                        raise Invalid(f"{key}: every object needs a string id and name", loc=("body", key))
                    owner = record.get("tenant_id")
                    self._insert(kind, record, owner if owner in known else self._home)
                    counts[key] += 1
        return counts

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Raw stored objects, secrets included (for the control API only)."""
        with self._lock:
            return {
                "models": self._rows("model", every=True),
                "policies": self._rows("policy", every=True),
                "tenants": self.list_tenants(),
                "connections": self._rows("connection", every=True),
                "settings": self._rows("setting", every=True),
            }
