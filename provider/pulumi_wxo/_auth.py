"""Token flows for the Orchestrate API, as an ``httpx.Auth``.

One :class:`WxoAuth` per connection: it mints a token with the flow chosen by
:func:`~pulumi_wxo._config.resolved_auth_type` (contract §7.2 gives the wire shapes), caches it,
refreshes it before it expires, and answers one HTTP 401 with a fresh token and a single resend.

Flows::

    bearer    wxo:token as is (no exchange; a 401 is final)
    ibm_iam   POST {iam}/identity/token            form apikey      -> access_token
    mcsp_v1   POST {iam}/siusermgr/api/1.0/apikeys/token  JSON      -> token
    mcsp_v2   POST {iam}/api/2.0/services/{instance}/apikeys/token?... JSON -> token
    mcsp      v1, falling back to v2 (the ADK's order); the variant that worked is remembered
    cpd       POST {cpd}/icp4d-api/v1/authorize    JSON username + password|api_key -> token
    local     POST {url}/api/v1/auth/token (form) -> user token; find or create tenant "wxo-dev";
              POST {url}/api/v1/auth/token?tenant_id=<id> -> tenant token
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Literal

import httpx

from pulumi_wxo._config import (
    DEFAULT_LOCAL_PASSWORD,
    DEFAULT_LOCAL_USERNAME,
    AuthType,
    ConnectionSettings,
    mcsp_instance_id,
    resolved_auth_type,
    tls_verify,
)
from pulumi_wxo._errors import AuthError, logger, parse_detail, redact, register_secret

__all__ = ["WxoAuth", "is_tls_error", "make_auth", "token_refresh_at", "user_agent"]

DEFAULT_IAM_URL = "https://iam.cloud.ibm.com"
DEFAULT_MCSP_V1_URL = "https://iam.platform.saas.ibm.com"
DEFAULT_MCSP_V2_URL = "https://account-iam.platform.saas.ibm.com"
IAM_PATH = "/identity/token"
MCSP_V1_PATH = "/siusermgr/api/1.0/apikeys/token"
CPD_PATH = "/v1/authorize"
# Exactly the query the ibm_cloud_sdk_core MCSPV2TokenManager sends, in its order (§7.2).
MCSP_V2_QUERY: tuple[tuple[str, str], ...] = (
    ("includeBuiltinActions", "false"),
    ("includeCustomActions", "false"),
    ("includeRoles", "true"),
    ("prefixRolesWithDefinitionScope", "false"),
)
LOCAL_TENANT: dict[str, Any] = {
    "name": "wxo-dev",
    "title": "WatsonX Orchestrate Development",
    "tags": ["test"],
}

# Refresh margin: the ADK refuses tokens within 600 s of exp (§7.1); ibm_cloud_sdk_core refreshes
# at 80 % of the lifetime (§7.2). The smaller of the two keeps short-lived tokens usable.
REFRESH_MARGIN = 600.0
REFRESH_FRACTION = 0.2
# Minting a token changes nothing on the server, so transient failures are retried.
EXCHANGE_ATTEMPTS = 3
EXCHANGE_BACKOFF = (0.5, 1.0)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHECK_CREDENTIALS = "check wxo:apiKey / wxo:token"


def user_agent() -> str:
    try:
        version = metadata.version("pulumi-wxo")
    except metadata.PackageNotFoundError:  # running from a source tree
        version = "0"
    return f"pulumi-wxo/{version}"


def _jwt_claims(token: str) -> dict[str, Any]:
    """The JWT payload, decoded without verifying the signature (as the ADK does, §7.2).

    Anything that is not a three-part base64url JSON token yields ``{}``.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except ValueError:  # binascii.Error, UnicodeError and JSONDecodeError are all ValueErrors
        return {}
    return claims if isinstance(claims, dict) else {}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def token_refresh_at(token: str, *, now: float) -> float | None:
    """When to stop using ``token`` (minted at ``now``), or None for "until a 401".

    Refresh at ``exp - min(600, 0.2 * (exp - iat))`` (600 s when iat is missing). A token with no
    ``exp`` (local Developer Edition, opaque tokens) is used until the server answers 401. A token
    that is already inside the margin when minted is used for half its remaining life instead,
    so that a short-lived token cannot cause an exchange per request.
    """
    claims = _jwt_claims(token)
    exp = _number(claims.get("exp"))
    if exp is None:
        return None
    iat = _number(claims.get("iat"))
    margin = REFRESH_MARGIN
    if iat is not None and exp > iat:
        margin = min(REFRESH_MARGIN, REFRESH_FRACTION * (exp - iat))
    refresh_at = exp - margin
    if refresh_at > now:
        return refresh_at
    if exp > now:
        return now + (exp - now) / 2
    return None  # already expired by our clock: the server decides (a 401 triggers one refresh)


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: float | None


