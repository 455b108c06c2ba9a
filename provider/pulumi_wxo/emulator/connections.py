"""The connections API's shapes and rules (api-contract §13): the bodies of a connection, of a
configuration and of credentials, which keys each kind of configuration needs, and what a read
of credentials shows. No HTTP and no storage: :mod:`.tenant_objects` keeps the records,
:mod:`.tenant_routes` serves them.

Written from the contract, not from ``pulumi_wxo.schema``, like :mod:`.models`.

* :class:`ConnectionIn` -- ``POST /connections/applications``.
* :class:`ConnectionConfigIn` -- ``POST .../configurations`` and ``PATCH .../configurations/{env}``;
  :func:`check_configuration` applies the ADK's configuration rules to the result [INF].
* :class:`CredentialsIn` -- ``POST|PATCH .../configs/{env}/credentials`` (OAuth: ``app_credentials``,
  ``idp_credentials``) and ``.../runtime_credentials`` (``runtime_credentials``);
  :func:`check_credentials` the keys a configuration needs [INF].
* :func:`credentials_answer` -- a read of credentials: never a value (the switch
  ``connection_credentials``: ``flag`` or ``mask``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import Invalid

__all__ = [
    "AUTH_TYPES",
    "MASK",
    "SECURITY_SCHEMES",
    "ConnectionConfigIn",
    "ConnectionEnvironment",
    "ConnectionIn",
    "CredentialSlot",
    "CredentialsIn",
    "check_configuration",
    "check_credentials",
    "credentials_answer",
    "masked",
]

MASK = "********"

# The ADK's ConnectionSecurityScheme and ConnectionAuthType values (api-contract §13.2 [SRC]).
SECURITY_SCHEMES = (
    "basic_auth",
    "bearer_token",
    "api_key_auth",
    "oauth2",
    "key_value_creds",
    "custom_schema",
)
AUTH_TYPES = (
    "oauth2_auth_code",
    "oauth2_password",
    "oauth2_client_creds",
    "oauth_on_behalf_of_flow",
    "oauth2_token_exchange",
    "oauth2_direct_accesstoken",
    "oauth2_jwt_bearer",
)
SecurityScheme = Literal[
    "basic_auth", "bearer_token", "api_key_auth", "oauth2", "key_value_creds", "custom_schema"
]
AuthType = Literal[
    "oauth2_auth_code",
    "oauth2_password",
    "oauth2_client_creds",
    "oauth_on_behalf_of_flow",
    "oauth2_token_exchange",
    "oauth2_direct_accesstoken",
    "oauth2_jwt_bearer",
]
# The auth types that need SSO, and may only be configured with it (api-contract §13.2 [SRC]).
_SSO_AUTH_TYPES = frozenset({"oauth_on_behalf_of_flow", "oauth2_token_exchange", "oauth2_direct_accesstoken"})

# Where credentials go: the OAuth flows' app credentials, or the runtime credentials of the
# other kinds (api-contract §13.4 [SRC]); the path names the slot.
CredentialSlot = Literal["credentials", "runtime_credentials"]

# The keys a configuration's credentials must hold, per slot (api-contract §13.4 [SRC] the ADK's
# credential types' required fields; that the server checks them is [INF]).
_RUNTIME_KEYS: dict[str, tuple[str, ...]] = {
    "basic_auth": ("username", "password"),
    "bearer_token": ("token",),
    "api_key_auth": ("api_key",),
}
_APP_KEYS: dict[str, tuple[str, ...]] = {
    "oauth2_auth_code": ("client_id", "client_secret", "token_url", "authorization_url"),
    "oauth2_password": ("client_id", "client_secret", "token_url"),
    "oauth2_client_creds": ("client_id", "client_secret", "token_url"),
    "oauth_on_behalf_of_flow": ("client_id", "access_token_url", "grant_type"),
    "oauth2_token_exchange": ("client_id", "access_token_url", "grant_type"),
    "oauth2_jwt_bearer": ("token_url",),
}


class ConnectionEnvironment(StrEnum):
    """A connection's two configurations (api-contract §13.2 [SRC])."""

    DRAFT = "draft"
    LIVE = "live"


class ConnectionIn(BaseModel):
    """``POST /connections/applications``: ``{"app_id", "resource"?}`` (api-contract §13.3 [SRC])."""

    model_config = ConfigDict(extra="ignore")

    app_id: str = Field(min_length=1, max_length=256)
    resource: dict[str, Any] | None = None


