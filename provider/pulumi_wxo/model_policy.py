"""The ModelPolicy resource: a routing policy over models, typed targets, outputs up front.

The type token ``pulumi-python:dynamic/wxo:ModelPolicy`` is stored in users' state: keep it.
The arguments and property builders it shares with the plugin's SDK live in
:mod:`pulumi_wxo.sdk`; their names stay importable from here.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_wxo._provider import ModelPolicyProvider
from pulumi_wxo.sdk.declared import ModelPolicySignature
from pulumi_wxo.sdk.outputs import POLICY_OUTPUTS, PolicyOutputs
from pulumi_wxo.sdk.policy import (
    POLICY_NAMES,
    ModelPolicyArgs,
    RetryInput,
    StrategyInput,
    TargetsInput,
    policy_props,
    wire_targets,
)

__all__ = [
    "POLICY_NAMES",
    "POLICY_OUTPUTS",
    "ModelPolicy",
    "ModelPolicyArgs",
    "PolicyOutputs",
    "RetryInput",
    "StrategyInput",
    "TargetsInput",
    "policy_props",
    "wire_targets",
]


class ModelPolicy(ModelPolicySignature, Resource, module="wxo", name="ModelPolicy"):
    """A routing policy over virtual models (``POST /model_policy``).

    ``strategy`` is ``"loadbalance"``, ``"fallback"`` or ``"single"`` (or a
    :class:`~pulumi_wxo.PolicyStrategyArgs` / dict with ``mode`` and ``on_status_codes``). Each
    target is ``{"model": <Model>, "weight": 0.5}`` (or :class:`~pulumi_wxo.PolicyTargetArgs`),
    ``{"model_name": "virtual-model/...", "weight": ...}`` or a nested rule
    (:class:`~pulumi_wxo.PolicyRuleArgs`, ``{"strategy": ..., "targets": [...]}``). Passing the
    Model resource orders creation (models first) and deletion (policy first).
    """

    def _declare(
        self,
        resource_name: str,
        args: ModelPolicyArgs | None,
        given: dict[str, Any],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        props = policy_props(self, resource_name, args, given, opts)
        Resource.__init__(self, ModelPolicyProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> ModelPolicy:
        """Read an existing policy into the program by its id, without managing it."""
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        policy = ModelPolicy.__new__(ModelPolicy)
        Resource.__init__(policy, ModelPolicyProvider(), resource_name, dict.fromkeys(POLICY_OUTPUTS), opts)
        return policy
