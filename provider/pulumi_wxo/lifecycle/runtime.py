"""Process-wide connection settings and pooled clients, kept out of anything a host serialises.

A dynamic provider is pickled into state: nothing of this may live on it (see
docs/dev/lifecycle.md). A host calls :meth:`Runtime.configure` with a getter over its stack
config, and the lifecycle asks :meth:`Runtime.client` for the client of those settings.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.errors import ApiError, AuthError, ConfigError, WxoError
from pulumi_wxo.api.redaction import logger
from pulumi_wxo.api.setting_table import SETTINGS, setting
from pulumi_wxo.api.settings import ConnectionSettings
from pulumi_wxo.lifecycle.instance import (
    Instance,
    Placement,
    instance_of,
)
from pulumi_wxo.lifecycle.snapshot import Snapshot
from pulumi_wxo.resources import MODEL

SNAPSHOT_MAX_AGE_KEY, SNAPSHOT_MAX_AGE_ENV = setting("snapshot_max_age").key, setting("snapshot_max_age").env
#: Seconds a list of the tenant's models or policies answers questions before it is asked
#: again (docs/dev/lifecycle.md, "Snapshots"); 0 asks the server every time.
DEFAULT_SNAPSHOT_MAX_AGE = 30.0


def settings() -> list[tuple[str, str, str, bool, str]]:
    """Every setting :meth:`Runtime.configure` reads: (config key, environment variable, schema
    type, secret, description), the rows of :data:`pulumi_wxo.api.setting_table.SETTINGS`. The
    plugin's schema and both ``Provider`` resources are built from this list."""
    return [(s.key, s.env, s.schema_type, s.secret, s.description) for s in SETTINGS]


