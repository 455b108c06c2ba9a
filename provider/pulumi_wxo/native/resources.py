"""The Python SDK of the plugin: ``Model``, ``ModelPolicy`` and ``Provider`` as first-class resources.

The same arguments and outputs as :class:`pulumi_wxo.Model` and :class:`pulumi_wxo.ModelPolicy`
(the same ``*Args``, the same property builders of :mod:`pulumi_wxo.sdk`, the same
duplicate-name claims), registered
as ``wxo:index:Model`` / ``wxo:index:ModelPolicy`` with the ``pulumi-resource-wxo`` plugin
instead of the dynamic provider. Nothing is pickled into state, so these resources can be
imported (``pulumi import wxo:index:Model <name> <id>``) and managed from other languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Unpack

import pulumi

from pulumi_wxo.native.schema import MODEL_TOKEN, PACKAGE, POLICY_TOKEN, package_version
from pulumi_wxo.provider_resource import ProviderArgs, provider_inputs
from pulumi_wxo.sdk.common import keyword_args
from pulumi_wxo.sdk.model import (
    ModelArgs,
    ModelConfigInput,
    ProviderConfigInput,
    model_props,
    model_secret_opts,
)
from pulumi_wxo.sdk.outputs import MODEL_OUTPUTS, POLICY_OUTPUTS, ModelOutputs, PolicyOutputs
from pulumi_wxo.sdk.policy import ModelPolicyArgs, RetryInput, StrategyInput, TargetsInput, policy_props


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


class Model(ModelOutputs, pulumi.CustomResource):
    """A virtual model (``wxo:index:Model``); see :class:`pulumi_wxo.Model` for the arguments."""

    def __init__(
        self,
        resource_name: str,
        args: ModelArgs | None = None,
        *,
        name: pulumi.Input[str] | None = None,
        display_name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        tags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        model_type: pulumi.Input[str] | None = None,
        connection_id: pulumi.Input[str] | None = None,
        provider_config: pulumi.Input[ProviderConfigInput] | None = None,
        config: pulumi.Input[ModelConfigInput] | None = None,
        adopt: pulumi.Input[bool | str] | None = None,
        force_delete: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        given = keyword_args(ModelArgs, locals())
        props = model_props(self, resource_name, args, given, opts, type_token=MODEL_TOKEN)
        super().__init__(MODEL_TOKEN, resource_name, props, _opts(model_secret_opts(opts)))

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> Model:
        """Read an existing model into the program by its id, without managing it."""
        model = Model.__new__(Model)
        props = dict.fromkeys(MODEL_OUTPUTS)
        pulumi.CustomResource.__init__(
            model, MODEL_TOKEN, resource_name, props, _opts(model_secret_opts(opts, id=id))
        )
        return model


class ModelPolicy(PolicyOutputs, pulumi.CustomResource):
    """A routing policy (``wxo:index:ModelPolicy``); see :class:`pulumi_wxo.ModelPolicy`.

    A target's ``model`` may be a :class:`Model` of either host; the policy routes by name.
    """

    def __init__(
        self,
        resource_name: str,
        args: ModelPolicyArgs | None = None,
        *,
        name: pulumi.Input[str] | None = None,
        display_name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        strategy: pulumi.Input[StrategyInput] | None = None,
        targets: TargetsInput | None = None,
        retry: pulumi.Input[RetryInput] | None = None,
        cache: pulumi.Input[Any] | None = None,
        adopt: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        given = keyword_args(ModelPolicyArgs, locals())
        props = policy_props(self, resource_name, args, given, opts)
        super().__init__(POLICY_TOKEN, resource_name, props, _opts(opts))

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> ModelPolicy:
        """Read an existing policy into the program by its id, without managing it."""
        policy = ModelPolicy.__new__(ModelPolicy)
        props = dict.fromkeys(POLICY_OUTPUTS)
        pulumi.CustomResource.__init__(policy, POLICY_TOKEN, resource_name, props, _opts(opts, id=id))
        return policy
