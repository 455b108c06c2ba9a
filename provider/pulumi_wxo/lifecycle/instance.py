"""Which instance holds an object, and the guard against a stack re-pointed at another one.

Every Model and ModelPolicy records in its outputs the instance that holds it (``instance``:
the normalised base URL and, when the URL tells it, the tenant id) and the provider version
that last wrote it. When the configured instance is not the recorded one, the lifecycle
refuses to diff, read, update or delete the object, naming both, unless the user says how to
go on (docs/guide/recovery.md, "A re-pointed stack"):

* ``wxo:instanceAliases`` — other URLs of the same instance (a new hostname, the
  ``/instances/<id>`` form): comma- or space-separated. Where both sides know the tenant id,
  the id decides and no alias is needed.
* ``wxo:moveInstance: true`` — move the stack's objects to the configured instance: each is
  created there (a replacement); the old ones are left where they are, to delete separately.

An object written before versions recorded the instance has none: it is not guarded, and it
gets one at its next create or update (refresh writes nothing, so it does not stamp it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.api.settings import ConnectionSettings, mcsp_instance_id

ALIASES_KEY, ALIASES_ENV = "wxo:instanceAliases", "WXO_INSTANCE_ALIASES"
MOVE_KEY, MOVE_ENV = "wxo:moveInstance", "WXO_MOVE_INSTANCE"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str:
    """``scheme://host[:port]/path``: lower-case scheme and host, default port and ``/`` dropped."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Instance:
    url: str
    tenant: str | None = None

    def as_output(self) -> dict[str, Any]:
        return {"url": self.url, "tenant": self.tenant}

    @classmethod
    def from_output(cls, value: Any) -> Instance | None:
        if not isinstance(value, Mapping) or not isinstance(value.get("url"), str):
            return None
        tenant = value.get("tenant")
        return cls(value["url"], tenant if isinstance(tenant, str) and tenant else None)

    def __str__(self) -> str:
        return f"{self.url} (tenant {self.tenant})" if self.tenant else self.url


def instance_of(settings: ConnectionSettings) -> Instance:
    return Instance(normalise_url(settings.url), mcsp_instance_id(settings.url))


@dataclass(frozen=True)
class Placement:
    """What the user said about instances: other URLs of this one, and whether to move."""

    aliases: frozenset[str] = frozenset()
    move: bool = False

    @classmethod
    def from_sources(cls, get: Callable[[str], str | None], environ: Mapping[str, str]) -> Placement:
        raw_aliases = get(ALIASES_KEY) or environ.get(ALIASES_ENV) or ""
        aliases = frozenset(normalise_url(u) for u in re.split(r"[\s,]+", raw_aliases) if u)
        raw_move = (get(MOVE_KEY) or environ.get(MOVE_ENV) or "").strip().lower()
        return cls(aliases, raw_move in ("1", "true", "yes", "on"))


def same_instance(recorded: Instance, current: Instance, placement: Placement) -> bool:
    if recorded.tenant and current.tenant:
        return recorded.tenant == current.tenant
    return recorded.url == current.url or recorded.url in placement.aliases


class InstanceMismatchError(WxoError):
    """The object lives on another instance than the one the provider is configured for."""

    def __init__(self, *, action: str, recorded: Instance, current: Instance) -> None:
        self.recorded, self.current = recorded, current
        super().__init__(
            f"{action}: it was created on {recorded}, but the provider is now configured for {current}. "
            f"If it is the same instance under another URL, set `pulumi config set {ALIASES_KEY} "
            f"{recorded.url}`; to create the stack's objects on the new instance (the old ones stay "
            f"where they are), set `pulumi config set {MOVE_KEY} true`; otherwise point wxo:url back "
            "at the recorded instance (docs/guide/recovery.md)"
        )
