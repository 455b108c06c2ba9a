"""The secret registry and the package logger, where ``api/`` has always imported them from.

They live in the leaf module :mod:`pulumi_wxo.redaction` (the error tree, a leaf too, redacts
every message with it); this module re-exports them.
"""

from __future__ import annotations

from pulumi_wxo.redaction import (
    SECRET_NAME,
    RedactingFilter,
    logger,
    redact,
    register_secret,
    register_secret_name,
)

__all__ = ["SECRET_NAME", "RedactingFilter", "logger", "redact", "register_secret", "register_secret_name"]