def _endpoint(base: str, operation: str) -> str:
    """``base + operation`` unless the user's wxo:iamUrl already ends with the operation."""
    base = base.rstrip("/")
    return base if base.endswith(operation) else base + operation


def is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    return "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text


class WxoAuth(httpx.Auth):
    """Bearer-token auth for every API request, minting and refreshing tokens as needed.

    Thread-safe: the provider engine runs up to 4 calls at once (DESIGN.md), all sharing one
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
        self._transport = transport
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        self._token: _Token | None = None
        self._tenant_id: str | None = None
        self._mcsp_variant: Literal["mcsp_v1", "mcsp_v2"] | None = None
        if self.flow in ("mcsp_v1", "mcsp_v2"):
            self._mcsp_variant = self.flow
        if self.flow == "bearer":
            assert settings.token  # guaranteed by ConnectionSettings validation
            self._token = _Token(settings.token, None)

    def __repr__(self) -> str:
        return f"WxoAuth(flow={self.flow!r}, url={self._settings.url!r})"

    @property
    def mcsp_variant(self) -> str | None:
        """For mcsp auth, the variant (``mcsp_v1``/``mcsp_v2``) that last minted a token."""
        return self._mcsp_variant

    # ------------------------------------------------------------------ httpx.Auth

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # Token exchange is blocking I/O: only the sync flow below is supported.
        raise NotImplementedError("WxoAuth works with httpx.Client, not httpx.AsyncClient")

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        endpoint = f"{request.method} {request.url.path}"
        if self.flow == "bearer":
            # A fixed token cannot be refreshed; resending it would only earn the same 401.
            raise AuthError(
                flow=self.flow,
                reason=f"the API rejected wxo:token (HTTP 401{self._detail(response)})",
                status=401,
                endpoint=endpoint,
                hint="check wxo:token (it may have expired) or configure wxo:apiKey instead",
            )
        logger.info("%s answered HTTP 401; fetching a new %s token and resending once", endpoint, self.flow)
        self.invalidate(token)
        token = self.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            raise AuthError(
                flow=self.flow,
                reason=f"the API rejected a freshly minted {self.flow} token "
                f"(HTTP 401{self._detail(response)})",
                status=401,
                endpoint=endpoint,
                hint=_CHECK_CREDENTIALS,
            )

    @staticmethod
    def _detail(response: httpx.Response) -> str:
        response.read()
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
            if self._http is not None:
                self._http.close()
                self._http = None

    def _mint(self) -> _Token:
        started = self._clock()
        match self.flow:
            case "ibm_iam":
                value = self._ibm_iam()
            case "mcsp" | "mcsp_v1" | "mcsp_v2":
                value = self._mcsp()
            case "cpd":
                value = self._cpd()
            case "local":
                value = self._local()
            case _:  # bearer: the token is fixed; invalidate() never drops it
                assert self._settings.token
                value = self._settings.token
        register_secret(value)
        now = self._clock()
        refresh_at = token_refresh_at(value, now=now)
        logger.debug(
            "obtained a new %s token in %.2fs (%s)",
            self._mcsp_variant if self.flow == "mcsp" else self.flow,
            now - started,
            "no expiry" if refresh_at is None else f"refresh in {refresh_at - now:.0f}s",
        )
        return _Token(value, refresh_at)

    # ------------------------------------------------------------------ flows

    def _api_key(self) -> str:
        assert self._settings.api_key  # guaranteed by ConnectionSettings validation
        return self._settings.api_key

    def _ibm_iam(self) -> str:
        url = _endpoint(self._settings.iam_url or DEFAULT_IAM_URL, IAM_PATH)
        response = self._exchange(
            "ibm_iam",
            "POST",
            url,
            data={
                "grant_type": "urn:ibm:params:oauth:grant-type:apikey",
                "apikey": self._api_key(),
                "response_type": "cloud_iam",
            },
        )
        return self._token_field("ibm_iam", url, response, "access_token")

    def _mcsp_v1(self) -> str:
        url = _endpoint(self._settings.iam_url or DEFAULT_MCSP_V1_URL, MCSP_V1_PATH)
        response = self._exchange("mcsp_v1", "POST", url, json={"apikey": self._api_key()})
        return self._token_field("mcsp_v1", url, response, "token")

    def _mcsp_v2(self) -> str:
        instance_id = mcsp_instance_id(self._settings.url)
        if instance_id is None:
            raise AuthError(
                flow="mcsp_v2",
                reason="MCSP v2 needs the instance id from a wxo:url of the form "
                "https://<host>/instances/<instance_id>",
                hint="check wxo:url",
            )
        base = (self._settings.iam_url or DEFAULT_MCSP_V2_URL).rstrip("/")
        url = f"{base}/api/2.0/services/{instance_id}/apikeys/token"
        response = self._exchange(
            "mcsp_v2", "POST", url, params=MCSP_V2_QUERY, json={"apikey": self._api_key()}
        )
        return self._token_field("mcsp_v2", url, response, "token")

    def _mcsp(self) -> str:
        if self._mcsp_variant == "mcsp_v1":
            return self._mcsp_v1()
        if self._mcsp_variant == "mcsp_v2":
            return self._mcsp_v2()
        # First exchange of a generic "mcsp" flow: v1, then v2 on any failure (ADK
        # ServiceInstance._create_token, §7.1); remember the winner to skip v1 next time.
        try:
            value = self._mcsp_v1()
        except AuthError as v1_error:
            logger.info("MCSP v1 token exchange failed (%s); trying MCSP v2", v1_error.reason)
            try:
                value = self._mcsp_v2()
            except AuthError as v2_error:
                raise AuthError(
                    flow="mcsp",
                    reason=f"MCSP v1 failed ({v1_error.reason}); MCSP v2 failed ({v2_error.reason})",
                    status=v2_error.status,
                    endpoint=v2_error.endpoint,
                    hint=_CHECK_CREDENTIALS,
                ) from v2_error
            self._mcsp_variant = "mcsp_v2"
            return value
        self._mcsp_variant = "mcsp_v1"
        return value

    def _cpd(self) -> str:
        settings = self._settings
        base = settings.iam_url or settings.url.split("/orchestrate")[0] + "/icp4d-api"
        base = base.rstrip("/")
        # ibm_cloud_sdk_core appends /v1/authorize unless the URL already contains it.
        url = base if CPD_PATH in base else base + CPD_PATH
        body = {
            "username": settings.username,
            "password": settings.password or None,
            "api_key": settings.api_key or None,
        }
        response = self._exchange("cpd", "POST", url, json=body)
        return self._token_field("cpd", url, response, "token")

    def _local(self) -> str:
        base = self._settings.url
        form = {
            "username": self._settings.username or DEFAULT_LOCAL_USERNAME,
            "password": self._settings.password or DEFAULT_LOCAL_PASSWORD,
        }
        token_url = f"{base}/api/v1/auth/token"
        cached_tenant = self._tenant_id is not None
        if self._tenant_id is None:
            self._tenant_id = self._local_tenant(token_url, form)
        try:
            response = self._exchange(
                "local", "POST", token_url, params={"tenant_id": self._tenant_id}, data=form
            )
        except AuthError:
            if not cached_tenant:
                raise
            # The container may have been reset since the tenant was looked up: look again once.
            self._tenant_id = self._local_tenant(token_url, form)
            response = self._exchange(
                "local", "POST", token_url, params={"tenant_id": self._tenant_id}, data=form
            )
        return self._token_field("local", token_url, response, "access_token")

    def _local_tenant(self, token_url: str, form: dict[str, str]) -> str:
        base = self._settings.url
        user_token = self._token_field(
            "local", token_url, self._exchange("local", "POST", token_url, data=form), "access_token"
        )
        register_secret(user_token)
        headers = {"Authorization": f"Bearer {user_token}"}
        tenants_url = f"{base}/api/v1/tenants"
        tenant_id = self._find_tenant(tenants_url, headers)
        if tenant_id is None:
            logger.info("no local tenant %r found; creating it", LOCAL_TENANT["name"])
            created = self._exchange("local", "POST", tenants_url, headers=headers, json=LOCAL_TENANT)
            body = _json_or_none(created)
            if isinstance(body, dict) and isinstance(body.get("id"), str) and body["id"]:
                tenant_id = body["id"]
            else:  # the ADK ignores the 201 body and lists again
                tenant_id = self._find_tenant(tenants_url, headers)
        if tenant_id is None:
            raise AuthError(
                flow="local",
                reason=f"tenant {LOCAL_TENANT['name']!r} is missing from GET {tenants_url} after creating it",
                endpoint=tenants_url,
                hint="check that wxo:url points at a watsonx Orchestrate Developer Edition server",
            )
        return tenant_id

    def _find_tenant(self, url: str, headers: dict[str, str]) -> str | None:
        body = _json_or_none(self._exchange("local", "GET", url, headers=headers))
        items = body if isinstance(body, list) else []
        for tenant in items:
            if isinstance(tenant, dict) and tenant.get("name") == LOCAL_TENANT["name"]:
                tenant_id = tenant.get("id")
                if tenant_id is not None:
                    return str(tenant_id)
        return None

    # ------------------------------------------------------------------ HTTP

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                transport=self._transport,
                verify=tls_verify(self._settings),
                timeout=self._settings.timeout,
                headers={"Accept": "application/json", "User-Agent": user_agent()},
                # An injected transport (tests) must see every request: no proxy mounts from env.
                trust_env=self._transport is None,
            )
        return self._http

    def _exchange(
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
        for attempt in range(1, EXCHANGE_ATTEMPTS + 1):
            started = self._clock()
            retry_reason: str
            try:
                response = client.request(method, url, params=params, data=data, json=json, headers=headers)
            except httpx.TransportError as exc:
                tls = is_tls_error(exc)
                reason = f"could not reach {method} {url}: {redact(str(exc)) or type(exc).__name__}"
                if tls or attempt == EXCHANGE_ATTEMPTS:
                    raise AuthError(
                        flow=flow,
                        reason=reason,
                        endpoint=url,
                        hint="set wxo:caBundle to the CA bundle that signs the server's certificate"
                        if tls
                        else "check wxo:iamUrl and the network",
                    ) from None  # the reason carries the redacted text; a chained original would not
                retry_reason = type(exc).__name__
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
                if response.status_code not in _RETRY_STATUSES or attempt == EXCHANGE_ATTEMPTS:
                    detail, _ = parse_detail(response.text)
                    raise AuthError(
                        flow=flow,
                        reason=f"token exchange {method} {url} answered HTTP {response.status_code}"
                        + (f": {detail}" if detail else ""),
                        status=response.status_code,
                        endpoint=url,
                        hint=_CHECK_CREDENTIALS if response.status_code < 500 else "try again later",
                    )
                retry_reason = f"HTTP {response.status_code}"
            delay = EXCHANGE_BACKOFF[min(attempt - 1, len(EXCHANGE_BACKOFF) - 1)]
            logger.warning(
                "retrying token exchange %s %s after %s in %.1fs (attempt %d of %d)",
                method,
                url,
                retry_reason,
                delay,
                attempt + 1,
                EXCHANGE_ATTEMPTS,
            )
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _token_field(flow: str, url: str, response: httpx.Response, name: str) -> str:
        body = _json_or_none(response)
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


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def make_auth(
    settings: ConnectionSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> WxoAuth:
    """The auth object for ``settings`` (one class covers every flow; see the module docstring)."""
    return WxoAuth(settings, transport=transport, clock=clock, sleep=sleep)
