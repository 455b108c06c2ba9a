"""pulumi-wxo: manage watsonx Orchestrate AI-gateway models and routing policies with Pulumi.

    import pulumi_wxo as wxo

    wxo.Model("gpt-4o", name="openai/gpt-4o",
              provider_config={"api_key": cfg.require_secret("openaiKey")},
              config={"max_tokens": 2048})

Connection settings come from stack config (``wxo:url``, ``wxo:apiKey``, ``wxo:token``, ...)
or WXO_* environment variables; see docs/.
"""

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
from pulumi_wxo._resource import Model, ModelArgs, ModelPolicy, ModelPolicyArgs
from pulumi_wxo._schema import SECRET_FIELDS, ModelSpec, PolicySpec, validate_model, validate_policy

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
    "ModelPolicy",
    "ModelPolicyArgs",
    "ModelSpec",
    "NotFoundError",
    "PolicySpec",
    "QuotaExceededError",
    "RetriesExhaustedError",
    "TransportError",
    "ValidationFailedError",
    "WxoError",
    "validate_model",
    "validate_policy",
]
