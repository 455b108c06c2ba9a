"""Transition shim: import from pulumi_wxo.api (pulumi_wxo.api.errors, pulumi_wxo.api.redaction).

Kept so that modules not yet moved keep working; removed once nothing imports it.
"""

from __future__ import annotations

from pulumi_wxo.api.errors import (
    ApiError,
    AuthError,
    ConfigError,
    ConflictError,
    InvalidInputError,
    ModelExistsError,
    ModelInUseError,
    NotFoundError,
    QuotaExceededError,
    RetriesExhaustedError,
    TransportError,
    ValidationFailedError,
    WxoError,
    parse_detail,
)
from pulumi_wxo.api.redaction import RedactingFilter, logger, redact, register_secret

__all__ = [
    "ApiError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "InvalidInputError",
    "ModelExistsError",
    "ModelInUseError",
    "NotFoundError",
    "QuotaExceededError",
    "RedactingFilter",
    "RetriesExhaustedError",
    "TransportError",
    "ValidationFailedError",
    "WxoError",
    "logger",
    "parse_detail",
    "redact",
    "register_secret",
]
