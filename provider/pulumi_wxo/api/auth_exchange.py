"""Calls to the token services (IAM, MCSP, CPD, the Developer Edition's login), with retries.

Minting a token changes nothing on the server, so a failed exchange is retried on transport
errors, 429 and 5xx under :data:`~pulumi_wxo.api.retry.TOKEN_EXCHANGE_POLICY` (3 attempts,
waits of 0.5 s and 1 s). The API's limits apply (docs/guide/client.md, "Limits"): each exchange ends
within wxo:timeout, the attempts of one mint within max(wxo:timeout, wxo:maxRetryTime) (and
within the API call that needed the token), a body is read up to wxo:maxResponseBytes, and no
token endpoint is reached over plain http unless it is loopback or wxo:allowHttp is set.
Every failure becomes an :class:`~pulumi_wxo.api.errors.AuthError` naming the flow and the
endpoint, never the credential.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from typing import Any

import httpx

from pulumi_wxo.api.body import send_bounded
from pulumi_wxo.api.deadline import CALL_SETTING, CallBudget, Deadline, current_deadline
from pulumi_wxo.api.errors import (
    AuthError,
    DeadlineExceededError,
    TransportError,
    credentials_hint,
    parse_detail,
)
from pulumi_wxo.api.http import is_tls_error, json_or_none, new_http_client
from pulumi_wxo.api.redaction import logger, redact
from pulumi_wxo.api.retry import TOKEN_EXCHANGE_POLICY, RetryPolicy
from pulumi_wxo.api.settings import ConnectionSettings, check_plain_http, resolved_auth_type

__all__ = ["TokenExchange", "flow_credentials_hint"]

#: Far above any real token (IAM's are about 2 KB); headers past this are refused by servers anyway.
MAX_TOKEN_LENGTH = 16 * 1024
_TLS_HINT = "set wxo:caBundle to the CA bundle that signs the server's certificate"


def flow_credentials_hint(settings: ConnectionSettings, flow: str | None = None) -> str:
    """What to check when ``flow`` (default: the settings' flow) is refused: the settings it reads."""
    flow = flow or resolved_auth_type(settings)
    return credentials_hint(flow, cpd_api_key=bool(settings.api_key) if flow == "cpd" else None)


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
        settings = self._settings
        # The flows build every token URL (defaults, wxo:iamUrl, the CPD and local ones from
        # wxo:url): none is reached over plain http that wxo:url itself could not use.
        from_iam_url = bool(settings.iam_url) and url.startswith(str(settings.iam_url))
        check_plain_http(url, "wxo:iamUrl" if from_iam_url else "wxo:url", allow_http=settings.allow_http)
        run = self.policy.start(clock=self._clock)
        outer = current_deadline()  # minting for an API call: that call's end bounds this one too
        budget = CallBudget.start(
            clock=self._clock, timeout=settings.timeout, max_retry_time=settings.max_retry_time
        ).within(outer.call if outer is not None else None)
        attempt = 0
        while True:
            attempt += 1
            started = self._clock()
            error: AuthError
            retryable: bool
            try:
                deadline = Deadline(self._clock, settings.timeout, budget)
                request = self._client().build_request(
                    method,
                    url,
                    params=params,
                    data=data,
                    json=json,
                    headers=headers,
                    timeout=deadline.request_timeout(),
                )
                response = send_bounded(
                    self._client(), request, deadline=deadline, max_bytes=settings.max_response_bytes
                )
            except TransportError as exc:  # the deadline, the size cap, a body that cannot be decoded
                error = AuthError(flow=flow, reason=exc.reason, endpoint=url, hint=exc.hint)
                retryable = isinstance(exc, DeadlineExceededError) and exc.setting != CALL_SETTING
                retry_reason = type(exc).__name__
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
                    hint=flow_credentials_hint(settings, flow) if status < 500 else "try again later",
                )
                retryable, retry_reason = self.policy.retries_status(status), f"HTTP {status}"
            delay = run.next_delay(attempt) if retryable else None
            if delay is not None and self._clock() + delay >= budget.ends_at:
                delay = None  # the next attempt could not finish before the call's end
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
        """The token under ``name`` in a JSON answer, or an AuthError saying it is missing or unusable.

        A token goes into an ``Authorization`` header: one with control characters (a header
        injection) or longer than any header a server accepts is refused, never echoed.
        """
        body = json_or_none(response)
        value = body.get(name) if isinstance(body, dict) else None
        problem = None
        if not isinstance(value, str) or not value:
            problem = f"without {name!r}"
        elif any(unicodedata.category(c) == "Cc" for c in value):
            problem = f"with {name!r} holding control characters"
        elif len(value) > MAX_TOKEN_LENGTH:
            problem = f"with {name!r} of {len(value)} characters (at most {MAX_TOKEN_LENGTH})"
        if problem is not None:
            raise AuthError(
                flow=flow,
                reason=f"token exchange {response.request.method} {url} answered {problem}",
                status=response.status_code,
                endpoint=url,
                hint="check wxo:iamUrl and wxo:authType",
            )
        assert isinstance(value, str)
        return value