class ConnectionConfigIn(BaseModel):
    """A connection configuration (ADK ``ConnectionConfiguration``, api-contract §13.2 [SRC]).

    The enumerations are the ADK's; other keys (``idp_config_data``, ``custom_runtime_creds``,
    ``name`` ...) are kept as sent.
    """

    model_config = ConfigDict(extra="allow")

    environment: ConnectionEnvironment | None = None
    security_scheme: SecurityScheme | None = None
    auth_type: AuthType | None = None
    preference: Literal["team", "member"] | None = None
    sso: bool | None = None
    server_url: str | None = Field(None, max_length=2048)


def check_configuration(config: dict[str, Any]) -> None:
    """The ADK's rules for a configuration, applied to the result of a POST or PATCH (the ADK
    checks them before it sends, api-contract §13.2 [SRC]; that the server does too is [INF])."""
    scheme, auth_type, sso = config.get("security_scheme"), config.get("auth_type"), bool(config.get("sso"))

    def invalid(field: str, message: str) -> Invalid:
        return Invalid(message, loc=("body", field))

    if scheme is None:
        raise invalid("security_scheme", "Field required")
    if scheme == "oauth2" and auth_type is None:
        raise invalid("auth_type", "an oauth2 configuration needs an auth_type")
    if scheme != "oauth2" and auth_type is not None:
        raise invalid("auth_type", f"auth_type is for oauth2 configurations only, not {scheme}")
    if scheme == "key_value_creds" and config.get("preference") == "member":
        raise invalid("preference", "a key_value connection must be of type 'team'")
    if sso != (auth_type in _SSO_AUTH_TYPES):
        raise invalid("sso", f"sso must be {'true' if not sso else 'false'} for {auth_type or scheme}")
    if sso and config.get("preference") != "member":
        raise invalid("preference", "an SSO connection must be of type 'member'")


class CredentialsIn(BaseModel):
    """The body of a credentials POST or PATCH: one wrapper key (api-contract §13.4 [SRC])."""

    model_config = ConfigDict(extra="forbid")

    runtime_credentials: dict[str, Any] | None = None
    app_credentials: dict[str, Any] | None = None
    idp_credentials: dict[str, Any] | None = None

    def present(self) -> dict[str, dict[str, Any]]:
        return {key: value for key, value in self.model_dump().items() if value is not None}


def check_credentials(config: dict[str, Any], slot: CredentialSlot, body: CredentialsIn) -> dict[str, Any]:
    """The wrapper keys of ``body`` that ``slot`` takes, checked against the configuration.

    ``runtime_credentials`` goes to the ``runtime_credentials`` path, ``app_credentials`` and
    ``idp_credentials`` to the ``credentials`` path. A missing key of the kind's credential
    type is a 422 that names the key, never a value [INF].
    """
    present = body.present()
    allowed = (
        {"runtime_credentials"} if slot == "runtime_credentials" else {"app_credentials", "idp_credentials"}
    )
    for key in present:
        if key not in allowed:
            raise Invalid(f"{key} is not accepted on the {slot} path", loc=("body", key))
    scheme, auth_type = config.get("security_scheme"), config.get("auth_type")
    runtime = present.get("runtime_credentials")
    if runtime is not None:
        needed = _RUNTIME_KEYS.get(str(scheme), ())
        if scheme == "oauth2" and auth_type == "oauth2_password" and runtime:
            needed = ("username", "password")
        _require(runtime, needed, "runtime_credentials")
        if scheme == "key_value_creds" and not all(isinstance(v, str) for v in runtime.values()):
            raise Invalid("key_value credentials are strings", loc=("body", "runtime_credentials"))
    app = present.get("app_credentials")
    if app is not None:
        if scheme != "oauth2":
            raise Invalid(
                f"app_credentials are for oauth2 configurations, not {scheme}",
                loc=("body", "app_credentials"),
            )
        _require(app, _APP_KEYS.get(str(auth_type), ()), "app_credentials")
    return present


def _require(values: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if values.get(key) in (None, "")]
    if missing:
        raise Invalid(f"missing: {', '.join(missing)}", loc=("body", where, missing[0]))


def masked(value: Any) -> Any:
    """Every leaf of ``value`` replaced by :data:`MASK` (keys kept)."""
    if isinstance(value, dict):
        return {key: masked(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [masked(inner) for inner in value]
    return MASK


def credentials_answer(
    app_id: str, environment: ConnectionEnvironment, stored: dict[str, Any], mode: Literal["flag", "mask"]
) -> dict[str, Any]:
    """A read of one slot's credentials (api-contract §13.4): ``flag``, only that they are set;
    ``mask``, the stored body with every value masked [INF]. Never a value in plaintext."""
    base = {"app_id": app_id, "environment": environment.value}
    if mode == "flag":
        return {**base, "credentials_entered": True}
    return {**base, **masked(stored)}
