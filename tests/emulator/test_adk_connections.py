"""IBM's own connections client and credential types (ibm-watsonx-orchestrate-clients/-core
2.19.1), and the ``orchestrate connections`` commands, against the emulator (api-contract §13).

If the ADK's ``ConnectionsClient`` can create, configure, set credentials, find, list and
delete through the emulator with the bodies its own types build, and the CLI's import, list,
export and remove work, the emulator speaks the connections API the ADK expects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ibm_watsonx_orchestrate_clients.connections.connections_client import ConnectionsClient
from ibm_watsonx_orchestrate_core.types.connections import (
    OAUTH_CONNECTION_TYPES,
    APIKeyAuthCredentials,
    BasicAuthCredentials,
    BearerTokenAuthCredentials,
    ConnectionConfiguration,
    ConnectionEnvironment,
    ConnectionType,
    KeyValueConnectionCredentials,
    OAuth2AuthCodeCredentials,
    OAuth2ClientCredentials,
    OAuthOnBehalfOfCredentials,
)

from pulumi_wxo.emulator import EmulatorThread
from tests.support.adk_cli import Cli, Emu, ok
from tests.support.emulator import EMULATOR_TOKEN as TOKEN

pytestmark = pytest.mark.emulator

SECRET = "adk-secret-never-shown"
DRAFT, LIVE = ConnectionEnvironment.DRAFT, ConnectionEnvironment.LIVE


@pytest.fixture(params=["/api/v1/orchestrate", "/v1/orchestrate"], ids=["local", "remote"])
def client(request: pytest.FixtureRequest, emulator: EmulatorThread) -> ConnectionsClient:
    # An http://127.0.0.1 URL is the ADK's local style: /api/v1/orchestrate (api-contract §13.1);
    # a remote instance's prefix is /v1/orchestrate, set here on the same client.
    connections = ConnectionsClient(base_url=emulator.url, api_key=TOKEN)
    assert connections.base_url == f"{emulator.url}/api/v1/orchestrate"
    connections.base_url = f"{emulator.url}{request.param}"
    return connections


def _configure(client: ConnectionsClient, app_id: str, env: ConnectionEnvironment, **spec: Any) -> None:
    # What `orchestrate connections configure` / `import -f` send (api-contract §13.3)
    config = ConnectionConfiguration.model_validate({"app_id": app_id, "environment": env, **spec})
    if client.get_config(app_id=app_id, env=env):
        client.update_config(app_id=app_id, env=env, payload=config.model_dump(exclude_none=True))
    else:
        client.create_config(app_id=app_id, payload=config.model_dump())


def _set_credentials(client: ConnectionsClient, app_id: str, env: ConnectionEnvironment, creds: Any) -> bool:
    # What `orchestrate connections set-credentials` sends (api-contract §13.4): the slot by type
    config = client.get_config(app_id=app_id, env=env)
    assert config is not None
    scheme, auth_type = config.security_scheme, config.auth_type
    conn_type = ConnectionType(auth_type if scheme == "oauth2" else scheme)
    app = conn_type in OAUTH_CONNECTION_TYPES
    payload = {("app_credentials" if app else "runtime_credentials"): creds.model_dump(exclude_none=True)}
    if client.get_credentials(app_id=app_id, env=env, use_app_credentials=app):
        client.update_credentials(app_id=app_id, env=env, payload=payload, use_app_credentials=app)
    else:
        client.create_credentials(app_id=app_id, env=env, payload=payload, use_app_credentials=app)
    return app


def test_the_adk_client_round_trip(client: ConnectionsClient, emulator: EmulatorThread) -> None:
    client.create({"app_id": "openai-creds"})
    found = client.get(app_id="openai-creds")
    assert found is not None and found.connection_id and found.resource is None
    assert client.get_config(app_id="openai-creds", env=DRAFT) is None
    _configure(client, "openai-creds", DRAFT, kind="key_value", type="team")
    _configure(client, "openai-creds", LIVE, kind="key_value", type="team", server_url="https://live.example")

    assert (
        _set_credentials(client, "openai-creds", DRAFT, KeyValueConnectionCredentials(api_key=SECRET))
        is False
    )
    assert client.get_credentials(app_id="openai-creds", env=DRAFT, use_app_credentials=False)
    assert client.get_credentials(app_id="openai-creds", env=LIVE, use_app_credentials=False) is None

    listed = {c.environment: c for c in client.list()}
    assert {env: (c.connection_id, c.credentials_entered) for env, c in listed.items()} == {
        DRAFT: (found.connection_id, True),
        LIVE: (found.connection_id, False),
    }
    assert listed[DRAFT].security_scheme == "key_value_creds" and listed[DRAFT].preference == "team"
    assert client.get_draft_by_id(found.connection_id) == "openai-creds"
    assert [c.app_id for c in client.get_drafts_by_ids([found.connection_id])] == ["openai-creds"] * 2
    live = client.get_config(app_id="openai-creds", env=LIVE)
    assert live is not None and live.as_config().server_url == "https://live.example"

    # a rotation: the ADK PATCHes once the credentials exist
    _set_credentials(client, "openai-creds", DRAFT, KeyValueConnectionCredentials(api_key="rotated"))
    [stored] = emulator.control.state()["connections"]
    assert stored["credentials"]["draft"] == {
        "runtime_credentials": {"runtime_credentials": {"api_key": "rotated"}}
    }

    client.delete_credentials(app_id="openai-creds", env=DRAFT, use_app_credentials=False)
    assert client.get_credentials(app_id="openai-creds", env=DRAFT, use_app_credentials=False) is None
    client.delete(app_id="openai-creds")
    assert client.get(app_id="openai-creds") is None and client.list() == []


def test_a_change_of_kind_through_the_adks_patch(client: ConnectionsClient) -> None:
    # configure again with another kind: the ADK PATCHes without the keys that are None now
    client.create({"app_id": "svc"})
    _configure(client, "svc", DRAFT, kind="oauth_auth_client_credentials_flow", type="team")
    _configure(client, "svc", DRAFT, kind="basic", type="team")

    config = client.get_config(app_id="svc", env=DRAFT)

    assert config is not None and (config.security_scheme, config.auth_type) == ("basic_auth", None)


@pytest.mark.parametrize(
    ("spec", "credentials"),
    [
        ({"kind": "basic"}, BasicAuthCredentials(username="u", password=SECRET)),
        ({"kind": "bearer"}, BearerTokenAuthCredentials(token=SECRET)),
        ({"kind": "api_key"}, APIKeyAuthCredentials(api_key=SECRET)),
        (
            {"kind": "oauth_auth_client_credentials_flow"},
            OAuth2ClientCredentials(client_id="c", client_secret=SECRET, token_url="https://idp/t"),
        ),
        (
            {"kind": "oauth_auth_code_flow"},
            OAuth2AuthCodeCredentials(
                client_id="c",
                client_secret=SECRET,
                token_url="https://idp/t",
                authorization_url="https://idp/a",
            ),
        ),
        (
            {
                "kind": "oauth_auth_on_behalf_of_flow",
                "type": "member",
                "sso": True,
                "idp_config": {
                    "body": {"requested_token_use": "on_behalf_of", "requested_token_type": "saml2"}
                },
            },
            OAuthOnBehalfOfCredentials(client_id="c", access_token_url="https://idp/t", grant_type=SECRET),
        ),
    ],
    ids=["basic", "bearer", "api_key", "client_credentials", "auth_code", "on_behalf_of"],
)
def test_every_kind_with_the_adks_own_bodies(
    client: ConnectionsClient, emulator: EmulatorThread, spec: dict[str, Any], credentials: Any
) -> None:
    client.create({"app_id": "svc"})
    _configure(client, "svc", DRAFT, **{"type": "team", **spec})

    app = _set_credentials(client, "svc", DRAFT, credentials)

    config = client.get_config(app_id="svc", env=DRAFT)
    assert (
        config is not None
        and config.as_config().model_dump(mode="json", use_import_aliases=True)["kind"] == spec["kind"]
    )
    answer = client.get_credentials(app_id="svc", env=DRAFT, use_app_credentials=app)
    assert answer and SECRET not in str(answer)
    slot = "credentials" if app else "runtime_credentials"
    wrapper = "app_credentials" if app else "runtime_credentials"
    [stored] = emulator.control.state()["connections"]
    assert stored["credentials"]["draft"] == {slot: {wrapper: credentials.model_dump(exclude_none=True)}}
    assert SECRET not in str(client.list()) and SECRET not in str(config)


def test_the_cli_imports_lists_exports_and_removes(emu: Emu, logged_in: Cli, home: Path) -> None:
    spec = {
        "spec_version": "v1",
        "kind": "connection",
        "app_id": "llm-creds",
        "environments": {
            "draft": {"kind": "key_value", "type": "team"},
            "live": {
                "kind": "oauth_auth_client_credentials_flow",
                "type": "team",
                "server_url": "https://api.example",
            },
        },
    }
    (home / "llm-creds.yaml").write_text(yaml.safe_dump(spec))

    ok(logged_in("connections", "import", "-f", "llm-creds.yaml"))
    ok(
        logged_in(
            "connections", "set-credentials", "-a", "llm-creds", "--env", "draft", "-e", f"api_key={SECRET}"
        )
    )
    ok(logged_in("connections", "set-credentials", "-a", "llm-creds", "--env", "live", "--client-id", "c",
                 "--client-secret", SECRET, "--token-url", "https://idp.example/token"))  # fmt: skip
    listed = ok(logged_in("connections", "list"))
    ok(logged_in("connections", "import", "-f", "llm-creds.yaml"))  # again: PATCHes, keeps credentials
    ok(logged_in("connections", "export", "-a", "llm-creds", "-o", "out.yaml"))

    assert "llm-creds" in listed and SECRET not in listed
    exported = yaml.safe_load((home / "out.yaml").read_text())
    assert exported["environments"] == spec["environments"]
    [connection] = emu.state()["connections"]
    assert set(connection["credentials"]["draft"]) == {"runtime_credentials"}
    assert set(connection["credentials"]["live"]) == {"credentials", "runtime_credentials"}  # §13.4
    assert connection["credentials"]["live"]["credentials"]["app_credentials"]["client_secret"] == SECRET

    ok(logged_in("connections", "remove", "-a", "llm-creds"))
    assert emu.state()["connections"] == []
