"""The client of the Orchestrate Models API: paths, retries, status -> error, redaction.

``WxoClient`` speaks the contract of docs/guide/client.md and the API reference (§2 models, §6 model
policies, §8 errors). It returns raw JSON objects; the schema layer validates them.

Retry rules (why they differ by method): GET, PUT and DELETE are idempotent and are retried on
429/500/502/503/504 and on transport failures. A POST is retried only when it provably never
reached the server (connect errors, pool timeouts): the server may accept duplicate names (§8),
so the lifecycle layer looks a model up by name before trying a create again. How long to wait,
and when to give up, is :func:`~pulumi_wxo.api.retry.api_policy` (wxo:maxRetries,
wxo:maxRetryTime).

Limits (docs/guide/client.md, "Limits"): each exchange ends within wxo:timeout, from connect to the
last body byte, and each call within max(wxo:timeout, wxo:maxRetryTime), attempts in flight
included (:mod:`pulumi_wxo.api.deadline`); a body is read streaming, at most
wxo:maxResponseBytes (:mod:`pulumi_wxo.api.body`). Ids are checked before they go into a URL
path (:func:`~pulumi_wxo.schema.server_objects.id_problem`).
"""

from __future__ import annotations

import functools
import json
import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from pulumi_wxo.api.auth import WxoAuth, make_auth
from pulumi_wxo.api.body import NEVER_SENT, send_bounded
from pulumi_wxo.api.collections import Collection
from pulumi_wxo.api.connections import ConnectionsCollection
from pulumi_wxo.api.deadline import CALL_SETTING, CallBudget, Deadline
from pulumi_wxo.api.errors import (
    ApiError,
    AuthError,
    ConflictError,
    DeadlineExceededError,
    NotFoundError,
    QuotaExceededError,
    RetriesExhaustedError,
    TransportError,
    ValidationFailedError,
    parse_detail,
)
from pulumi_wxo.api.http import is_tls_error, new_http_client
from pulumi_wxo.api.listing import check_404, objects_of
from pulumi_wxo.api.redaction import logger, redact, register_secret
from pulumi_wxo.api.retry import RetryPolicy, api_policy, parse_retry_after
from pulumi_wxo.api.settings import ConnectionSettings, resolved_base_path
from pulumi_wxo.schema import is_secret_key

__all__ = ["Collection", "JsonObject", "WxoClient", "register_body_secrets"]

JsonObject = dict[str, Any]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "PUT", "DELETE"})
QUOTA_CODE: Final = "RESOURCE_QUOTA_EXCEEDED"

# Transport failures worth retrying for idempotent methods.
_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

_STATUS_ERRORS: dict[int, type[ApiError]] = {
    404: NotFoundError,
    409: ConflictError,
    422: ValidationFailedError,
}


