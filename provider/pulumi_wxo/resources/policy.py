"""The routing policy (``/model_policy``, api-contract §6): its one declaration."""

from __future__ import annotations

from pulumi_wxo.resources.base import Computed, Control, Resource, flag
from pulumi_wxo.resources.model import INSTANCE, PROVIDER_VERSION
from pulumi_wxo.schema import PolicyNode, PolicyRetry, PolicySpec, PolicyStrategy, PolicyTarget

POLICY = Resource(
    name="ModelPolicy",
    kind="policy",
    collection="policies",
    spec=PolicySpec,
    description="A routing policy over virtual models (`/model_policy`): a strategy over targets, "
    "with retry and cache settings. Changing `name` replaces the policy.",
    controls=(
        flag("adopt", "Take over an existing object of the same name instead of refusing."),
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
    # The strategy may be given as its mode, a target as a Model resource of either host.
    annotations={
        "strategy": "pulumi.Input[StrategyInput]",
        "retry": "pulumi.Input[RetryInput]",
        "targets": "TargetsInput",
    },
    reference="""\
Checked at preview: weights in (0, 1]; fallback needs at least two targets, single exactly one;
status codes are HTTP codes; no empty or too-deep nesting; every target names a model declared
in the stack (pass the `Model` as `model`) or existing on the server. A target is
`{"model": <Model>, "weight": 0.5}`, `{"model_name": "virtual-model/...", "weight": 0.5}` or a
nested rule. Server defaults apply to the outputs: `display_name` and `description` default to
the name.
""",
    type_docs={
        "wxo:index:PolicyTarget": "A routing target: a model (`model_name`, `weight`) or a nested rule "
        "(`strategy`, `targets`, `retry`, `cache`).",
    },
    types={
        "wxo:index:PolicyStrategy": (PolicyStrategy,),
        "wxo:index:PolicyRetry": (PolicyRetry,),
        "wxo:index:PolicyTarget": (PolicyTarget, PolicyNode),
    },
)
