"""Deadlines: the call budget, one exchange's clock, and the network layer that enforces them."""

from __future__ import annotations

import threading
from typing import Any

import httpcore
import httpx
import pytest

from pulumi_wxo.api.deadline import (
    CallBudget,
    Deadline,
    _DeadlineBackend,
    current_deadline,
    deadline_scope,
    install_deadlines,
)
from pulumi_wxo.api.http import new_http_client
from pulumi_wxo.api.settings import ConnectionSettings
from tests.support.fakes import CLOUD, NOW, TOKEN, FakeClock

pytestmark = pytest.mark.unit


def test_the_call_budget_is_the_longer_of_timeout_and_max_retry_time() -> None:
    clock = FakeClock()
    assert CallBudget.start(clock=clock, timeout=2, max_retry_time=10) == CallBudget(NOW + 10, 10)
    # wxo:maxRetryTime 0 still leaves the first attempt its whole wxo:timeout.
    assert CallBudget.start(clock=clock, timeout=30, max_retry_time=0) == CallBudget(NOW + 30, 30)
    outer = CallBudget(NOW + 5, 10)
    assert CallBudget(NOW + 30, 30).within(outer) is outer  # a mint inside a call ends with it
    assert CallBudget(NOW + 3, 3).within(outer) == CallBudget(NOW + 3, 3)
    assert CallBudget(NOW + 3, 3).within(None) == CallBudget(NOW + 3, 3)


def test_an_exchange_ends_at_its_timeout_or_the_call_end_whichever_is_first() -> None:
    clock = FakeClock()
    own = Deadline(clock, 2.0)
    assert (own.remaining(), own.setting()) == (2.0, ("wxo:timeout", 2.0))
    capped = Deadline(clock, 5.0, CallBudget(NOW + 3, 10))
    assert (capped.remaining(), capped.setting()) == (3.0, ("wxo:maxRetryTime", 10))
    tie = Deadline(clock, 3.0, CallBudget(NOW + 3, 10))
    assert tie.setting() == ("wxo:timeout", 3.0)  # a tie names the setting of the exchange
    clock.now += 2.5
    assert own.expired() and not capped.expired()
    own.restart()  # the resend after a token refresh is a new exchange
    assert own.remaining() == 2.0
    assert capped.request_timeout() == httpx.Timeout(0.5)  # pool waits and reads: what is left


def test_the_running_deadline_is_per_thread_and_restored_after_its_scope() -> None:
    clock = FakeClock()
    outer, inner = Deadline(clock, 30.0), Deadline(clock, 2.0)
    seen: list[Deadline | None] = []
    with deadline_scope(outer):
        with deadline_scope(inner):
            assert current_deadline() is inner
            worker = threading.Thread(target=lambda: seen.append(current_deadline()))
            worker.start()
            worker.join()
        assert current_deadline() is outer
    assert current_deadline() is None
    assert seen == [None]  # the engine's concurrent calls do not share deadlines


class FakeStream(httpcore.NetworkStream):
    def __init__(self, log: list[tuple[str, float | None]]) -> None:
        self.log = log

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.log.append(("read", timeout))
        return b"x"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.log.append(("write", timeout))

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        self.log.append(("tls", timeout))
        return self


class FakeBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.log: list[tuple[str, float | None]] = []

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, *_: Any
    ) -> httpcore.NetworkStream:
        self.log.append(("connect", timeout))
        return FakeStream(self.log)


def test_every_socket_operation_waits_at_most_until_the_deadline() -> None:
    clock = FakeClock()
    inner = FakeBackend()
    backend = _DeadlineBackend(inner)
    stream = backend.connect_tcp("wxo.example.com", 443, timeout=None)  # no exchange running: as given
    with deadline_scope(Deadline(clock, 2.0)):
        stream = backend.connect_tcp("wxo.example.com", 443, timeout=30.0)
        stream = stream.start_tls(None, "wxo.example.com", timeout=30.0)
        clock.now += 1.5
        stream.write(b"GET / HTTP/1.1\r\n\r\n", timeout=30.0)
        assert stream.read(65536, timeout=30.0) == b"x"
        clock.now += 0.5
        with pytest.raises(httpcore.ReadTimeout):  # nothing left: not even one more read
            stream.read(65536, timeout=30.0)
    assert inner.log == [("connect", None), ("connect", 2.0), ("tls", 2.0), ("write", 0.5), ("read", 0.5)]


def test_every_pool_of_a_real_client_gets_the_deadline_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    # install_deadlines reaches into httpx (Client._transport/_mounts, ConnectionPool._network_backend):
    # this fails if an httpx release moves them, instead of silently losing the deadline.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings = ConnectionSettings(url=CLOUD, token=TOKEN)
    with new_http_client(settings) as http:
        assert install_deadlines(http) == 1
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert isinstance(pool._network_backend, _DeadlineBackend)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    with new_http_client(settings) as proxied:
        assert install_deadlines(proxied) == 2  # the default pool and the proxy's
    mock = httpx.MockTransport(lambda request: httpx.Response(200))
    with new_http_client(settings, transport=mock) as injected:
        assert install_deadlines(injected) == 0  # no pool: the body reader keeps the deadline
