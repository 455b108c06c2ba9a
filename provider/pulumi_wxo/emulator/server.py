"""Running the emulator: :func:`serve` (blocking) and :class:`EmulatorThread` (for tests).

``EmulatorThread`` follows httpx's own test server: uvicorn in a daemon thread on
``127.0.0.1`` and port 0, the bound port read back once uvicorn has started.

:class:`TLSFiles` serves HTTPS instead: the ADK CLI accepts a plain ``http://`` URL only for the
local Developer Edition, whose login it always sends to ``http://localhost:4321`` (api-contract
§7.3), so a remote-style environment of the CLI needs an ``https://`` emulator on any port.

Both refuse (:func:`check_bind`) to bind anything but loopback unless the settings say
``allow_remote`` (which needs a control token): the emulator holds secrets in clear.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpx
import uvicorn

from .app import create_app
from .control import EmulatorControl
from .guard import is_loopback
from .runtime import EmulatorSettings

__all__ = ["EmulatorThread", "TLSFiles", "check_bind", "serve"]


@dataclass(frozen=True)
class TLSFiles:
    """PEM files to serve HTTPS with: the certificate chain and its key, and optionally the CA
    that clients should trust (the control client of :class:`EmulatorThread` verifies with it)."""

    certfile: str
    keyfile: str
    cafile: str | None = None


def check_bind(host: str, settings: EmulatorSettings) -> None:
    """``ValueError`` when ``host`` is not a loopback name or address and ``settings`` do not
    allow remote access (``allow_remote``, which itself needs a ``control_token``)."""
    if not is_loopback(host) and not settings.allow_remote:
        raise ValueError(
            f"--host {host or '(all interfaces)'} is not loopback: other machines could read the "
            "emulator's secrets and wipe it. Pass --allow-remote with --control-token to mean it "
            "(EmulatorSettings(allow_remote=True, control_token=...) in Python)"
        )


def _url(host: str, port: int, scheme: str = "http") -> str:
    """A URL this machine can open for a socket bound to ``host``: the wildcard address is
    reached on loopback (also so that its ``Host`` header is one the guard accepts)."""
    if host in ("0.0.0.0", ""):  # noqa: S104 - recognising the wildcard, not binding to it
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


class _Server(uvicorn.Server):
    """uvicorn server that reports its bound URL once it is listening."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None] | None = None) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self._scheme = "https" if config.ssl_certfile else "http"

    def bound_url(self) -> str:
        sockets = self.servers[0].sockets if self.servers else ()
        host, port = sockets[0].getsockname()[:2]
        return _url(str(host), int(port), self._scheme)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self._on_ready is not None:
            self._on_ready(self.bound_url())


def _config(
    settings: EmulatorSettings, host: str, port: int, log_level: str, tls: TLSFiles | None = None
) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        access_log=log_level in ("debug", "info"),
        loop="asyncio",
        http="h11",
        ws="none",
        lifespan="on",
        ssl_certfile=tls.certfile if tls else None,
        ssl_keyfile=tls.keyfile if tls else None,
    )


def serve(
    host: str = "127.0.0.1",
    port: int = 4321,
    settings: EmulatorSettings | None = None,
    *,
    log_level: str = "warning",
    on_ready: Callable[[str], None] | None = None,
    tls: TLSFiles | None = None,
    also_ports: tuple[int, ...] = (),
) -> None:
    """Serve the emulator until interrupted. ``on_ready(url)`` runs once it listens (port 0 works).

    With ``tls`` it serves HTTPS (and ``url`` starts with ``https://``). ``also_ports``: the same
    emulator on more ports of ``host``, e.g. 3001, where the ADK CLI looks for the connections of
    a local Developer Edition (api-contract §12.4); ``url`` names the first port.

    ``ValueError`` (see :func:`check_bind`) for a non-loopback ``host`` without ``allow_remote``.
    """
    settings = settings or EmulatorSettings()
    check_bind(host, settings)
    server = _Server(_config(settings, host, port, log_level, tls), on_ready)
    if not also_ports:
        server.run()
        return
    sockets: list[socket.socket] = []
    try:
        for each in (port, *also_ports):
            sockets.append(_listen(host, each))  # a busy port: OSError, the others closed below
        server.run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


class EmulatorThread:
    """The emulator on ``127.0.0.1`` and a free port, in a daemon thread.

    Use as a context manager (or ``start()``/``stop()``). ``url`` is ``http://127.0.0.1:PORT``,
    ``control`` an :class:`EmulatorControl` for it (with the settings' control token).
    Another ``host`` than loopback needs ``allow_remote`` in the settings (:func:`check_bind`).
    With ``tls`` it serves HTTPS; ``control`` then trusts ``tls.cafile``.
    """

    def __init__(
        self,
        settings: EmulatorSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 10.0,
        tls: TLSFiles | None = None,
    ) -> None:
        self.settings = settings or EmulatorSettings()
        self._tls = tls
        check_bind(host, self.settings)
        self._host = host
        self._port = port
        self._startup_timeout = startup_timeout
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self._control: EmulatorControl | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("EmulatorThread is not running")
        return self._url

    @property
    def control(self) -> EmulatorControl:
        if self._control is None:
            raise RuntimeError("EmulatorThread is not running")
        return self._control

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("EmulatorThread is already running")
        server = _Server(_config(self.settings, self._host, self._port, "warning", self._tls))
        thread = threading.Thread(target=server.run, name="wxo-emulator", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        self._url = server.bound_url()
        verify: ssl.SSLContext | bool = True
        if self._tls is not None and self._tls.cafile is not None:
            verify = ssl.create_default_context(cafile=self._tls.cafile)
        self._control = EmulatorControl(self._url, control_token=self.settings.control_token, verify=verify)
        self._wait_healthy(deadline)
        return self

    def _wait_healthy(self, deadline: float) -> None:
        while True:
            try:
                self.control.health()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.01)

    def stop(self) -> None:
        """Stop uvicorn (which closes the database) and wait for the thread."""
        if self._control is not None:
            self._control.close()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None
        self._url = None
        self._control = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
