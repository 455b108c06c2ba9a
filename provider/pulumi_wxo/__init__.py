"""pulumi-wxo: manage watsonx Orchestrate AI-gateway models and routing policies with Pulumi.

    import pulumi_wxo as wxo

    wxo.Model("gpt-4o", name="openai/gpt-4o",
              provider_config={"api_key": cfg.require_secret("openaiKey")},
              config={"max_tokens": 2048})
    wxo.declare("specs/")          # or keep definitions as ADK-compatible spec files

Connection settings come from stack config (``wxo:url``, ``wxo:apiKey``, ``wxo:token``, ...)
or WXO_* environment variables; see docs/.

Names are loaded on first use (PEP 562) from the one table :data:`_EXPORTS`:
``pulumi-wxo validate`` runs in pre-commit hooks on hundreds of files and must not pay for
importing the Pulumi SDK it does not use. The ``TYPE_CHECKING`` imports below exist for type
checkers and IDEs only; ``tests/unit/test_init.py`` checks they name exactly the table's names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pulumi_wxo.errors import ERRORS
from pulumi_wxo.version import __version__ as __version__

# module -> the public names it provides. The only list of the public API.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "api.settings": ("ConnectionSettings",),
    "connection": ("Connection", "ConnectionArgs"),
    "errors": ERRORS,
    "lookup": (
        "ModelInfo",
        "ModelNotFoundError",
        "get_model",
        "get_model_output",
        "get_models",
        "get_models_output",
    ),
    "inputs": (
        "ModelConfigArgs",
        "ModelConfigArgsDict",
        "PolicyRetryArgs",
        "PolicyRetryArgsDict",
        "PolicyRuleArgs",
        "PolicyRuleArgsDict",
        "PolicyStrategyArgs",
        "PolicyStrategyArgsDict",
        "PolicyTargetArgs",
        "PolicyTargetArgsDict",
        "ProviderConfigArgs",
        "ProviderConfigArgsDict",
    ),
    "model": ("DuplicateNameError", "Model", "ModelArgs"),
    "model_policy": ("ModelPolicy", "ModelPolicyArgs"),
    "provider_resource": ("Provider", "ProviderArgs"),
    "schema": ("SECRET_FIELDS", "ModelSpec", "PolicySpec", "validate_model", "validate_policy"),
    "specs": ("Problem", "Spec", "SpecError", "declare", "load_specs"),
}

_WHERE: dict[str, str] = {name: module for module, names in _EXPORTS.items() for name in names}

# Sorted as ruff's RUF022 sorts a literal __all__: CONSTANTS, Classes, functions.
__all__ = sorted(_WHERE, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))  # noqa: PLE0605

if TYPE_CHECKING:
    from pulumi_wxo.api.settings import ConnectionSettings as ConnectionSettings
    from pulumi_wxo.connection import Connection as Connection
    from pulumi_wxo.connection import ConnectionArgs as ConnectionArgs
    from pulumi_wxo.errors import ApiError as ApiError
    from pulumi_wxo.errors import AuthError as AuthError
    from pulumi_wxo.errors import ConfigError as ConfigError
    from pulumi_wxo.errors import ConflictError as ConflictError
    from pulumi_wxo.errors import DeadlineExceededError as DeadlineExceededError
    from pulumi_wxo.errors import InvalidInputError as InvalidInputError
    from pulumi_wxo.errors import ModelExistsError as ModelExistsError
    from pulumi_wxo.errors import ModelInUseError as ModelInUseError
    from pulumi_wxo.errors import NotFoundError as NotFoundError
    from pulumi_wxo.errors import QuotaExceededError as QuotaExceededError
    from pulumi_wxo.errors import ResponseTooLargeError as ResponseTooLargeError
    from pulumi_wxo.errors import RetriesExhaustedError as RetriesExhaustedError
    from pulumi_wxo.errors import ServerObjectError as ServerObjectError
    from pulumi_wxo.errors import TransportError as TransportError
    from pulumi_wxo.errors import ValidationFailedError as ValidationFailedError
    from pulumi_wxo.errors import WxoError as WxoError
    from pulumi_wxo.inputs import ModelConfigArgs as ModelConfigArgs
    from pulumi_wxo.inputs import ModelConfigArgsDict as ModelConfigArgsDict
    from pulumi_wxo.inputs import PolicyRetryArgs as PolicyRetryArgs
    from pulumi_wxo.inputs import PolicyRetryArgsDict as PolicyRetryArgsDict
    from pulumi_wxo.inputs import PolicyRuleArgs as PolicyRuleArgs
    from pulumi_wxo.inputs import PolicyRuleArgsDict as PolicyRuleArgsDict
    from pulumi_wxo.inputs import PolicyStrategyArgs as PolicyStrategyArgs
    from pulumi_wxo.inputs import PolicyStrategyArgsDict as PolicyStrategyArgsDict
    from pulumi_wxo.inputs import PolicyTargetArgs as PolicyTargetArgs
    from pulumi_wxo.inputs import PolicyTargetArgsDict as PolicyTargetArgsDict
    from pulumi_wxo.inputs import ProviderConfigArgs as ProviderConfigArgs
    from pulumi_wxo.inputs import ProviderConfigArgsDict as ProviderConfigArgsDict
    from pulumi_wxo.lookup import ModelInfo as ModelInfo
    from pulumi_wxo.lookup import ModelNotFoundError as ModelNotFoundError
    from pulumi_wxo.lookup import get_model as get_model
    from pulumi_wxo.lookup import get_model_output as get_model_output
    from pulumi_wxo.lookup import get_models as get_models
    from pulumi_wxo.lookup import get_models_output as get_models_output
    from pulumi_wxo.model import DuplicateNameError as DuplicateNameError
    from pulumi_wxo.model import Model as Model
    from pulumi_wxo.model import ModelArgs as ModelArgs
    from pulumi_wxo.model_policy import ModelPolicy as ModelPolicy
    from pulumi_wxo.model_policy import ModelPolicyArgs as ModelPolicyArgs
    from pulumi_wxo.provider_resource import Provider as Provider
    from pulumi_wxo.provider_resource import ProviderArgs as ProviderArgs
    from pulumi_wxo.schema import SECRET_FIELDS as SECRET_FIELDS
    from pulumi_wxo.schema import ModelSpec as ModelSpec
    from pulumi_wxo.schema import PolicySpec as PolicySpec
    from pulumi_wxo.schema import validate_model as validate_model
    from pulumi_wxo.schema import validate_policy as validate_policy
    from pulumi_wxo.specs import Problem as Problem
    from pulumi_wxo.specs import Spec as Spec
    from pulumi_wxo.specs import SpecError as SpecError
    from pulumi_wxo.specs import declare as declare
    from pulumi_wxo.specs import load_specs as load_specs


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_wxo' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pulumi_wxo.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])
