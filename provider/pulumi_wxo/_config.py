"""Transition shim: import from pulumi_wxo.api (pulumi_wxo.api.settings).

Kept so that modules not yet moved keep working; removed once nothing imports it.
"""

from __future__ import annotations

from pulumi_wxo.api.settings import (
    AUTH_TYPES,
    DEFAULT_LOCAL_PASSWORD,
    DEFAULT_LOCAL_USERNAME,
    AuthType,
    ConnectionSettings,
    is_loopback_url,
    mcsp_instance_id,
    resolved_auth_type,
    resolved_base_path,
    tls_verify,
)

__all__ = [
    "AUTH_TYPES",
    "DEFAULT_LOCAL_PASSWORD",
    "DEFAULT_LOCAL_USERNAME",
    "AuthType",
    "ConnectionSettings",
    "is_loopback_url",
    "mcsp_instance_id",
    "resolved_auth_type",
    "resolved_base_path",
    "tls_verify",
]
