"""The httpx plumbing shared by the API client and the token exchanges: one way to build a client.

Both talk through an ``httpx.Client`` with the same TLS rule (docs/client.md, "TLS rule"),
timeout, headers and transport; a certificate failure is recognised the same way for both.
"""

from __future__ import annotations

import ssl
from importlib import metadata
from typing import Any

import httpx

from pulumi_wxo.api.settings import ConnectionSettings, tls_verify

__all__ = ["is_tls_error", "json_or_none", "new_http_client", "user_agent"]


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
    """An ``httpx.Client`` with the settings' TLS verification and timeout, JSON accepted."""
    return httpx.Client(
        auth=auth,
        transport=transport,
        verify=tls_verify(settings),
        timeout=settings.timeout,
        headers={"Accept": "application/json", "User-Agent": user_agent()},
        # An injected transport (tests) must see every request: no proxy mounts from env.
        trust_env=transport is None,
    )


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
    except ValueError:
        return None
