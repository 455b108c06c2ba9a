"""``provider_config``: the upstream's gateway settings, their API aliases and the secret fields."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: The mark of a credential-bearing field (``json_schema_extra``): see "secrets" below.
_SECRET: dict[str, Any] = {"secret": True}


class ProviderConfig(BaseModel):
    """Gateway settings for the upstream provider (the ADK's ``ProviderConfig``, api-contract §3.1).

    Field names are the ADK's snake_case; ``alias`` is the API's camelCase key. Unknown keys
    are refused, as the server does (``extra="forbid"``).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    api_key: str | None = Field(
        None, description="API key of the upstream provider.", json_schema_extra=_SECRET
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
    ad_auth: str | None = Field(None, alias="adAuth", json_schema_extra=_SECRET)
    azure_auth_mode: str | None = Field(None, alias="azureAuthMode")
    azure_managed_client_id: str | None = Field(None, alias="azureManagedClientId")
    azure_entra_client_id: str | None = Field(None, alias="azureEntraClientId")
    azure_entra_client_secret: str | None = Field(
        None, alias="azureEntraClientSecret", json_schema_extra=_SECRET
    )
    azure_entra_tenant_id: str | None = Field(None, alias="azureEntraTenantId")
    azure_ad_token: str | None = Field(None, alias="azureAdToken", json_schema_extra=_SECRET)
    azure_model_name: str | None = Field(None, alias="azureModelName")
    azure_inference_deployment_name: str | None = Field(None, alias="azureDeploymentName")
    azure_inference_api_version: str | None = Field(None, alias="azureApiVersion")
    azure_inference_extra_params: str | None = Field(None, alias="azureExtraParams")
    azure_inference_foundry_url: str | None = Field(None, alias="azureFoundryUrl")
    azure_deployment_name: str | None = Field(None, alias="azureDeploymentName")
    azure_extra_params: str | None = Field(None, alias="azureExtraParams")
    azure_foundry_url: str | None = Field(None, alias="azureFoundryUrl")

    workers_ai_account_id: str | None = Field(None, alias="workersAiAccountId")

    aws_secret_access_key: str | None = Field(None, alias="awsSecretAccessKey", json_schema_extra=_SECRET)
    aws_access_key_id: str | None = Field(None, alias="awsAccessKeyId", json_schema_extra=_SECRET)
    aws_session_token: str | None = Field(None, alias="awsSessionToken", json_schema_extra=_SECRET)
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
        None, alias="vertexServiceAccountJson", json_schema_extra=_SECRET
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
    watsonx_cpd_password: str | None = Field(None, alias="watsonxCpdPassword", json_schema_extra=_SECRET)


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


# --------------------------------------------------------------------------- secrets

# Credential-bearing fields are marked ``json_schema_extra=_SECRET`` above (contract
# §9: "secret (definite)" plus the ids that grant access on their own). Everything that must
# treat secrets specially (state, logs, diffs, errors, redaction) reads these constants,
# derived from the marks so that a new credential field needs one mark, not a second list.


def _is_marked_secret(extra: Any) -> bool:
    return isinstance(extra, dict) and extra.get("secret") is True


SECRET_FIELDS: frozenset[str] = frozenset(
    name for name, field in ProviderConfig.model_fields.items() if _is_marked_secret(field.json_schema_extra)
)

# camelCase aliases the API uses for the same fields (GET responses, docs examples).
SECRET_ALIASES: frozenset[str] = frozenset(
    field.alias
    for name, field in ProviderConfig.model_fields.items()
    if name in SECRET_FIELDS and field.alias and field.alias != name
)


# --------------------------------------------------------------------------- credentials by meaning

# A key is compared by its words, lower-cased and joined (``apiKey``, ``API_KEY``, ``api-key``,
# ``"api_key "`` all read ``apikey``): case, separators and spacing never hide a credential.
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\W\d_]+")

# A key whose compact form ends with one of these names a credential, whatever it is called
# around it (``clientSecret``, ``x-api-key``, ``db_password``, ``accessToken``, ``Authorization``):
# docs/guide/cli.md, "Secrets by meaning".
CREDENTIAL_SUFFIXES: tuple[str, ...] = (
    "accesskey",
    "apikey",
    "apikeys",
    "auth",
    "authorization",
    "bearer",
    "credential",
    "credentials",
    "passphrase",
    "passwd",
    "password",
    "passwords",
    "privatekey",
    "pwd",
    "secret",
    "secretkey",
    "secrets",
    "signingkey",
    "token",
)

# ``<word>_token`` that names a vocabulary token of a model's settings, not a credential
# (``eos_token``, ``pad_token``, ``max_token``).
_VOCABULARY_TOKENS = frozenset(
    {"bos", "cls", "end", "eos", "mask", "max", "min", "num", "pad", "sep", "special", "start", "stop", "unk"}
)


def _words(key: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(key)]


# The compact form of each secret field and of its alias -> the field.
_SECRET_COMPACT: dict[str, str] = {
    "".join(_words(spelling)): name
    for name, field in ProviderConfig.model_fields.items()
    if name in SECRET_FIELDS
    for spelling in (name, field.alias or name)
}


def secret_field_of(key: str) -> str | None:
    """The secret field that ``key`` spells, in any case, separator or spacing (``APIKey``,
    ``api-key``, ``"api_key "`` -> ``api_key``), or None when it spells none."""
    return _SECRET_COMPACT.get("".join(_words(key)))


def is_secret_key(key: str) -> bool:
    """True when ``key`` names a credential: **the** rule of the package (docs/guide/cli.md, "Secrets
    by meaning"), used to mask, withhold and redact everywhere.

    A secret field of the schema in any spelling (:func:`secret_field_of`), or any key whose last
    words say it holds a credential (:data:`CREDENTIAL_SUFFIXES`: ``password``, ``token``,
    ``clientSecret``, ``privateKey``, ``Authorization``, ...), in any case, separator or spacing.
    Model settings that name vocabulary tokens (``eos_token``) and counts (``max_tokens``) are
    not credentials.
    """
    if not isinstance(key, str):
        return False
    words = _words(key)
    compact = "".join(words)
    if not compact:
        return False
    if compact in _SECRET_COMPACT:
        return True
    if not compact.endswith(CREDENTIAL_SUFFIXES):
        return False
    return not (words[-1] == "token" and len(words) > 1 and words[-2] in _VOCABULARY_TOKENS)


def to_snake_key(key: str, prefer: Iterable[str] = ()) -> str:
    """The snake_case provider_config name for ``key`` (either casing).

    Three camelCase aliases are shared by two snake names each (api-contract §3.1 quirk);
    ``prefer`` (the names already in state) picks the one the user declared.
    """
    if key in PROVIDER_CONFIG_ALIASES:
        return key
    names = _CAMEL_TO_SNAKE.get(key)
    if not names:
        return key
    preferred = [n for n in names if n in set(prefer)]
    return preferred[0] if preferred else names[-1]
