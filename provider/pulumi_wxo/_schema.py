"""The one place for payload shape, API aliases, validation rules and secret fields.

(Work in progress: the full schema lands in the next commit. SECRET_FIELDS is final.)
"""

from __future__ import annotations

# Credential-bearing provider_config fields (snake_case, as in the ADK's ProviderConfig).
# API contract section 9: "secret (definite)" plus the sensitive ids that grant access.
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
