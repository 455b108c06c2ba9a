"""The connection (``/connections/applications``, api-contract §13): its one declaration."""

from __future__ import annotations

from pulumi_wxo.resources.base import Computed, Resource, flag
from pulumi_wxo.resources.model import INSTANCE, PROVIDER_VERSION
from pulumi_wxo.schema.connection import (
    AppConfig,
    ConnectionSpec,
    EnvironmentConfig,
    IdpConfig,
    IdpConfigBody,
)

CONNECTION = Resource(
    name="Connection",
    kind="connection",
    collection="connections",
    spec=ConnectionSpec,
    key="app_id",
    description="An Orchestrate connection (`/connections/applications`): the credentials a model "
    "uses, by `connection_id`. Changing `app_id` replaces the connection; every other field, the "
    "credentials included, updates in place.",
    controls=(flag("adopt", "Take over an existing connection of the same app_id instead of refusing."),),
    computed=(
        Computed(
            "connection_id",
            {"type": "string"},
            "The connection's id on the server (also the resource id): a model's `connection_id`.",
            kept=True,
        ),
        INSTANCE,
        PROVIDER_VERSION,
    ),
    reference="""\
Credentials are secret in state, diffs and messages, and write-only: the API never answers them,
so a refresh cannot see credentials changed outside Pulumi (it does see a deleted connection and
a changed configuration). A change of credentials is an update. Without `environments`, the
shorthand fields configure both environments, `draft` and `live`, alike; `environments` sets
them apart (each block overrides the shorthand key by key) and names the environments to configure.
""",
    # The environments are given by name (draft, live), each as an EnvironmentConfig.
    annotations={"environments": "pulumi.Input[Mapping[str, EnvironmentConfigInput]]"},
    type_docs={
        "wxo:index:ConnectionEnvironment": "One environment's configuration; each key overrides the "
        "connection's shorthand.",
    },
    types={
        "wxo:index:ConnectionEnvironment": (EnvironmentConfig,),
        "wxo:index:ConnectionIdpConfig": (IdpConfig,),
        "wxo:index:ConnectionIdpConfigBody": (IdpConfigBody,),
        "wxo:index:ConnectionAppConfig": (AppConfig,),
    },
)
