"""The outputs of each resource, declared up front and shared by both hosts' classes.

A leaf of the SDK layer (it imports only Pulumi), so that the typed inputs
(:mod:`pulumi_wxo.inputs`) can name "a Model of either host" without importing a resource.
"""

from __future__ import annotations

from typing import Any

import pulumi

# Every output, seeded with None so each exists as an attribute before the engine answers.
MODEL_OUTPUTS: tuple[str, ...] = (
    "name",
    "display_name",
    "description",
    "tags",
    "model_type",
    "connection_id",
    "provider_config",
    "config",
    "adopt",
    "force_delete",
    "model_id",
    "provider",
    "instance",
    "provider_version",
    "secret_name",
)


class ModelOutputs:
    """The outputs of a Model under either host (this module's and :mod:`pulumi_wxo.native`'s)."""

    model_id: pulumi.Output[str]
    name: pulumi.Output[str]
    provider: pulumi.Output[str]
    display_name: pulumi.Output[str]
    description: pulumi.Output[str]
    tags: pulumi.Output[list[str]]
    model_type: pulumi.Output[str]
    connection_id: pulumi.Output[str | None]
    provider_config: pulumi.Output[dict[str, Any]]
    config: pulumi.Output[dict[str, Any]]
    adopt: pulumi.Output[bool]
    force_delete: pulumi.Output[bool]
    instance: pulumi.Output[dict[str, Any]]
    """The instance that holds the model: ``{"url": <base URL>, "tenant": <id or None>}``."""
    provider_version: pulumi.Output[str]
    """The pulumi-wxo version that last created or updated the model."""
    secret_name: pulumi.Output[bool | None]
    """True when ``name`` was given as a secret (messages then say "a secret name")."""


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
