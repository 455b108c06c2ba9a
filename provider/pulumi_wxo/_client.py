"""Transition shim: import from pulumi_wxo.api (pulumi_wxo.api.client).

Kept so that modules not yet moved keep working; removed once nothing imports it.
"""

from __future__ import annotations

from pulumi_wxo.api.client import JsonObject, WxoClient, register_body_secrets

__all__ = ["JsonObject", "WxoClient", "register_body_secrets"]
