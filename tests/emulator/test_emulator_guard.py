"""Who may talk to the emulator (emulator/guard.py): the Host header on every route (DNS
rebinding), no cross-origin request, the control token, JSON bodies on the control API.

Over loopback with the session emulator, plus emulators of their own for the settings; the
cases a socket cannot produce (the address a request reached, two Host headers) call the ASGI
middleware directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_wxo.emulator import EmulatorControl, EmulatorSettings, EmulatorThread
from pulumi_wxo.emulator.guard import GuardMiddleware, host_name, is_loopback
from tests.support.emulator import EMULATOR_TOKEN as TOKEN
from tests.support.emulator import IAM_GRANT, granite

pytestmark = pytest.mark.emulator

CONTROL_TOKEN = "ct-0f3c9a7e5b1d"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEEDS_TOKEN = {"detail": "Control token required: send Authorization: Bearer <control token>"}


def _port(emulator: EmulatorThread) -> int:
    return int(emulator.url.rsplit(":", 1)[1])


# ---------------------------------------------------------------------------------------------
# Host (DNS rebinding: the page's own name arrives in Host)


@pytest.mark.parametrize("path", ["/v1/models", "/_emulator/state", "/_emulator/health", "/docs"])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:4321", "127.0.0.1.evil.example", "0.0.0.0"])
def test_a_foreign_host_header_is_refused_on_every_route(
    emulator: EmulatorThread, http: httpx.Client, path: str, host: str
) -> None:
    http.post("/v1/models", json=granite())
    response = http.get(path, headers={"Host": host})
    assert response.status_code == 421
    detail = response.json()["detail"]
    assert detail.startswith(f"Host {host!r} is not served here") and "--allowed-host" in detail
    assert "sk-very-secret" not in response.text
    assert [r["path"] for r in emulator.control.requests()] == ["/v1/models"]  # not even logged


def test_malformed_host_headers_are_refused(http: httpx.Client) -> None:
    for host in ("127.0.0.1:http", "::1", "[::1", "127.0.0.1:", ""):
        assert http.get("/v1/models", headers={"Host": host}).status_code == 421, host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST.:8080", "127.1.2.3:80", "[::1]:4321"])
def test_loopback_names_are_served_whatever_the_port(http: httpx.Client, host: str) -> None:
    response = http.get("/v1/models", headers={"Host": host})
    assert (response.status_code, response.json()) == (200, [])


def test_allowed_hosts_add_names_and_star_accepts_any() -> None:
    settings = EmulatorSettings(token=TOKEN, allowed_hosts=("wxo-emulator",))
    with EmulatorThread(settings) as emu, httpx.Client(timeout=30, base_url=emu.url) as client:
        assert client.get("/v1/models", headers={**AUTH, "Host": "WXO-emulator:4321"}).status_code == 200
        assert client.get("/v1/models", headers={**AUTH, "Host": "other:4321"}).status_code == 421
    with EmulatorThread(EmulatorSettings(token=TOKEN, allowed_hosts=("*",))) as emu:
        assert httpx.get(f"{emu.url}/v1/models", headers={**AUTH, "Host": "x.y"}).status_code == 200


def _asgi(scope_headers: list[tuple[bytes, bytes]], server: tuple[str, int] | None) -> int:
    """Status the guard answers for a GET /v1/models with these headers (200: passed on)."""
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/v1/models",
        "scheme": "http",
        "headers": scope_headers,
    }
    if server is not None:
        scope["server"] = server
    asyncio.run(GuardMiddleware(app, EmulatorSettings())(scope, receive, send))
    return int(sent[0]["status"])


def test_the_address_a_request_reached_is_its_own_host_name() -> None:
    """Bound to 0.0.0.0 (``--allow-remote``), a client that uses the machine's address is served."""
    assert _asgi([(b"host", b"10.1.2.3:4321")], ("10.1.2.3", 4321)) == 200
    assert _asgi([(b"host", b"[fd00::7]:4321")], ("fd00::7", 4321)) == 200
    assert _asgi([(b"host", b"evil.example:4321")], ("10.1.2.3", 4321)) == 421
    assert _asgi([(b"host", b"10.1.2.3:4321")], None) == 421
    assert _asgi([(b"host", b"127.0.0.1"), (b"host", b"evil.example")], None) == 421  # two Host headers
    assert _asgi([], None) == 421  # none (HTTP/1.0)


def test_host_name_and_is_loopback() -> None:
    assert host_name("[::1]:4321") == ("::1", 4321)
    assert host_name("Example.COM.") == ("example.com", None)
    assert [host_name(v) for v in ("[::1]x", "a:b", "a:1:2", ":80")] == [None, None, None, None]
    assert [is_loopback(n) for n in ("localhost", "127.9.9.9", "::1", "[::1]")] == [True] * 4
    assert [is_loopback(n) for n in ("0.0.0.0", "", "::", "10.0.0.1", "localhost.evil")] == [False] * 5


# ---------------------------------------------------------------------------------------------
# Origin: a web page cannot send a request to any route


