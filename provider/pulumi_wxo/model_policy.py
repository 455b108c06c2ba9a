"""The ModelPolicy resource: a routing policy over models, typed targets, outputs up front.

The type token ``pulumi-python:dynamic/wxo:ModelPolicy`` is stored in users' state: keep it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_wxo._provider import ModelPolicyProvider
from pulumi_wxo.inputs import (
    PolicyRetryArgs,
    PolicyRetryArgsDict,
    PolicyStrategyArgs,
    PolicyStrategyArgsDict,
    PolicyTargetInput,
    to_plain,
)
from pulumi_wxo.model import DeclaredNames, Model, ModelOutputs, keyword_args, merge_args
from pulumi_wxo.schema import map_targets
from pulumi_wxo.schema.policy import normalize_policy_name

StrategyInput = str | PolicyStrategyArgs | PolicyStrategyArgsDict | Mapping[str, Any]
RetryInput = PolicyRetryArgs | PolicyRetryArgsDict | Mapping[str, Any]
# A target's ``model`` is a Model of either host (pulumi_wxo.Model, pulumi_wxo.native.Model).
TargetsInput = Sequence[PolicyTargetInput | Model | ModelOutputs]


@dataclass(frozen=True, kw_only=True)
class ModelPolicyArgs:
    """Arguments of :class:`ModelPolicy`."""

    name: pulumi.Input[str]
    strategy: pulumi.Input[StrategyInput]
    targets: TargetsInput
    display_name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    retry: pulumi.Input[RetryInput] | None = None
    cache: pulumi.Input[Any] | None = None
    adopt: pulumi.Input[bool] = False


def wire_targets(targets: Sequence[Any], declared: list[Any]) -> list[Any]:
    """Targets as the API expects them; a ``Model`` given as ``model`` becomes its name.

    Names that come from resources of this program (a Model, or any Output) are collected in
    ``declared``: check must not demand that they already exist on the server at preview.
    """

    def wire(given: Any) -> Any:
        t = {"model": given} if isinstance(given, ModelOutputs) else given
        if not isinstance(t, Mapping):
            return t
        item = {k: v for k, v in t.items() if k != "model" and v is not None}
        model = t.get("model")
        if isinstance(model, ModelOutputs):
            item["model_name"] = model.name
            declared.append(model.name)
        elif isinstance(item.get("model_name"), pulumi.Output):
            declared.append(item["model_name"])
        return item

    return map_targets(to_plain(list(targets)), wire)


POLICY_NAMES = DeclaredNames("ModelPolicy", normalize_policy_name)

POLICY_OUTPUTS: tuple[str, ...] = (
    "name",
    "display_name",
    "description",
    "strategy",
    "retry",
    "cache",
    "targets",
    "adopt",
    "declared_models",
    "policy_id",
    "instance",
    "provider_version",
)


class PolicyOutputs:
    """The outputs of a ModelPolicy under either host."""

    policy_id: pulumi.Output[str]
    name: pulumi.Output[str]
    display_name: pulumi.Output[str]
    description: pulumi.Output[str]
    strategy: pulumi.Output[dict[str, Any]]
    retry: pulumi.Output[dict[str, Any] | None]
    cache: pulumi.Output[Any]
    targets: pulumi.Output[list[dict[str, Any]]]
    adopt: pulumi.Output[bool]
    declared_models: pulumi.Output[list[str]]
    instance: pulumi.Output[dict[str, Any]]
    """The instance that holds the policy: ``{"url": <base URL>, "tenant": <id or None>}``."""
    provider_version: pulumi.Output[str]
    """The pulumi-wxo version that last created or updated the policy."""


def policy_props(
    resource: object,
    resource_name: str,
    args: ModelPolicyArgs | None,
    given: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> dict[str, Any]:
    """A ModelPolicy's properties as both hosts register them (name claimed, targets wired)."""
    given = merge_args(
        args,
        given,
        kind="ModelPolicy",
        resource_name=resource_name,
        required=("name", "strategy", "targets"),
    )
    declared: list[Any] = []
    strategy_value = to_plain(given["strategy"])
    return {
        **given,
        "name": POLICY_NAMES.input(given["name"], resource_name, resource, opts),
        "strategy": {"mode": strategy_value} if isinstance(strategy_value, str) else strategy_value,
        "retry": to_plain(given.get("retry")),
        "targets": wire_targets(list(given["targets"]), declared),
        "adopt": given.get("adopt") or False,
        "declared_models": declared,
        "policy_id": None,
        "instance": None,
        "provider_version": None,
    }


class ModelPolicy(PolicyOutputs, Resource, module="wxo", name="ModelPolicy"):
    """A routing policy over virtual models (``POST /model_policy``).

    ``strategy`` is ``"loadbalance"``, ``"fallback"`` or ``"single"`` (or a
    :class:`~pulumi_wxo.PolicyStrategyArgs` / dict with ``mode`` and ``on_status_codes``). Each
    target is ``{"model": <Model>, "weight": 0.5}`` (or :class:`~pulumi_wxo.PolicyTargetArgs`),
    ``{"model_name": "virtual-model/...", "weight": ...}`` or a nested rule
    (:class:`~pulumi_wxo.PolicyRuleArgs`, ``{"strategy": ..., "targets": [...]}``). Passing the
    Model resource orders creation (models first) and deletion (policy first).
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
        super().__init__(ModelPolicyProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> ModelPolicy:
        """Read an existing policy into the program by its id, without managing it."""
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        policy = ModelPolicy.__new__(ModelPolicy)
        Resource.__init__(policy, ModelPolicyProvider(), resource_name, dict.fromkeys(POLICY_OUTPUTS), opts)
        return policy
