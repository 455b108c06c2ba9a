"""Who may talk to the emulator: the Host, Origin, control-token and Content-Type checks.

The emulator keeps secrets in clear (``GET /_emulator/state`` shows them) and its control API
wipes and rewrites state, so neither a web page in the user's browser nor, when it is bound
beyond loopback, anyone without the control token may reach it. :class:`GuardMiddleware` is the
outermost layer: a refused request reaches no route, consumes no fault and is not logged.

=====================================  ==========================================================
every request                          ``Host`` must name loopback (``localhost``, ``127.0.0.0/8``,
                                       ``::1``), the address the request reached, or one of
                                       ``settings.allowed_hosts``, whatever the port; else **421**.
                                       A DNS-rebinding page sends its own name, so it is refused.
every request                          an ``Origin`` header must be the emulator's own origin
                                       (scheme, ``Host``, port); else **403**: no cross-origin
                                       request, simple or not, reaches a route
control API, ``control_token`` set     ``Authorization: Bearer <control_token>``; else **401**
control API                            a request with a body (or a ``Content-Type``) must be
                                       ``application/json``; else **415**: an HTML form or a
                                       ``text/plain`` fetch cannot reset or load state
=====================================  ==========================================================

Every refusal is ``{"detail": "..."}`` (the API's error shape, api-contract §8).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from .middleware import CONTROL_PREFIX
from .runtime import EmulatorSettings

__all__ = ["CONTROL_TOKEN_REALM", "GuardMiddleware", "host_name", "is_loopback"]

CONTROL_TOKEN_REALM = "wxo-emulator-control"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_name(value: str) -> tuple[str, int | None] | None:
    """``(name, port)`` of a ``Host`` value (``[::1]:4321`` -> ``("::1", 4321)``), the name
    lowercased without a trailing dot; None when it is malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket:
            return None
        port = rest[1:] if rest.startswith(":") else ("" if not rest else "x")
    else:
        name, colon, port = value.partition(":")
        if colon and not port:
            port = "x"
    if port and not port.isdigit():
        return None
    name = name.rstrip(".")
    return (name, int(port) if port else None) if name else None


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def is_loopback(name: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.0/8``, ``::1``)."""
    address = _address(name.strip("[]"))
    return name.rstrip(".").lower() == "localhost" or (address is not None and address.is_loopback)


def _same_host(a: str, b: str) -> bool:
    address_a, address_b = _address(a), _address(b)
    if address_a is not None and address_b is not None:
        return address_a == address_b
    return a == b.lower().rstrip(".")


class GuardMiddleware:
    """Pure ASGI middleware applying the checks of the module docstring to every HTTP request."""

    def __init__(self, app: ASGIApp, settings: EmulatorSettings) -> None:
        self.app = app
        self.control_token = settings.control_token
        self.any_host = "*" in settings.allowed_hosts
        self.allowed_hosts = tuple(h.lower().rstrip(".") for h in settings.allowed_hosts if h != "*")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, detail, headers = refusal
        body = json.dumps({"detail": detail}).encode()
        raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        raw += [(k.encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    def _refusal(self, scope: Scope) -> tuple[int, str, dict[str, str]] | None:
        headers: dict[bytes, list[str]] = {}
        for key, value in scope.get("headers", ()):
            headers.setdefault(bytes(key).lower(), []).append(bytes(value).decode("latin-1"))
        hosts = headers.get(b"host", [])
        host = host_name(hosts[0]) if len(hosts) == 1 else None
        if host is None or not self._host_allowed(host[0], scope):
            shown = hosts[0][:100] if len(hosts) == 1 else f"{len(hosts)} Host headers"
            return (
                421,
                f"Host {shown!r} is not served here: use localhost or 127.0.0.1, or this "
                "server's address, or start the emulator with --allowed-host NAME",
                {},
            )
        scheme = str(scope.get("scheme") or "http")
        for origin in headers.get(b"origin", []):
            if not _same_origin(origin, scheme, host):
                return 403, f"Cross-origin request refused (Origin {origin[:100]!r})", {}
        path: str = scope.get("path", "")
        if path != CONTROL_PREFIX and not path.startswith(CONTROL_PREFIX + "/"):
            return None
        if self.control_token is not None and not self._token_ok(headers.get(b"authorization", [])):
            return (
                401,
                "Control token required: send Authorization: Bearer <control token>",
                {"www-authenticate": f'Bearer realm="{CONTROL_TOKEN_REALM}"'},
            )
        content_types = headers.get(b"content-type", [])
        length = headers.get(b"content-length", ["0"])
        has_body = b"transfer-encoding" in headers or any(v.strip() not in ("", "0") for v in length)
        if (has_body or content_types) and not _is_json(content_types):
            return 415, "The control API takes Content-Type: application/json", {}
        return None

    def _host_allowed(self, name: str, scope: Scope) -> bool:
        if self.any_host or is_loopback(name):
            return True
        server = scope.get("server")
        if server and _same_host(name, str(server[0])):
            return True
        return any(_same_host(name, allowed) for allowed in self.allowed_hosts)

    def _token_ok(self, values: list[str]) -> bool:
        assert self.control_token is not None
        if len(values) != 1:
            return False
        scheme, _, token = values[0].partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.control_token.encode()
        )


def _same_origin(origin: str, scheme: str, host: tuple[str, int | None]) -> bool:
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return False
    if parts.scheme.lower() != scheme or parts.hostname is None or parts.path or parts.query:
        return False
    default = _DEFAULT_PORTS.get(scheme)
    return _same_host(parts.hostname, host[0]) and (port or default) == (host[1] or default)


def _is_json(values: list[str]) -> bool:
    return len(values) == 1 and values[0].split(";", 1)[0].strip().lower() == "application/json"
