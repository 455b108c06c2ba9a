"""The one place for payload shape, API aliases, validation rules and secret fields.

Three shapes of a model meet here:

* **inputs** — what a Pulumi program or a spec file declares: snake_case names as in the
  ADK (``watsonx_space_id``, ``azure_resource_name``), numbers possibly as floats (the engine
  sends every number as a double), unknown values during preview.
* **the API body** — what ``POST /models`` and ``PUT /models/{id}`` receive: top-level
  snake_case, ``provider_config`` in the API's camelCase aliases (``watsonxSpaceId``,
  ``resourceName``) exactly as the Create Model reference shows them (contract §3.1).
* **the API object** — what ``GET /models`` returns: camelCase ``provider_config`` plus a
  server-derived ``provider`` key; secrets omitted, masked or echoed (contract §2.1, §11).

``validate_model`` turns inputs into a :class:`ModelSpec` or a list of :class:`Failure`;
``ModelSpec.to_api`` builds the body; ``normalize_model`` turns an API object back into the
canonical snake_case view that the lifecycle layer diffs against.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator

# --------------------------------------------------------------------------- secrets

# Credential-bearing provider_config fields (snake_case, as in the ADK's ProviderConfig).
# API contract section 9: "secret (definite)" plus the ids that grant access on their own.
# Everything that must treat secrets specially (state, logs, diffs, errors, redaction)
# reads this constant.
SECRET_FIELDS: frozenset[str] = frozenset(
    {
        "api_key",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_access_key_id",
        "azure_entra_client_secret",
        "azure_ad_token",
        "ad_auth",
        "vertex_service_account_json",
        "watsonx_cpd_password",
    }
)

# camelCase aliases the API uses for the same fields (GET responses, docs examples).
SECRET_ALIASES: frozenset[str] = frozenset(
    {
        "awsSecretAccessKey",
        "awsSessionToken",
        "awsAccessKeyId",
        "azureEntraClientSecret",
        "azureAdToken",
        "adAuth",
        "vertexServiceAccountJson",
        "watsonxCpdPassword",
    }
)


def is_secret_key(key: str) -> bool:
    """True when ``key`` (snake_case or the API's camelCase alias) names a secret field."""
    return key in SECRET_FIELDS or key in SECRET_ALIASES


# --------------------------------------------------------------------------- enums

MODEL_PREFIX = "virtual-model/"
POLICY_PREFIX = "virtual-policy/"

# Union of the ADK's ModelProvider enum (contract §4.2, ADK 2.19 adds redhat-ai) and the
# Fetch Models response enum (contract §2.1). A name whose provider segment is not here is
# refused by the ADK ("Unsupported model provider").
PROVIDERS: frozenset[str] = frozenset(
    {
        "openai", "openai-oauth2-client-creds", "a21", "ai21", "anthropic", "anyscale",
        "azure-openai", "azure-ai", "bedrock", "cerebras", "cohere", "google", "vertex-ai",
        "groq", "huggingface", "mistral-ai", "mistralai", "jina", "ollama", "openrouter",
        "stability-ai", "together-ai", "watsonx", "x-ai", "redhat-ai", "palm", "perplexity-ai",
        "nomic", "segmind", "deepinfra", "novita-ai", "fireworks-ai", "deepseek", "voyage",
        "vllm", "reka-ai", "moonshot", "lingyi", "zhipu", "monsterapi", "predibase", "github",
        "deepbricks", "siliconflow", "workers-ai", "ibm_bam", "specialized_routing_model",
        "product_rag",
    }
)  # fmt: skip

ModelType = Literal["chat", "chat_vision", "completion", "embedding"]
MODEL_TYPES: tuple[str, ...] = ("chat", "chat_vision", "completion", "embedding")


# --------------------------------------------------------------------------- provider_config


class ProviderConfig(BaseModel):
    """Gateway settings for the upstream provider (the ADK's ``ProviderConfig``, contract §3.1).

    Field names are the ADK's snake_case; ``alias`` is the API's camelCase key. Unknown keys
    are refused, as the server does (``extra="forbid"``).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    api_key: str | None = Field(
        None, description="API key of the upstream provider.", json_schema_extra={"secret": True}
    )
    url_to_fetch: str | None = Field(None, alias="urlToFetch")
    custom_host: str | None = Field(
        None, alias="customHost", description="Base URL of the upstream endpoint."
    )
    forward_headers: list[str] | None = Field(None, alias="forwardHeaders")
    index: int | None = Field(None, ge=0)
    cache: str | dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    request_timeout: int | None = Field(None, alias="requestTimeout", gt=0, description="Milliseconds.")
    transform_to_form_data: bool | None = Field(None, alias="transformToFormData")
    server_cert: str | None = Field(
        None, alias="serverCert", description="PEM of the upstream's certificate."
    )

    azure_resource_name: str | None = Field(None, alias="resourceName")
    azure_deployment_id: str | None = Field(None, alias="deploymentId")
    azure_api_version: str | None = Field(None, alias="apiVersion")
    ad_auth: str | None = Field(None, alias="adAuth", json_schema_extra={"secret": True})
    azure_auth_mode: str | None = Field(None, alias="azureAuthMode")
    azure_managed_client_id: str | None = Field(None, alias="azureManagedClientId")
    azure_entra_client_id: str | None = Field(None, alias="azureEntraClientId")
    azure_entra_client_secret: str | None = Field(
        None, alias="azureEntraClientSecret", json_schema_extra={"secret": True}
    )
    azure_entra_tenant_id: str | None = Field(None, alias="azureEntraTenantId")
    azure_ad_token: str | None = Field(None, alias="azureAdToken", json_schema_extra={"secret": True})
    azure_model_name: str | None = Field(None, alias="azureModelName")
    azure_inference_deployment_name: str | None = Field(None, alias="azureDeploymentName")
    azure_inference_api_version: str | None = Field(None, alias="azureApiVersion")
    azure_inference_extra_params: str | None = Field(None, alias="azureExtraParams")
    azure_inference_foundry_url: str | None = Field(None, alias="azureFoundryUrl")
    azure_deployment_name: str | None = Field(None, alias="azureDeploymentName")
    azure_extra_params: str | None = Field(None, alias="azureExtraParams")
    azure_foundry_url: str | None = Field(None, alias="azureFoundryUrl")

    workers_ai_account_id: str | None = Field(None, alias="workersAiAccountId")

    aws_secret_access_key: str | None = Field(
        None, alias="awsSecretAccessKey", json_schema_extra={"secret": True}
    )
    aws_access_key_id: str | None = Field(None, alias="awsAccessKeyId", json_schema_extra={"secret": True})
    aws_session_token: str | None = Field(None, alias="awsSessionToken", json_schema_extra={"secret": True})
    aws_region: str | None = Field(None, alias="awsRegion")
    aws_auth_type: str | None = Field(None, alias="awsAuthType")
    aws_role_arn: str | None = Field(None, alias="awsRoleArn")
    aws_external_id: str | None = Field(None, alias="awsExternalId")
    aws_s3_bucket: str | None = Field(None, alias="awsS3Bucket")
    aws_s3_object_key: str | None = Field(None, alias="awsS3ObjectKey")
    aws_bedrock_model: str | None = Field(None, alias="awsBedrockModel")
    aws_server_side_encryption: str | None = Field(None, alias="awsServerSideEncryption")
    aws_server_side_encryption_kms_key_id: str | None = Field(None, alias="awsServerSideEncryptionKMSKeyId")

    amzn_sagemaker_custom_attributes: str | None = Field(None, alias="amznSagemakerCustomAttributes")
    amzn_sagemaker_target_model: str | None = Field(None, alias="amznSagemakerTargetModel")
    amzn_sagemaker_target_variant: str | None = Field(None, alias="amznSagemakerTargetVariant")
    amzn_sagemaker_target_container_hostname: str | None = Field(
        None, alias="amznSagemakerTargetContainerHostname"
    )
    amzn_sagemaker_inference_id: str | None = Field(None, alias="amznSagemakerInferenceId")
    amzn_sagemaker_enable_explanations: str | None = Field(None, alias="amznSagemakerEnableExplanations")
    amzn_sagemaker_inference_component: str | None = Field(None, alias="amznSagemakerInferenceComponent")
    amzn_sagemaker_session_id: str | None = Field(None, alias="amznSagemakerSessionId")
    amzn_sagemaker_model_name: str | None = Field(None, alias="amznSagemakerModelName")

    stability_client_id: str | None = Field(None, alias="stabilityClientId")
    stability_client_user_id: str | None = Field(None, alias="stabilityClientUserId")
    stability_client_version: str | None = Field(None, alias="stabilityClientVersion")

    huggingface_base_url: str | None = Field(None, alias="huggingfaceBaseUrl")

    vertex_region: str | None = Field(None, alias="vertexRegion")
    vertex_project_id: str | None = Field(None, alias="vertexProjectId")
    vertex_service_account_json: dict[str, Any] | None = Field(
        None, alias="vertexServiceAccountJson", json_schema_extra={"secret": True}
    )
    vertex_storage_bucket_name: str | None = Field(None, alias="vertexStorageBucketName")
    vertex_model_name: str | None = Field(None, alias="vertexModelName")

    filename: str | None = None

    after_request_hooks: list[dict[str, Any]] | None = Field(None, alias="afterRequestHooks")
    before_request_hooks: list[dict[str, Any]] | None = Field(None, alias="beforeRequestHooks")
    default_input_guardrails: list[dict[str, Any]] | None = Field(None, alias="defaultInputGuardrails")
    default_output_guardrails: list[dict[str, Any]] | None = Field(None, alias="defaultOutputGuardrails")

    openai_project: str | None = Field(None, alias="openaiProject")
    openai_organization: str | None = Field(None, alias="openaiOrganization")
    openai_beta: str | None = Field(None, alias="openaiBeta")

    strict_open_ai_compliance: bool | None = Field(None, alias="strictOpenAiCompliance")
    mistral_fim_completion: str | None = Field(None, alias="mistralFimCompletion")

    anthropic_beta: str | None = Field(None, alias="anthropicBeta")
    anthropic_version: str | None = Field(None, alias="anthropicVersion")

    fireworks_account_id: str | None = Field(None, alias="fireworksAccountId")
    snowflake_account: str | None = Field(None, alias="snowflakeAccount")

    watsonx_version: str | None = Field(None, alias="watsonxVersion")
    watsonx_space_id: str | None = Field(None, alias="watsonxSpaceId")
    watsonx_project_id: str | None = Field(None, alias="watsonxProjectId")
    watsonx_deployment_id: str | None = Field(None, alias="watsonxDeploymentId")
    watsonx_cpd_url: str | None = Field(None, alias="watsonxCpdUrl")
    watsonx_cpd_username: str | None = Field(None, alias="watsonxCpdUsername")
    watsonx_cpd_password: str | None = Field(
        None, alias="watsonxCpdPassword", json_schema_extra={"secret": True}
    )


# snake -> camel (the API key), and camel -> [snake, ...] (three aliases are shared, §3.1 quirk)
PROVIDER_CONFIG_ALIASES: dict[str, str] = {
    name: (field.alias or name) for name, field in ProviderConfig.model_fields.items()
}
_CAMEL_TO_SNAKE: dict[str, list[str]] = {}
for _snake, _camel in PROVIDER_CONFIG_ALIASES.items():
    _CAMEL_TO_SNAKE.setdefault(_camel, []).append(_snake)
# Pairs of snake names that share one API alias: setting both is ambiguous on the wire.
ALIAS_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (names[0], names[1]) for names in _CAMEL_TO_SNAKE.values() if len(names) > 1
)


# --------------------------------------------------------------------------- config


class ModelConfig(BaseModel):
    """Inference parameters sent as ``config`` (snake_case on the wire; contract §3.2)."""

    model_config = ConfigDict(extra="forbid")

    decoding_method: Literal["greedy", "sample"] | None = None
    prompt: str | None = None
    max_tokens: int | None = Field(None, gt=0)
    max_completion_tokens: int | None = Field(None, gt=0)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, ge=0, le=1)
    n: int | None = Field(None, ge=1)
    stream: bool | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(None, ge=0, le=20)
    echo: bool | None = None
    stop: str | list[str] | None = None
    presence_penalty: float | None = Field(None, ge=-2, le=2)
    frequency_penalty: float | None = Field(None, ge=-2, le=2)
    best_of: int | None = Field(None, ge=1)
    logit_bias: dict[str, float] | None = None
    user: str | None = None
    context: str | None = None
    examples: list[Any] | None = None
    top_k: int | None = Field(None, ge=1)
    response_format: dict[str, Any] | None = None
    seed: int | None = None
    store: bool | None = None
    metadata: dict[str, str] | None = None
    modalities: list[str] | None = None
    audio: dict[str, Any] | None = None
    service_tier: str | None = None
    prediction: dict[str, Any] | None = None
    safety_settings: list[dict[str, Any]] | None = None
    anthropic_beta: str | None = None
    anthropic_version: str | None = None
    thinking: dict[str, Any] | None = None
    space_id: str | None = None
    project_id: str | None = None


# --------------------------------------------------------------------------- model


class ModelSpec(BaseModel):
    """A virtual model as declared (the Create Model body, contract §3)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="`virtual-model/<provider>/<model>`; the prefix is added when missing. "
        "Changing it replaces the model.",
        json_schema_extra={"replace": True},
    )
    display_name: str | None = Field(None, description="Shown in the UI; defaults to the name.")
    description: str | None = Field(None, description="Defaults to the name.")
    tags: list[str] | None = Field(None, description="Free-form tags.")
    model_type: ModelType = Field("chat", description="chat, chat_vision, completion or embedding.")
    connection_id: str | None = Field(
        None, description="Orchestrate key_value connection whose values are merged into provider_config."
    )
    provider_config: ProviderConfig | None = Field(None, description="Gateway settings for the upstream.")
    config: ModelConfig | None = Field(None, description="Inference parameters.")

    @field_validator("name")
    @classmethod
    def _name_rules(cls, value: str) -> str:
        return normalize_model_name(value)

    @field_validator("tags")
    @classmethod
    def _tags_rules(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not t.strip() for t in value):
            raise ValueError("tags must be non-empty strings")
        return value

    @property
    def provider(self) -> str:
        return provider_of(self.name)

    def effective(self) -> dict[str, Any]:
        """The canonical snake_case view of what the server holds after a create or PUT."""
        return {
            "name": self.name,
            "display_name": self.display_name or self.name,
            "description": self.description or self.name,
            "tags": list(self.tags or []),
            "model_type": self.model_type,
            "connection_id": self.connection_id,
            "provider_config": _dump(self.provider_config, by_alias=False),
            "config": _dump(self.config, by_alias=False),
        }

    def to_api(self) -> dict[str, Any]:
        """The Create/Update Model body (contract §3; provider_config in camelCase aliases).

        ``display_name``/``description`` are sent explicitly (the ADK defaults them to the name,
        client side), and ``provider_config.provider`` carries the derived provider as the ADK
        sends it (contract §4.1).
        """
        body: dict[str, Any] = {
            "name": self.name,
            "display_name": self.display_name or self.name,
            "description": self.description or self.name,
            "tags": list(self.tags or []),
            "model_type": self.model_type,
        }
        if self.connection_id:
            body["connection_id"] = self.connection_id
        pc = _dump(self.provider_config, by_alias=True)
        body["provider_config"] = {"provider": self.provider, **pc}
        cfg = _dump(self.config, by_alias=False)
        if cfg:
            body["config"] = cfg
        return body


