"""Host 2: the ``pulumi-resource-wxo`` plugin over :mod:`pulumi_wxo.lifecycle`, and its Python SDK.

Python programs choose the host by import::

    import pulumi_wxo as wxo          # the dynamic provider: zero install
    import pulumi_wxo.native as wxo   # the plugin: import, explicit providers, other languages

    prod = wxo.Provider("prod", url="https://...", api_key=cfg.require_secret("prodKey"))
    wxo.Model("gpt", name="openai/gpt-4o", provider_config={"api_key": key},
              opts=pulumi.ResourceOptions(provider=prod))

Both take the same arguments (:class:`~pulumi_wxo.ModelArgs`, the typed nested inputs) and
expose the same outputs (their builders are :mod:`pulumi_wxo.sdk`'s).

Modules:

``schema``     the package schema (``schema.json``, generated) with the package's version
``plugin``     the gRPC provider and the console script's ``main``
``server``     serving, clean errors
``values``     property values and secrets
``resources``  the SDK classes, loaded on first use so that the plugin process does not import them
``migration``  a stack's export rewritten from the dynamic host to the plugin (``migrate-state``)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, tuple[str, ...]] = {
    "resources": ("Connection", "Model", "ModelPolicy", "Provider"),
    "pulumi_wxo.sdk.connection": ("ConnectionArgs",),
    "pulumi_wxo.sdk.model": ("ModelArgs",),
    "pulumi_wxo.sdk.policy": ("ModelPolicyArgs",),
    "pulumi_wxo.provider_resource": ("ProviderArgs",),
}
_WHERE: dict[str, str] = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)  # noqa: PLE0605

if TYPE_CHECKING:
    from pulumi_wxo.native.resources import Connection as Connection
    from pulumi_wxo.native.resources import Model as Model
    from pulumi_wxo.native.resources import ModelPolicy as ModelPolicy
    from pulumi_wxo.native.resources import Provider as Provider
    from pulumi_wxo.provider_resource import ProviderArgs as ProviderArgs
    from pulumi_wxo.sdk.connection import ConnectionArgs as ConnectionArgs
    from pulumi_wxo.sdk.model import ModelArgs as ModelArgs
    from pulumi_wxo.sdk.policy import ModelPolicyArgs as ModelPolicyArgs


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    path = module if module.startswith("pulumi_wxo.") else f"{__name__}.{module}"
    value = getattr(importlib.import_module(path), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, *globals()])
