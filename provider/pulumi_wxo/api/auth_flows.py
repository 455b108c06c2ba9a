"""How each auth flow mints a token: the wire shapes of api-contract §7.2, one class per flow family.

::

    bearer    wxo:token as is (no exchange; a 401 is final)
    ibm_iam   POST {iam}/identity/token            form apikey      -> access_token
    mcsp_v1   POST {iam}/siusermgr/api/1.0/apikeys/token  JSON      -> token
    mcsp_v2   POST {iam}/api/2.0/services/{instance}/apikeys/token?... JSON -> token
    mcsp      v1, falling back to v2 (the ADK's order); the variant that worked is remembered
    cpd       POST {cpd}/icp4d-api/v1/authorize    JSON username + password|api_key -> token
    local     POST {url}/api/v1/auth/token (form) -> user token; find or create tenant "wxo-dev";
              POST {url}/api/v1/auth/token?tenant_id=<id> -> tenant token

A flow keeps what it learns (the MCSP variant, the local tenant id) between mints; it is called
only under :class:`~pulumi_wxo.api.auth.WxoAuth`'s token-cache lock.
"""

from __future__ import annotations

from typing import Any, Literal

from pulumi_wxo.api.auth_exchange import TokenExchange, flow_credentials_hint
from pulumi_wxo.api.errors import AuthError
from pulumi_wxo.api.http import json_or_none
from pulumi_wxo.api.redaction import logger, register_secret
from pulumi_wxo.api.settings import (
    DEFAULT_LOCAL_PASSWORD,
    DEFAULT_LOCAL_USERNAME,
    AuthType,
    ConnectionSettings,
    mcsp_instance_id,
)

__all__ = [
    "CPD_PATH",
    "DEFAULT_IAM_URL",
    "DEFAULT_MCSP_V1_URL",
    "DEFAULT_MCSP_V2_URL",
    "FLOWS",
    "IAM_PATH",
    "LOCAL_TENANT",
    "MCSP_V1_PATH",
    "MCSP_V2_QUERY",
    "BearerFlow",
    "CpdFlow",
    "IbmIamFlow",
    "LocalFlow",
    "McspFlow",
    "TokenFlow",
    "make_flow",
]

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


def _endpoint(base: str, operation: str) -> str:
    """``base + operation`` unless the user's wxo:iamUrl already ends with the operation."""
    base = base.rstrip("/")
    return base if base.endswith(operation) else base + operation


class TokenFlow:
    """Mints tokens for one connection with one flow; subclasses implement :meth:`mint`."""

    def __init__(self, flow: AuthType, settings: ConnectionSettings, exchange: TokenExchange) -> None:
        self.flow: AuthType = flow
        self._settings = settings
        self._exchange = exchange

    @property
    def label(self) -> str:
        """The flow as logs name it (for ``mcsp``, the variant that minted the last token)."""
        return self.flow

    def mint(self) -> str:
        raise NotImplementedError

    def _api_key(self) -> str:
        assert self._settings.api_key  # guaranteed by ConnectionSettings validation
        return self._settings.api_key


class BearerFlow(TokenFlow):
    """``wxo:token`` as is: nothing to exchange, and nothing to refresh."""

    def mint(self) -> str:
        assert self._settings.token  # guaranteed by ConnectionSettings validation
        return self._settings.token


class IbmIamFlow(TokenFlow):
    """IBM Cloud IAM: the API key for an ``access_token``."""

    def mint(self) -> str:
        url = _endpoint(self._settings.iam_url or DEFAULT_IAM_URL, IAM_PATH)
        response = self._exchange.request(
            "ibm_iam",
            "POST",
            url,
            data={
                "grant_type": "urn:ibm:params:oauth:grant-type:apikey",
                "apikey": self._api_key(),
                "response_type": "cloud_iam",
            },
        )
        return self._exchange.token_field("ibm_iam", url, response, "access_token")


