"""Model resource: typed arguments in, every output declared up front.

The type token is ``pulumi-python:dynamic/wxo:Model`` (``module``/``name`` class keywords;
setting ``_resource_type_name`` in the body does not work, see the dynamic-provider note).
Changing the token would replace every model in users' stacks: keep it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_wxo._provider import ModelPolicyProvider, ModelProvider
from pulumi_wxo._schema import SECRET_FIELDS

# Outputs that could carry a credential under a key the engine cannot match to a secret
# input (its annotateSecrets only re-marks outputs under the same key as a secret input).
MODEL_SECRET_OUTPUTS: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ModelArgs:
    """Arguments of :class:`Model` (snake_case names as in the ADK's model spec)."""

    name: pulumi.Input[str]
    display_name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    model_type: pulumi.Input[str] = "chat"
    connection_id: pulumi.Input[str] | None = None
    provider_config: pulumi.Input[Mapping[str, Any]] | None = None
    config: pulumi.Input[Mapping[str, Any]] | None = None
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
    if isinstance(value, Mapping):
        return {
            k: (pulumi.Output.secret(v) if k in SECRET_FIELDS and v is not None else v)
            for k, v in value.items()
        }
    return pulumi.Output.secret(value)


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
        provider_config: pulumi.Input[Mapping[str, Any]] | None = None,
        config: pulumi.Input[Mapping[str, Any]] | None = None,
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
            # outputs, declared up front so they exist as attributes
            "model_id": None,
            "provider": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=list(MODEL_SECRET_OUTPUTS))
        )
        super().__init__(ModelProvider(), resource_name, props, opts)


@dataclass(frozen=True, kw_only=True)
class ModelPolicyArgs:
    """Arguments of :class:`ModelPolicy`."""

    name: pulumi.Input[str]
    strategy: pulumi.Input[str] | pulumi.Input[Mapping[str, Any]]
    targets: Sequence[Any]
    display_name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    retry: pulumi.Input[Mapping[str, Any]] | None = None
    cache: pulumi.Input[Any] | None = None
    adopt: pulumi.Input[bool] = False


def wire_targets(targets: Sequence[Any], declared: list[Any]) -> list[Any]:
    """Targets as the API expects them; a ``Model`` given as ``model`` becomes its name.

    Names that come from resources of this program (a Model, or any Output) are collected in
    ``declared``: check must not demand that they already exist on the server at preview.
    """
    out: list[Any] = []
    for given in targets:
        t = {"model": given} if isinstance(given, Model) else given
        if not isinstance(t, Mapping):
            out.append(t)
            continue
        item = {k: v for k, v in t.items() if k != "model" and v is not None}
        model = t.get("model")
        if isinstance(model, Model):
            item["model_name"] = model.name
            declared.append(model.name)
        elif isinstance(item.get("model_name"), pulumi.Output):
            declared.append(item["model_name"])
        if "targets" in item and isinstance(item["targets"], Sequence):
            item["targets"] = wire_targets(item["targets"], declared)
        out.append(item)
    return out


class ModelPolicy(Resource, module="wxo", name="ModelPolicy"):
    """A routing policy over virtual models (``POST /model_policy``).

    ``strategy`` is ``"loadbalance"``, ``"fallback"`` or ``"single"`` (or a dict with ``mode``
    and ``on_status_codes``). Each target is ``{"model": <Model>, "weight": 0.5}``, ``{"model_name":
    "virtual-model/...", "weight": ...}`` or a nested rule ``{"strategy": ..., "targets": [...]}``.
    Passing the Model resource orders creation (models first) and deletion (policy first).
    """

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

    def __init__(
        self,
        resource_name: str,
        args: ModelPolicyArgs | None = None,
        *,
        name: pulumi.Input[str] | None = None,
        display_name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        strategy: pulumi.Input[str] | pulumi.Input[Mapping[str, Any]] | None = None,
        targets: Sequence[Any] | None = None,
        retry: pulumi.Input[Mapping[str, Any]] | None = None,
        cache: pulumi.Input[Any] | None = None,
        adopt: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        given: dict[str, Any] = {
            "name": name,
            "display_name": display_name,
            "description": description,
            "strategy": strategy,
            "targets": targets,
            "retry": retry,
            "cache": cache,
            "adopt": adopt,
        }
        given = merge_args(
            args,
            given,
            kind="ModelPolicy",
            resource_name=resource_name,
            required=("name", "strategy", "targets"),
        )
        declared: list[Any] = []
        props: dict[str, Any] = {
            **given,
            "strategy": {"mode": given["strategy"]}
            if isinstance(given["strategy"], str)
            else given["strategy"],
            "targets": wire_targets(list(given["targets"]), declared),
            "adopt": given.get("adopt") or False,
            "declared_models": declared,
            "policy_id": None,
        }
        super().__init__(ModelPolicyProvider(), resource_name, props, opts)
