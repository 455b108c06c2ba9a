"""schema.connection: a connection's inputs, their validation, the API bodies and the answers
normalised back (api-contract §13). IBM's own types (ibm-watsonx-orchestrate-core 2.19.1) check
the enumerations and the bodies; no sockets."""

from __future__ import annotations

from typing import Any

import pytest
from ibm_watsonx_orchestrate_core.types.connections import (
    CONNECTION_TYPE_CREDENTIAL_MAPPING,
    APIKeyAuthCredentials,
    BasicAuthCredentials,
    BearerTokenAuthCredentials,
    ConnectionConfiguration,
    ConnectionEnvironment,
    ConnectionKind,
    ConnectionPreference,
    OAuth2AuthCodeCredentials,
    OAuth2ClientCredentials,
    OAuth2JwtBearerCredentials,
    OAuth2PasswordCredentials,
    OAuth2TokenExchangeCredentials,
    OAuthOnBehalfOfCredentials,
)

from pulumi_wxo.schema.connection import (
    CONNECTION_KINDS,
    CONNECTION_TYPES,
    CREDENTIAL_KEYS,
    ENVIRONMENTS,
    ConnectionSpec,
    normalize_connection,
    validate_connection,
)

pytestmark = pytest.mark.unit

SECRET = "never-in-a-message"
IDP = {"body": {"requested_token_use": "on_behalf_of", "requested_token_type": "urn:saml2"}}
# One valid declaration per kind, with the credentials its ADK type requires.
EXAMPLES: dict[str, dict[str, Any]] = {
    "basic": {"credentials": {"username": "u", "password": SECRET}},
    "bearer": {"credentials": {"token": SECRET}},
    "api_key": {"credentials": {"api_key": SECRET}},
    "key_value": {"credentials": {"api_key": SECRET, "region": "eu"}},
    "kv": {"credentials": {"api_key": SECRET}},
    "oauth_auth_code_flow": {
        "credentials": {"client_id": "c", "client_secret": SECRET, "token_url": "t", "authorization_url": "a"}
    },
    "oauth_auth_password_flow": {
        "credentials": {
            "username": "u",
            "password": SECRET,
            "client_id": "c",
            "client_secret": SECRET,
            "token_url": "t",
        }
    },
    "oauth_auth_client_credentials_flow": {
        "credentials": {"client_id": "c", "client_secret": SECRET, "token_url": "t", "send_via": "body"}
    },
    "oauth_auth_on_behalf_of_flow": {
        "type": "member",
        "idp_config": IDP,
        "credentials": {"client_id": "c", "access_token_url": "t", "grant_type": "g"},
    },
    "oauth_auth_token_exchange_flow": {
        "type": "member",
        "credentials": {"client_id": "c", "access_token_url": "t", "grant_type": "g"},
    },
    "oauth_auth_direct_access_flow": {"type": "member"},
    "oauth_auth_jwt_bearer_flow": {"credentials": {"token_url": "t", "private_key": SECRET, "alg": "RS256"}},
}
ADK_CREDENTIALS: dict[str, type[Any]] = {
    "basic": BasicAuthCredentials,
    "bearer": BearerTokenAuthCredentials,
    "api_key": APIKeyAuthCredentials,
    "oauth_auth_code_flow": OAuth2AuthCodeCredentials,
    "oauth_auth_password_flow": OAuth2PasswordCredentials,
    "oauth_auth_client_credentials_flow": OAuth2ClientCredentials,
    "oauth_auth_on_behalf_of_flow": OAuthOnBehalfOfCredentials,
    "oauth_auth_token_exchange_flow": OAuth2TokenExchangeCredentials,
    "oauth_auth_jwt_bearer_flow": OAuth2JwtBearerCredentials,
}


def valid(**props: Any) -> ConnectionSpec:
    spec, fails = validate_connection({"app_id": "svc", **props})
    assert fails == [] and spec is not None
    return spec


def failures(**props: Any) -> dict[str, str]:
    spec, fails = validate_connection({"app_id": "svc", **props})
    assert spec is None and fails
    assert all(SECRET not in str(f) for f in fails)
    return {f.path: f.reason for f in fails}


def test_the_enumerations_are_the_adks() -> None:
    assert set(CONNECTION_KINDS) == {k.value for k in ConnectionKind}
    assert set(CONNECTION_TYPES) == {p.value for p in ConnectionPreference}
    assert set(ENVIRONMENTS) == {e.value for e in ConnectionEnvironment}
    assert set(EXAMPLES) == set(CONNECTION_KINDS)


