"""The ModelPolicy's arguments and property builders, shared by both hosts' ``ModelPolicy``.

:class:`pulumi_wxo.ModelPolicy` and :class:`pulumi_wxo.native.ModelPolicy` both register what
:func:`policy_props` builds; this module imports neither host.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from pulumi_wxo.inputs import RetryInput, StrategyInput, TargetsInput, to_plain
from pulumi_wxo.resources import POLICY
from pulumi_wxo.schema import map_targets
from pulumi_wxo.schema.policy import normalize_policy_name
from pulumi_wxo.sdk.common import Declared, DeclaredNames, merge_args
from pulumi_wxo.sdk.declared import ModelPolicyArgs
from pulumi_wxo.sdk.outputs import ModelOutputs

__all__ = [
    "POLICY_NAMES",
    "ModelPolicyArgs",
    "RetryInput",
    "StrategyInput",
    "TargetsInput",
    "policy_props",
    "wire_targets",
]


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


POLICY_NAMES = DeclaredNames(POLICY.name, normalize_policy_name)


def policy_props(resource: object, call: Declared) -> dict[str, Any]:
    """A ModelPolicy's properties as both hosts register them (name claimed, targets wired)."""
    resource_name, args, given, opts = call.resource_name, call.args, call.given, call.opts
    given = merge_args(
        args, given, kind=POLICY.name, resource_name=resource_name, required=POLICY.required_fields
    )
    declared: list[Any] = []
    strategy_value = to_plain(given["strategy"])
    return {
        **given,
        "name": POLICY_NAMES.input(given["name"], resource_name, resource, opts),
        "strategy": {"mode": strategy_value} if isinstance(strategy_value, str) else strategy_value,
        "retry": to_plain(given.get("retry")),
        "targets": wire_targets(list(given["targets"]), declared),
        **{key: given.get(key) or default for key, default in POLICY.arg_defaults.items()},
        "declared_models": declared,
        **dict.fromkeys(POLICY.seeded_outputs),
    }
