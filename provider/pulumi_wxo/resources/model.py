"""The virtual model (``/models``, api-contract §2): its one declaration."""

from __future__ import annotations

from pulumi_wxo.resources.base import Computed, Control, Link, Resource, flag
from pulumi_wxo.schema import ModelConfig, ModelSpec, ProviderConfig

INSTANCE = Computed(
    "instance",
    {"$ref": "#/types/wxo:index:Instance"},
    "The instance that holds the object: its base URL and tenant id "
    '(`{"url": <base URL>, "tenant": <id or None>}`). A stack pointed elsewhere is refused at '
    "preview (docs/guide/recovery.md).",
    python="dict[str, Any]",
    kept=True,
    object_type={
        "type": "object",
        "description": "The instance that holds an object.",
        "properties": {
            "url": {"type": "string", "description": "The normalised base URL."},
            "tenant": {"type": "string", "description": "The tenant id from /instances/<id>, if any."},
        },
        "required": ["url"],
    },
)
PROVIDER_VERSION = Computed(
    "provider_version",
    {"type": "string"},
    "The pulumi-wxo version that last created or updated the object (a refresh keeps it).",
    always=False,
)

MODEL = Resource(
    name="Model",
    kind="model",
    collection="models",
    spec=ModelSpec,
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
        flag("force_delete", "Delete the model even when a policy on the server still targets it."),
        Control(
            "app_id",
            {"type": "string"},
            "The `app_id` of a connection already on the instance, as `orchestrate models import "
            "--app-id` takes it: resolved to its `connection_id` at every check (a preview refuses "
            "one that names no connection). Give it or `connection_id`, not both.",
            python="pulumi.Input[str] | None",
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
            {"oneOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "pulumi.json#/Any"}}]},
            "The models of the program (name, owner, adopt; a JSON list, or a list), set by the Python "
            "SDK so that a preview reports every taken name at once. Never stored. Leave unset.",
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
    links=(
        Link(
            "connection",
            "connection_id",
            "Connection",
            "connection_id",
            "A `Connection` of the program: its `connection_id`, with the dependency that creates "
            "the connection first and deletes it last. Give it or `connection_id`, not both.",
        ),
    ),
    listed=("display_name", "model_type"),
    types={
        "wxo:index:ProviderConfig": (ProviderConfig,),
        "wxo:index:ModelConfig": (ModelConfig,),
    },
    # The type is checked at preview; a program may pass any string it computed.
    annotations={"model_type": "pulumi.Input[str]"},
    looked_up=("provider",),
    reference="""\
Server defaults apply to the outputs: `display_name` and `description` default to the name.
`owner_tag` is the provider's evidence of ownership (docs/guide/recovery.md, "A run that was killed").

Secrets: every credential field of `provider_config` (the rows marked secret below) is a
secret in state and outputs even when passed as a plain string (the resource wraps it); the
other keys stay visible in diffs. A `provider_config` passed as one `Output` is secret as a
whole. Secret values are never read back from the server.

`provider_config` is written in snake_case (as in ADK spec files) and sent with the API's
camelCase keys. At least the fields the provider needs are required unless `connection_id` is
set (`api_key` for most; watsonx also one of space/project/deployment id; ollama `custom_host`;
bedrock `api_key` or both AWS keys; azure-openai resource name, deployment id, API version).
""",
)
