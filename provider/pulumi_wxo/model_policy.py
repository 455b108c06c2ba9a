"""The ModelPolicy resource: a routing policy over models, typed targets, outputs up front.

The type token ``pulumi-python:dynamic/wxo:ModelPolicy`` is stored in users' state: keep it.
The arguments and property builders it shares with the plugin's SDK live in
:mod:`pulumi_wxo.sdk`; their names stay importable from here.
"""

from __future__ import annotations

import pulumi
from pulumi.dynamic import Resource

from pulumi_wxo._provider import ModelPolicyProvider
from pulumi_wxo.sdk.common import Declared
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

    def _declare(self, declared: Declared) -> None:
        d = declared
        props = d.given if d.id is not None else policy_props(self, d)
        opts = pulumi.ResourceOptions.merge(d.opts, pulumi.ResourceOptions(**d.read_only()))
        Resource.__init__(self, ModelPolicyProvider(), d.resource_name, props, opts)