def register_body_secrets(value: object, *, secret: bool = False) -> None:
    """Register every string found under a secret key (``is_secret_key``), recursively.

    Covers nested secrets such as ``vertex_service_account_json`` (a dict, or a JSON string whose
    leaves include a private key), so that a server echoing any of them is redacted.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            register_body_secrets(item, secret=secret or (isinstance(key, str) and is_secret_key(key)))
    elif isinstance(value, list | tuple):
        for item in value:
            register_body_secrets(item, secret=secret)
    elif secret and isinstance(value, str):
        register_secret(value)
        if value.lstrip().startswith(("{", "[")):
            try:
                parsed = json.loads(value)
            except ValueError:
                return
            register_body_secrets(parsed, secret=True)


class WxoClient:
    """A client for one Orchestrate instance; safe to share between threads.

    One ``httpx.Client`` (and connection pool) per ``WxoClient``. Tests inject ``transport``
    (an ``httpx.MockTransport``), ``clock``, ``sleep`` and ``rng`` so nothing really waits.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self.retry_policy: RetryPolicy = api_policy(
            max_retries=settings.max_retries, max_retry_time=settings.max_retry_time
        )
        self.base_url: str = settings.url + resolved_base_path(settings)
        self._auth: WxoAuth = make_auth(settings, transport=transport, clock=clock, sleep=sleep)
        self._http = new_http_client(settings, transport=transport, auth=self._auth)
        #: One object per API collection (api/collections.py), by ``Resource.collection``.
        self.models = Collection(self, "/models", kind="model", plural="models")
        self.policies = Collection(self, "/model_policy", kind="policy", plural="policies")
        self.connections = ConnectionsCollection(self)
        self.collections: dict[str, Collection] = {
            c.plural: c for c in (self.models, self.policies, self.connections)
        }

    def __repr__(self) -> str:
        return f"WxoClient(base_url={self.base_url!r}, auth={self._auth.flow!r})"

    def __enter__(self) -> WxoClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        self._auth.close()

    # ------------------------------------------------------------------ collections

    def collection(self, name: str) -> Collection:
        """The collection a declaration names (``Resource.collection``: ``models``, ``policies``)."""
        return self.collections[name]

    def catalog(self) -> list[JsonObject]:
        """``GET /models/list`` → ``resources``: virtual plus out-of-the-box models (§2)."""
        response = self._send("GET", "/models/list", action="list the model catalog", tolerate_404=True)
        if response.status_code == 404:
            check_404(response, action="list the model catalog")  # a gateway's page is no catalogue
            return []
        body = self._json(response, "GET", action="list the model catalog")
        resources = body.get("resources", []) if isinstance(body, dict) else body
        return objects_of(resources, response, action="list the model catalog")

    # ------------------------------------------------------------------ transport

    def _send(
        self,
        method: str,
        path: str,
        *,
        action: str,
        params: httpx.QueryParams | None = None,
        body: JsonObject | None = None,
        tolerate_404: bool = False,
    ) -> httpx.Response:
        """Send with retries (``self.retry_policy``); a 2xx, a 404 when tolerated, or an error."""
        url = self.base_url + path
        url_path = urlsplit(url).path
        if body is not None:
            register_body_secrets(body)  # before the server can echo them
        idempotent = method in IDEMPOTENT_METHODS
        policy = self.retry_policy
        settings = self._settings
        run = policy.start(clock=self._clock, rng=self._rng)
        budget = CallBudget.start(
            clock=self._clock, timeout=settings.timeout, max_retry_time=settings.max_retry_time
        )
        attempt = 0
        while True:
            attempt += 1
            sent_at = self._clock()
            retry_after: float | None = None
            last: ApiError | TransportError
            try:
                deadline = Deadline(self._clock, settings.timeout, budget)
                request = self._http.build_request(
                    method, url, params=params, json=body, timeout=deadline.request_timeout()
                )
                response = send_bounded(
                    self._http, request, deadline=deadline, max_bytes=settings.max_response_bytes
                )
            except AuthError as exc:
                raise exc.with_action(action) from None  # same error, told with the caller's action
            except TransportError as exc:  # the deadline, the size cap, a body that cannot be decoded
                logger.debug("%s %s -> %s (attempt %d)", method, url_path, type(exc).__name__, attempt)
                error = exc.with_action(action)
                if isinstance(exc, DeadlineExceededError) and exc.setting == CALL_SETTING:
                    elapsed = run.elapsed()
                    raise RetriesExhaustedError(
                        method=method,
                        path=url_path,
                        attempts=attempt,
                        elapsed=elapsed,
                        last=error,
                        action=action,
                        reason=f"stopped after {_attempts(attempt)} in {elapsed:.1f}s: "
                        f"wxo:maxRetryTime ({settings.max_retry_time:g}s) ran out during the last one",
                    ) from error
                # A slow answer may be a passing hiccup; a huge or garbled one will not improve.
                retryable = isinstance(exc, DeadlineExceededError) and (
                    idempotent or not exc.may_have_reached_server
                )
                if not retryable:
                    raise error from None
                last, what = error, type(exc).__name__
            except httpx.TransportError as exc:
                logger.debug(
                    "%s %s -> %s in %.2fs (attempt %d)",
                    method,
                    url_path,
                    type(exc).__name__,
                    self._clock() - sent_at,
                    attempt,
                )
                error = self._transport_error(exc, method, url_path, action)
                if error.tls:
                    # A certificate problem does not heal by retrying. "from None": the httpx
                    # exception's text is already in the (redacted) reason; a chained original
                    # would print unredacted in a traceback.
                    raise error from None
                # Idempotent: any transient failure. POST: only when it never left (no duplicates).
                retryable = isinstance(exc, _RETRYABLE) if idempotent else not error.may_have_reached_server
                if not retryable:
                    raise error from None
                last, what = error, type(exc).__name__
            else:
                logger.debug(
                    "%s %s -> %d in %.2fs (attempt %d)",
                    method,
                    url_path,
                    response.status_code,
                    self._clock() - sent_at,
                    attempt,
                )
                if response.is_success:
                    return response
                if response.status_code == 404 and tolerate_404:
                    return response
                api_error = self._api_error(response, method, url_path, action)
                if (
                    isinstance(api_error, QuotaExceededError)  # a quota does not lift by waiting (§8)
                    or not idempotent
                    or not policy.retries_status(response.status_code)
                ):
                    raise api_error
                last, what = api_error, f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"), now=self._clock())

            plan = run.plan(attempt, retry_after=retry_after)
            exhausted = functools.partial(
                RetriesExhaustedError,
                method=method,
                path=url_path,
                attempts=attempt,
                elapsed=plan.elapsed,
                last=last,
                action=action,
            )
            if plan.stop == "attempts":
                raise exhausted() from last
            if plan.delay is None:
                # Sleeping past the budget (wxo:maxRetryTime) would only delay the same failure.
                raise exhausted(
                    reason=f"stopped after {_attempts(attempt)} in {plan.elapsed:.1f}s: the next wait "
                    f"({plan.wanted or 0.0:.1f}s) would exceed wxo:maxRetryTime "
                    f"({self._settings.max_retry_time:g}s)",
                ) from last
            logger.warning(
                "retrying %s %s after %s in %.1fs (attempt %d of %d)",
                method,
                url_path,
                what,
                plan.delay,
                attempt + 1,
                policy.max_attempts,
            )
            self._sleep(plan.delay)

    def _transport_error(
        self, exc: httpx.TransportError, method: str, path: str, action: str
    ) -> TransportError:
        text = redact(str(exc)) or type(exc).__name__
        tls = is_tls_error(exc)
        never_sent = isinstance(exc, NEVER_SENT) and not tls
        if tls:
            reason = f"TLS certificate verification failed for {self._settings.url} ({text})"
        elif isinstance(exc, httpx.TimeoutException) and not never_sent:
            reason = (
                f"no response within wxo:timeout ({self._settings.timeout:g}s): {type(exc).__name__}; "
                "the request may have reached the server"
            )
        elif never_sent:
            reason = f"could not connect to {self._settings.url}: {text}"
        else:
            reason = f"{type(exc).__name__}: {text}; the request may have reached the server"
        return TransportError(
            method=method,
            path=path,
            reason=reason,
            may_have_reached_server=not never_sent and not tls,
            action=action,
            tls=tls,
        )

    @staticmethod
    def _api_error(response: httpx.Response, method: str, path: str, action: str) -> ApiError:
        # The body is already read, bounded (send_bounded).
        detail, code = parse_detail(response.text)
        status = response.status_code
        cls = _STATUS_ERRORS.get(status, ApiError)
        if status == 429 and code == QUOTA_CODE:
            cls = QuotaExceededError
        return cls(status=status, method=method, path=path, detail=detail, action=action)

    @staticmethod
    def _json(response: httpx.Response, method: str, *, action: str) -> Any:
        try:
            return response.json()
        except RecursionError:
            raise ApiError(
                status=response.status_code,
                method=method,
                path=response.request.url.path,
                detail="expected a JSON body, got JSON nested too deeply to read",
                action=action,
            ) from None
        except ValueError:
            detail, _ = parse_detail(response.text)
            raise ApiError(
                status=response.status_code,
                method=method,
                path=response.request.url.path,
                detail=f"expected a JSON body, got: {detail}",
                action=action,
            ) from None


def _attempts(count: int) -> str:
    return f"{count} attempt" if count == 1 else f"{count} attempts"


class _Alias:
    """``client.find_models(name)`` is ``client.models.find(name)``: each collection's verbs
    under the names the client had before its collection objects (docs/guide/client.md)."""

    def __init__(self, collection: str, verb: str) -> None:
        self.collection, self.verb = collection, verb

    def __get__(self, client: WxoClient | None, owner: type | None = None) -> Any:
        return self if client is None else getattr(getattr(client, self.collection), self.verb)


for _collection, _one, _many in (("models", "model", "models"), ("policies", "policy", "policies")):
    for _verb in ("list", "find"):
        setattr(WxoClient, f"{_verb}_{_many}", _Alias(_collection, _verb))
    for _verb in ("get", "create", "update", "delete"):
        setattr(WxoClient, f"{_verb}_{_one}", _Alias(_collection, _verb))
