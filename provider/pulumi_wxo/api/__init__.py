"""The only HTTP code of pulumi-wxo: settings, token flows, the client, one retry policy,
redaction and the error tree.

Modules:

``setting_table``  the settings table: one row per ``wxo:*`` setting, everything else derived
``settings``       ConnectionSettings: every ``wxo:*`` key with its ``WXO_*`` fallback, TLS rule
``client``         WxoClient: one exchange with retries and limits, status -> error
``collections``    Collection: list, find, get, create, update, delete of one API collection
``connections``    ConnectionsCollection: the connections API's sequence behind the same verbs
``listing``        list answers: their objects, and when a 404 stands for "none" (§8)
``retry``          RetryPolicy: the one retry policy, and the parameters of each caller
``auth``           WxoAuth: the ``httpx.Auth`` (token cache, refresh, one resend after a 401)
``auth_flows``     how each flow mints a token (IAM, MCSP, CPD, local, bearer)
``auth_exchange``  token-service calls and their retries
``auth_tokens``    when a token is due for refresh (JWT claims)
``http``           the one way an ``httpx.Client`` is built
``deadline``       wall-clock deadlines per exchange and per call, enforced at the socket
``body``           one exchange bounded: the deadline, the size cap (wxo:maxResponseBytes)
``errors``         the exception tree, re-exported from the leaf :mod:`pulumi_wxo.errors`
``error_bodies``   error-body parsing (``parse_detail``)
``redaction``      the secret registry and logger, re-exported from :mod:`pulumi_wxo.redaction`

Names are loaded on first use (PEP 562), so that importing the error tree (``pulumi-wxo
validate`` does) does not import httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pulumi_wxo.errors import ERRORS

if TYPE_CHECKING:
    from pulumi_wxo.api.auth import WxoAuth, make_auth
    from pulumi_wxo.api.auth_tokens import token_refresh_at
    from pulumi_wxo.api.client import JsonObject, WxoClient, register_body_secrets
    from pulumi_wxo.api.errors import (
        ApiError,
        AuthError,
        ConfigError,
        ConflictError,
        DeadlineExceededError,
        InvalidInputError,
        ModelExistsError,
        ModelInUseError,
        NotFoundError,
        QuotaExceededError,
        ResponseTooLargeError,
        RetriesExhaustedError,
        ServerObjectError,
        TransportError,
        ValidationFailedError,
        WxoError,
        parse_detail,
    )
    from pulumi_wxo.api.redaction import RedactingFilter, logger, redact, register_secret
    from pulumi_wxo.api.retry import (
        RETRY_STATUSES,
        TOKEN_EXCHANGE_POLICY,
        RetryPlan,
        RetryPolicy,
        RetryRun,
        api_policy,
        create_policy,
        parse_retry_after,
    )
    from pulumi_wxo.api.settings import (
        AUTH_TYPES,
        AuthType,
        ConnectionSettings,
        resolved_auth_type,
        resolved_base_path,
    )

#: The one table of public names: name -> the module of this package that defines it.
_WHERE: dict[str, str] = {
    **dict.fromkeys(("WxoAuth", "make_auth"), "auth"),
    "token_refresh_at": "auth_tokens",
    **dict.fromkeys(("JsonObject", "WxoClient", "register_body_secrets"), "client"),
    **dict.fromkeys((*ERRORS, "parse_detail"), "errors"),
    **dict.fromkeys(("RedactingFilter", "logger", "redact", "register_secret"), "redaction"),
    **dict.fromkeys(
        (
            "RETRY_STATUSES",
            "TOKEN_EXCHANGE_POLICY",
            "RetryPlan",
            "RetryPolicy",
            "RetryRun",
            "api_policy",
            "create_policy",
            "parse_retry_after",
        ),
        "retry",
    ),
    **dict.fromkeys(
        ("AUTH_TYPES", "AuthType", "ConnectionSettings", "resolved_auth_type", "resolved_base_path"),
        "settings",
    ),
}

__all__ = [
    "AUTH_TYPES",
    "RETRY_STATUSES",
    "TOKEN_EXCHANGE_POLICY",
    "ApiError",
    "AuthError",
    "AuthType",
    "ConfigError",
    "ConflictError",
    "ConnectionSettings",
    "DeadlineExceededError",
    "InvalidInputError",
    "JsonObject",
    "ModelExistsError",
    "ModelInUseError",
    "NotFoundError",
    "QuotaExceededError",
    "RedactingFilter",
    "ResponseTooLargeError",
    "RetriesExhaustedError",
    "RetryPlan",
    "RetryPolicy",
    "RetryRun",
    "ServerObjectError",
    "TransportError",
    "ValidationFailedError",
    "WxoAuth",
    "WxoClient",
    "WxoError",
    "api_policy",
    "create_policy",
    "logger",
    "make_auth",
    "parse_detail",
    "parse_retry_after",
    "redact",
    "register_body_secrets",
    "register_secret",
    "resolved_auth_type",
    "resolved_base_path",
    "token_refresh_at",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_wxo.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pulumi_wxo.api.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