def test_the_marks_a_resource_declaration_reads() -> None:
    fields = ConnectionSpec.model_fields
    assert fields["app_id"].json_schema_extra == {"replace": True}
    assert fields["credentials"].json_schema_extra == {"secret": True}
    block = fields["environments"].annotation
    assert block is not None and "EnvironmentConfig" in str(block)
    from pulumi_wxo.schema.connection import EnvironmentConfig

    assert EnvironmentConfig.model_fields["credentials"].json_schema_extra == {"secret": True}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_every_kind_makes_bodies_the_adks_types_accept(kind: str) -> None:
    spec = valid(kind=kind, server_url="https://svc.example", **EXAMPLES[kind])

    for env in ("draft", "live"):
        body = spec.configuration_body(env)
        config = ConnectionConfiguration.model_validate(body)  # the ADK's own rules pass
        exported = config.model_dump(mode="json", use_import_aliases=True)
        assert exported["kind"] == ("key_value" if kind == "kv" else kind)
        assert (config.environment.value, config.server_url) == (env, "https://svc.example")
        sent = dict(spec.credential_bodies(env))
        if kind in ADK_CREDENTIALS:
            values = {**sent.get("credentials", {}).get("app_credentials", {})}
            values |= sent.get("runtime_credentials", {}).get("runtime_credentials", {})
            ADK_CREDENTIALS[kind].model_validate(values)
        scheme = config.security_scheme
        if kind in ("key_value", "kv"):
            assert CONNECTION_TYPE_CREDENTIAL_MAPPING[scheme](
                sent["runtime_credentials"]["runtime_credentials"]
            )


def test_credentials_go_to_the_slot_of_their_kind() -> None:
    assert valid(kind="key_value", **EXAMPLES["key_value"]).credential_bodies("draft") == [
        ("runtime_credentials", {"runtime_credentials": {"api_key": SECRET, "region": "eu"}})
    ]
    client = valid(
        kind="oauth_auth_client_credentials_flow", **EXAMPLES["oauth_auth_client_credentials_flow"]
    )
    assert [slot for slot, _ in client.credential_bodies("live")] == ["credentials"]
    password = valid(kind="oauth_auth_password_flow", **EXAMPLES["oauth_auth_password_flow"])
    assert password.credential_bodies("draft") == [
        ("credentials", {"app_credentials": {"client_id": "c", "client_secret": SECRET, "token_url": "t"}}),
        ("runtime_credentials", {"runtime_credentials": {"username": "u", "password": SECRET}}),
    ]
    assert valid(kind="bearer").credential_bodies("draft") == []  # credentials are optional


def test_the_shorthand_applies_to_both_environments_and_environments_set_them_apart() -> None:
    both = valid(kind="basic", server_url="https://a.example", credentials={"username": "u", "password": "p"})
    assert both.environment_names() == ("draft", "live")
    assert both.configuration_body("draft") | {"environment": "live"} == both.configuration_body("live")

    apart = valid(
        kind="key_value",
        credentials={"api_key": "draft-key"},
        environments={
            "draft": {"server_url": "https://test.example"},
            "live": {
                "kind": "api_key",
                "server_url": "https://prod.example",
                "credentials": {"api_key": "live-key"},
            },
        },
    )
    draft, live = apart.configuration_body("draft"), apart.configuration_body("live")
    assert (draft["security_scheme"], draft["server_url"]) == ("key_value_creds", "https://test.example")
    assert (live["security_scheme"], live["server_url"]) == ("api_key_auth", "https://prod.example")
    assert apart.credential_bodies("live") == [
        ("runtime_credentials", {"runtime_credentials": {"api_key": "live-key"}})
    ]

    only_draft = valid(kind="key_value", environments={"draft": {}})
    assert only_draft.environment_names() == ("draft",) and list(only_draft.effective()["environments"]) == [
        "draft"
    ]


def test_sso_defaults_from_the_kind_and_fills_the_adks_header_defaults() -> None:
    spec = valid(kind="oauth_auth_on_behalf_of_flow", **EXAMPLES["oauth_auth_on_behalf_of_flow"])
    body = spec.configuration_body("draft")
    assert body["sso"] is True and body["preference"] == "member"
    assert body["app_config_data"] == {"header": {"content-type": "application/x-www-form-urlencoded"}}
    assert body["idp_config_data"]["header"] == {"content-type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({}, {"kind": "is required: one of " + ", ".join(CONNECTION_KINDS)}),
        ({"environments": {"live": {}}}, {"kind": "is required, here or in environments.live: one of "
                                                  + ", ".join(CONNECTION_KINDS)}),
        ({"kind": "ntlm"}, {"kind": pytest.approx}),
        ({"kind": "key_value", "type": "member"}, {"type": "a key_value connection must be of type 'team'"}),
        ({"kind": "basic", "sso": True},
         {"sso": "sso is only for the kinds oauth_auth_direct_access_flow, "
                 "oauth_auth_on_behalf_of_flow, oauth_auth_token_exchange_flow"}),
        ({"kind": "oauth_auth_token_exchange_flow"}, {"type": "an SSO connection must be of type 'member'"}),
        ({"kind": "oauth_auth_token_exchange_flow", "type": "member", "sso": False},
         {"sso": "kind 'oauth_auth_token_exchange_flow' needs sso: true"}),
        ({"kind": "oauth_auth_on_behalf_of_flow", "type": "member"},
         {"idp_config": "kind 'oauth_auth_on_behalf_of_flow' needs idp_config"}),
        ({"kind": "oauth_auth_jwt_bearer_flow", "type": "member"},
         {"type": "kind 'oauth_auth_jwt_bearer_flow' must be of type 'team'"}),
        ({"kind": "oauth_auth_direct_access_flow", "type": "member", "credentials": {"token": SECRET}},
         {"credentials": "kind 'oauth_auth_direct_access_flow' takes no credentials: each user signs in"}),
    ],
)  # fmt: skip
def test_configuration_rules_name_the_field(props: dict[str, Any], expected: dict[str, Any]) -> None:
    got = failures(**props)
    if expected.get("kind") is pytest.approx:  # pydantic's literal message lists the kinds
        assert list(got) == ["kind"] and "'basic'" in got["kind"]
        return
    assert got == expected