class McspFlow(TokenFlow):
    """MCSP (IBM watsonx Orchestrate on AWS): v1, v2, or v1 falling back to v2."""

    def __init__(self, flow: AuthType, settings: ConnectionSettings, exchange: TokenExchange) -> None:
        super().__init__(flow, settings, exchange)
        self.variant: Literal["mcsp_v1", "mcsp_v2"] | None = None
        if flow in ("mcsp_v1", "mcsp_v2"):
            self.variant = flow

    @property
    def label(self) -> str:
        return (self.variant or self.flow) if self.flow == "mcsp" else self.flow

    def mint(self) -> str:
        if self.variant == "mcsp_v1":
            return self._v1()
        if self.variant == "mcsp_v2":
            return self._v2()
        # First exchange of a generic "mcsp" flow: v1, then v2 on any failure (ADK
        # ServiceInstance._create_token, §7.1); remember the winner to skip v1 next time.
        try:
            value = self._v1()
        except AuthError as v1_error:
            logger.info("MCSP v1 token exchange failed (%s); trying MCSP v2", v1_error.reason)
            try:
                value = self._v2()
            except AuthError as v2_error:
                raise AuthError(
                    flow="mcsp",
                    reason=f"MCSP v1 failed ({v1_error.reason}); MCSP v2 failed ({v2_error.reason})",
                    status=v2_error.status,
                    endpoint=v2_error.endpoint,
                    hint=flow_credentials_hint(self._settings, "mcsp"),
                ) from v2_error
            self.variant = "mcsp_v2"
            return value
        self.variant = "mcsp_v1"
        return value

    def _v1(self) -> str:
        url = _endpoint(self._settings.iam_url or DEFAULT_MCSP_V1_URL, MCSP_V1_PATH)
        response = self._exchange.request("mcsp_v1", "POST", url, json={"apikey": self._api_key()})
        return self._exchange.token_field("mcsp_v1", url, response, "token")

    def _v2(self) -> str:
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
        response = self._exchange.request(
            "mcsp_v2", "POST", url, params=MCSP_V2_QUERY, json={"apikey": self._api_key()}
        )
        return self._exchange.token_field("mcsp_v2", url, response, "token")


class CpdFlow(TokenFlow):
    """Cloud Pak for Data: user name with a password or an API key, at ``/icp4d-api/v1/authorize``."""

    def mint(self) -> str:
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
        response = self._exchange.request("cpd", "POST", url, json=body)
        return self._exchange.token_field("cpd", url, response, "token")


class LocalFlow(TokenFlow):
    """The local Developer Edition: form login, tenant ``wxo-dev`` (found or created), tenant token."""

    def __init__(self, flow: AuthType, settings: ConnectionSettings, exchange: TokenExchange) -> None:
        super().__init__(flow, settings, exchange)
        self.tenant_id: str | None = None

    def mint(self) -> str:
        base = self._settings.url
        form = {
            "username": self._settings.username or DEFAULT_LOCAL_USERNAME,
            "password": self._settings.password or DEFAULT_LOCAL_PASSWORD,
        }
        token_url = f"{base}/api/v1/auth/token"
        cached_tenant = self.tenant_id is not None
        if self.tenant_id is None:
            self.tenant_id = self._tenant(token_url, form)
        try:
            response = self._exchange.request(
                "local", "POST", token_url, params={"tenant_id": self.tenant_id}, data=form
            )
        except AuthError:
            if not cached_tenant:
                raise
            # The container may have been reset since the tenant was looked up: look again once.
            self.tenant_id = self._tenant(token_url, form)
            response = self._exchange.request(
                "local", "POST", token_url, params={"tenant_id": self.tenant_id}, data=form
            )
        return self._exchange.token_field("local", token_url, response, "access_token")

    def _tenant(self, token_url: str, form: dict[str, str]) -> str:
        base = self._settings.url
        exchange = self._exchange
        user_token = exchange.token_field(
            "local", token_url, exchange.request("local", "POST", token_url, data=form), "access_token"
        )
        register_secret(user_token)
        headers = {"Authorization": f"Bearer {user_token}"}
        tenants_url = f"{base}/api/v1/tenants"
        tenant_id = self._find_tenant(tenants_url, headers)
        if tenant_id is None:
            logger.info("no local tenant %r found; creating it", LOCAL_TENANT["name"])
            created = exchange.request("local", "POST", tenants_url, headers=headers, json=LOCAL_TENANT)
            body = json_or_none(created)
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
        body = json_or_none(self._exchange.request("local", "GET", url, headers=headers))
        items = body if isinstance(body, list) else []
        for tenant in items:
            if isinstance(tenant, dict) and tenant.get("name") == LOCAL_TENANT["name"]:
                tenant_id = tenant.get("id")
                if tenant_id is not None:
                    return str(tenant_id)
        return None


#: The one switch table from auth type to flow class.
FLOWS: dict[AuthType, type[TokenFlow]] = {
    "bearer": BearerFlow,
    "ibm_iam": IbmIamFlow,
    "mcsp": McspFlow,
    "mcsp_v1": McspFlow,
    "mcsp_v2": McspFlow,
    "cpd": CpdFlow,
    "local": LocalFlow,
}


def make_flow(flow: AuthType, settings: ConnectionSettings, exchange: TokenExchange) -> TokenFlow:
    return FLOWS[flow](flow, settings, exchange)
