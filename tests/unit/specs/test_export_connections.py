"""specs.export_connections: connections as ``kind: connection`` files in the ADK's form (read
back by the ADK's own import code), never a credential value; models naming them by app_id;
the program's ``wxo.Connection``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ibm_watsonx_orchestrate.cli.commands.connections import connections_controller as adk
from ibm_watsonx_orchestrate_core.types.connections import ConnectionConfiguration

from pulumi_wxo.schema.connection import validate_connection
from pulumi_wxo.specs import dump_yaml, export_connection, export_model
from pulumi_wxo.specs.export import credential_fields
from pulumi_wxo.specs.export_connections import credential_keys, env_variable, point_at_connection

pytestmark = pytest.mark.unit

SECRET = "VALUE-NEVER-WRITTEN-77"
SET_CREDENTIALS = "orchestrate connections set-credentials"


def env(kind: str | None, *, credentials_set: bool = True, **settings: Any) -> dict[str, Any]:
    """One environment as ``client.connections.list()`` answers it (normalize_connection)."""
    base = {"kind": kind, "type": "team", "server_url": None, "sso": False, "idp_config": None}
    return (
        base
        | {"app_config": None, "custom_config_entries": None, "credentials_set": credentials_set}
        | settings
    )


def connection(app_id: str = "openai-creds", **environments: dict[str, Any]) -> dict[str, Any]:
    envs = environments or {"draft": env("key_value"), "live": env("key_value")}
    return {"id": "c-1", "name": app_id, "app_id": app_id, "connection_id": "c-1", "environments": envs}


def test_a_key_value_connection_in_the_adks_form_with_placeholders_for_pulumi() -> None:
    e = export_connection(connection(), bound=("api_key",))

    assert e.document == {
        "spec_version": "v1",
        "kind": "connection",
        "app_id": "openai-creds",
        "environments": {
            env_: {
                "kind": "key_value",
                "type": "team",
                "credentials": {"api_key": "${secret:openaiCredsApiKey}"},
            }
            for env_ in ("draft", "live")
        },
    }
    assert (e.kind, e.filename, e.secrets) == (
        "connection",
        "connection-openai-creds.yaml",
        (("api_key", "openaiCredsApiKey"),),
    )
    assert e.commands == () and e.notes == ()


def test_for_the_adk_no_credentials_and_the_set_credentials_lines_read_variables() -> None:
    e = export_connection(connection(), audience="adk", bound=("api_key",))

    assert e.document["environments"] == {
        "draft": {"kind": "key_value", "type": "team"},
        "live": {"kind": "key_value", "type": "team"},
    }
    assert e.secrets == ()
    assert e.commands == tuple(
        f'{SET_CREDENTIALS} --app-id openai-creds --env {env_} -e "api_key=$OPENAI_CREDS_API_KEY"'
        for env_ in ("draft", "live")
    )


@pytest.mark.parametrize("audience", ["pulumi", "adk"])
def test_the_adks_import_reads_every_environment_as_written(tmp_path: Path, audience: Any) -> None:
    oauth = env(
        "oauth_auth_on_behalf_of_flow",
        type="member",
        sso=True,
        server_url="https://api.example",
        idp_config={
            "header": {"content-type": "application/x-www-form-urlencoded"},
            "body": {"requested_token_use": "on_behalf_of", "requested_token_type": "urn:x"},
        },
        app_config={"header": {"content-type": "application/x-www-form-urlencoded"}},
        custom_config_entries={"region": "eu"},
    )
    e = export_connection(
        connection("svc", draft=oauth, live=env("bearer", credentials_set=False)), audience=audience
    )
    content = yaml.safe_load(dump_yaml(e.document))

    adk._validate_connections_spec_content(content)  # the checks of `orchestrate connections import -f`
    for name, block in content["environments"].items():
        config = ConnectionConfiguration.model_validate({**block, "environment": name, "app_id": "svc"})
        # ...and the ADK's own export writes the same block back (its other alias aside)
        again = {k: v for k, v in config.model_dump(mode="json", use_import_aliases=True).items() if v}
        again = {k: v for k, v in again.items() if k not in ("app_id", "environment")}
        if "custom_runtime_creds" in again:
            again["custom_config_entries"] = again.pop("custom_runtime_creds")
        assert again == {k: v for k, v in block.items() if k != "credentials"}, name
    # ...and the declaration reads the same settings
    spec, fails = validate_connection({k: v for k, v in content.items() if k in ("app_id", "environments")})
    assert fails == [] and spec is not None


def test_credential_keys_by_kind_and_by_the_models_of_a_key_value_connection() -> None:
    assert credential_keys("bearer") == ("token",)
    assert credential_keys("basic") == ("username", "password")
    assert credential_keys("oauth_auth_client_credentials_flow") == (
        "client_id",
        "client_secret",
        "token_url",
    )
    assert credential_keys("oauth_auth_direct_access_flow") == ()
    assert credential_keys("key_value", ["api_key", "aws_access_key_id", "api_key"]) == (
        "api_key",
        "aws_access_key_id",
    )
    assert credential_keys(None) == ()
    e = export_connection(
        connection("svc", draft=env("basic"), live=env("oauth_auth_code_flow")), audience="adk"
    )
    assert e.commands == (
        f'{SET_CREDENTIALS} --app-id svc --env draft --username "$SVC_USERNAME" --password "$SVC_PASSWORD"',
        f'{SET_CREDENTIALS} --app-id svc --env live --client-id "$SVC_CLIENT_ID" '
        '--client-secret "$SVC_CLIENT_SECRET" --token-url "$SVC_TOKEN_URL" '
        '--auth-url "$SVC_AUTHORIZATION_URL"',
    )


def test_credential_fields_of_a_model() -> None:
    assert credential_fields({"name": "virtual-model/openai/gpt-4o", "connection_id": "c"}) == ("api_key",)
    bedrock = {"name": "virtual-model/bedrock/x", "provider_config": {"aws_region": "us-east-1"}}
    assert credential_fields(bedrock) == ("aws_access_key_id", "aws_secret_access_key")
    shown = {"name": "virtual-model/openai/x", "provider_config": {"apiKey": SECRET}}
    assert credential_fields(shown) == ("api_key",)
    assert credential_fields({"name": "virtual-model/ollama/x"}) == ()


def test_environments_without_credentials_get_no_placeholder_and_unknown_keys_a_note() -> None:
    e = export_connection(connection(draft=env("key_value"), live=env("key_value", credentials_set=False)))
    assert e.document["environments"] == {
        "draft": {"kind": "key_value", "type": "team"},
        "live": {"kind": "key_value", "type": "team"},
    }
    assert e.notes == (
        "connection 'openai-creds': the keys of its draft credentials are unknown (the API never shows them, "
        "and no exported model uses it); add them to the file",
    )
    unknown = export_connection(connection(draft=env(None)))
    assert "uses a scheme the ADK has no kind for" in unknown.notes[0]
    bare = export_connection({"app_id": "bare", "environments": {}})
    assert bare.notes == ("connection 'bare': no environment is configured; the ADK refuses such a file",)


def test_a_credential_a_server_puts_anywhere_is_never_written() -> None:
    hostile = env(
        "bearer",
        credentials={"token": SECRET},
        custom_config_entries={"region": "eu", "password": SECRET},
        app_config={"header": {"Authorization": SECRET}},
    )
    for audience in ("pulumi", "adk"):
        e = export_connection(connection("svc", draft=hostile), audience=audience)  # type: ignore[arg-type]
        text = dump_yaml(e.document) + "\n".join(e.commands) + "\n".join(e.notes)
        assert SECRET not in text
        assert e.document["environments"]["draft"]["custom_config_entries"] == {"region": "eu"}
        assert any("environments.draft.custom_config_entries.password" in n for n in e.notes)


def test_a_model_names_its_connection_by_app_id_where_connection_id_was() -> None:
    model = {"id": "m", "name": "virtual-model/openai/gpt-4o", "connection_id": "c-1", "display_name": "GPT"}
    pointed = point_at_connection(export_model(model), "openai-creds")
    assert list(pointed.document) == [
        "spec_version",
        "kind",
        "name",
        "display_name",
        "description",
        "model_type",
        "app_id",
    ]
    assert pointed.document["app_id"] == "openai-creds" and pointed.app_id == "openai-creds"
    adk_model = point_at_connection(export_model(model, audience="adk"), "openai-creds")
    assert adk_model.document["app_id"] == "openai-creds" and "connection_id" not in adk_model.document
    assert adk_model.connection_needs is None


def test_an_odd_app_id_gives_a_plain_variable_and_a_quoted_argument() -> None:
    assert env_variable("9 lives", "api_key") == "WXO_9_LIVES_API_KEY"
    e = export_connection(connection("it's; rm -rf"), audience="adk", bound=("api_key",))
    assert e.commands[0].startswith(
        "orchestrate connections set-credentials --app-id 'it'\"'\"'s; rm -rf' --env draft"
    )
    assert '-e "api_key=$IT_S_RM_RF_API_KEY"' in e.commands[0]