def test_credential_keys_are_checked_per_kind_without_their_values() -> None:
    assert failures(kind="basic", credentials={"username": "u", "pasword": SECRET}) == {
        "credentials.password": "is required for kind 'basic'",
        "credentials.pasword": "is not a credential of kind 'basic' (did you mean 'password'?)",
    }
    assert failures(kind="api_key", credentials={"api_key": ""}) == {
        "credentials.api_key": "is required for kind 'api_key'"
    }
    assert failures(kind="key_value", credentials={"port": 443}) == {
        "credentials.port": "a key_value credential must be a string"
    }
    # a rule broken in one environment's block is reported there
    assert failures(
        kind="key_value", environments={"live": {"kind": "bearer", "credentials": {"tok": SECRET}}}
    ) == {
        "environments.live.credentials.token": "is required for kind 'bearer'",
        "environments.live.credentials.tok": "is not a credential of kind 'bearer' (did you mean 'token'?)",
    }


def test_shape_errors_suggest_and_never_echo_a_value() -> None:
    assert failures(kind="basic", sever_url="x") == {
        "sever_url": "unknown field (did you mean 'server_url'?)"
    }
    assert failures(kind="basic", environments={"live": {"server_ur": SECRET}}) == {
        "environments.live.server_ur": "unknown field (did you mean 'server_url'?)"
    }
    got = failures(kind="basic", environments={"prod": {}})
    assert list(got) == ["environments.prod.[key]"]
    assert failures(kind="basic", environments={}) == {
        "environments": "names no environment: give draft, live or both, or leave it out"
    }
    assert failures(app_id="", kind="basic") == {"app_id": "String should have at least 1 character"}
    assert failures(kind="basic", credentials={"password": float("nan")})["credentials.password"]


def test_normalize_connection_reads_the_answers_back_to_the_declared_view() -> None:
    spec = valid(
        kind="kv", server_url="https://a.example", environments={"draft": {}, "live": {"type": "team"}}
    )
    answers = {
        env: {**spec.configuration_body(env), "config_id": "c-" + env, "tenant_id": "t"}
        for env in ("draft", "live")
    }

    got = normalize_connection(
        {"connection_id": "uuid-1", "app_id": "svc", "tenant_id": "t", "resource": {}},
        answers,
        {"draft": True},
    )

    assert got["connection_id"] == "uuid-1"
    assert {
        env: {k: v for k, v in e.items() if k != "credentials_set"} for env, e in got["environments"].items()
    } == (spec.effective()["environments"])
    assert got["environments"]["draft"]["kind"] == "key_value"  # kv comes back as key_value
    assert [e["credentials_set"] for e in got["environments"].values()] == [True, False]


def test_normalize_connection_keeps_what_it_cannot_name() -> None:
    got = normalize_connection(
        {"connection_id": "u", "app_id": "x"},
        {"draft": {"security_scheme": "custom_schema", "preference": "team"}, "live": None},
    )
    assert got["environments"] == {
        "draft": {
            "kind": None,
            "type": "team",
            "server_url": None,
            "sso": False,
            "idp_config": None,
            "app_config": None,
            "custom_config_entries": None,
            "credentials_set": False,
        }
    }


def test_every_kind_with_credential_keys_has_its_adk_type() -> None:
    typed = {kind for kind, keys in CREDENTIAL_KEYS.items() if keys is not None and (keys[0] or keys[1])}
    assert typed == set(ADK_CREDENTIALS)
    for kind, cls in ADK_CREDENTIALS.items():
        keys = CREDENTIAL_KEYS[kind]
        assert keys is not None
        adk_required = {n for n, f in cls.model_fields.items() if f.is_required()}
        assert adk_required == set(keys[0]), kind
        assert set(cls.model_fields) <= set(keys[0]) | set(keys[1]), kind
