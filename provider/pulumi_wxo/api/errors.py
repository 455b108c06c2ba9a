"""The error tree, where the client's callers have always imported it from.

The tree lives in the leaf module :mod:`pulumi_wxo.errors` (drawn in its docstring), so that
``schema/`` can raise it without importing ``api/``; this module re-exports it with the
parsing of error bodies (``parse_detail``, from :mod:`pulumi_wxo.api.error_bodies`).
"""

from __future__ import annotations

from pulumi_wxo.api.error_bodies import parse_detail
from pulumi_wxo.errors import (
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
    credentials_hint,
)

__all__ = [
    "ApiError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "DeadlineExceededError",
    "InvalidInputError",
    "ModelExistsError",
    "ModelInUseError",
    "NotFoundError",
    "QuotaExceededError",
    "ResponseTooLargeError",
    "RetriesExhaustedError",
    "ServerObjectError",
    "TransportError",
    "ValidationFailedError",
    "WxoError",
    "credentials_hint",
    "parse_detail",
]
