"""A hostile server over loopback: slow, endless and huge answers, malformed objects, unusable ids.

The fake server is a raw socket server in a thread, so it can do what no well-behaved framework
does: drip a status line one byte at a time, send a chunked body that never ends, announce
100 MB and then stall. Every test goes through the real client (``WxoClient``) or the real
lifecycles (``ModelLifecycle``, ``PolicyLifecycle`` on a ``Runtime`` configured for the fake
server), and must end with an error of the provider's tree that names the request and the
setting (or the object and the field), never hang, grow without bound or raise a bare Python
error. Real time cannot be avoided for a socket that drips, so limits are small (a few tenths
of a second) and every test is bounded by pytest-timeout. Waits between retries are injected
as no-ops.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.errors import (
    ApiError,
    AuthError,
    DeadlineExceededError,
    ResponseTooLargeError,
    RetriesExhaustedError,
    ServerObjectError,
)
from pulumi_wxo.api.settings import ConnectionSettings
from pulumi_wxo.lifecycle import ModelLifecycle, PolicyLifecycle, Runtime
from tests.support.emulator import EMULATOR_TOKEN as TOKEN

pytestmark = [pytest.mark.emulator, pytest.mark.timeout(10)]

NAME = "virtual-model/openai/gpt-4o"
POLICY = "virtual-policy/route"
MODEL_KEY = "sk-hostile-SECRET-5151"


# ------------------------------------------------------------------ the fake server


@dataclass(frozen=True)
class Seen:
    """A request as the fake server read it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes


@dataclass(frozen=True)
class Pause:
    """Wait this long (or until the server stops) before sending on."""

    seconds: float


Reply = Iterable[bytes | Pause]
Route = Callable[[Seen], Reply]


