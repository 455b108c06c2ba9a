"""The Model resource: typed arguments in, every output declared up front.

The type token is ``pulumi-python:dynamic/wxo:Model`` (``module``/``name`` class keywords;
setting ``_resource_type_name`` in the body does not work for dynamic resources). It is
stored in every user's state: changing it would replace every model. ``tests/unit/test_compat.py``
pins it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_wxo._provider import ModelProvider
from pulumi_wxo.inputs import (
    ModelConfigArgs,
    ModelConfigArgsDict,
    ProviderConfigArgs,
    ProviderConfigArgsDict,
    to_plain,
)
from pulumi_wxo.schema import SECRET_FIELDS

# Outputs that could carry a credential under a key the engine cannot match to a secret
# input (its annotateSecrets only re-marks outputs under the same key as a secret input).
MODEL_SECRET_OUTPUTS: tuple[str, ...] = ()

# What ``provider_config`` and ``config`` accept: the typed classes, or plain dicts.
ProviderConfigInput = ProviderConfigArgs | ProviderConfigArgsDict | Mapping[str, Any]
ModelConfigInput = ModelConfigArgs | ModelConfigArgsDict | Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class ModelArgs:
    """Arguments of :class:`Model` (snake_case names as in the ADK's model spec)."""

    name: pulumi.Input[str]
    display_name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    model_type: pulumi.Input[str] = "chat"
    connection_id: pulumi.Input[str] | None = None
    provider_config: pulumi.Input[ProviderConfigInput] | None = None
    config: pulumi.Input[ModelConfigInput] | None = None
    adopt: pulumi.Input[bool] = False
    force_delete: pulumi.Input[bool] = False


def merge_args(
    args: Any, given: dict[str, Any], *, kind: str, resource_name: str, required: Sequence[str]
) -> dict[str, Any]:
    """Keyword arguments over an ``*Args`` object; refuse a missing required argument."""
    if args is not None:
        # Not dataclasses.asdict: it deep-copies, and an Output refuses to be copied.
        base = {f.name: getattr(args, f.name) for f in fields(args)}
        base.update({k: v for k, v in given.items() if v is not None})
        given = base
    for name in required:
        if given.get(name) is None:
            raise TypeError(f"{kind} '{resource_name}': missing required argument '{name}'")
    return given


def secret_provider_config(value: Any) -> Any:
    """Mark every credential field of ``provider_config`` secret, even a plain string.

    A plain dict keeps its other keys visible in diffs and outputs; a value that is itself
    an Output cannot be inspected here, so all of it becomes secret.
    """
    if value is None:
        return None
    value = to_plain(value)
    if isinstance(value, Mapping):
        return {
            k: (pulumi.Output.secret(v) if k in SECRET_FIELDS and v is not None else v)
            for k, v in value.items()
        }
    return pulumi.Output.secret(value)


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
)


class Model(Resource, module="wxo", name="Model"):
    """A virtual model on the watsonx Orchestrate AI gateway (``POST /models``).

    Changing ``name`` replaces the model (the new one is created before the old one is
    deleted); every other field updates in place. With ``adopt=True`` an existing model of
    the same name is taken over instead of refused. Deleting a model that a policy on the
    server still routes to is refused unless ``force_delete=True``.
    """

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
        adopt: pulumi.Input[bool] | None = None,
        force_delete: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        given = {
            "name": name,
            "display_name": display_name,
            "description": description,
            "tags": tags,
            "model_type": model_type,
            "connection_id": connection_id,
            "provider_config": provider_config,
            "config": config,
            "adopt": adopt,
            "force_delete": force_delete,
        }
        given = merge_args(args, given, kind="Model", resource_name=resource_name, required=("name",))
        props: dict[str, Any] = {
            **given,
            "model_type": given.get("model_type") or "chat",
            "adopt": given.get("adopt") or False,
            "force_delete": given.get("force_delete") or False,
            "provider_config": secret_provider_config(given.get("provider_config")),
            "config": to_plain(given.get("config")),
            # outputs, declared up front so they exist as attributes
            "model_id": None,
            "provider": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=list(MODEL_SECRET_OUTPUTS))
        )
        super().__init__(ModelProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> Model:
        """Read an existing model into the program by its id, without managing it.

        Every top-level field and every non-secret key of ``provider_config`` and ``config``
        is read from the server; nothing is ever changed or deleted.
        """
        opts = pulumi.ResourceOptions.merge(
            opts,
            pulumi.ResourceOptions(id=id, additional_secret_outputs=list(MODEL_SECRET_OUTPUTS)),
        )
        model = Model.__new__(Model)
        Resource.__init__(model, ModelProvider(), resource_name, dict.fromkeys(MODEL_OUTPUTS), opts)
        return model
