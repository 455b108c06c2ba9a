"""Process-wide emulator state that is not API data: settings, switches, faults, request log, tokens.

:class:`EmulatorSettings` is fixed at start; the variant switches (:class:`~.switches.Switches`,
declared once in :mod:`.switches`) start from ``settings.switches`` and the control API may
change them at run time. :class:`Runtime` bundles them with the :class:`~.store.Store`.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import tokens
from .store import Store
from .switches import Switches
from .tenant_objects import TenantObjects

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_PASSWORD",
    "DEFAULT_TENANT_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "TOKEN_FLOWS",
    "EmulatorSettings",
    "Fault",
    "FaultSpec",
    "Runtime",
    "TenantScope",
    "TokenCheck",
]

TokenCheck = Literal["tenant", "user", "invalid"]


@dataclass(frozen=True)
class TenantScope:
    """What a request with a tenant token acts on: that tenant's store view and objects, and
    the switches in force (docs/guide/emulator.md, "Tenants")."""

    tenant_id: str
    store: Store
    tenant: TenantObjects
    switches: Switches


DEFAULT_TOKEN = "wxo-emulator-token"
DEFAULT_API_KEY = "wxo-emulator-api-key"
# The Developer Edition's built-in user (api-contract §7.2 [SRC] LocalServiceInstance DEFAULT_USER).
DEFAULT_USERNAME = "wxo.archer@ibm.com"
DEFAULT_PASSWORD = "watsonx"
DEFAULT_TENANT_ID = "a0e1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"

# The JWT form of the fixed token (api-contract §12.6): fixed claims, so that it is the same
# string on every start for the same --token and tenant; exp 2100-01-01, far beyond the ADK's
# 600 s rule, and a client that needs an exp (the ADK's remote login) finds one.
FIXED_TOKEN_IAT = 1767225600  # 2026-01-01T00:00:00Z
FIXED_TOKEN_EXP = 4102444800  # 2100-01-01T00:00:00Z

# Names under which GET /_emulator/tokens counts minted tokens.
TOKEN_FLOWS: tuple[str, ...] = ("iam", "mcsp_v1", "mcsp_v2", "cpd", "local_user", "local_tenant")


@dataclass(frozen=True)
class EmulatorSettings:
    """Start-up settings. ``switches`` are the start-up values that ``POST /_emulator/reset`` restores.

    Exposure (docs/guide/emulator.md, "Running it safely"; enforced by :mod:`.guard` and
    :func:`~.server.check_bind`): ``allow_remote`` permits binding an address other than
    loopback and then requires ``control_token``, which the control API asks for as
    ``Authorization: Bearer <control_token>`` (on loopback too, when set). ``allowed_hosts`` are
    extra ``Host`` header names accepted besides loopback and the address a request reached
    (``"*"``: any).
    """

    db: str = ":memory:"
    token: str = DEFAULT_TOKEN
    tenant_id: str = DEFAULT_TENANT_ID
    tenant_name: str = "wxo-dev"
    api_keys: tuple[str, ...] = (DEFAULT_API_KEY,)
    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD
    switches: Switches = field(default_factory=Switches)
    allow_remote: bool = False
    control_token: str | None = None
    allowed_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.control_token is not None and not self.control_token.strip():
            raise ValueError("control_token (--control-token) must not be empty")
        if self.allow_remote and self.control_token is None:
            raise ValueError(
                "allow_remote (--allow-remote) needs a control_token (--control-token or "
                "WXO_EMULATOR_CONTROL_TOKEN): the control API shows secrets and wipes state"
            )


class FaultSpec(BaseModel):
    """Body of ``POST /_emulator/faults``.

    ``path`` is a regular expression searched in the request path. Without ``count`` and
    ``fraction`` every matching request is hit; ``count`` limits the number of hits; ``fraction``
    hits each matching request with that probability (reproducible with ``seed``).
    """

    model_config = ConfigDict(extra="forbid")

    method: str = "*"
    path: str = ".*"
    status: int | None = Field(None, ge=400, le=599)
    detail: Any = None
    # A page instead of the JSON error body: what a gateway or a maintenance page answers.
    html: str | None = Field(None, max_length=100_000)
    retry_after: int | None = Field(None, ge=0)
    quota: bool = False
    delay: float = Field(0.0, ge=0, le=60)
    delay_after: bool = False
    count: int | None = Field(None, ge=1)
    fraction: float | None = Field(None, gt=0, le=1)
    seed: int | None = None

    @field_validator("path")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _quota_status(self) -> FaultSpec:
        # A quota fault is a 429 (api-contract §8; the ADK's ResourceQuotaExceededError needs 429).
        if self.quota and self.status is None:
            self.status = 429
        if self.html is not None and (self.status is None or self.quota or self.detail is not None):
            raise ValueError("html needs a status, and replaces the JSON body: no quota, no detail")
        return self


class Fault:
    """An active fault: a :class:`FaultSpec` plus its remaining count and random stream."""

    def __init__(self, spec: FaultSpec) -> None:
        self.id = str(uuid.uuid4())
        self.spec = spec
        self.remaining = spec.count
        self.hits = 0
        self._pattern = re.compile(spec.path)
        self._rng = random.Random(spec.seed)

    def fire(self, method: str, path: str) -> bool:
        """Whether this request is hit; consumes one of ``count`` when it is."""
        if self.spec.method != "*" and self.spec.method.upper() != method.upper():
            return False
        if self._pattern.search(path) is None:
            return False
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.spec.fraction is not None and self._rng.random() >= self.spec.fraction:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        self.hits += 1
        return True

    def body(self) -> Any:
        if self.spec.quota:
            message = (
                self.spec.detail if isinstance(self.spec.detail, str) else "Tenant resource quota exceeded."
            )
            return {"detail": {"code": "RESOURCE_QUOTA_EXCEEDED", "message": message}}
        if self.spec.detail is not None:
            return {"detail": self.spec.detail}
        return {"detail": HTTPStatus(self.spec.status or 500).phrase}

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.model_dump(), "remaining": self.remaining, "hits": self.hits}


def _fixed_token_jwt(settings: EmulatorSettings) -> str:
    """The fixed token as a JWT the ADK can read (api-contract §12.6), signed with a key derived
    from the fixed token, so that nobody can mint it without knowing that token."""
    claims: dict[str, Any] = {
        "iss": "wxo-emulator",
        "sub": "fixed-token",
        "iat": FIXED_TOKEN_IAT,
        "exp": FIXED_TOKEN_EXP,
        "scope": "tenant",
        "flow": "fixed",
        "tenant_id": settings.tenant_id,
    }
    return tokens.encode(claims, hashlib.sha256(b"wxo-emulator-fixed:" + settings.token.encode()).digest())


def _patched(switches: Switches, patch: Mapping[str, Any]) -> Switches:
    return Switches.model_validate({**switches.model_dump(), **patch})


class Runtime:
    """Everything a request handler needs: settings, live switches, store, faults, log, tokens."""

    def __init__(self, settings: EmulatorSettings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.store = Store(
            settings.db,
            tenant_id=settings.tenant_id,
            tenant_name=settings.tenant_name,
            created_by=settings.username,
        )
        self.tenant = TenantObjects(self.store, tenant_id=settings.tenant_id)
        self._clock = clock
        self._lock = threading.Lock()
        self._switches = settings.switches
        self.fixed_token_jwt = _fixed_token_jwt(settings)
        self._faults: list[Fault] = []
        self._log: list[dict[str, Any]] = []

    def close(self) -> None:
        self.store.close()

    # -- switches ------------------------------------------------------------------------------

    @property
    def switches(self) -> Switches:
        with self._lock:
            return self._switches

    def update_switches(self, patch: Mapping[str, Any]) -> Switches:
        """Change the switches named in ``patch`` (see :func:`~.switches.parse_patch`)."""
        with self._lock:
            self._switches = _patched(self._switches, patch)
            return self._switches

    def reset(self, patch: Mapping[str, Any] | None = None) -> Switches:
        """Clear the store, faults and request log; restore start-up switches, then apply ``patch``."""
        switches = _patched(self.settings.switches, patch or {})  # invalid: raise before clearing
        self.store.reset()
        with self._lock:
            self._faults.clear()
            self._log.clear()
            self._switches = switches
            return self._switches

    # -- faults --------------------------------------------------------------------------------

    def add_fault(self, spec: FaultSpec) -> Fault:
        fault = Fault(spec)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> int:
        with self._lock:
            n = len(self._faults)
            self._faults.clear()
            return n

    def list_faults(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.describe() for f in self._faults]

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first fault (in insertion order) that hits this request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.fire(method, path):
                    return fault
        return None

    # -- request log ---------------------------------------------------------------------------

    def log_request(self, method: str, path: str, query: str, status: int, fault: str | None) -> None:
        with self._lock:
            self._log.append(
                {"method": method, "path": path, "query": query, "status": status, "fault": fault}
            )

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    # -- tokens (api-contract §7.2) ----------------------------------------------------------------

    def mint_token(
        self,
        flow: str,
        *,
        subject: str,
        scope: Literal["tenant", "user"] = "tenant",
        expires: bool = True,
        tenant_id: str | None = None,
    ) -> tuple[str, int, int | None]:
        """Mint a signed JWT; return ``(token, iat, exp)``. ``exp`` is ``None`` when ``expires`` is false.

        The token lives exactly ``token_ttl`` seconds from now on this runtime's clock (see
        :mod:`.tokens`: ``iat``/``exp`` are whole seconds, the expiry enforced is not rounded).
        """
        lifetime = tokens.lifetime_claims(self._clock(), self.switches.token_ttl if expires else None)
        claims: dict[str, Any] = {
            "iss": "wxo-emulator",
            "sub": subject,
            **lifetime,
            "jti": str(uuid.uuid4()),
            "flow": flow,
            "scope": scope,
            "gen": self.store.token_generation(),
        }
        if scope == "tenant":
            claims["tenant_id"] = tenant_id or self.settings.tenant_id
        token = tokens.encode(claims, self.store.jwt_secret())
        self.store.count_token(flow)
        return token, lifetime["iat"], lifetime.get("exp")

    def check_token(self, token: str) -> TokenCheck:
        """Classify a bearer token: the fixed token (or its JWT form) or a live minted one, and its scope."""
        if token in (self.settings.token, self.fixed_token_jwt):
            return "tenant"
        claims = tokens.decode(token, self.store.jwt_secret())
        if claims is None or claims.get("gen") != self.store.token_generation():
            return "invalid"
        if tokens.expired(claims, self._clock()):
            return "invalid"
        return "user" if claims.get("scope") == "user" else "tenant"

    def token_tenant(self, token: str) -> str:
        """The tenant a tenant-scoped token was minted for (the fixed token: the emulator's own)."""
        if token in (self.settings.token, self.fixed_token_jwt):
            return self.settings.tenant_id
        tenant = (tokens.decode(token, self.store.jwt_secret()) or {}).get("tenant_id")
        return tenant if isinstance(tenant, str) else self.settings.tenant_id

    def scope(self, tenant_id: str) -> TenantScope:
        """The objects a token of ``tenant_id`` sees: only that tenant's."""
        home = tenant_id == self.settings.tenant_id
        store = self.store if home else self.store.scoped(tenant_id)
        objects = self.tenant if home else TenantObjects(store, tenant_id=tenant_id, home=False)
        return TenantScope(tenant_id, store, objects, self.switches)

    def expire_tokens(self) -> int:
        """Revoke every minted token (the fixed token stays valid); return the new generation."""
        return self.store.bump_token_generation()

    def tokens_issued(self) -> dict[str, int]:
        counts = dict.fromkeys(TOKEN_FLOWS, 0)
        counts.update(self.store.token_counts())
        return counts