def setting_text(value: Any) -> str | None:
    """A setting given as a typed value (an explicit provider's input) as stack config holds it:
    a string (``True`` -> ``"true"``, ``3.0`` -> ``"3"``); None when unset or not yet known."""
    from pulumi_wxo.lifecycle.values import is_unknown

    if value is None or is_unknown(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


def config_name(key: str) -> str:
    """``wxo:apiKey`` -> ``apiKey``: the engine sends a native provider's config without the prefix."""
    return key.split(":", 1)[1]


class Runtime:
    """Process-wide connection settings and one HTTP client per distinct settings.

    Lives outside the provider objects so nothing of it is pickled into state. The
    hosts call it from several threads at once (four in the dynamic host, up to 32 in the
    plugin), hence the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: ConnectionSettings | None = None
        self._error: ConfigError | None = None
        self._clients: dict[Any, WxoClient] = {}
        self._snapshots: dict[tuple[Any, str], Snapshot] = {}
        # Settings whose credentials an instance accepted. Kept across configure(): the dynamic
        # host configures once per resource class, with the same settings.
        self._proven: set[Any] = set()
        self.placement = Placement()
        self.snapshot_max_age = DEFAULT_SNAPSHOT_MAX_AGE
        self.clock: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], None] = time.sleep
        self.transport: Any = None  # tests inject an httpx transport

    def configure(self, get: Callable[[str], str | None], environ: Mapping[str, str]) -> None:
        """Read settings now; a problem is raised at the first API call, not at preview."""
        configure_logging(environ)
        with self._lock:
            self.placement = Placement.from_sources(get, environ)
            self._snapshots.clear()
            try:
                self.snapshot_max_age = _max_age(
                    get(SNAPSHOT_MAX_AGE_KEY) or environ.get(SNAPSHOT_MAX_AGE_ENV)
                )
                self._settings, self._error = ConnectionSettings.from_sources(get, environ), None
            except ConfigError as err:
                self._settings, self._error = None, err

    def client(self) -> WxoClient:
        with self._lock:
            if self._settings is None and self._error is None:
                # Not configured by the engine (direct use): environment only.
                try:
                    self._settings = ConnectionSettings.from_sources(lambda _k: None, os.environ)
                except ConfigError as err:
                    self._error = err
            if self._error is not None:
                raise self._error
            assert self._settings is not None
            key = self._settings.cache_key()
            client = self._clients.get(key)
            if client is None:
                client = WxoClient(self._settings, transport=self.transport, sleep=self._sleep)
                self._clients[key] = client
            return client

    def instance(self) -> Instance:
        """The instance the provider is configured for (raises the settings' error, if any)."""
        self.client()
        with self._lock:
            assert self._settings is not None
            return instance_of(self._settings)

    def snapshot(self, kind: str) -> Snapshot:
        """The process-wide view of one collection (a declaration's ``collection``: ``models``,
        ``policies``) of the configured instance."""
        client = self.client()
        with self._lock:
            assert self._settings is not None
            key = (self._settings.cache_key(), kind)
            snap = self._snapshots.get(key)
            if snap is None:
                snap = Snapshot(client.collection(kind).list, max_age=self.snapshot_max_age, clock=self.clock)
                self._snapshots[key] = snap
            return snap

    def prove_credentials(self) -> None:
        """Raise the instance's refusal of the configured credentials; once per settings.

        Every ``check`` (and so every ``preview``, even one where nothing changes) calls this,
        so a dead credential fails the pull request's preview instead of the ``up`` after the
        merge. The proof is the list request the preview's name checks use anyway (the models
        snapshot), so a no-op preview costs one request per instance. Without settings (a
        fork's pull request has no secrets) nothing is asked, as before; an instance that
        cannot be reached is left to ``up`` (a preview stays possible offline). Only a refusal
        of the credential itself stops the preview: a 401 after a token refresh, a failed
        token exchange, or a 403 (docs/guide/pr-workflow.md, "A dead credential").
        """
        try:
            self.client()
        except ConfigError:
            return
        with self._lock:
            assert self._settings is not None
            key = self._settings.cache_key()
            if key in self._proven:
                return
        try:
            self.snapshot(MODEL.collection).objects()
        except AuthError:
            raise
        except ApiError as err:
            if err.status in (401, 403):
                raise
            return
        except WxoError:
            return
        with self._lock:
            self._proven.add(key)

    def max_retries(self) -> int:
        """``wxo:maxRetries`` (the create loop's bound follows the client's)."""
        with self._lock:
            return self._settings.max_retries if self._settings is not None else 0

    def _sleep(self, seconds: float) -> None:
        # Indirect, so a test can swap ``sleep`` after the client exists.
        self.sleep(seconds)

    def reset(self) -> None:
        """Forget settings and close clients (tests)."""
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
            self._snapshots.clear()
            self._proven.clear()
            self.placement = Placement()
            self.snapshot_max_age = DEFAULT_SNAPSHOT_MAX_AGE
            self._settings = self._error = None


def _max_age(raw: str | None) -> float:
    if raw is None or not str(raw).strip():
        return DEFAULT_SNAPSHOT_MAX_AGE
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise ConfigError(
            f"{SNAPSHOT_MAX_AGE_KEY} {raw!r} is not a number of seconds from 0 to 3600; "
            f"run `pulumi config set {SNAPSHOT_MAX_AGE_KEY} 30`",
            field=SNAPSHOT_MAX_AGE_KEY,
        )
    return value


RUNTIME = Runtime()

LOG_LEVEL_ENV = "WXO_LOG_LEVEL"


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Marks the one handler ``configure_logging`` adds, so a second configure adds none."""


def configure_logging(environ: Mapping[str, str]) -> None:
    """``WXO_LOG_LEVEL=DEBUG|INFO|WARNING|ERROR``: send the ``pulumi_wxo`` logger to stderr.

    The engine shows a provider plugin's stderr lines as diagnostics (and in its verbose log),
    so this is how a user sees the provider's requests, retries and token refreshes. Every
    record passes the logger's RedactingFilter first (_errors.py): no secret reaches stderr.
    Unset or empty: nothing changes (the plugin then prints warnings only via lastResort).
    """
    raw = (environ.get(LOG_LEVEL_ENV) or "").strip().upper()
    if not raw:
        return
    level = logging.getLevelName(raw)
    if not isinstance(level, int):
        level = logging.WARNING
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("pulumi_wxo %(levelname)s %(message)s"))
        logger.addHandler(handler)
    if level == logging.WARNING and raw != "WARNING":
        logger.warning("%s=%r is not DEBUG, INFO, WARNING or ERROR; using WARNING", LOG_LEVEL_ENV, raw)
