"""The routing policy (``/model_policy``, api-contract §6): its one declaration."""

from __future__ import annotations

from pulumi_wxo.resources.base import Computed, Control, Resource
from pulumi_wxo.resources.model import INSTANCE, PROVIDER_VERSION
from pulumi_wxo.schema import PolicyNode, PolicyRetry, PolicySpec, PolicyStrategy, PolicyTarget

POLICY = Resource(
    name="ModelPolicy",
    kind="policy",
    collection="policies",
    spec=PolicySpec,
    id_output="policy_id",
    dynamic_token="pulumi-python:dynamic/wxo:ModelPolicy",
    native_token="wxo:index:ModelPolicy",
    description="A routing policy over virtual models (`/model_policy`): a strategy over targets, "
    "with retry and cache settings. Changing `name` replaces the policy.",
    controls=(
        Control(
            "adopt",
            {"type": "boolean", "default": False},
            "Take over an existing object of the same name instead of refusing.",
            python="pulumi.Input[bool]",
            default="False",
            unstored=(False,),
            always=True,
            boolean=True,
        ),
        Control(
            "declared_models",
            {"type": "array", "items": {"type": "string"}},
            "Names of models declared in this program that the targets route to (they need not "
            "exist on the server at preview). Set by the SDK.",
            stored="internal",
            always=True,
        ),
    ),
    computed=(
        Computed(
            "policy_id",
            {"type": "string"},
            "The policy's id on the server (also the resource id).",
            kept=True,
        ),
        INSTANCE,
        PROVIDER_VERSION,
    ),
    listed=("display_name",),
    types={
        "wxo:index:PolicyStrategy": (PolicyStrategy,),
        "wxo:index:PolicyRetry": (PolicyRetry,),
        "wxo:index:PolicyTarget": (PolicyTarget, PolicyNode),
    },
)
