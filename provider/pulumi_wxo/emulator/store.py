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

import json
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from .dbfile import prepare_private_file
from .models import ModelPolicyIn, VirtualModelIn

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

# Union of the Fetch Models response enum (api-contract §2.1 [DOC]) and the ADK's ModelProvider
# (api-contract §4.2 [SRC]); "redhat-ai" is in the installed ADK 2.19.1 enum [SRC].
KNOWN_PROVIDERS: frozenset[str] = frozenset(
    {
        # api-contract §2.1 response enum
        "openai", "anthropic", "azure-openai", "azure-ai", "anyscale", "cohere", "cerebras", "palm",
        "google", "together-ai", "mistral-ai", "perplexity-ai", "stability-ai", "nomic", "ollama",
        "bedrock", "ai21", "groq", "segmind", "vertex-ai", "deepinfra", "novita-ai", "fireworks-ai",
        "deepseek", "voyage", "vllm", "jina", "reka-ai", "moonshot", "openrouter", "lingyi", "zhipu",
        "monsterapi", "predibase", "huggingface", "github", "deepbricks", "siliconflow", "workers-ai",
        "ibm_bam", "watsonx", "mistralai", "specialized_routing_model", "product_rag", "x-ai",
        # api-contract §4.2 ADK enum (adds these)
        "openai-oauth2-client-creds", "a21",
        # installed ADK 2.19.1
        "redhat-ai",
    }
)  # fmt: skip

MODEL_PREFIX = "virtual-model/"
POLICY_PREFIX = "virtual-policy/"
_PREFIX_SEGMENTS = ("virtual-model", "virtual-policy")

_LABEL: dict[Kind, str] = {
    "model": "Model",
    "policy": "Model policy",
    "connection": "Connection",
    "setting": "Setting",
}


class StoreError(Exception):
    """Base of the store's domain errors; ``message`` is safe to show (never holds secrets)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    """No object with that id (api-contract §10 item 4 [INF])."""


class Conflict(StoreError):
    """Duplicate name while the ``duplicates=reject`` switch is on (api-contract §8 [INF])."""


class Invalid(StoreError):
    """A rule violation reported in FastAPI's 422 shape (api-contract §8)."""

    def __init__(self, message: str, *, loc: tuple[str | int, ...], type_: str = "value_error") -> None:
        super().__init__(message)
        self.loc = loc
        self.type = type_


def _now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime) -> str:
    # ISO-8601 with a Z suffix like the docs' "2023-11-07T05:31:56Z" (api-contract §2.1); microseconds
    # are kept so that an update within the same second still moves updated_at.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def split_model_name(raw_name: str) -> tuple[str, str, str]:
    """Return ``(full_name, provider, model_name)`` for a model name (api-contract §4.1 [SRC], §10 [INF]).

    ``virtual-model/`` is prepended when missing. The provider is the first ``/``-segment that
    is not ``virtual-model``/``virtual-policy``; it must be a known provider id. The model name
    is the rest after the provider segment, and must not be empty (it is a required field of the
    Fetch Models schema, api-contract §2.1).
    """
    full = raw_name if raw_name.startswith(MODEL_PREFIX) else MODEL_PREFIX + raw_name
    segments = full.split("/")
    index = next((i for i, seg in enumerate(segments) if seg not in _PREFIX_SEGMENTS), None)
    provider = segments[index] if index is not None else ""
    if provider not in KNOWN_PROVIDERS:
        raise Invalid(f"Value error, Unsupported model provider '{provider}'", loc=("body", "name"))
    assert index is not None
    model_name = "/".join(segments[index + 1 :])
    if not model_name:
        raise Invalid(
            "Value error, Model name must have the form virtual-model/<provider>/<model>",
            loc=("body", "name"),
        )
    return full, provider, model_name


