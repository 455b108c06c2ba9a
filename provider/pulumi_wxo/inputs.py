"""Typed nested inputs for :class:`~pulumi_wxo.Model` and :class:`~pulumi_wxo.ModelPolicy`.

The classes of the schema's object types (``ProviderConfigArgs``, ``ModelConfigArgs``,
``PolicyStrategyArgs``, ``PolicyRetryArgs``) are generated from it into
:mod:`pulumi_wxo.sdk.nested` and importable from here; a policy's targets and nested rules
(a target may be a ``Model`` resource) and the input types of the resources' arguments are
written here by hand.

Every argument that takes one of these also takes a plain ``dict`` with the same keys; the
``...Dict`` forms type such dicts, so an IDE completes ``watsonx_space_id`` and mypy catches a
misspelt key either way::

    wxo.Model("granite", name="watsonx/ibm/granite-3-3-8b-instruct",
              provider_config=wxo.ProviderConfigArgs(watsonx_space_id="...", api_key=key),
              config={"max_tokens": 1024})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, TypedDict

import pulumi

from pulumi_wxo.sdk.nested import (
    AppConfigArgs,
    AppConfigArgsDict,
    EnvironmentConfigArgs,
    EnvironmentConfigArgsDict,
    IdpConfigArgs,
    IdpConfigArgsDict,
    ModelConfigArgs,
    ModelConfigArgsDict,
    PolicyRetryArgs,
    PolicyRetryArgsDict,
    PolicyStrategyArgs,
    PolicyStrategyArgsDict,
    ProviderConfigArgs,
    ProviderConfigArgsDict,
)
from pulumi_wxo.sdk.outputs import ModelOutputs

__all__ = [
    "ModelConfigArgs",
    "ModelConfigArgsDict",
    "ModelConfigInput",
    "PolicyRetryArgs",
    "PolicyRetryArgsDict",
    "PolicyRuleArgs",
    "PolicyRuleArgsDict",
    "PolicyStrategyArgs",
    "PolicyStrategyArgsDict",
    "PolicyTargetArgs",
    "PolicyTargetArgsDict",
    "PolicyTargetInput",
    "ProviderConfigArgs",
    "ProviderConfigArgsDict",
    "ProviderConfigInput",
    "RetryInput",
    "StrategyInput",
    "TargetsInput",
    "to_plain",
]


@dataclass(frozen=True, kw_only=True)
class PolicyTargetArgs:
    """A routing target: a :class:`~pulumi_wxo.Model` of this program, or a model by name."""

    model: ModelOutputs | None = None
    """A Model resource of this program (orders creation: models first)."""
    model_name: pulumi.Input[str] | None = None
    """`virtual-model/<provider>/<model>` of a model not declared here."""
    weight: pulumi.Input[float] | None = None
    """Share of traffic for loadbalance (0 < w <= 1)."""


class PolicyTargetArgsDict(TypedDict, total=False):
    """A routing target: a :class:`~pulumi_wxo.Model` of this program, or a model by name."""

    model: ModelOutputs
    model_name: pulumi.Input[str]
    weight: pulumi.Input[float]


@dataclass(frozen=True, kw_only=True)
class PolicyRuleArgs:
    """A nested routing rule: a strategy over its own targets."""

    strategy: pulumi.Input[str] | PolicyStrategyArgs | PolicyStrategyArgsDict
    targets: Sequence[
        PolicyTargetArgs | PolicyTargetArgsDict | PolicyRuleArgs | PolicyRuleArgsDict | ModelOutputs
    ]
    retry: PolicyRetryArgs | PolicyRetryArgsDict | None = None
    cache: pulumi.Input[str] | pulumi.Input[Mapping[str, Any]] | None = None


class PolicyRuleArgsDict(TypedDict, total=False):
    """A nested routing rule: a strategy over its own targets."""

    strategy: pulumi.Input[str] | PolicyStrategyArgs | PolicyStrategyArgsDict
    targets: Sequence[
        PolicyTargetArgs | PolicyTargetArgsDict | PolicyRuleArgs | PolicyRuleArgsDict | ModelOutputs
    ]
    retry: PolicyRetryArgs | PolicyRetryArgsDict
    cache: pulumi.Input[str] | pulumi.Input[Mapping[str, Any]]


PolicyTargetInput = (
    PolicyTargetArgs | PolicyTargetArgsDict | PolicyRuleArgs | PolicyRuleArgsDict | Mapping[str, Any]
)

# What the resources' object-typed arguments accept: the typed classes, or plain dicts
# (the generated ``*Args`` of pulumi_wxo.sdk.declared name them).
ProviderConfigInput = ProviderConfigArgs | ProviderConfigArgsDict | Mapping[str, Any]
ModelConfigInput = ModelConfigArgs | ModelConfigArgsDict | Mapping[str, Any]
# A strategy may be given as just its mode ("fallback").
StrategyInput = str | PolicyStrategyArgs | PolicyStrategyArgsDict | Mapping[str, Any]
RetryInput = PolicyRetryArgs | PolicyRetryArgsDict | Mapping[str, Any]
# A connection's SSO settings and its environments (draft, live).
IdpConfigInput = IdpConfigArgs | IdpConfigArgsDict | Mapping[str, Any]
AppConfigInput = AppConfigArgs | AppConfigArgsDict | Mapping[str, Any]
EnvironmentConfigInput = EnvironmentConfigArgs | EnvironmentConfigArgsDict | Mapping[str, Any]
# A target's ``model`` is a Model of either host (pulumi_wxo.Model, pulumi_wxo.native.Model).
TargetsInput = Sequence[PolicyTargetInput | ModelOutputs]


def to_plain(value: Any) -> Any:
    """The dicts the provider receives: every ``...Args`` object becomes a dict without unset keys.

    Lists and dicts are converted inside; Outputs and resources pass through untouched (not
    ``dataclasses.asdict``: it deep-copies, and an Output refuses to be copied).
    """
    if is_dataclass(value) and not isinstance(value, type):
        given = {f.name: getattr(value, f.name) for f in fields(value)}
        return {k: to_plain(v) for k, v in given.items() if v is not None}
    if isinstance(value, Mapping):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value
