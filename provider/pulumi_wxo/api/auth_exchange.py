"""Calls to the token services (IAM, MCSP, CPD, the Developer Edition's login), with retries.

Minting a token changes nothing on the server, so a failed exchange is retried on transport
errors, 429 and 5xx under :data:`~pulumi_wxo.api.retry.TOKEN_EXCHANGE_POLICY` (3 attempts,
waits of 0.5 s and 1 s). Every failure becomes an :class:`~pulumi_wxo.api.errors.AuthError`
naming the flow and the endpoint, never the credential.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from pulumi_wxo.api.errors import AuthError, parse_detail
from pulumi_wxo.api.http import is_tls_error, json_or_none, new_http_client
from pulumi_wxo.api.redaction import logger, redact
from pulumi_wxo.api.retry import TOKEN_EXCHANGE_POLICY, RetryPolicy
from pulumi_wxo.api.settings import ConnectionSettings

__all__ = ["CHECK_CREDENTIALS", "TokenExchange"]

CHECK_CREDENTIALS = "check wxo:apiKey / wxo:token"
_TLS_HINT = "set wxo:caBundle to the CA bundle that signs the server's certificate"


class TokenExchange:
    """Token-service requests over their own ``httpx.Client`` (the API's TLS settings and transport).

    Not locked itself: :class:`~pulumi_wxo.api.auth.WxoAuth` calls it only while holding its
    token-cache lock, so one exchange runs at a time per connection.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        policy: RetryPolicy = TOKEN_EXCHANGE_POLICY,
    ) -> None:
        self._settings = settings
        self._transport = transport
        self._clock = clock
        self._sleep = sleep
        self.policy = policy
        self._http: httpx.Client | None = None

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _client(self) -> httpx.Client:
        if self._http is None:  # created on the first exchange: a bearer token never needs one
            self._http = new_http_client(self._settings, transport=self._transport)
        return self._http

    def request(
        self,
        flow: str,
        method: str,
        url: str,
        *,
        params: Any = None,
        data: dict[str, str] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One token-service call, retried on transport errors, 429 and 5xx; 2xx or AuthError."""
        client = self._client()
        run = self.policy.start(clock=self._clock)
        attempt = 0
        while True:
            attempt += 1
            started = self._clock()
            error: AuthError
            retryable: bool
            try:
                response = client.request(method, url, params=params, data=data, json=json, headers=headers)
            except httpx.TransportError as exc:
                tls = is_tls_error(exc)
                error = AuthError(
                    flow=flow,
                    reason=f"could not reach {method} {url}: {redact(str(exc)) or type(exc).__name__}",
                    endpoint=url,
                    hint=_TLS_HINT if tls else "check wxo:iamUrl and the network",
                )
                retryable, retry_reason = not tls, type(exc).__name__
            else:
                logger.debug(
                    "%s %s -> %d in %.2fs (token exchange, attempt %d)",
                    method,
                    url,
                    response.status_code,
                    self._clock() - started,
                    attempt,
                )
                if response.is_success:
                    return response
                status = response.status_code
                detail, _ = parse_detail(response.text)
                error = AuthError(
                    flow=flow,
                    reason=f"token exchange {method} {url} answered HTTP {status}"
                    + (f": {detail}" if detail else ""),
                    status=status,
                    endpoint=url,
                    hint=CHECK_CREDENTIALS if status < 500 else "try again later",
                )
                retryable, retry_reason = self.policy.retries_status(status), f"HTTP {status}"
            delay = run.next_delay(attempt) if retryable else None
            if delay is None:
                # "from None": the reason carries the redacted text; a chained original would not.
                raise error from None
            logger.warning(
                "retrying token exchange %s %s after %s in %.1fs (attempt %d of %d)",
                method,
                url,
                retry_reason,
                delay,
                attempt + 1,
                self.policy.max_attempts,
            )
            self._sleep(delay)

    @staticmethod
    def token_field(flow: str, url: str, response: httpx.Response, name: str) -> str:
        """The token under ``name`` in a JSON answer, or an AuthError saying it is missing."""
        body = json_or_none(response)
        value = body.get(name) if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise AuthError(
                flow=flow,
                reason=f"token exchange {response.request.method} {url} answered without {name!r}",
                status=response.status_code,
                endpoint=url,
                hint="check wxo:iamUrl and wxo:authType",
            )
        return value