def _dump(model: BaseModel | None, *, by_alias: bool) -> dict[str, Any]:
    if model is None:
        return {}
    dumped: dict[str, Any] = canonical(model.model_dump(exclude_none=True, by_alias=by_alias))
    return dumped


# --------------------------------------------------------------------------- names


def normalize_model_name(name: str) -> str:
    """Add ``virtual-model/`` when missing and check the provider segment (contract §4.1)."""
    name = name.strip()
    if not name:
        raise ValueError("must not be empty")
    if not name.startswith(MODEL_PREFIX):
        name = MODEL_PREFIX + name
    parts = name.split("/")
    if len(parts) < 3 or not all(parts[1:]):
        raise ValueError(f"'{name}' must look like virtual-model/<provider>/<model>")
    provider = parts[1]
    if provider not in PROVIDERS:
        hint = did_you_mean(provider, PROVIDERS) or f"; known providers: {', '.join(sorted(PROVIDERS))}"
        raise ValueError(f"unknown provider '{provider}' in '{name}'{hint}")
    return name


def provider_of(name: str) -> str:
    """First ``/`` segment that is not ``virtual-model``/``virtual-policy`` (contract §4.1)."""
    for part in name.split("/"):
        if part not in ("virtual-model", "virtual-policy") and part:
            return part
    return ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class Failure:
    """One problem with the inputs: a dotted property path and what to do about it."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


_MODEL_FIELDS = frozenset(ModelSpec.model_fields)
_CONFIG_FIELDS = frozenset(ModelConfig.model_fields)
_PC_NAMES = frozenset(PROVIDER_CONFIG_ALIASES) | frozenset(_CAMEL_TO_SNAKE)


def _suggest(path: tuple[str | int, ...]) -> str:
    """A did-you-mean for an unknown key at ``path``."""
    key = str(path[-1])
    if len(path) == 1:
        return did_you_mean(key, _MODEL_FIELDS)
    if path[0] == "config" and len(path) == 2:
        hint = did_you_mean(key, _CONFIG_FIELDS)
        if not hint and key in _PC_NAMES:
            hint = " (it belongs in provider_config)"
        return hint
    if path[0] == "provider_config" and len(path) == 2:
        hint = did_you_mean(key, PROVIDER_CONFIG_ALIASES)
        if not hint and key in _CONFIG_FIELDS:
            hint = " (inference parameters belong in config)"
        return hint
    return ""


def failures_from(error: ValidationError) -> list[Failure]:
    """Pydantic errors as Failures; never echoes the offending value (it may be a secret)."""
    out: list[Failure] = []
    for err in error.errors(include_input=False, include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
        path = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            reason = f"unknown field{_suggest(loc)}"
        elif err["type"] == "missing":
            reason = "is required"
        else:
            reason = str(err["msg"])
            if reason.startswith("Value error, "):
                reason = reason[len("Value error, ") :]
        out.append(Failure(path, reason))
    return out


# pydantic puts the union member into ``loc`` (``cache.str``); it says nothing to a user.
_UNION_TAGS = frozenset({"str", "list[str]", "dict[str,any]", "function-after[_name_rules(), str]"})


def _required_rules(spec: ModelSpec) -> list[Failure]:
    """Per-provider required provider_config fields (contract §4.4), unless a connection is bound.

    With ``connection_id`` the values come from the Orchestrate connection at inference time
    (merged server-side, contract §4.5), so nothing can be checked here.
    """
    provider = spec.provider
    pc = spec.provider_config or ProviderConfig()
    fails: list[Failure] = []
    if provider == "openai-oauth2-client-creds":
        if not spec.connection_id:
            fails.append(Failure("connection_id", "openai-oauth2-client-creds needs an oauth2 connection_id"))
        if not pc.custom_host:
            fails.append(Failure("provider_config.custom_host", f"is required for provider '{provider}'"))
        return fails
    if spec.connection_id:
        return fails
    hint = " (or bind a connection with connection_id)"

    def need(field: str) -> None:
        if getattr(pc, field) in (None, ""):
            fails.append(Failure(f"provider_config.{field}", f"is required for provider '{provider}'{hint}"))

    if provider == "watsonx":
        if not (pc.api_key or pc.watsonx_cpd_password):
            need("api_key")
        if not (pc.watsonx_space_id or pc.watsonx_project_id or pc.watsonx_deployment_id):
            fails.append(
                Failure(
                    "provider_config.watsonx_space_id",
                    "watsonx needs one of watsonx_space_id, watsonx_project_id or watsonx_deployment_id",
                )
            )
    elif provider == "ollama":
        need("custom_host")
    elif provider == "bedrock":
        if not pc.api_key and not (pc.aws_secret_access_key and pc.aws_access_key_id):
            fails.append(
                Failure(
                    "provider_config.api_key",
                    "bedrock needs api_key, or both aws_access_key_id and aws_secret_access_key" + hint,
                )
            )
    elif provider == "azure-openai":
        for field in ("azure_resource_name", "azure_deployment_id", "azure_api_version"):
            need(field)
        if not (pc.api_key or pc.azure_ad_token or pc.azure_entra_client_secret or pc.azure_auth_mode):
            need("api_key")
    elif provider == "azure-ai":
        if not (pc.api_key or pc.azure_ad_token or pc.azure_entra_client_secret or pc.azure_auth_mode):
            need("api_key")
    elif provider == "vertex-ai":
        if not (pc.api_key or pc.vertex_service_account_json):
            fails.append(
                Failure(
                    "provider_config.api_key", "vertex-ai needs api_key or vertex_service_account_json" + hint
                )
            )
    else:
        need("api_key")
    return fails


def _alias_rules(pc: ProviderConfig | None) -> list[Failure]:
    if pc is None:
        return []
    return [
        Failure(
            f"provider_config.{b}",
            f"set either {a} or {b}, not both: the API has one key for them ({PROVIDER_CONFIG_ALIASES[a]})",
        )
        for a, b in ALIAS_PAIRS
        if getattr(pc, a) is not None and getattr(pc, b) is not None
    ]


def validate_model(props: Mapping[str, Any]) -> tuple[ModelSpec | None, list[Failure]]:
    """Validate declared inputs: the spec, or every problem found (one Failure each).

    ``props`` must be free of preview unknowns (the caller skips those). Whole floats are
    accepted for integer fields because the engine sends every number as a double.
    """
    data = _snake_provider_config(props)
    try:
        spec = ModelSpec.model_validate(data)
    except ValidationError as err:
        fails = failures_from(err)
        # Report the cross-field rules too (one pass shows every problem): drop what failed
        # and validate the rest; a name that failed leaves nothing to check them against.
        pruned = _without(data, [e["loc"] for e in err.errors()])
        if "name" in pruned:
            try:
                rest = ModelSpec.model_validate(pruned)
            except ValidationError:
                return None, fails
            seen = {f.path for f in fails}
            fails += [
                f for f in _alias_rules(rest.provider_config) + _required_rules(rest) if f.path not in seen
            ]
        return None, fails
    fails = _alias_rules(spec.provider_config) + _required_rules(spec)
    return (None, fails) if fails else (spec, [])


def _without(data: Mapping[str, Any], locs: Iterable[tuple[str | int, ...]]) -> dict[str, Any]:
    """``data`` without the (top-level or second-level) keys at ``locs``."""
    out = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in data.items()}
    for loc in locs:
        if not loc:
            continue
        head = str(loc[0])
        if len(loc) >= 2 and isinstance(out.get(head), dict):
            out[head].pop(str(loc[1]), None)
        else:
            out.pop(head, None)
    return out


def _snake_provider_config(props: Mapping[str, Any]) -> dict[str, Any]:
    """Accept camelCase provider_config keys in inputs too, stored as snake_case."""
    data = {k: v for k, v in props.items() if v is not None}
    pc = data.get("provider_config")
    if isinstance(pc, Mapping):
        data["provider_config"] = {to_snake_key(k): v for k, v in pc.items() if v is not None}
    cfg = data.get("config")
    if isinstance(cfg, Mapping):
        data["config"] = {k: v for k, v in cfg.items() if v is not None}
    return data


def to_snake_key(key: str, prefer: Iterable[str] = ()) -> str:
    """The snake_case provider_config name for ``key`` (either casing).

    Three camelCase aliases are shared by two snake names each (contract §3.1 quirk);
    ``prefer`` (the names already in state) picks the one the user declared.
    """
    if key in PROVIDER_CONFIG_ALIASES:
        return key
    names = _CAMEL_TO_SNAKE.get(key)
    if not names:
        return key
    preferred = [n for n in names if n in set(prefer)]
    return preferred[0] if preferred else names[-1]


# --------------------------------------------------------------------------- normalisation

MASKED = re.compile(r"^\*{3,}$|^\*+[^*]{0,4}$")


def is_masked(value: Any) -> bool:
    """A secret the server masked instead of echoing (``********``, ``****abcd``)."""
    return isinstance(value, str) and bool(MASKED.match(value))


def canonical(value: Any) -> Any:
    """Numbers the way a diff should see them: whole floats become ints, recursively.

    The engine hands every number over as a float (``1`` arrives as ``1.0``), while the
    API and state may hold ints: without this, ``max_tokens`` would differ forever.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def canonical_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`canonical` of a mapping, typed as one."""
    out: dict[str, Any] = canonical(value)
    return out


def normalize_model(obj: Mapping[str, Any], *, prefer_keys: Iterable[str] = ()) -> dict[str, Any]:
    """An API object (GET) as the canonical snake_case view; ``id`` and ``provider`` included.

    Drops the server-derived ``provider_config.provider`` and server-only fields
    (tenant, timestamps). Secret values come back as the server sent them (absent, masked or
    echoed); the lifecycle layer decides what to keep.
    """
    name = str(obj.get("name") or "")
    raw_pc = obj.get("provider_config") or obj.get("providerConfig") or {}
    prefer = list(prefer_keys)
    pc = {
        to_snake_key(str(k), prefer): v
        for k, v in (raw_pc.items() if isinstance(raw_pc, Mapping) else [])
        if k != "provider" and v is not None
    }
    provider = obj.get("provider") or (raw_pc.get("provider") if isinstance(raw_pc, Mapping) else None)
    return {
        "id": obj.get("id"),
        "name": name,
        "display_name": obj.get("display_name") or name,
        "description": obj.get("description") or name,
        "tags": list(obj.get("tags") or []),
        "model_type": obj.get("model_type") or "chat",
        "connection_id": obj.get("connection_id") or None,
        "provider_config": canonical(pc),
        "config": canonical(dict(obj.get("config") or {})),
        "provider": provider or provider_of(name),
    }


# Fields the lifecycle layer compares. ``name`` is immutable (a change is a replace);
# everything else updates in place with a full PUT (contract §2).
MODEL_DIFF_FIELDS: tuple[str, ...] = (
    "name",
    "display_name",
    "description",
    "tags",
    "model_type",
    "connection_id",
    "provider_config",
    "config",
)
MODEL_REPLACE_FIELDS: frozenset[str] = frozenset({"name"})


# --------------------------------------------------------------------------- model policies

StrategyMode = Literal["loadbalance", "fallback", "single"]
MAX_POLICY_DEPTH = 4


def _status_codes(codes: list[int] | None) -> list[int] | None:
    if codes is not None:
        bad = [c for c in codes if not 100 <= c <= 599]
        if bad:
            raise ValueError(f"{bad} are not HTTP status codes (100-599)")
    return codes


class PolicyStrategy(BaseModel):
    """How a policy routes (contract §6): ``loadbalance`` by weight, ``fallback`` in order on
    ``on_status_codes``, or ``single`` (one target, retry only)."""

    model_config = ConfigDict(extra="forbid")

    mode: StrategyMode = Field(description="loadbalance, fallback or single.")
    on_status_codes: list[int] | None = Field(
        None, description="Upstream statuses that move a fallback to its next target."
    )

    _codes = field_validator("on_status_codes")(_status_codes)


class PolicyRetry(BaseModel):
    """Retries of one target before the strategy moves on (contract §6)."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(ge=0, le=10, description="Retries per request (0-10).")
    on_status_codes: list[int] | None = Field(None, description="Upstream statuses that are retried.")

    _codes = field_validator("on_status_codes")(_status_codes)


