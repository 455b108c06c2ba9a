"""Request and response shapes of the Orchestrate Models / Model-policy API.

Written from the API contract (``docs/dev/api-contract.md``), *not* from
``pulumi_wxo.schema``: the emulator and the provider are meant to disagree loudly if either
one misreads the contract.

Request shapes
    * :class:`VirtualModelIn` -- ``POST /models`` and ``PUT /models/{id}`` (api-contract §3).
      Unknown top-level keys (``spec_version``, ``kind``, ``app_id`` ...) are ignored, because
      the ADK sends them (api-contract §3, [RUN]) and ``orchestrate models import`` works [INF].
    * :class:`ProviderConfig` -- every key of api-contract §3.1, accepted in snake_case *or* the
      camelCase alias; unknown keys are rejected (``extra="forbid"``, api-contract §3.1/§8 [INF]).
    * :class:`ModelPolicyIn` -- ``POST /model_policy`` and ``PUT /model_policy/{id}`` (api-contract §6).

Response shapes
    * :class:`VirtualModelOut` -- one element of ``GET /models`` (api-contract §2.1).
    * :class:`ModelPolicyOut` -- one element of ``GET /model_policy`` (api-contract §6, the documented
      ``ListModelConfig``: ``id, name, display_name, description, policy`` only).
    * :class:`CatalogEntry` / :class:`CatalogList` -- ``GET /models/list`` (api-contract §2).

Bodies of the other endpoints the ADK CLI calls (api-contract §12): :class:`ValidateIn`,
:class:`ModelSelectionIn`, :class:`ModelSelectionPatchIn`; the connections' are in
:mod:`.connections`.

:func:`provider_config_to_wire` turns the canonical (snake_case) stored ``provider_config`` into
the GET form: camelCase aliases (api-contract §2.1 "casing is asymmetric", [LIVE-3P]).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

__all__ = [
    "SECRET_PROVIDER_CONFIG_KEYS",
    "CatalogEntry",
    "CatalogList",
    "ModelPolicyIn",
    "ModelPolicyOut",
    "ModelSelectionIn",
    "ModelSelectionPatchIn",
    "ModelType",
    "PolicyCache",
    "PolicyInner",
    "PolicyRetry",
    "PolicyStrategy",
    "PolicyTarget",
    "ProviderConfig",
    "StrategyMode",
    "TenantIn",
    "ValidateIn",
    "VirtualModelIn",
    "VirtualModelOut",
    "provider_config_to_wire",
]


class ModelType(StrEnum):
    """``model_type`` enum (api-contract §4.3 [SRC], same enum in the Fetch Models schema §2.1 [DOC])."""

    CHAT = "chat"
    CHAT_VISION = "chat_vision"
    COMPLETION = "completion"
    EMBEDDING = "embedding"


class ProviderConfig(BaseModel):
    """``provider_config``: every key of api-contract §3.1, snake_case name or camelCase alias.

    ``extra="forbid"``: an unknown key is a 422 (api-contract §3.1 [SRC][RUN] for the ADK's type,
    §8 [INF] for the server). ``provider`` is accepted (the ADK sends ``""`` or the derived id,
    api-contract §3/§4.1) but the server always overwrites it with the id derived from the name.

    Three aliases are shared by two fields each (``azureDeploymentName``, ``azureExtraParams``,
    ``azureFoundryUrl``, api-contract §3.1 quirk [RUN]); a camelCase value fills both fields, and on
    output the later field wins, so the wire shows one key.

    ``server_cert``/``serverCert`` is not in the contract's table; it is in the installed ADK
    (ibm-watsonx-orchestrate-core 2.19.1, [SRC]) and a server must accept what its own client sends.
    """

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, extra="forbid")

    provider: str | None = None
    api_key: str | None = None
    url_to_fetch: str | None = Field(None, alias="urlToFetch")
    custom_host: str | None = Field(None, alias="customHost")
    forward_headers: list[str] | None = Field(None, alias="forwardHeaders")
    index: int | None = None
    cache: str | dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    request_timeout: int | None = Field(None, alias="requestTimeout")
    transform_to_form_data: bool | None = Field(None, alias="transformToFormData")
    server_cert: str | None = Field(None, alias="serverCert")
    # Azure
    azure_resource_name: str | None = Field(None, alias="resourceName")
    azure_deployment_id: str | None = Field(None, alias="deploymentId")
    azure_api_version: str | None = Field(None, alias="apiVersion")
    ad_auth: str | None = Field(None, alias="adAuth")
    azure_auth_mode: str | None = Field(None, alias="azureAuthMode")
    azure_managed_client_id: str | None = Field(None, alias="azureManagedClientId")
    azure_entra_client_id: str | None = Field(None, alias="azureEntraClientId")
    azure_entra_client_secret: str | None = Field(None, alias="azureEntraClientSecret")
    azure_entra_tenant_id: str | None = Field(None, alias="azureEntraTenantId")
    azure_ad_token: str | None = Field(None, alias="azureAdToken")
    azure_model_name: str | None = Field(None, alias="azureModelName")
    azure_inference_deployment_name: str | None = Field(None, alias="azureDeploymentName")
    azure_inference_api_version: str | None = Field(None, alias="azureApiVersion")
    azure_inference_extra_params: str | None = Field(None, alias="azureExtraParams")
    azure_inference_foundry_url: str | None = Field(None, alias="azureFoundryUrl")
    # Workers AI
    workers_ai_account_id: str | None = Field(None, alias="workersAiAccountId")
    # AWS / Bedrock
    aws_secret_access_key: str | None = Field(None, alias="awsSecretAccessKey")
    aws_access_key_id: str | None = Field(None, alias="awsAccessKeyId")
    aws_session_token: str | None = Field(None, alias="awsSessionToken")
    aws_region: str | None = Field(None, alias="awsRegion")
    aws_auth_type: str | None = Field(None, alias="awsAuthType")
    aws_role_arn: str | None = Field(None, alias="awsRoleArn")
    aws_external_id: str | None = Field(None, alias="awsExternalId")
    aws_s3_bucket: str | None = Field(None, alias="awsS3Bucket")
    aws_s3_object_key: str | None = Field(None, alias="awsS3ObjectKey")
    aws_bedrock_model: str | None = Field(None, alias="awsBedrockModel")
    aws_server_side_encryption: str | None = Field(None, alias="awsServerSideEncryption")
    aws_server_side_encryption_kms_key_id: str | None = Field(None, alias="awsServerSideEncryptionKMSKeyId")
    # SageMaker
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
    # Stability AI
    stability_client_id: str | None = Field(None, alias="stabilityClientId")
    stability_client_user_id: str | None = Field(None, alias="stabilityClientUserId")
    stability_client_version: str | None = Field(None, alias="stabilityClientVersion")
    # Hugging Face
    huggingface_base_url: str | None = Field(None, alias="huggingfaceBaseUrl")
    # Google Vertex AI
    vertex_region: str | None = Field(None, alias="vertexRegion")
    vertex_project_id: str | None = Field(None, alias="vertexProjectId")
    vertex_service_account_json: dict[str, Any] | None = Field(None, alias="vertexServiceAccountJson")
    vertex_storage_bucket_name: str | None = Field(None, alias="vertexStorageBucketName")
    vertex_model_name: str | None = Field(None, alias="vertexModelName")
    filename: str | None = None
    # Hooks and guardrails
    after_request_hooks: list[dict[str, Any]] | None = Field(None, alias="afterRequestHooks")
    before_request_hooks: list[dict[str, Any]] | None = Field(None, alias="beforeRequestHooks")
    default_input_guardrails: list[dict[str, Any]] | None = Field(None, alias="defaultInputGuardrails")
    default_output_guardrails: list[dict[str, Any]] | None = Field(None, alias="defaultOutputGuardrails")
    # OpenAI
    openai_project: str | None = Field(None, alias="openaiProject")
    openai_organization: str | None = Field(None, alias="openaiOrganization")
    openai_beta: str | None = Field(None, alias="openaiBeta")
    # Azure inference (aliases shared with the azure_inference_* fields above)
    azure_deployment_name: str | None = Field(None, alias="azureDeploymentName")
    azure_extra_params: str | None = Field(None, alias="azureExtraParams")
    azure_foundry_url: str | None = Field(None, alias="azureFoundryUrl")
    strict_open_ai_compliance: bool | None = Field(None, alias="strictOpenAiCompliance")
    mistral_fim_completion: str | None = Field(None, alias="mistralFimCompletion")
    # Anthropic
    anthropic_beta: str | None = Field(None, alias="anthropicBeta")
    anthropic_version: str | None = Field(None, alias="anthropicVersion")
    # Fireworks, Snowflake Cortex
    fireworks_account_id: str | None = Field(None, alias="fireworksAccountId")
    snowflake_account: str | None = Field(None, alias="snowflakeAccount")
    # watsonx
    watsonx_version: str | None = Field(None, alias="watsonxVersion")
    watsonx_space_id: str | None = Field(None, alias="watsonxSpaceId")
    watsonx_project_id: str | None = Field(None, alias="watsonxProjectId")
    watsonx_deployment_id: str | None = Field(None, alias="watsonxDeploymentId")
    watsonx_cpd_url: str | None = Field(None, alias="watsonxCpdUrl")
    watsonx_cpd_username: str | None = Field(None, alias="watsonxCpdUsername")
    watsonx_cpd_password: str | None = Field(None, alias="watsonxCpdPassword")


# The emulator's own list (api-contract §9, "Secret (definite)" plus the AWS key id and ad_auth):
# these are handled by the ``secrets`` switch (omit | mask | echo) on every read.
SECRET_PROVIDER_CONFIG_KEYS: frozenset[str] = frozenset(
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

SECRET_MASK = "********"

# snake_case field name -> wire (camelCase alias) name, in declaration order.
_WIRE_NAMES: dict[str, str] = {
    name: (field.alias or name) for name, field in ProviderConfig.model_fields.items()
}


def provider_config_to_wire(stored: dict[str, Any], *, secrets: str) -> dict[str, Any]:
    """Render a canonical (snake_case) ``provider_config`` the way GET returns it.

    camelCase aliases plus the server-derived ``provider`` key (api-contract §2.1 [LIVE-3P]).
    Secret keys follow the ``secrets`` switch, because whether the server echoes them is open
    (api-contract §2.1 "Secrets on GET: unknown", §11): ``omit`` drops the key, ``mask`` replaces the
    value with ``"********"``, ``echo`` returns it as stored.
    """
    out: dict[str, Any] = {}
    for name, wire in _WIRE_NAMES.items():
        if name not in stored or stored[name] is None:
            continue
        value = stored[name]
        if name in SECRET_PROVIDER_CONFIG_KEYS:
            if secrets == "omit":
                continue
            if secrets == "mask":
                value = _masked(value)
        out[wire] = value
    return out


def _masked(value: Any) -> Any:
    """``"********"`` for a string; inside a mapping or list (the vertex service-account JSON) every
    string masked and the shape kept, because the ADK's type for that field is a mapping and one
    string in its place makes the whole model unreadable to it (api-contract §12.5)."""
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return SECRET_MASK if isinstance(value, str) else value


class VirtualModelIn(BaseModel):
    """Create/replace body for ``/models`` (api-contract §3, ADK ``VirtualModel``).

    Unknown top-level keys are ignored (``extra="ignore"``; api-contract §3 [INF]). ``display_name``
    and ``description`` default to the name, ``model_type`` to ``chat`` (api-contract §10 item 2).
    """

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    display_name: str | None = None
    description: str | None = None
    config: dict[str, Any] | None = None
    provider_config: ProviderConfig | None = None
    tags: list[str] | None = None
    model_type: ModelType = ModelType.CHAT
    connection_id: str | None = None


class VirtualModelOut(BaseModel):
    """One element of ``GET /models`` (api-contract §2.1 [DOC]).

    ``provider_config`` is already wire-shaped.
    """

    id: str
    tenant_id: str
    tenant_name: str
    name: str
    display_name: str
    description: str
    tags: list[str]
    model_type: ModelType
    model_name: str
    provider: str
    config: dict[str, Any]
    provider_config: dict[str, Any]
    connection_id: str | None
    created_on: str
    updated_at: str
    created_by: str


class StrategyMode(StrEnum):
    """Routing strategy (api-contract §6 [SRC])."""

    LOADBALANCE = "loadbalance"
    FALLBACK = "fallback"
    SINGLE = "single"


class PolicyStrategy(BaseModel):
    """``policy.strategy`` (api-contract §6)."""

    mode: StrategyMode | None = None
    on_status_codes: list[int] | None = None


class PolicyRetry(BaseModel):
    """``policy.retry`` (api-contract §6)."""

    attempts: int | None = Field(None, ge=0)
    on_status_codes: list[int] | None = None


class PolicyCache(BaseModel):
    """``policy.cache`` -- in the docs schema, not in the ADK type (api-contract §6 [DOC])."""

    mode: str | None = None


class PolicyTarget(BaseModel):
    """A routing target. Weights must be > 0 and <= 1 (api-contract §6 [DOC])."""

    model_name: str = Field(min_length=1)
    weight: float | None = Field(None, gt=0, le=1)


def _target_kind(value: Any) -> str:
    # An item with a model_name is a target, anything else a nested policy. Explicit, because a
    # smart union would quietly read an invalid target as an empty nested policy.
    if isinstance(value, dict):
        return "target" if "model_name" in value else "policy"
    return "target" if isinstance(value, PolicyTarget) else "policy"


class PolicyInner(BaseModel):
    """``policy`` body; ``targets`` items are a target or a nested policy (api-contract §6 [SRC])."""

    strategy: PolicyStrategy | None = None
    retry: PolicyRetry | None = None
    cache: PolicyCache | None = None
    targets: (
        list[
            Annotated[
                Annotated[PolicyTarget, Tag("target")] | Annotated[PolicyInner, Tag("policy")],
                Discriminator(_target_kind),
            ]
        ]
        | None
    ) = None


class ModelPolicyIn(BaseModel):
    """Create/replace body for ``/model_policy`` (api-contract §6).

    The docs schema marks ``name``, ``display_name``, ``policy`` and a nullable ``description``
    as required (api-contract §6 [DOC]); unknown top-level keys are ignored like for models [INF].
    A null ``description`` is accepted, as documented, and stored as the name (api-contract §6:
    the ADK cannot read a null one back).
    """

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    display_name: str
    description: str | None
    policy: PolicyInner


class ModelPolicyOut(BaseModel):
    """One element of ``GET /model_policy``: the documented ``ListModelConfig`` (api-contract §6 [DOC]).

    ``description`` is never null: the ADK's ``ModelPolicy`` requires a string (api-contract §6).
    """

    id: str
    name: str
    display_name: str
    description: str
    policy: dict[str, Any]


class CatalogEntry(BaseModel):
    """One ``resources`` entry of ``GET /models/list``; ``id`` is the model *name* (api-contract §2 [SRC])."""

    id: str
    description: str
    tags: list[str]


class CatalogList(BaseModel):
    """``GET /models/list`` envelope (api-contract §2 [SRC])."""

    resources: list[CatalogEntry]


class TenantIn(BaseModel):
    """``POST /api/v1/tenants`` body of the local Developer Edition (api-contract §7.2 [SRC])."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    title: str | None = None
    tags: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The other endpoints the ADK CLI calls (api-contract §12)


