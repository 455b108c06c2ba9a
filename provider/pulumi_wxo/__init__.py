"""pulumi-wxo: manage watsonx Orchestrate AI-gateway models and routing policies with Pulumi.

    import pulumi_wxo as wxo

    wxo.Model("gpt-4o", name="openai/gpt-4o",
              provider_config={"api_key": cfg.require_secret("openaiKey")},
              config={"max_tokens": 2048})
    wxo.declare("specs/")          # or keep definitions as ADK-compatible spec files

Connection settings come from stack config (``wxo:url``, ``wxo:apiKey``, ``wxo:token``, ...)
or WXO_* environment variables; see docs/.

Names are loaded on first use (PEP 562): ``pulumi-wxo validate`` runs in pre-commit hooks on
hundreds of files and must not pay for importing the Pulumi SDK it does not use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pulumi_wxo._config import ConnectionSettings
    from pulumi_wxo._errors import (
        ApiError,
        AuthError,
        ConfigError,
        ConflictError,
        InvalidInputError,
        ModelExistsError,
        ModelInUseError,
        NotFoundError,
        QuotaExceededError,
        RetriesExhaustedError,
        TransportError,
        ValidationFailedError,
        WxoError,
    )
    from pulumi_wxo._lookup import (
        ModelInfo,
        ModelNotFoundError,
        get_model,
        get_model_output,
        get_models,
        get_models_output,
    )
    from pulumi_wxo._resource import Model, ModelArgs, ModelPolicy, ModelPolicyArgs
    from pulumi_wxo._schema import SECRET_FIELDS, ModelSpec, PolicySpec, validate_model, validate_policy
    from pulumi_wxo.specs import Problem, Spec, SpecError, declare, load_specs

_WHERE: dict[str, str] = {
    "ConnectionSettings": "_config",
    **dict.fromkeys(
        (
            "ApiError",
            "AuthError",
            "ConfigError",
            "ConflictError",
            "InvalidInputError",
            "ModelExistsError",
            "ModelInUseError",
            "NotFoundError",
            "QuotaExceededError",
            "RetriesExhaustedError",
            "TransportError",
            "ValidationFailedError",
            "WxoError",
        ),
        "_errors",
    ),
    **dict.fromkeys(
        (
            "ModelInfo",
            "ModelNotFoundError",
            "get_model",
            "get_model_output",
            "get_models",
            "get_models_output",
        ),
        "_lookup",
    ),
    **dict.fromkeys(("Model", "ModelArgs", "ModelPolicy", "ModelPolicyArgs"), "_resource"),
    **dict.fromkeys(
        ("SECRET_FIELDS", "ModelSpec", "PolicySpec", "validate_model", "validate_policy"), "_schema"
    ),
    **dict.fromkeys(("Problem", "Spec", "SpecError", "declare", "load_specs"), "specs"),
}

__all__ = [
    "SECRET_FIELDS",
    "ApiError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "ConnectionSettings",
    "InvalidInputError",
    "Model",
    "ModelArgs",
    "ModelExistsError",
    "ModelInUseError",
    "ModelInfo",
    "ModelNotFoundError",
    "ModelPolicy",
    "ModelPolicyArgs",
    "ModelSpec",
    "NotFoundError",
    "PolicySpec",
    "Problem",
    "QuotaExceededError",
    "RetriesExhaustedError",
    "Spec",
    "SpecError",
    "TransportError",
    "ValidationFailedError",
    "WxoError",
    "declare",
    "get_model",
    "get_model_output",
    "get_models",
    "get_models_output",
    "load_specs",
    "validate_model",
    "validate_policy",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_wxo' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pulumi_wxo.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