class PolicyTarget(BaseModel):
    """A routing target: a virtual model by full name, with a weight in (0, 1]."""

    model_config = ConfigDict(extra="forbid")

    model_name: str = Field(
        description="`virtual-model/<provider>/<model>`; the prefix is added when missing."
    )
    weight: float | None = Field(
        None, gt=0, le=1, description="Share of traffic for loadbalance (0 < w <= 1)."
    )

    @field_validator("model_name")
    @classmethod
    def _target_name(cls, value: str) -> str:
        if value.startswith(POLICY_PREFIX):
            # Policies route to models; nesting is written inline. Refusing policy names also
            # rules out a policy that (indirectly) targets itself.
            raise ValueError(
                "a target must be a virtual model, not a policy (nest the policy inline instead)"
            )
        return normalize_model_name(value)


def _target_kind(value: Any) -> str:
    # An item with a model_name is a target, anything else a nested rule: explicit, so an
    # invalid target is reported as such instead of as a broken nested rule.
    if isinstance(value, Mapping):
        return "target" if "model_name" in value else "rule"
    return "target" if isinstance(value, PolicyTarget) else "rule"


def _strategy_shorthand(value: Any) -> Any:
    """``strategy: fallback`` is short for ``strategy: {mode: fallback}``."""
    return {"mode": value} if isinstance(value, str) else value


