"""The Model resource: typed arguments in, every output declared up front.

The type token is ``pulumi-python:dynamic/wxo:Model`` (``module``/``name`` class keywords;
setting ``_resource_type_name`` in the body does not work for dynamic resources). It is
stored in every user's state: changing it would replace every model. ``tests/unit/test_compat.py``
pins it. The arguments and property builders it shares with the plugin's SDK live in
:mod:`pulumi_wxo.sdk`; their names stay importable from here.
"""

from __future__ import annotations

from pulumi.dynamic import Resource

from pulumi_wxo._provider import ModelProvider
from pulumi_wxo.resources import MODEL
from pulumi_wxo.sdk.common import Declared, DeclaredNames, DuplicateNameError, keyword_args, merge_args
from pulumi_wxo.sdk.declared import ModelSignature
from pulumi_wxo.sdk.model import (
    MODEL_NAMES,
    MODEL_SECRET_OUTPUTS,
    ModelArgs,
    ModelConfigInput,
    ProviderConfigInput,
    model_props,
    model_secret_opts,
    secret_provider_config,
)
from pulumi_wxo.sdk.outputs import MODEL_OUTPUTS, ModelOutputs

__all__ = [
    "MODEL_NAMES",
    "MODEL_OUTPUTS",
    "MODEL_SECRET_OUTPUTS",
    "MODEL_TYPE_TOKEN",
    "DeclaredNames",
    "DuplicateNameError",
    "Model",
    "ModelArgs",
    "ModelConfigInput",
    "ModelOutputs",
    "ProviderConfigInput",
    "keyword_args",
    "merge_args",
    "model_props",
    "model_secret_opts",
    "secret_provider_config",
]

# The type token stored in every stack (tests/unit/test_compat.py pins it).
MODEL_TYPE_TOKEN = MODEL.dynamic_token


class Model(ModelSignature, Resource, module="wxo", name="Model"):
    """A virtual model on the watsonx Orchestrate AI gateway (``POST /models``).

    Changing ``name`` replaces the model (the new one is created before the old one is
    deleted); every other field updates in place. With ``adopt=True`` an existing model of
    the same name is taken over instead of refused. Deleting a model that a policy on the
    server still routes to is refused unless ``force_delete=True``.
    """

    def _declare(self, declared: Declared) -> None:
        d = declared
        props = d.given if d.id is not None else model_props(self, d, type_token=MODEL_TYPE_TOKEN)
        Resource.__init__(
            self, ModelProvider(), d.resource_name, props, model_secret_opts(d.opts, **d.read_only())
        )
