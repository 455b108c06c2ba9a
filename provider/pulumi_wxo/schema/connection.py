"""An Orchestrate connection: the declared spec, its validation, the API bodies and the API
objects normalised back (docs/dev/api-contract.md §13).

A connection is named by its ``app_id`` (the user's key; the server's is ``connection_id``). It
has up to two configurations, ``draft`` and ``live``, each with its kind, type, ``server_url``
and OAuth settings, and credentials per environment. The shorthand fields of
:class:`ConnectionSpec` apply to both environments; ``environments={"draft": {...}, "live":
{...}}`` sets them apart (each block overrides the shorthand key by key) and names the
environments to configure. Without ``environments`` both are configured alike.

Credentials are write-only: the API never answers them (§13.4), so :func:`normalize_connection`
reports only whether they are set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pulumi_wxo.schema.bounds import split_bounded, under
from pulumi_wxo.schema.failures import Failure, failures_from
from pulumi_wxo.schema.names import did_you_mean

# The ADK's ConnectionKind, ConnectionPreference and ConnectionEnvironment (api-contract §13.2).
ConnectionKind = Literal[
    "basic",
    "bearer",
    "api_key",
    "oauth_auth_code_flow",
    "oauth_auth_password_flow",
    "oauth_auth_client_credentials_flow",
    "oauth_auth_on_behalf_of_flow",
    "oauth_auth_token_exchange_flow",
    "oauth_auth_direct_access_flow",
    "oauth_auth_jwt_bearer_flow",
    "key_value",
    "kv",
]
ConnectionType = Literal["team", "member"]
Environment = Literal["draft", "live"]
CONNECTION_KINDS: tuple[str, ...] = get_args(ConnectionKind)
CONNECTION_TYPES: tuple[str, ...] = get_args(ConnectionType)
ENVIRONMENTS: tuple[str, ...] = get_args(Environment)

# kind -> (security_scheme, auth_type) as the ADK maps them (api-contract §13.2 [SRC]).
KIND_TO_API: dict[str, tuple[str, str | None]] = {
    "basic": ("basic_auth", None),
    "bearer": ("bearer_token", None),
    "api_key": ("api_key_auth", None),
    "key_value": ("key_value_creds", None),
    "kv": ("key_value_creds", None),
    "oauth_auth_code_flow": ("oauth2", "oauth2_auth_code"),
    "oauth_auth_password_flow": ("oauth2", "oauth2_password"),
    "oauth_auth_client_credentials_flow": ("oauth2", "oauth2_client_creds"),
    "oauth_auth_on_behalf_of_flow": ("oauth2", "oauth_on_behalf_of_flow"),
    "oauth_auth_token_exchange_flow": ("oauth2", "oauth2_token_exchange"),
    "oauth_auth_direct_access_flow": ("oauth2", "oauth2_direct_accesstoken"),
    "oauth_auth_jwt_bearer_flow": ("oauth2", "oauth2_jwt_bearer"),
}
# The way back; `kv` comes back as `key_value`, as an ADK export writes it.
API_TO_KIND: dict[tuple[str, str | None], str] = {
    api: kind for kind, api in KIND_TO_API.items() if kind != "kv"
}

# The kinds that need SSO, and may only be used with it (the ADK's SSO_CONNECTION_TYPES).
SSO_KINDS = frozenset(
    {"oauth_auth_on_behalf_of_flow", "oauth_auth_token_exchange_flow", "oauth_auth_direct_access_flow"}
)
# The kinds whose credentials go to the app slot (the ADK's OAUTH_CONNECTION_TYPES).
OAUTH_KINDS = frozenset(kind for kind, (scheme, _) in KIND_TO_API.items() if scheme == "oauth2")
KEY_VALUE_KINDS = frozenset({"key_value", "kv"})

_OAUTH_EXTRAS = ("custom_token_query", "custom_token_header", "custom_token_body", "custom_auth_query")
# Each kind's credential keys, the required ones first (api-contract §13.4, ADK 2.19.1
# core/types/connections/credentials.py); None: any keys (key_value), (): none may be set.
CREDENTIAL_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None] = {
    "basic": (("username", "password"), ("url", "custom_configuration", "server_cert")),
    "bearer": (("token",), ("url", "custom_configuration")),
    "api_key": (("api_key",), ("url", "custom_configuration", "name")),
    "key_value": None,
    "kv": None,
    "oauth_auth_code_flow": (
        ("client_id", "client_secret", "token_url", "authorization_url"),
        ("scope", *_OAUTH_EXTRAS),
    ),
    "oauth_auth_password_flow": (
        ("username", "password", "client_id", "client_secret", "token_url"),
        ("scope", "grant_type", *_OAUTH_EXTRAS),
    ),
    "oauth_auth_client_credentials_flow": (
        ("client_id", "client_secret", "token_url"),
        ("scope", "send_via", "grant_type", *_OAUTH_EXTRAS),
    ),
    "oauth_auth_on_behalf_of_flow": (
        ("client_id", "access_token_url", "grant_type"),
        ("client_secret", "app_token_key", *_OAUTH_EXTRAS),
    ),
    "oauth_auth_token_exchange_flow": (
        ("client_id", "access_token_url", "grant_type"),
        ("client_secret", "app_token_key", *_OAUTH_EXTRAS),
    ),
    "oauth_auth_direct_access_flow": ((), ()),
    "oauth_auth_jwt_bearer_flow": (
        ("token_url", "private_key"),
        (
            *("grant_type", "alg", "client_id", "client_secret", "kid", "private_key_password"),
            *("iss", "aud", "exp", "include_jti", "custom_claims", *_OAUTH_EXTRAS),
        ),
    ),
}
# oauth2_password: these go to the runtime slot, the rest to the app slot (api-contract §13.4).
_PASSWORD_RUNTIME_KEYS = ("username", "password")
_FORM_HEADER = {"content-type": "application/x-www-form-urlencoded"}

Credentials = dict[str, Any]


class IdpConfigBody(BaseModel):
    """``idp_config.body`` (the ADK's IdpConfigDataBody)."""

    model_config = ConfigDict(extra="forbid")

    requested_token_use: str
    requested_token_type: str


class IdpConfig(BaseModel):
    """The identity provider's token request of an SSO flow (the ADK's IdpConfigData)."""

    model_config = ConfigDict(extra="forbid")

    header: dict[str, str] | None = Field(None, description="Defaults to a form content-type.")
    body: IdpConfigBody


class AppConfig(BaseModel):
    """The application's token request of an SSO flow (the ADK's AppConfigData)."""

    model_config = ConfigDict(extra="forbid")

    header: dict[str, str] | None = Field(None, description="Defaults to a form content-type.")


class EnvironmentConfig(BaseModel):
    """One environment's configuration; each key set here overrides the connection's shorthand."""

    model_config = ConfigDict(extra="forbid")

    kind: ConnectionKind | None = Field(None, description="The kind of credentials in this environment.")
    type: ConnectionType | None = Field(
        None, description="team: one shared credential; member: each user's own."
    )
    server_url: str | None = Field(None, description="The base URL of the service the connection reaches.")
    sso: bool | None = Field(None, description="Single sign-on; required by, and only for, the SSO flows.")
    idp_config: IdpConfig | None = Field(None, description="The identity provider's token request (SSO).")
    app_config: AppConfig | None = Field(None, description="The application's token request (SSO).")
    custom_config_entries: dict[str, str] | None = Field(None, description="Extra configuration entries.")
    credentials: Credentials | None = Field(
        None, description="This environment's credentials.", json_schema_extra={"secret": True}
    )


_ENV_KEYS = tuple(EnvironmentConfig.model_fields)


class ConnectionSpec(BaseModel):
    """A connection as declared (api-contract §13): the shorthand applies to both environments."""

    model_config = ConfigDict(extra="forbid")

    app_id: str = Field(
        min_length=1,
        max_length=256,
        description="The connection's name, as models and spec files refer to it. "
        "Changing it replaces the connection.",
        json_schema_extra={"replace": True},
    )
    kind: ConnectionKind | None = Field(None, description="The kind of credentials (both environments).")
    type: ConnectionType | None = Field(None, description="team (default) or member (both environments).")
    server_url: str | None = Field(None, description="The service's base URL (both environments).")
    sso: bool | None = Field(None, description="Single sign-on (both environments).")
    idp_config: IdpConfig | None = Field(None, description="SSO: the identity provider's token request.")
    app_config: AppConfig | None = Field(None, description="SSO: the application's token request.")
    custom_config_entries: dict[str, str] | None = Field(None, description="Extra configuration entries.")
    credentials: Credentials | None = Field(
        None,
        description="The credentials (both environments); write-only: never read back.",
        json_schema_extra={"secret": True},
    )
    environments: dict[Environment, EnvironmentConfig] | None = Field(
        None, description="draft and live apart; only the environments named here are configured."
    )

    def environment(self, env: str) -> dict[str, Any]:
        """The effective settings of ``env``: the shorthand, overridden key by key."""
        merged = {key: getattr(self, key) for key in _ENV_KEYS}
        block = (self.environments or {}).get(env)  # type: ignore[call-overload]
        if block is not None:
            merged |= {key: getattr(block, key) for key in _ENV_KEYS if getattr(block, key) is not None}
        kind = merged["kind"]
        merged["type"] = merged["type"] or "team"
        if merged["sso"] is None:
            merged["sso"] = kind in SSO_KINDS
        return merged

    def environment_names(self) -> tuple[str, ...]:
        return tuple(e for e in ENVIRONMENTS if not self.environments or e in self.environments)

    def configuration_body(self, env: str) -> dict[str, Any]:
        """The body of ``POST .../configurations`` for ``env``, as the ADK sends it (§13.3); of
        a validated spec (:func:`validate_connection`), which has a kind in every environment."""
        settings = self.environment(env)
        scheme, auth_type = KIND_TO_API[settings["kind"]]
        sso = bool(settings["sso"])
        body: dict[str, Any] = {
            "app_id": self.app_id,
            "environment": env,
            "preference": settings["type"],
            "security_scheme": scheme,
            "auth_type": auth_type,
            "sso": sso,
            "server_url": settings["server_url"],
            "idp_config_data": _with_header(settings["idp_config"]),
            "app_config_data": _with_header(settings["app_config"])
            or ({"header": dict(_FORM_HEADER)} if sso else None),
            "custom_runtime_creds": settings["custom_config_entries"],
        }
        return body

    def credential_bodies(
        self, env: str
    ) -> list[tuple[Literal["credentials", "runtime_credentials"], dict[str, Any]]]:
        """``(slot, body)`` for each credentials request of ``env`` (§13.4); none without credentials."""
        settings = self.environment(env)
        values = dict(settings["credentials"] or {})
        if not values:
            return []
        kind = settings["kind"]
        if kind == "oauth_auth_password_flow":
            runtime = {k: values.pop(k) for k in _PASSWORD_RUNTIME_KEYS if k in values}
            return [
                ("credentials", {"app_credentials": values}),
                ("runtime_credentials", {"runtime_credentials": runtime}),
            ]
        if kind in OAUTH_KINDS:
            return [("credentials", {"app_credentials": values})]
        return [("runtime_credentials", {"runtime_credentials": values})]

    def effective(self) -> dict[str, Any]:
        """The canonical view :func:`normalize_connection` gives back (no credential values)."""
        return {
            "app_id": self.app_id,
            "environments": {
                env: _canonical_env(self.configuration_body(env)) for env in self.environment_names()
            },
        }


def _with_header(config: BaseModel | None) -> dict[str, Any] | None:
    if config is None:
        return None
    dumped: dict[str, Any] = config.model_dump(exclude_none=True)
    dumped["header"] = dumped.get("header") or dict(_FORM_HEADER)  # the ADK's default
    return dumped


# --------------------------------------------------------------------------- validation


def _suggest(path: tuple[str | int, ...]) -> str:
    key = str(path[-1])
    if len(path) == 1:
        return did_you_mean(key, ConnectionSpec.model_fields)
    if len(path) == 3 and path[0] == "environments":
        return did_you_mean(key, _ENV_KEYS)
    return ""


def validate_connection(props: Mapping[str, Any]) -> tuple[ConnectionSpec | None, list[Failure]]:
    """Validate declared inputs: the spec, or every problem found (one Failure each, naming the
    field; a credential's value is never part of a message)."""
    bounded, bound_fails, refused = split_bounded(props)
    data = {k: v for k, v in bounded.items() if v is not None}
    try:
        spec = ConnectionSpec.model_validate(data)
    except ValidationError as err:
        fails = failures_from(err, suggest=_suggest)
        return None, bound_fails + [f for f in fails if not under(f.path, refused)]
    fails = _rules(spec)
    if bound_fails:
        return None, bound_fails + [f for f in fails if not under(f.path, refused)]
    return (None, fails) if fails else (spec, [])


def _rules(spec: ConnectionSpec) -> list[Failure]:
    """The ADK's configuration rules and each kind's credential keys, per environment (§13.2,
    §13.4); a failure names the field where it was set (the shorthand or the environment)."""
    fails: list[Failure] = []
    envs = spec.environment_names()
    if spec.environments is not None and not spec.environments:
        return [Failure("environments", "names no environment: give draft, live or both, or leave it out")]
    for env in envs:
        settings = spec.environment(env)

        def where(key: str, env: str = env) -> str:
            block = (spec.environments or {}).get(env)  # type: ignore[call-overload]
            return (
                f"environments.{env}.{key}" if block is not None and getattr(block, key) is not None else key
            )

        kind, kind_type = settings["kind"], settings["type"]
        if kind is None:
            hint = f", here or in environments.{env}" if spec.environments else ""
            fails.append(Failure("kind", f"is required{hint}: one of {', '.join(CONNECTION_KINDS)}"))
            continue
        sso = bool(settings["sso"])
        if kind in SSO_KINDS and not sso:
            fails.append(Failure(where("sso"), f"kind '{kind}' needs sso: true"))
        if kind not in SSO_KINDS and sso:
            fails.append(Failure(where("sso"), f"sso is only for the kinds {', '.join(sorted(SSO_KINDS))}"))
        if sso and kind in SSO_KINDS and kind_type != "member":
            fails.append(Failure(where("type"), "an SSO connection must be of type 'member'"))
        if kind in KEY_VALUE_KINDS and kind_type == "member":
            fails.append(Failure(where("type"), "a key_value connection must be of type 'team'"))
        if kind == "oauth_auth_jwt_bearer_flow" and kind_type == "member":
            fails.append(Failure(where("type"), "kind 'oauth_auth_jwt_bearer_flow' must be of type 'team'"))
        if kind == "oauth_auth_on_behalf_of_flow" and settings["idp_config"] is None:
            fails.append(Failure(where("idp_config"), "kind 'oauth_auth_on_behalf_of_flow' needs idp_config"))
        fails += _credential_rules(kind, settings["credentials"], where("credentials"))
    return _unique(fails)


def _credential_rules(kind: str, credentials: Credentials | None, path: str) -> list[Failure]:
    if credentials is None:
        return []
    keys = CREDENTIAL_KEYS[kind]
    if keys is None:  # key_value: any keys, string values
        return [
            Failure(f"{path}.{key}", "a key_value credential must be a string")
            for key, value in credentials.items()
            if not isinstance(value, str)
        ]
    required, optional = keys
    if not required and not optional:
        return [Failure(path, f"kind '{kind}' takes no credentials: each user signs in")]
    fails = [
        Failure(f"{path}.{key}", f"is required for kind '{kind}'")
        for key in required
        if credentials.get(key) in (None, "")
    ]
    fails += [
        Failure(
            f"{path}.{key}", f"is not a credential of kind '{kind}'{did_you_mean(key, required + optional)}"
        )
        for key in credentials
        if key not in required and key not in optional
    ]
    return fails


def _unique(fails: Iterable[Failure]) -> list[Failure]:
    # Both environments may fail the same shorthand field for the same reason: say it once.
    return list(dict.fromkeys(fails))


# --------------------------------------------------------------------------- normalisation


def _canonical_env(config: Mapping[str, Any]) -> dict[str, Any]:
    scheme = config.get("security_scheme")
    auth_type = config.get("auth_type") if scheme == "oauth2" else None
    idp = config.get("idp_config_data", config.get("idp_config"))
    app = config.get("app_config_data", config.get("app_config"))
    return {
        "kind": API_TO_KIND.get((str(scheme), auth_type)),
        "type": config.get("preference") or config.get("type"),
        "server_url": config.get("server_url") or None,
        "sso": bool(config.get("sso")),
        "idp_config": dict(idp) if isinstance(idp, Mapping) else None,
        "app_config": dict(app) if isinstance(app, Mapping) else None,
        "custom_config_entries": dict(config.get("custom_runtime_creds") or {}) or None,
    }


def normalize_connection(
    connection: Mapping[str, Any],
    configurations: Mapping[str, Mapping[str, Any] | None],
    credentials_set: Mapping[str, bool] | None = None,
) -> dict[str, Any]:
    """API objects as the canonical view: ``connection`` is the answer of ``GET ?app_id=``,
    ``configurations`` the answers of ``GET .../configurations/{env}`` (None or absent: not
    configured), ``credentials_set`` the list's ``credentials_entered`` per environment.

    ``kind`` is None for a scheme the ADK has no kind for (``custom_schema``, api-contract §13.2).
    No credential value is read: the API never answers one (§13.4).
    """
    entered = credentials_set or {}
    environments = {}
    for env in ENVIRONMENTS:
        config = configurations.get(env)
        if config is not None:
            environments[env] = {**_canonical_env(config), "credentials_set": bool(entered.get(env))}
    return {
        "app_id": str(connection.get("app_id") or ""),
        "connection_id": connection.get("connection_id") or None,
        "environments": environments,
    }
