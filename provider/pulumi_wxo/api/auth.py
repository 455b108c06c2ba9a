"""Token auth for the Orchestrate API, as an ``httpx.Auth``.

One :class:`WxoAuth` per connection: it mints a token with the flow chosen by
:func:`~pulumi_wxo.api.settings.resolved_auth_type` (the flows are in
:mod:`pulumi_wxo.api.auth_flows`, api-contract §7.2 gives the wire shapes), caches it, refreshes it
before it expires (:mod:`pulumi_wxo.api.auth_tokens`), and answers one HTTP 401 with a fresh
token and a single resend. Token-service calls and their retries are in
:mod:`pulumi_wxo.api.auth_exchange`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator

import httpx

from pulumi_wxo.api.auth_exchange import TokenExchange, flow_credentials_hint
from pulumi_wxo.api.auth_flows import McspFlow, make_flow
from pulumi_wxo.api.auth_tokens import Token, token_refresh_at
from pulumi_wxo.api.body import read_body
from pulumi_wxo.api.deadline import current_deadline
from pulumi_wxo.api.errors import AuthError, parse_detail
from pulumi_wxo.api.redaction import logger, register_secret
from pulumi_wxo.api.settings import AuthType, ConnectionSettings, resolved_auth_type

__all__ = ["WxoAuth", "make_auth"]


class WxoAuth(httpx.Auth):
    """Bearer-token auth for every API request, minting and refreshing tokens as needed.

    Thread-safe: the provider engine runs up to 4 calls at once (docs/guide/client.md), all sharing one
    object; a lock around the token cache ensures one exchange per expiry, not one per thread.
    Token exchanges use their own ``httpx.Client`` with the API's TLS settings and transport.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.flow: AuthType = resolved_auth_type(settings)
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._exchange = TokenExchange(settings, transport=transport, clock=clock, sleep=sleep)
        self._flow = make_flow(self.flow, settings, self._exchange)
        self._token: Token | None = None
        if self.flow == "bearer":
            assert settings.token  # guaranteed by ConnectionSettings validation
            self._token = Token(settings.token, None)

    def __repr__(self) -> str:
        return f"WxoAuth(flow={self.flow!r}, url={self._settings.url!r})"

    @property
    def mcsp_variant(self) -> str | None:
        """For mcsp auth, the variant (``mcsp_v1``/``mcsp_v2``) that last minted a token."""
        return self._flow.variant if isinstance(self._flow, McspFlow) else None

    # ------------------------------------------------------------------ httpx.Auth

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # Token exchange is blocking I/O: only the sync flow below is supported.
        raise NotImplementedError("WxoAuth works with httpx.Client, not httpx.AsyncClient")

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._token_for_exchange()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        endpoint = f"{request.method} {request.url.path}"
        # Read the 401's body here, bounded: httpx would read it whole before a resend.
        detail = self._detail(response)
        if self.flow == "bearer":
            # A fixed token cannot be refreshed; resending it would only earn the same 401.
            raise AuthError(
                flow=self.flow,
                reason=f"the API rejected wxo:token (HTTP 401{detail})",
                status=401,
                endpoint=endpoint,
                hint=flow_credentials_hint(self._settings, self.flow),
            )
        logger.info("%s answered HTTP 401; fetching a new %s token and resending once", endpoint, self.flow)
        self.invalidate(token)
        token = self._token_for_exchange()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            raise AuthError(
                flow=self.flow,
                reason=f"the API rejected a freshly minted {self.flow} token "
                f"(HTTP 401{self._detail(response)})",
                status=401,
                endpoint=endpoint,
                hint=flow_credentials_hint(self._settings, self.flow),
            )

    def _token_for_exchange(self) -> str:
        """A token for the exchange about to be sent; its wxo:timeout starts after the mint."""
        token = self.token()
        deadline = current_deadline()
        if deadline is not None:
            deadline.restart()  # a mint has its own deadline (auth_exchange.py)
        return token

    def _detail(self, response: httpx.Response) -> str:
        read_body(response, max_bytes=self._settings.max_response_bytes)
        detail, _ = parse_detail(response.text)
        return f": {detail}" if detail else ""

    # ------------------------------------------------------------------ token cache

    def token(self) -> str:
        """A valid token, minting one if none is cached or the cached one is due for refresh."""
        with self._lock:
            current = self._token
            if current is None or (current.refresh_at is not None and self._clock() >= current.refresh_at):
                current = self._mint()
                self._token = current
            return current.value

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (after a 401) unless another thread already replaced it."""
        with self._lock:
            if self._token is not None and self._token.value == token and self.flow != "bearer":
                self._token = None

    def close(self) -> None:
        with self._lock:
            self._exchange.close()

    def _mint(self) -> Token:
        started = self._clock()
        value = self._flow.mint()
        register_secret(value)
        now = self._clock()
        refresh_at = token_refresh_at(value, now=now)
        logger.debug(
            "obtained a new %s token in %.2fs (%s)",
            self._flow.label,
            now - started,
            "no expiry" if refresh_at is None else f"refresh in {refresh_at - now:.0f}s",
        )
        return Token(value, refresh_at)


def make_auth(
    settings: ConnectionSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> WxoAuth:
    """The auth object for ``settings`` (one class covers every flow; see the module docstring)."""
    return WxoAuth(settings, transport=transport, clock=clock, sleep=sleep)