def test_a_cross_origin_simple_post_cannot_wipe_the_emulator(
    emulator: EmulatorThread, anon: httpx.Client
) -> None:
    """What a page's ``fetch(url, {method: "POST", mode: "no-cors", body: "..."})`` sends."""
    httpx.post(f"{emulator.url}/v1/models", json=granite(), headers=AUTH)
    for origin in ("https://evil.example", "null", "http://127.0.0.1", "http://localhost:1"):
        response = anon.post(
            "/_emulator/reset",
            content=b'{"duplicates": "reject"}',
            headers={"Content-Type": "text/plain", "Origin": origin},
        )
        assert response.status_code == 403, origin
        assert response.json() == {"detail": f"Cross-origin request refused (Origin {origin!r})"}
    assert len(emulator.control.state()["models"]) == 1
    assert emulator.control.settings()["duplicates"] == "accept"


def test_cross_origin_requests_to_the_api_and_token_routes_are_refused(anon: httpx.Client) -> None:
    form = {"grant_type": IAM_GRANT, "apikey": "test-api-key"}
    evil = {"Origin": "https://evil.example"}
    assert anon.post("/identity/token", data=form, headers=evil).status_code == 403
    assert anon.get("/v1/models", headers={**evil, **AUTH}).status_code == 403
    assert anon.post("/identity/token", data=form).status_code == 200  # no Origin: a program


def test_the_emulators_own_origin_is_served(emulator: EmulatorThread, anon: httpx.Client) -> None:
    """Its /docs page (Swagger UI) sends the emulator's own origin, with or without the port."""
    port = _port(emulator)
    for host, origin in (
        (f"127.0.0.1:{port}", f"http://127.0.0.1:{port}"),
        (f"localhost:{port}", f"http://LOCALHOST:{port}"),
        ("localhost", "http://localhost:80"),
    ):
        response = anon.post(
            "/_emulator/reset", json={"duplicates": "reject"}, headers={"Host": host, "Origin": origin}
        )
        assert response.status_code == 200, (host, origin)
    assert emulator.control.settings()["duplicates"] == "reject"


# ---------------------------------------------------------------------------------------------
# Content-Type on the control API


NOT_JSON = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]


@pytest.mark.parametrize("content_type", NOT_JSON)
def test_a_control_body_must_be_json(
    emulator: EmulatorThread, anon: httpx.Client, content_type: str | None
) -> None:
    emulator.control.settings(secrets="echo")
    headers = {"Content-Type": content_type} if content_type else {}
    for method, path, body in (
        ("POST", "/_emulator/reset", b'{"duplicates": "reject"}'),
        ("PUT", "/_emulator/settings", b'{"secrets": "omit"}'),
        ("PUT", "/_emulator/state", b'{"models": [], "policies": []}'),
        ("POST", "/_emulator/faults", b'{"status": 503}'),
    ):
        response = anon.request(method, path, content=body, headers=headers)
        assert response.status_code == 415, (method, path)
        assert response.json() == {"detail": "The control API takes Content-Type: application/json"}
    assert emulator.control.settings()["secrets"] == "echo"
    assert emulator.control.faults() == []


def test_json_bodies_and_bodiless_calls_pass(emulator: EmulatorThread, anon: httpx.Client) -> None:
    response = anon.put(
        "/_emulator/settings",
        content=b'{"secrets": "mask"}',
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert (response.status_code, response.json()["secrets"]) == (200, "mask")
    assert anon.post("/_emulator/reset").status_code == 200  # no body, no Content-Type
    assert anon.post("/_emulator/expire-tokens").status_code == 200
    assert anon.post("/_emulator/reset", headers={"Content-Type": "text/plain"}).status_code == 415


# ---------------------------------------------------------------------------------------------
# Control token


@pytest.fixture(scope="module")
def guarded() -> Iterator[EmulatorThread]:
    with EmulatorThread(EmulatorSettings(token=TOKEN, control_token=CONTROL_TOKEN)) as emu:
        yield emu


def test_with_a_control_token_the_control_api_needs_it(guarded: EmulatorThread) -> None:
    httpx.post(f"{guarded.url}/v1/models", json=granite(), headers=AUTH)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {CONTROL_TOKEN}"}):
        for method, path in (("GET", "/state"), ("POST", "/reset"), ("GET", "/health")):
            response = httpx.request(method, f"{guarded.url}/_emulator{path}", headers=headers)
            assert (response.status_code, response.json()) == (401, NEEDS_TOKEN), (headers, path)
            assert response.headers["www-authenticate"] == 'Bearer realm="wxo-emulator-control"'
    assert len(guarded.control.state()["models"]) == 1  # EmulatorThread's client sends it
    with EmulatorControl(guarded.url, control_token=CONTROL_TOKEN) as control:
        assert control.reset()["duplicates"] == "accept"
        assert control.state()["models"] == []


def test_the_control_token_is_no_api_token(guarded: EmulatorThread) -> None:
    response = httpx.get(f"{guarded.url}/v1/models", headers={"Authorization": f"Bearer {CONTROL_TOKEN}"})
    assert response.status_code == 401
    assert httpx.get(f"{guarded.url}/v1/models", headers=AUTH).status_code == 200
