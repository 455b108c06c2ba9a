"""Fakes shared by the api/ unit tests: a clock, a random source, MockTransport handlers, JWTs.

No sockets and no sleeps: the clock only moves when a test (or an injected ``sleep``) moves it.
"""

from __future__ import annotations

import base64
import json
import random
import ssl
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx

from pulumi_wxo.api.auth import WxoAuth, make_auth
from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.settings import ConnectionSettings
from tests.support.emulator import EMULATOR_TOKEN as TOKEN

NOW = 1_700_000_000.0
CLOUD = "https://api.us-south.watson-orchestrate.cloud.ibm.com/instances/inst-1"
REMOTE = CLOUD
LOCAL = "http://localhost:4321"
KEY = "sk-test-SECRET-1234"
IAM_TOKEN_URL = "https://iam.cloud.ibm.com/identity/token"
NAME = "virtual-model/openai/gpt-4o"
MODELS = "/instances/inst-1/v1/orchestrate/models"

Handler = Callable[[httpx.Request], httpx.Response]
Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def jwt(*, exp: float | None = None, iat: float | None = None, sub: str = "user") -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    claims: dict[str, Any] = {"sub": sub}
    if exp is not None:
        claims["exp"] = exp
    if iat is not None:
        claims["iat"] = iat
    return f"{part({'alg': 'HS256'})}.{part(claims)}.sig"


class FakeClock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class MaxRng(random.Random):
    """Full jitter always at its ceiling: makes backoff sleeps exact."""

    def uniform(self, a: float, b: float) -> float:
        return b


class Api:
    """MockTransport handler answering from a queue (the last reply repeats)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [httpx.Response(200, json=[])]
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
            reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        # A Response can be returned once only (its stream is consumed): hand out copies.
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    @property
    def request(self) -> httpx.Request:
        assert len(self.requests) == 1, [str(r.url) for r in self.requests]
        return self.requests[0]


class Server:
    """A MockTransport handler: token endpoints by (method, host+path), everything else = API."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], list[httpx.Response | Exception] | Handler] = {}
        self.api: Handler = lambda request: httpx.Response(200, json=[])
        self.lock = threading.Lock()

    def on(self, method: str, url: str, *responses: httpx.Response | Exception) -> None:
        self.routes[(method, url)] = list(responses)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        # Keep a snapshot: httpx reuses the Request object (new headers) when resending after a 401.
        snapshot = httpx.Request(
            request.method, request.url, headers=request.headers.copy(), content=request.read()
        )
        with self.lock:
            self.requests.append(snapshot)
        key = (request.method, str(request.url).split("?")[0])
        route = self.routes.get(key)
        if route is None:
            return self.api(request)
        if callable(route):
            return route(request)
        with self.lock:
            item = route.pop(0) if len(route) > 1 else route[0]
        if isinstance(item, Exception):
            raise item
        return item

    def to(self, url_prefix: str) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url).startswith(url_prefix)]


def granted(*tokens: str) -> list[httpx.Response]:
    """A token endpoint's answers that grant ``tokens``, one per exchange."""
    return [httpx.Response(200, json={"access_token": token}) for token in tokens]


def iam_server(*answers: httpx.Response | Exception) -> Server:
    """A Server whose ibm_iam token endpoint gives ``answers`` in turn (the last one from then on)."""
    server = Server()
    server.on("POST", IAM_TOKEN_URL, *answers)
    return server


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


def make_client(
    api: Api,
    *,
    url: str = REMOTE,
    clock: FakeClock | None = None,
    rng: random.Random | None = None,
    **kwargs: Any,
) -> tuple[WxoClient, FakeClock]:
    """A WxoClient (bearer TOKEN unless told) over ``api``, on a fake clock, seeded jitter."""
    clock = clock or FakeClock()
    settings = ConnectionSettings(url=url, **({"token": TOKEN} | kwargs))
    client = WxoClient(
        settings,
        transport=httpx.MockTransport(api),
        clock=clock,
        sleep=clock.sleep,
        rng=rng if rng is not None else random.Random(7),
    )
    return client, clock


def make_auth_http(
    server: Server, clock: FakeClock | None = None, **kwargs: Any
) -> tuple[WxoAuth, httpx.Client, FakeClock]:
    """A WxoAuth for ``ConnectionSettings(**kwargs)`` and an httpx.Client using it, over ``server``."""
    clock = clock or FakeClock()
    settings = ConnectionSettings(**kwargs)
    transport = httpx.MockTransport(server)
    auth = make_auth(settings, transport=transport, clock=clock, sleep=clock.sleep)
    return auth, httpx.Client(auth=auth, transport=transport), clock


# ------------------------------------------------------------------ hostile bodies (no sockets)


class Drip(httpx.SyncByteStream):
    """A body sent one byte per ``every`` seconds of the fake clock: a slow-drip server."""

    def __init__(self, clock: FakeClock, body: bytes, every: float = 1.0) -> None:
        self.clock = clock
        self.body = body
        self.every = every
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for byte in self.body:
            self.clock.now += self.every
            self.sent += 1
            yield bytes([byte])


class Endless(httpx.SyncByteStream):
    """A body of ``chunk``-sized pieces, ``total`` bytes at most (far past any cap): counts pulls."""

    def __init__(self, chunk: int = 64 * 1024, total: int = 64 * 1024 * 1024) -> None:
        self.chunk = b"x" * chunk
        self.total = total
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        while self.pulled * len(self.chunk) < self.total:
            self.pulled += 1
            yield self.chunk


class Untouchable(httpx.SyncByteStream):
    """A body that must not be read (its Content-Length is already too much)."""

    def __iter__(self) -> Iterator[bytes]:
        raise AssertionError("the body was read")


def untrusted_certificate(request: httpx.Request) -> httpx.Response:
    """A MockTransport handler whose server's certificate does not verify (httpx's ConnectError
    from an ``ssl.SSLCertVerificationError``, as a real TLS handshake raises it)."""
    try:
        raise ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    except ssl.SSLError as exc:
        raise httpx.ConnectError("certificate verify failed", request=request) from exc
