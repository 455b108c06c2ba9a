"""The httpx plumbing shared by the API client and the token exchanges: one way to build a client.

Both talk through an ``httpx.Client`` with the same TLS rule (docs/guide/client.md, "TLS rule"),
timeout, headers, transport and deadlines (:mod:`pulumi_wxo.api.deadline`); a certificate
failure is recognised the same way for both.
"""

from __future__ import annotations

import ssl
import threading
from importlib import metadata
from typing import Any

import httpx

from pulumi_wxo.api.deadline import install_deadlines
from pulumi_wxo.api.redaction import logger
from pulumi_wxo.api.settings import ConnectionSettings, tls_verify

__all__ = ["is_tls_error", "json_or_none", "new_http_client", "user_agent", "warn_insecure"]

_insecure_lock = threading.Lock()
_insecure_warned = False


def warn_insecure(settings: ConnectionSettings) -> bool:
    """Warn, once per process, that TLS verification is off; True when this call warned.

    A warning on the package logger: without WXO_LOG_LEVEL, Python's last-resort handler
    writes it to the provider's stderr, which the engine shows (docs/guide/client.md, "TLS rule").
    """
    global _insecure_warned  # noqa: PLW0603 - once per process, by design
    with _insecure_lock:
        if _insecure_warned:
            return False
        _insecure_warned = True
    logger.warning(
        "TLS certificate verification is OFF (wxo:insecure) for %s: anyone on the network path "
        "can impersonate the server and read the credentials sent to it; for a private CA set "
        "wxo:caBundle instead, and unset wxo:insecure outside tests",
        settings.url,
    )
    return True


def user_agent() -> str:
    try:
        version = metadata.version("pulumi-wxo")
    except metadata.PackageNotFoundError:  # running from a source tree
        version = "0"
    return f"pulumi-wxo/{version}"


def new_http_client(
    settings: ConnectionSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    auth: httpx.Auth | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` with the settings' TLS verification and timeout, JSON accepted.

    Every connection it opens waits no longer than the running exchange's deadline.
    """
    verify = tls_verify(settings)
    if verify is False:
        warn_insecure(settings)
    client = httpx.Client(
        auth=auth,
        transport=transport,
        verify=verify,
        timeout=settings.timeout,
        headers={"Accept": "application/json", "User-Agent": user_agent()},
        # An injected transport (tests) must see every request: no proxy mounts from env.
        trust_env=transport is None,
    )
    install_deadlines(client)
    return client


def is_tls_error(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a TLS / certificate failure: not worth a retry."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    return "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text


def json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth limit
        return None
