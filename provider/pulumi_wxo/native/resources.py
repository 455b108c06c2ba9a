"""The Python SDK of the plugin: ``Model``, ``ModelPolicy`` and ``Provider`` as first-class resources.

The same arguments and outputs as :class:`pulumi_wxo.Model` and :class:`pulumi_wxo.ModelPolicy`
(the same ``*Args``, the same property builders of :mod:`pulumi_wxo.sdk`, the same
duplicate-name claims), registered
as ``wxo:index:Model`` / ``wxo:index:ModelPolicy`` with the ``pulumi-resource-wxo`` plugin
instead of the dynamic provider. Nothing is pickled into state, so these resources can be
imported (``pulumi import wxo:index:Model <name> <id>``) and managed from other languages.
"""

from __future__ import annotations

from typing import Any, Unpack

import pulumi

from pulumi_wxo.native.schema import MODEL_TOKEN, PACKAGE, POLICY_TOKEN, package_version
from pulumi_wxo.provider_resource import ProviderArgs, provider_inputs
from pulumi_wxo.resources import CONNECTION
from pulumi_wxo.sdk.common import Declared
from pulumi_wxo.sdk.connection import connection_opts, connection_props
from pulumi_wxo.sdk.declared import ConnectionSignature, ModelPolicySignature, ModelSignature
from pulumi_wxo.sdk.model import model_props, model_secret_opts
from pulumi_wxo.sdk.policy import policy_props


def _opts(opts: pulumi.ResourceOptions | None, **more: Any) -> pulumi.ResourceOptions:
    """Pin the plugin's version: the engine runs the ``pulumi-resource-wxo`` of this package."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(version=package_version(), **more))


class Provider(pulumi.ProviderResource):
    """An explicit provider for one Orchestrate instance (``pulumi_wxo.provider_resource``)."""

    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        **settings: Unpack[ProviderArgs],
    ) -> None:
        props = provider_inputs(settings, kind=f"Provider '{resource_name}'", prefixed=False)
        super().__init__(PACKAGE, resource_name, props, _opts(opts))


class Model(ModelSignature, pulumi.CustomResource):
    """A virtual model (``wxo:index:Model``); see :class:`pulumi_wxo.Model` for the arguments."""

    def _declare(self, declared: Declared) -> None:
        d = declared
        props = d.given if d.id is not None else model_props(self, d, type_token=MODEL_TOKEN)
        opts = _opts(model_secret_opts(d.opts, **d.read_only()))
        pulumi.CustomResource.__init__(self, MODEL_TOKEN, d.resource_name, props, opts)


class ModelPolicy(ModelPolicySignature, pulumi.CustomResource):
    """A routing policy (``wxo:index:ModelPolicy``); see :class:`pulumi_wxo.ModelPolicy`.

    A target's ``model`` may be a :class:`Model` of either host; the policy routes by name.
    """

    def _declare(self, declared: Declared) -> None:
        d = declared
        props = d.given if d.id is not None else policy_props(self, d)
        opts = _opts(d.opts, **d.read_only())
        pulumi.CustomResource.__init__(self, POLICY_TOKEN, d.resource_name, props, opts)


class Connection(ConnectionSignature, pulumi.CustomResource):
    """A connection (``wxo:index:Connection``); see :class:`pulumi_wxo.Connection`."""

    def _declare(self, declared: Declared) -> None:
        d = declared
        props = d.given if d.id is not None else connection_props(self, d)
        opts = _opts(connection_opts(d.opts, **d.read_only()))
        pulumi.CustomResource.__init__(self, CONNECTION.native_token, d.resource_name, props, opts)