class ValidateIn(BaseModel):
    """``POST /models/validate`` body: ``{"model": <name>}`` (api-contract §12.2 [SRC])."""

    model: str = Field(min_length=1, max_length=512)


class ModelSelectionIn(BaseModel):
    """``PUT /model-selection``: the ADK's ``ModelSelectionSettings`` (api-contract §12.3 [SRC])."""

    model_config = ConfigDict(extra="ignore")

    default_llm: str | None = Field(None, max_length=512)
    llm_denylist: list[Annotated[str, Field(max_length=512)]] = Field(default_factory=list, max_length=1000)
    premier_models_enabled: bool = False


class ModelSelectionPatchIn(BaseModel):
    """``PATCH /model-selection``: the ADK's ``ModelSelectionPatch`` and its three rules, which a
    server sharing the type would enforce too (api-contract §12.3 [SRC] for the type, [INF])."""

    model_config = ConfigDict(extra="ignore")

    default_llm: str | None = Field(None, max_length=512)
    add_to_llm_denylist: list[Annotated[str, Field(max_length=512)]] | None = Field(None, max_length=1000)
    remove_from_llm_denylist: list[Annotated[str, Field(max_length=512)]] | None = Field(
        None, max_length=1000
    )
    premier_models_enabled: bool | None = None

    @model_validator(mode="after")
    def _rules(self) -> ModelSelectionPatchIn:
        if self.default_llm is not None and not self.default_llm.strip():
            raise ValueError("default_llm cannot be an empty string")
        overlap = set(self.add_to_llm_denylist or ()) & set(self.remove_from_llm_denylist or ())
        if overlap:
            raise ValueError(f"Models cannot be in both add and remove lists: {', '.join(sorted(overlap))}")
        if not (
            self.default_llm
            or self.add_to_llm_denylist
            or self.remove_from_llm_denylist
            or self.premier_models_enabled is not None
        ):
            raise ValueError(
                "At least one field must be provided: default_llm, add_to_llm_denylist, "
                "remove_from_llm_denylist or premier_models_enabled"
            )
        return self