class PolicyNode(BaseModel):
    """A (nested) routing rule: a strategy over targets, each a model or another rule."""

    model_config = ConfigDict(extra="forbid")

    strategy: PolicyStrategy
    retry: PolicyRetry | None = None
    cache: str | dict[str, Any] | None = None
    targets: list[Target] = Field(description="Models (or nested rules) to route to.")

    _shorthand = field_validator("strategy", mode="before")(_strategy_shorthand)


Target = Annotated[
    Annotated[PolicyTarget, Tag("target")] | Annotated[PolicyNode, Tag("rule")],
    Discriminator(_target_kind),
]
PolicyNode.model_rebuild()


class PolicySpec(BaseModel):
    """A model policy as declared (the ``/model_policy`` body, contract §6)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="`virtual-policy/<name>`; the prefix is added when missing. "
        "Changing it replaces the policy.",
        json_schema_extra={"replace": True},
    )
    display_name: str | None = Field(None, description="Defaults to the name.")
    description: str | None = Field(None, description="Defaults to the name.")
    strategy: PolicyStrategy
    retry: PolicyRetry | None = None
    cache: str | dict[str, Any] | None = None
    targets: list[Target] = Field(description="Models (or nested rules) to route to.")

    _shorthand = field_validator("strategy", mode="before")(_strategy_shorthand)

    @field_validator("name")
    @classmethod
    def _policy_name(cls, value: str) -> str:
        value = value.strip()
        if not value or value == POLICY_PREFIX.rstrip("/"):
            raise ValueError("must not be empty")
        if not value.startswith(POLICY_PREFIX):
            value = POLICY_PREFIX + value
        if not value[len(POLICY_PREFIX) :]:
            raise ValueError("must look like virtual-policy/<name>")
        return value

    def root(self) -> PolicyNode:
        return PolicyNode(strategy=self.strategy, retry=self.retry, cache=self.cache, targets=self.targets)

    def model_names(self) -> list[str]:
        """Every model the policy routes to, nested rules included, in order."""
        out: list[str] = []

        def walk(node: PolicyNode) -> None:
            for t in node.targets:
                if isinstance(t, PolicyTarget):
                    out.append(t.model_name)
                else:
                    walk(t)

        walk(self.root())
        return out

    def effective(self) -> dict[str, Any]:
        """The canonical view of what the server holds after a create or PUT."""
        root = self.root().model_dump(exclude_none=True)
        return canonical_dict(
            {
                "name": self.name,
                "display_name": self.display_name or self.name,
                "description": self.description or self.name,
                "strategy": root["strategy"],
                "retry": root.get("retry"),
                "cache": root.get("cache"),
                "targets": root["targets"],
            }
        )

    def to_api(self) -> dict[str, Any]:
        """The Create/Update Model Policy body (contract §6; the CLI defaults the texts to the name)."""
        body: dict[str, Any] = {
            "name": self.name,
            "display_name": self.display_name or self.name,
            "description": self.description or self.name,
            "policy": canonical(self.root().model_dump(exclude_none=True)),
        }
        return body


def _policy_rules(spec: PolicySpec) -> list[Failure]:
    """Shape rules the types cannot express: target counts per mode, depth, duplicates."""
    fails: list[Failure] = []

    def walk(node: PolicyNode, path: str, depth: int) -> None:
        mode, n = node.strategy.mode, len(node.targets)
        where = f"{path}targets" if path else "targets"
        if n == 0:
            fails.append(Failure(where, "needs at least one target (an empty rule routes nowhere)"))
        elif mode == "fallback" and n < 2:
            fails.append(Failure(where, f"a fallback needs at least two targets (got {n})"))
        elif mode == "single" and n != 1:
            fails.append(Failure(where, f"single routes to exactly one target (got {n})"))
        if depth > MAX_POLICY_DEPTH:
            fails.append(Failure(where, f"nesting deeper than {MAX_POLICY_DEPTH} levels"))
            return
        names = [t.model_name for t in node.targets if isinstance(t, PolicyTarget)]
        dupes = sorted({x for x in names if names.count(x) > 1})
        if dupes:
            fails.append(Failure(where, f"lists {', '.join(dupes)} more than once"))
        for i, t in enumerate(node.targets):
            if isinstance(t, PolicyNode):
                walk(t, f"{where}[{i}].", depth + 1)

    walk(spec.root(), "", 1)
    return fails


def validate_policy(props: Mapping[str, Any]) -> tuple[PolicySpec | None, list[Failure]]:
    """Validate declared policy inputs: the spec, or every problem found (one Failure each).

    ``strategy`` may be given as just its mode (``"fallback"``).
    """
    data = {k: v for k, v in props.items() if v is not None}
    try:
        spec = PolicySpec.model_validate(data)
    except ValidationError as err:
        return None, [_policy_failure(f) for f in failures_from(err)]
    fails = _policy_rules(spec)
    return (None, fails) if fails else (spec, [])


_UNION_PATH = re.compile(r"\.(target|rule)(?=\.|$)")


def _policy_failure(f: Failure) -> Failure:
    """``targets.0.PolicyTarget.weight`` → ``targets[0].weight``."""
    path = _UNION_PATH.sub("", f.path)
    path = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", path)
    return Failure(path, f.reason)


def normalize_policy(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A ``GET /model_policy`` object as the canonical view (``id`` included)."""
    name = str(obj.get("name") or "")
    inner = dict(obj.get("policy") or {})
    return canonical_dict(
        {
            "id": obj.get("id"),
            "name": name,
            "display_name": obj.get("display_name") or name,
            "description": obj.get("description") or name,
            "strategy": inner.get("strategy"),
            "retry": inner.get("retry"),
            "cache": inner.get("cache"),
            "targets": inner.get("targets") or [],
        }
    )


def policy_model_names(targets: Iterable[Any]) -> list[str]:
    """Model names in a (raw, possibly nested) ``targets`` list."""
    out: list[str] = []
    for t in targets:
        if isinstance(t, Mapping):
            if isinstance(t.get("model_name"), str):
                out.append(t["model_name"])
            out += policy_model_names(t.get("targets") or [])
    return out


POLICY_DIFF_FIELDS: tuple[str, ...] = (
    "name",
    "display_name",
    "description",
    "strategy",
    "retry",
    "cache",
    "targets",
)
POLICY_REPLACE_FIELDS: frozenset[str] = frozenset({"name"})