def _policy_name(raw_name: str) -> str:
    # The CLI prefixes policy names with virtual-policy/ (api-contract §4.1); the server is assumed
    # to do the same as for models [INF].
    return raw_name if raw_name.startswith(POLICY_PREFIX) else POLICY_PREFIX + raw_name


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
            self._seed_tenant()

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
            "id": self._tenant_id,
            "name": self._tenant_name,
            "title": "WatsonX Orchestrate Development",
            "tags": ["test"],
        }
        self._conn.execute(
            "INSERT OR IGNORE INTO tenants (id, data) VALUES (?, ?)", (self._tenant_id, json.dumps(tenant))
        )

    # -- generic object helpers ----------------------------------------------------------------

    def _rows(self, kind: Kind) -> list[dict[str, Any]]:
        cur = self._conn.execute("SELECT data FROM objects WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(row[0]) for row in cur.fetchall()]

    def _get(self, kind: Kind, object_id: str) -> dict[str, Any]:
        row = self._conn.execute(
            "SELECT data FROM objects WHERE kind = ? AND id = ?", (kind, object_id)
        ).fetchone()
        if row is None:
            raise NotFound(f"{_LABEL[kind]} not found")
        record: dict[str, Any] = json.loads(row[0])
        return record

    def _check_duplicate(self, kind: Kind, name: str, *, except_id: str | None) -> None:
        row = self._conn.execute(
            "SELECT id FROM objects WHERE kind = ? AND name = ? AND id IS NOT ?", (kind, name, except_id)
        ).fetchone()
        if row is not None:
            raise Conflict(f"{_LABEL[kind]} with name '{name}' already exists")

    def _insert(self, kind: Kind, record: dict[str, Any]) -> None:
        self._conn.execute(
            "INSERT INTO objects (kind, id, name, data) VALUES (?, ?, ?, ?)",
            (kind, record["id"], record["name"], json.dumps(record)),
        )

    def _replace(self, kind: Kind, record: dict[str, Any]) -> None:
        self._conn.execute(
            "UPDATE objects SET name = ?, data = ? WHERE kind = ? AND id = ?",
            (record["name"], json.dumps(record), kind, record["id"]),
        )

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
            cur = self._conn.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (kind, object_id))
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
            record = self._get("model", model_id)
            tags = [t for t in record["tags"] if t not in set(remove)]
            tags += [t for t in dict.fromkeys(add) if t not in tags and t not in set(remove)]
            record = {**record, "tags": tags, "updated_at": self._stamp()}
            self._replace("model", record)
            return record

    # -- policies (api-contract §6) ----------------------------------------------------------------

    def _policy_record(
        self, body: ModelPolicyIn, *, object_id: str, created: dict[str, Any] | None
    ) -> dict[str, Any]:
        now = self._stamp()
        name = _policy_name(body.name)
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
            cur = self._conn.execute(
                "UPDATE objects SET name = ?, data = ? WHERE kind = ? AND id = ?",
                (record["name"], json.dumps(record), kind, record["id"]),
            )
            if cur.rowcount == 0:
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
                "INSERT INTO tenants (id, data) VALUES (?, ?)", (tenant["id"], json.dumps(tenant))
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
        """
        counts = {"models": 0, "policies": 0}
        kinds: tuple[tuple[str, Kind], ...] = (("models", "model"), ("policies", "policy"))
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM objects WHERE kind IN ('model', 'policy')")
            for key, kind in kinds:
                for record in state.get(key) or []:
                    if not isinstance(record.get("id"), str) or not isinstance(record.get("name"), str):
                        raise Invalid(f"{key}: every object needs a string id and name", loc=("body", key))
                    self._insert(kind, record)
                    counts[key] += 1
            for tenant in state.get("tenants") or []:
                if isinstance(tenant.get("id"), str):
                    self._conn.execute(
                        "INSERT OR IGNORE INTO tenants (id, data) VALUES (?, ?)",
                        (tenant["id"], json.dumps(tenant)),
                    )
        return counts

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Raw stored objects, secrets included (for the control API only)."""
        with self._lock:
            return {
                "models": self._rows("model"),
                "policies": self._rows("policy"),
                "tenants": self.list_tenants(),
                "connections": self._rows("connection"),
                "settings": self._rows("setting"),
            }
