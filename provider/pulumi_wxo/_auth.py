"""Transition shim: import from pulumi_wxo.api (pulumi_wxo.api.auth and its siblings).

Kept so that modules not yet moved keep working; removed once nothing imports it.
"""

from __future__ import annotations

from pulumi_wxo.api.auth import WxoAuth, make_auth
from pulumi_wxo.api.auth_tokens import token_refresh_at
from pulumi_wxo.api.http import is_tls_error, user_agent

__all__ = ["WxoAuth", "is_tls_error", "make_auth", "token_refresh_at", "user_agent"]