def head(status: int = 200, **headers: str) -> bytes:
    lines = [
        f"HTTP/1.1 {status} X",
        "Connection: close",
        *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(status: int, value: Any) -> Reply:
    body = json.dumps(value).encode()
    return [head(status, Content_Type="application/json", Content_Length=str(len(body))), body]


def drip_body(every: float = 0.1, size: int = 600) -> Reply:
    """Headers at once, then a body of ``size`` bytes, one per ``every`` seconds (60 s by default)."""
    yield head(200, Content_Type="application/json", Content_Length=str(size))
    for _ in range(size):
        yield Pause(every)
        yield b" "


def drip_status_line(every: float = 0.1) -> Reply:
    """Not even the status line completes: one byte per ``every`` seconds, forever."""
    while True:
        yield Pause(every)
        yield b"H"


def endless_chunked(total: int = 128 * 1024 * 1024) -> Reply:
    """A chunked body far past any cap (finite, so that a client without a cap ends too)."""
    yield head(200, Content_Type="application/json", Transfer_Encoding="chunked")
    chunk = b"[" + b" " * (64 * 1024 - 1)
    for _ in range(total // len(chunk)):
        yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    yield b"0\r\n\r\n"


def announce_and_stall(length: int = 100 * 1024 * 1024) -> Reply:
    yield head(200, Content_Type="application/json", Content_Length=str(length))
    yield b"[" * 10
    yield Pause(30)


class HostileServer:
    """Answers each request with ``routes[(method, path)]`` (default: a JSON 404)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.seen: list[Seen] = []
        self.stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, daemon=True)
        self._accept.start()

    def on(self, method: str, path: str, route: Route) -> None:
        self.routes[(method, path)] = route

    def requests(self, method: str | None = None) -> list[Seen]:
        return [s for s in self.seen if method is None or s.method == method]

    def close(self) -> None:
        self.stop.set()
        self._accept.join(5)
        for thread in self._threads:
            thread.join(5)
        self._sock.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                seen = self._read(conn)
                self.seen.append(seen)
                route = self.routes.get(
                    (seen.method, seen.path), lambda _: answer(404, {"detail": "Not Found"})
                )
                for part in route(seen):
                    if isinstance(part, Pause):
                        if self.stop.wait(part.seconds):
                            return
                    else:
                        conn.sendall(part)
            except OSError:  # the client gave up (what these tests want), or never finished asking
                return

    @staticmethod
    def _read(conn: socket.socket) -> Seen:
        data = b""
        while b"\r\n\r\n" not in data:
            piece = conn.recv(65536)
            if not piece:
                raise ConnectionError("closed before the headers")
            data += piece
        header, body = data.split(b"\r\n\r\n", 1)
        lines = header.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = int({k.lower(): v for k, v in fields.items()}.get("content-length", "0"))
        while len(body) < length:
            body += conn.recv(65536)
        parts = urlsplit(target)
        return Seen(method, parts.path, parse_qs(parts.query), body)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    hostile = HostileServer()
    yield hostile
    hostile.close()


def client_for(server: HostileServer, **settings: Any) -> WxoClient:
    options: dict[str, Any] = {"url": server.url, "token": TOKEN, **settings}
    return WxoClient(ConnectionSettings(**options), sleep=lambda _seconds: None)


@pytest.fixture
def runtime(server: HostileServer) -> Iterator[Callable[..., Runtime]]:
    made: list[Runtime] = []

    def make(**config: str) -> Runtime:
        rt = Runtime()
        values = {"wxo:url": server.url, "wxo:token": TOKEN, "wxo:timeout": "0.5", **config}
        rt.configure(values.get, {})
        rt.sleep = lambda _seconds: None
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.reset()


MODEL = {"name": NAME, "provider_config": {"api_key": MODEL_KEY}}


def stored(**fields: Any) -> dict[str, Any]:
    return {"id": "m-1", "name": NAME, "model_type": "chat", **fields}


# ------------------------------------------------------------------ 8: slow and endless bodies


def test_a_status_line_dripped_forever_ends_at_wxo_timeout(server: HostileServer) -> None:
    server.on("GET", "/v1/models", lambda _: drip_status_line())
    with (
        client_for(server, timeout=0.5, max_retries=0) as client,
        pytest.raises(RetriesExhaustedError) as info,
    ):
        client.models.list()
    last = info.value.last
    assert isinstance(last, DeadlineExceededError)
    assert (last.setting, last.seconds, last.method, last.path) == ("wxo:timeout", 0.5, "GET", "/v1/models")
    assert "GET /v1/models got no complete answer within wxo:timeout (0.5s" in str(info.value)


def test_a_dripped_body_is_cut_and_wxo_max_retry_time_bounds_the_attempts_in_flight(
    server: HostileServer,
) -> None:
    server.on("GET", "/v1/models", lambda _: drip_body())
    client = client_for(server, timeout=0.4, max_retry_time=1.0, max_retries=20)
    with client, pytest.raises(RetriesExhaustedError) as info:
        client.models.list()
    assert "wxo:maxRetryTime" in str(info.value)
    assert 2 <= len(server.requests("GET")) <= 4  # about 1 s of 0.4 s attempts, not 20 of them


def test_an_endless_chunked_body_stops_at_wxo_max_response_bytes(server: HostileServer) -> None:
    server.on("GET", "/v1/models", lambda _: endless_chunked())
    with (
        client_for(server, max_response_bytes=1024 * 1024) as client,
        pytest.raises(ResponseTooLargeError) as info,
    ):
        client.models.list()
    assert str(info.value).startswith(
        "list models: GET /v1/models sent more, past wxo:maxResponseBytes (1048576"
    )
    assert len(server.requests()) == 1  # a huge answer is not asked for again


def test_the_default_cap_is_16_mib(server: HostileServer) -> None:
    server.on("GET", "/v1/models", lambda _: endless_chunked())
    with client_for(server) as client, pytest.raises(ResponseTooLargeError) as info:
        client.models.list()
    assert info.value.limit == 16 * 1024 * 1024


def test_an_announced_100_mb_body_is_refused_before_it_is_read(server: HostileServer) -> None:
    server.on("GET", "/v1/models", lambda _: announce_and_stall())
    with client_for(server, timeout=5) as client, pytest.raises(ResponseTooLargeError) as info:
        client.models.list()
    assert info.value.announced == 100 * 1024 * 1024  # refused at the headers, not after 5 s of stall


def test_a_dripping_token_service_ends_at_wxo_timeout(server: HostileServer) -> None:
    server.on("POST", "/identity/token", lambda _: drip_status_line())
    settings = {"token": None, "api_key": "hostile-test-KEY-1", "auth_type": "ibm_iam", "iam_url": server.url}
    with client_for(server, timeout=0.3, **settings) as client, pytest.raises(AuthError) as info:
        client.models.list()
    assert "POST /identity/token got no complete answer within wxo:timeout (0.3s" in str(info.value)
    assert len(server.requests("POST")) == 3  # the token exchange's three attempts, each cut
    assert server.requests("GET") == []


def test_an_endless_token_answer_stops_at_the_cap(server: HostileServer) -> None:
    server.on("POST", "/identity/token", lambda _: endless_chunked())
    settings = {"token": None, "api_key": "hostile-test-KEY-2", "auth_type": "ibm_iam", "iam_url": server.url}
    with (
        client_for(server, max_response_bytes=1024 * 1024, **settings) as client,
        pytest.raises(AuthError) as info,
    ):
        client.models.list()
    assert "POST /identity/token sent more, past wxo:maxResponseBytes" in str(info.value)
    assert "hostile-test-KEY-2" not in str(info.value)


def test_a_slow_read_through_the_lifecycle_names_the_setting(
    server: HostileServer, runtime: Callable[..., Runtime]
) -> None:
    server.on("GET", "/v1/models", lambda _: drip_body())
    with pytest.raises(RetriesExhaustedError) as info:
        ModelLifecycle(runtime(**{"wxo:maxRetries": "0"})).read("m-1", {"name": NAME})
    assert str(info.value).startswith(f"read model '{NAME}': ")
    assert "within wxo:timeout (0.5s" in str(info.value)


def test_a_huge_lookup_during_create_names_the_setting(
    server: HostileServer, runtime: Callable[..., Runtime]
) -> None:
    server.on("GET", "/v1/models", lambda _: endless_chunked())
    with pytest.raises(ResponseTooLargeError) as info:
        ModelLifecycle(runtime(**{"wxo:maxResponseBytes": "65536"})).create(MODEL)
    assert str(info.value).startswith(f"find model '{NAME}': GET /v1/models sent more")
    assert server.requests("POST") == []


# ------------------------------------------------------------------ 10: malformed objects, ids


def test_adopting_an_object_without_an_id(server: HostileServer, runtime: Callable[..., Runtime]) -> None:
    server.on("GET", "/v1/models", lambda _: answer(200, [{"name": NAME, "display_name": "no id"}]))
    with pytest.raises(ServerObjectError) as info:
        ModelLifecycle(runtime()).create({**MODEL, "adopt": True})
    assert (info.value.kind, info.value.name, info.value.field) == ("model", NAME, "id")
    assert server.requests("PUT") == []


@pytest.mark.parametrize(("field", "value"), [("tags", 5), ("config", "abc"), ("provider_config", [1])])
def test_reading_a_malformed_model(
    server: HostileServer, runtime: Callable[..., Runtime], field: str, value: Any
) -> None:
    server.on("GET", "/v1/models", lambda _: answer(200, [stored(**{field: value})]))
    with pytest.raises(ServerObjectError) as info:
        ModelLifecycle(runtime()).read("m-1", {"name": NAME, "provider_config": {"api_key": MODEL_KEY}})
    assert (info.value.kind, info.value.name, info.value.field) == ("model", NAME, field)
    assert MODEL_KEY not in str(info.value)


@pytest.mark.parametrize("bad_id", [".", "..", "a/b", ""])
def test_deleting_by_an_unusable_id_sends_nothing(
    server: HostileServer, runtime: Callable[..., Runtime], bad_id: str
) -> None:
    server.on("GET", "/v1/model_policy", lambda _: answer(200, []))
    with pytest.raises(ServerObjectError) as info:
        ModelLifecycle(runtime()).delete(bad_id, {"name": NAME})
    assert info.value.field == "id"
    assert server.requests("DELETE") == []  # ".." would have reached /v1/ and "counted as deleted"
    with pytest.raises(ServerObjectError):
        PolicyLifecycle(runtime()).delete(bad_id, {"name": POLICY})
    assert server.requests("DELETE") == []


def test_a_created_object_with_a_dot_id_never_reaches_state(
    server: HostileServer, runtime: Callable[..., Runtime]
) -> None:
    listed = iter([[], [{"name": NAME, "id": ".."}]])
    server.on("GET", "/v1/models", lambda _: answer(200, next(listed, [{"name": NAME, "id": ".."}])))
    server.on("POST", "/v1/models", lambda _: answer(201, {"id": ".."}))
    with pytest.raises(ServerObjectError) as info:
        ModelLifecycle(runtime()).create(MODEL)
    assert (info.value.field, info.value.kind) == ("id", "model")
    assert "a dot segment" in str(info.value)


def test_reading_a_malformed_policy(server: HostileServer, runtime: Callable[..., Runtime]) -> None:
    server.on(
        "GET", "/v1/model_policy", lambda _: answer(200, [{"id": "p-1", "name": POLICY, "policy": "abc"}])
    )
    with pytest.raises(ServerObjectError) as info:
        PolicyLifecycle(runtime()).read("p-1", {"name": POLICY})
    assert (info.value.kind, info.value.name, info.value.field) == ("policy", POLICY, "policy")


def test_a_malformed_policy_blocks_a_model_delete_by_name(
    server: HostileServer, runtime: Callable[..., Runtime]
) -> None:
    broken = {"id": "p-1", "name": POLICY, "policy": {"targets": 5}}
    server.on("GET", "/v1/model_policy", lambda _: answer(200, [broken]))
    server.on("GET", "/v1/models", lambda _: answer(200, [{"id": "m-1", "name": NAME}]))
    with pytest.raises(ServerObjectError) as info:
        ModelLifecycle(runtime()).delete("m-1", {"name": NAME})
    assert str(info.value).startswith(f"delete model '{NAME}': the server's policy '{POLICY}'")
    assert info.value.field == "policy.targets"
    assert "force_delete=True" in str(info.value)
    assert server.requests("DELETE") == []


# ------------------------------------------------------------------ a gateway's 404 (api/listing.py)

PAGE = b"<html><head><title>404</title></head><body>Down for maintenance</body></html>"


def html_404(_: Seen) -> Reply:
    return [head(404, Content_Type="text/html", Content_Length=str(len(PAGE))), PAGE]


def test_a_gateway_page_on_every_request_is_no_empty_list(
    server: HostileServer, runtime: Callable[..., Runtime]
) -> None:
    for method in ("GET", "DELETE"):
        for path in ("/v1/models", "/v1/models/m-1", "/v1/model_policy", "/v1/model_policy/p-1"):
            server.on(method, path, html_404)
    models, policies = ModelLifecycle(runtime()), PolicyLifecycle(runtime())
    forced = {"name": NAME, "force_delete": True}
    for action, call in [
        ("list models: HTTP 404", lambda: models.read("m-1", {"name": NAME})),
        ("list policies: HTTP 404", lambda: policies.read("p-1", {"name": POLICY})),
        # delete reads the object at the state's id first (lifecycle/ownership.py): that read stops
        ("list models: HTTP 404", lambda: models.delete("m-1", forced)),
        ("list policies: HTTP 404", lambda: policies.delete("p-1", {"name": POLICY})),
    ]:
        with pytest.raises(ApiError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"{action}: the answer is an HTML page, not the API's"), message
        assert "nothing was changed in the state" in message and "<html>" not in message


def test_a_json_404_on_every_list_does_not_show_a_model_gone(
    server: HostileServer, runtime: Callable[..., Runtime]
) -> None:
    # The default route: 404 {"detail": "Not Found"} for everything, as a JSON-speaking gateway.
    with pytest.raises(ApiError) as info:
        ModelLifecycle(runtime()).read("m-1", {"name": NAME})
    assert "GET /v1/models?id=m-1 answered 404, and so did the whole collection" in str(info.value)
    with pytest.raises(ApiError) as info:
        ModelLifecycle(runtime()).delete("m-1", {"name": NAME, "force_delete": True})
    # delete reads the object at the state's id first (lifecycle/ownership.py): that read stops
    assert "GET /v1/models?id=m-1 answered 404, and so did the whole collection" in str(info.value)
    assert server.requests("DELETE") == []
