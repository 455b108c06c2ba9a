"""Wall-clock deadlines for HTTP exchanges: one per request, one per call (docs/guide/client.md, "Limits").

httpx's timeouts apply to each socket operation: a server that sends one byte a second never
trips a 2 s read timeout, and holds a request for as long as it likes. Here, every exchange
runs under a :class:`Deadline`: ``wxo:timeout`` from its start (connect to last body byte),
and never past the call's own end (``max(wxo:timeout, wxo:maxRetryTime)`` from the first
attempt, so ``wxo:maxRetryTime`` bounds attempts in flight, not only the waits between them).

The deadline of the running exchange sits in a context variable (one per thread, so the
engine's concurrent calls do not mix), and is enforced in two places:

* the network layer: :func:`install_deadlines` wraps the network backend of each connection
  pool of an ``httpx.Client``, so every connect, TLS handshake, write and read (headers
  included) waits at most until the deadline;
* the body reader (:mod:`pulumi_wxo.api.body`), which checks it after every chunk, on the
  injected clock (the unit tests use a fake clock over ``httpx.MockTransport``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

__all__ = ["CallBudget", "Deadline", "current_deadline", "deadline_scope", "install_deadlines"]

TIMEOUT_SETTING = "wxo:timeout"
CALL_SETTING = "wxo:maxRetryTime"


@dataclass(frozen=True)
class CallBudget:
    """The end of one call (all its attempts and waits), on the call's clock."""

    ends_at: float
    seconds: float

    @classmethod
    def start(cls, *, clock: Callable[[], float], timeout: float, max_retry_time: float) -> CallBudget:
        # The first attempt always has its whole wxo:timeout, whatever wxo:maxRetryTime says.
        seconds = max(timeout, max_retry_time)
        return cls(ends_at=clock() + seconds, seconds=seconds)

    def within(self, outer: CallBudget | None) -> CallBudget:
        """This budget, ending no later than ``outer`` (a token exchange inside an API call)."""
        if outer is None or outer.ends_at >= self.ends_at:
            return self
        return outer


@dataclass
class Deadline:
    """The deadline of one HTTP exchange: ``timeout`` seconds from ``started``, capped by ``call``."""

    clock: Callable[[], float]
    timeout: float
    call: CallBudget | None = None
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def ends_at(self) -> float:
        own = self.started + self.timeout
        return own if self.call is None else min(own, self.call.ends_at)

    def remaining(self) -> float:
        return self.ends_at() - self.clock()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def setting(self) -> tuple[str, float]:
        """The setting that ends this exchange first, and its value (ties: wxo:timeout)."""
        if self.call is not None and self.call.ends_at < self.started + self.timeout:
            return CALL_SETTING, self.call.seconds
        return TIMEOUT_SETTING, self.timeout

    def restart(self) -> None:
        """Start the exchange's own clock again (the resend after a token refresh is a new one)."""
        self.started = self.clock()

    def request_timeout(self) -> httpx.Timeout:
        """httpx's per-operation timeouts, none longer than what is left (pool waits included)."""
        return httpx.Timeout(max(0.001, min(self.timeout, self.remaining())))


_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("wxo_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the exchange running in this thread, if any."""
    return _CURRENT.get()


@contextmanager
def deadline_scope(deadline: Deadline) -> Iterator[Deadline]:
    """Run an exchange under ``deadline``; the previous one (if any) is restored after."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what the running exchange has left; ``error`` once nothing is."""
    deadline = _CURRENT.get()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        raise error("the exchange's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation waits no longer than the running exchange's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout=_clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout=_clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, with each connection wrapped in a :class:`_DeadlineStream`."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_tcp(
            host, port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_unix_socket(
            path, _clamp(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def install_deadlines(client: httpx.Client) -> int:
    """Wrap the network backend of every connection pool of ``client``; the number wrapped.

    httpx offers no public hook for the network backend, so this reaches the pools through
    ``Client._transport`` / ``_mounts`` (env proxies) and ``ConnectionPool._network_backend``
    (httpx 0.28, httpcore 1.x, pinned in pyproject.toml). An injected transport (tests'
    ``MockTransport``) has no pool and is left alone; the body reader still enforces the
    deadline there. ``tests/unit/api/test_deadline.py`` fails if httpx moves these.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    wrapped = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
            wrapped += 1
        elif isinstance(backend, _DeadlineBackend):
            wrapped += 1
    return wrapped
