"""The virtual model (``/models``, api-contract §2): its one declaration."""

from __future__ import annotations

from pulumi_wxo.resources.base import Computed, Control, Resource
from pulumi_wxo.schema import ModelConfig, ModelSpec, ProviderConfig

INSTANCE = Computed(
    "instance",
    {"$ref": "#/types/wxo:index:Instance"},
    "The instance that holds the object: its base URL and tenant id "
    '(`{"url": <base URL>, "tenant": <id or None>}`).',
    python="dict[str, Any]",
    kept=True,
)
PROVIDER_VERSION = Computed(
    "provider_version",
    {"type": "string"},
    "The pulumi-wxo version that last created or updated the object.",
    always=False,
)

MODEL = Resource(
    name="Model",
    kind="model",
    collection="models",
    spec=ModelSpec,
    id_output="model_id",
    dynamic_token="pulumi-python:dynamic/wxo:Model",
    native_token="wxo:index:Model",
    description="A virtual model on the watsonx Orchestrate AI gateway (`POST /models`). "
    "Changing `name` replaces the model; every other field updates in place.",
    controls=(
        Control(
            "adopt",
            {"oneOf": [{"type": "boolean"}, {"type": "string"}], "default": False},
            "True manages an existing model of the same name that no other stack owns instead of "
            'refusing; "takeover" takes one over from another stack too (the preview names that stack).',
            python="pulumi.Input[bool | str]",
            default="False",
            unstored=(False,),
            always=True,
        ),
        Control(
            "force_delete",
            {"type": "boolean", "default": False},
            "Delete the model even when a policy on the server still targets it.",
            python="pulumi.Input[bool]",
            default="False",
            unstored=(False,),
            always=True,
            boolean=True,
        ),
        Control(
            "owner",
            {"type": "string"},
            "Which resource of which stack this is, computed from the resource's URN (by the SDK, "
            "else by the plugin); the provider's evidence of ownership on the server. Leave unset: "
            "any other value is refused.",
            stored="internal",
            output=False,
        ),
        Control(
            "owner_stack",
            {"type": "string"},
            "The stack this resource belongs to (`<project>/<stack>`), computed from the resource's "
            "URN; written on the model so that another stack's refusal can name it. Leave unset.",
            stored="internal",
            output=False,
        ),
        Control(
            "program_models",
            {"type": "array", "items": {"$ref": "pulumi.json#/Any"}},
            "The other models of the program (name, owner, adopt), set by the Python SDK so that a "
            "preview reports every taken name at once. Never stored. Leave unset.",
            stored="transient",
            output=False,
        ),
        Control(
            "secret_name",
            {"type": "boolean"},
            'True when `name` was given as a secret: messages then say "a secret name" instead of '
            "quoting it. Set by the SDK or the plugin.",
            unstored=(False, None),
            boolean=True,
        ),
    ),
    computed=(
        Computed(
            "model_id",
            {"type": "string"},
            "The model's id on the server (also the resource id).",
            kept=True,
        ),
        Computed("provider", {"type": "string"}, "The upstream provider, derived from the name."),
        INSTANCE,
        PROVIDER_VERSION,
        Computed(
            "owner_tag",
            {"type": "string"},
            "The tag the provider keeps on the model as evidence of ownership "
            "(`pulumi-wxo-owner:...`, never part of `tags`).",
            always=False,
            kept=True,
            seeded=False,
        ),
    ),
    listed=("display_name", "model_type"),
    types={
        "wxo:index:ProviderConfig": (ProviderConfig,),
        "wxo:index:ModelConfig": (ModelConfig,),
    },
)
