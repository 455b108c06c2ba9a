"""The one schema: payload shape, API aliases, validation rules and secret fields.

Three shapes of a model meet here:

* **inputs** — what a Pulumi program or a spec file declares: snake_case names as in the
  ADK (``watsonx_space_id``, ``azure_resource_name``), numbers possibly as floats (the engine
  sends every number as a double), unknown values during preview.
* **the API body** — what ``POST /models`` and ``PUT /models/{id}`` receive: top-level
  snake_case, ``provider_config`` in the API's camelCase aliases (``watsonxSpaceId``,
  ``resourceName``) exactly as the Create Model reference shows them (api-contract §3.1).
* **the API object** — what ``GET /models`` returns: camelCase ``provider_config`` plus a
  server-derived ``provider`` key; secrets omitted, masked or echoed (api-contract §2.1, §11).

``validate_model`` turns inputs into a :class:`ModelSpec` or a list of :class:`Failure`;
``ModelSpec.to_api`` builds the body; ``normalize_model`` turns an API object back into the
canonical snake_case view that the lifecycle layer diffs against. Policies the same way
(``validate_policy``, ``PolicySpec``, ``normalize_policy``); their nested targets are walked
by :mod:`pulumi_wxo.schema.targets` only.

Modules:

``names``            model/policy names, providers
``provider_config``  gateway settings, aliases, secret fields from their marks
``model``            ModelSpec: validation, the API body, normalisation
``policy``           PolicySpec the same way
``connection``       ConnectionSpec: a connection's validation, API bodies, normalisation
``targets``          the one walker over (nested) policy targets
``bounds``           bounds on declared inputs, checked before anything else
``server_objects``   objects the server returned, checked before use
``failures``         Failure, a problem with its field
``values``           canonical numbers, masked secrets
"""

from __future__ import annotations

from pulumi_wxo.schema.failures import (
    Failure,
    failures_from,
)
from pulumi_wxo.schema.model import (
    MODEL_DIFF_FIELDS,
    MODEL_REPLACE_FIELDS,
    ModelConfig,
    ModelSpec,
    normalize_model,
    validate_model,
)
from pulumi_wxo.schema.names import (
    MODEL_PREFIX,
    MODEL_TYPES,
    POLICY_PREFIX,
    PROVIDERS,
    ModelType,
    did_you_mean,
    normalize_model_name,
    provider_of,
)
from pulumi_wxo.schema.policy import (
    MAX_POLICY_DEPTH,
    POLICY_DIFF_FIELDS,
    POLICY_REPLACE_FIELDS,
    WEIGHT_TOLERANCE,
    PolicyNode,
    PolicyRetry,
    PolicySpec,
    PolicyStrategy,
    PolicyTarget,
    StrategyMode,
    Target,
    normalize_policy,
    policy_model_names,
    unbalanced_weights,
    validate_policy,
)
from pulumi_wxo.schema.provider_config import (
    ALIAS_PAIRS,
    PROVIDER_CONFIG_ALIASES,
    SECRET_ALIASES,
    SECRET_FIELDS,
    ProviderConfig,
    is_secret_key,
    secret_field_of,
    to_snake_key,
)
from pulumi_wxo.schema.targets import (
    TargetVisit,
    fold_targets,
    is_rule,
    iter_targets,
    map_targets,
    model_names,
)
from pulumi_wxo.schema.values import (
    MASKED,
    canonical,
    canonical_dict,
    is_masked,
)

__all__ = [
    "ALIAS_PAIRS",
    "MASKED",
    "MAX_POLICY_DEPTH",
    "MODEL_DIFF_FIELDS",
    "MODEL_PREFIX",
    "MODEL_REPLACE_FIELDS",
    "MODEL_TYPES",
    "POLICY_DIFF_FIELDS",
    "POLICY_PREFIX",
    "POLICY_REPLACE_FIELDS",
    "PROVIDERS",
    "PROVIDER_CONFIG_ALIASES",
    "SECRET_ALIASES",
    "SECRET_FIELDS",
    "WEIGHT_TOLERANCE",
    "Failure",
    "ModelConfig",
    "ModelSpec",
    "ModelType",
    "PolicyNode",
    "PolicyRetry",
    "PolicySpec",
    "PolicyStrategy",
    "PolicyTarget",
    "ProviderConfig",
    "StrategyMode",
    "Target",
    "TargetVisit",
    "canonical",
    "canonical_dict",
    "did_you_mean",
    "failures_from",
    "fold_targets",
    "is_masked",
    "is_rule",
    "is_secret_key",
    "iter_targets",
    "map_targets",
    "model_names",
    "normalize_model",
    "normalize_model_name",
    "normalize_policy",
    "policy_model_names",
    "provider_of",
    "secret_field_of",
    "to_snake_key",
    "unbalanced_weights",
    "validate_model",
    "validate_policy",
]
