"""The ModelPolicy's arguments and property builders, shared by both hosts' ``ModelPolicy``.

:class:`pulumi_wxo.ModelPolicy` and :class:`pulumi_wxo.native.ModelPolicy` both register what
:func:`policy_props` builds; this module imports neither host.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from pulumi_wxo.inputs import (
    PolicyRetryArgs,
    PolicyRetryArgsDict,
    PolicyStrategyArgs,
    PolicyStrategyArgsDict,
    PolicyTargetInput,
    to_plain,
)
from pulumi_wxo.schema import map_targets
from pulumi_wxo.schema.policy import normalize_policy_name
from pulumi_wxo.sdk.common import DeclaredNames, merge_args
from pulumi_wxo.sdk.outputs import ModelOutputs

StrategyInput = str | PolicyStrategyArgs | PolicyStrategyArgsDict | Mapping[str, Any]
RetryInput = PolicyRetryArgs | PolicyRetryArgsDict | Mapping[str, Any]
# A target's ``model`` is a Model of either host (pulumi_wxo.Model, pulumi_wxo.native.Model).
TargetsInput = Sequence[PolicyTargetInput | ModelOutputs]


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
