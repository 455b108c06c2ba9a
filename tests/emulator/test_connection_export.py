"""``pulumi-wxo export`` / ``list`` of connections, both ways through IBM's ADK CLI.

- Objects made on emulator A (a connection per credential shape, the models that use them) ->
  ``pulumi-wxo export --for adk`` -> the ``orchestrate`` commands it prints (``connections
  import``, ``set-credentials`` with the values from environment variables, ``models import
  --app-id``), run as they are against emulator B -> B holds the same objects and credentials.
- Objects made with the ADK CLI -> ``pulumi-wxo export`` -> the files equal what was imported.
- A credential value on the emulator never appears in what ``export`` or ``list`` print or write.
- ``--format python`` declares the connections and wires the models to them, on both hosts.

The ADK CLI runs against the HTTPS emulator of tests/emulator/conftest.py (``emu``, ``logged_in``).
"""

from __future__ import annotations

import json
import re
import runpy
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key

from pulumi_wxo.api.client import WxoClient
from pulumi_wxo.api.settings import ConnectionSettings
from pulumi_wxo.cli import main
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.schema import normalize_model
from pulumi_wxo.schema.connection import validate_connection
from tests.support.adk_cli import Cli, Emu, ok
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.mocks import Recorder

pytestmark = pytest.mark.emulator

OPENAI_KEY = "sk-openai-VALUE-0101"
AWS_ID, AWS_SECRET = "AKIA-VALUE-0202", "aws-secret-VALUE-0303"
BEARER = "bearer-VALUE-0404"
BASIC_USER, BASIC_PASSWORD = "svc-user", "basic-pass-VALUE-0505"
VALUES = (OPENAI_KEY, AWS_ID, AWS_SECRET, BEARER, BASIC_PASSWORD)
# What the printed set-credentials lines read, by the names the export gives the variables.
VARIABLES = {
    "OPENAI_CREDS_API_KEY": OPENAI_KEY,
    "AWS_CREDS_AWS_ACCESS_KEY_ID": AWS_ID,
    "AWS_CREDS_AWS_SECRET_ACCESS_KEY": AWS_SECRET,
    "SVC_TOKEN": BEARER,
    "SVC_USERNAME": BASIC_USER,
    "SVC_PASSWORD": BASIC_PASSWORD,
}
GPT = "virtual-model/openai/gpt-4o"
TITAN = "virtual-model/bedrock/amazon.titan-text-express-v1"
REMOTE = "/v1/orchestrate"


def client_a(emulator: EmulatorThread) -> WxoClient:
    return WxoClient(ConnectionSettings(url=emulator.url, token=EMULATOR_TOKEN))


def client_b(emu: Emu) -> WxoClient:
    # A remote instance's prefix: the loopback default (/v1) is the Developer Edition's
    settings = ConnectionSettings(
        url=emu.instance, token=emu.server.settings.token, ca_bundle=str(emu.ca), base_path=REMOTE
    )
    return WxoClient(settings)


def flags_b(emu: Emu) -> list[str]:
    return [
        *("--url", emu.instance, "--token", emu.server.settings.token),
        *("--ca-bundle", str(emu.ca), "--base-path", REMOTE),
    ]


def create_connection(client: WxoClient, declared: dict[str, Any]) -> str:
    """A connection made as the provider makes it (the collection's sequence); its id."""
    spec, fails = validate_connection(declared)
    assert spec is not None, fails
    envs = spec.environment_names()
    client.connections.create(
        {
            "name": spec.app_id,
            "configurations": {env: spec.configuration_body(env) for env in envs},
            "credentials": {env: spec.credential_bodies(env) for env in envs},
        }
    )
    [found] = client.connections.find(spec.app_id)
    return str(found["id"])


def tenant_a(client: WxoClient) -> None:
    """Three connections (key_value for a key, key_value for AWS keys, bearer/basic per
    environment) and two models that use the first two."""
    openai = create_connection(
        client, {"app_id": "openai-creds", "kind": "key_value", "credentials": {"api_key": OPENAI_KEY}}
    )
    aws_keys = {"aws_access_key_id": AWS_ID, "aws_secret_access_key": AWS_SECRET}
    aws = create_connection(client, {"app_id": "aws-creds", "kind": "key_value", "credentials": aws_keys})
    create_connection(
        client,
        {
            "app_id": "svc",
            "environments": {
                "draft": {
                    "kind": "bearer",
                    "server_url": "https://api.example",
                    "credentials": {"token": BEARER},
                },
                "live": {
                    "kind": "basic",
                    "custom_config_entries": {"region": "eu"},
                    "credentials": {"username": BASIC_USER, "password": BASIC_PASSWORD},
                },
            },
        },
    )
    client.models.create(
        {"name": GPT, "display_name": "GPT", "description": "via a connection", "connection_id": openai}
    )
    client.models.create(
        {
            "name": TITAN,
            "tags": ["aws"],
            "config": {"max_tokens": 512},
            "provider_config": {"aws_region": "us-east-1"},
            "connection_id": aws,
        }
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def never_shown(text: str) -> None:
    for value in VALUES:
        assert value not in text, value


def server_view(client: WxoClient) -> dict[str, Any]:
    """What an instance holds, normalised, ids aside: each connection's configured environments
    (credentials as set or not) and each model, its connection by app_id."""
    connections = client.connections.list()
    app_ids = {c["connection_id"]: c["app_id"] for c in connections}
    models = {}
    for raw in client.models.list():
        model = normalize_model(raw)
        model["connection"] = app_ids.get(model.pop("connection_id"))
        model.pop("id")
        models[model["name"]] = model
    return {"connections": {c["app_id"]: c["environments"] for c in connections}, "models": models}


def credentials_of(server: EmulatorThread) -> dict[str, Any]:
    """Every connection's stored credentials by app_id (the control API holds the values)."""
    return {c["app_id"]: c.get("credentials") for c in server.control.state()["connections"]}


def substituted(command: str, folder: Path) -> list[str]:
    """A printed command as argv: each ``$VAR`` its value, each file in ``folder``."""
    args = shlex.split(re.sub(r"\$([A-Z0-9_]+)", lambda m: VARIABLES[m.group(1)], command))
    return [str(folder / a) if a.endswith(".yaml") else a for a in args]


def test_export_for_the_adk_imports_into_another_instance_with_the_commands_it_prints(
    emulator: EmulatorThread, emu: Emu, logged_in: Cli, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with client_a(emulator) as a_client:
        tenant_a(a_client)
    out_dir = home / "from-a"
    a = ["--url", emulator.url, "--token", EMULATOR_TOKEN]

    code, out, err = run(capsys, "export", *a, "--for", "adk", "--output", str(out_dir), "--force")
    assert code == 0, err
    files = {p.name: p.read_text() for p in out_dir.iterdir()}
    never_shown(out + err + "".join(files.values()))
    assert sorted(files) == [
        "bedrock-amazon.titan-text-express-v1.yaml",
        "connection-aws-creds.yaml",
        "connection-openai-creds.yaml",
        "connection-svc.yaml",
        "openai-gpt-4o.yaml",
    ]
    commands = [line.strip() for line in err.splitlines() if line.startswith("  orchestrate ")]
    assert len(commands) == 3 + 2 + 2 + 2 + 2  # imports, set-credentials per environment, models
    for command in commands:
        ok(logged_in(*substituted(command, out_dir)[1:]))

    with client_a(emulator) as a_client, client_b(emu) as b_client:
        assert server_view(b_client) == server_view(a_client)
    assert credentials_of(emu.server) == credentials_of(emulator)  # the values, set from the variables


def test_what_the_adk_imported_exports_as_the_same_files(
    emu: Emu, logged_in: Cli, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = home / "adk-made"
    folder.mkdir(exist_ok=True)
    connection = {
        "spec_version": "v1",
        "kind": "connection",
        "app_id": "openai-creds",
        "environments": {
            "draft": {"kind": "key_value", "type": "team"},
            "live": {"kind": "key_value", "type": "team", "server_url": "https://api.openai.example"},
        },
    }
    model = {
        "spec_version": "v1",
        "kind": "model",
        "name": GPT,
        "display_name": "GPT",
        "description": "imported with the ADK",
        "tags": ["team-a"],
        "model_type": "chat",
        "config": {"max_tokens": 256},
    }
    (folder / "conn.yaml").write_text(yaml.safe_dump(connection, sort_keys=False))
    (folder / "model.yaml").write_text(yaml.safe_dump(model, sort_keys=False))
    ok(logged_in("connections", "import", "-f", str(folder / "conn.yaml")))
    for env in ("draft", "live"):
        ok(
            logged_in(
                "connections",
                "set-credentials",
                "-a",
                "openai-creds",
                "--env",
                env,
                "-e",
                f"api_key={OPENAI_KEY}",
            )
        )
    ok(logged_in("models", "import", "-f", str(folder / "model.yaml"), "--app-id", "openai-creds"))

    for audience in ("adk", "pulumi"):
        out_dir = home / f"export-{audience}"
        argv = ["export", *flags_b(emu), "--for", audience, "--output", str(out_dir), "--force"]
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        written = {p.name: yaml.safe_load(p.read_text()) for p in out_dir.iterdir()}
        never_shown(out + err + repr(written))
        exported_connection = written["connection-openai-creds.yaml"]
        if audience == "pulumi":  # the credentials the ADK ignores: placeholders, one key for both
            for block in exported_connection["environments"].values():
                assert block.pop("credentials") == {"api_key": "${secret:openaiCredsApiKey}"}
        assert exported_connection == connection
        assert written["openai-gpt-4o.yaml"] == {**model, "app_id": "openai-creds"}
    # The file for pulumi-wxo imports with the ADK as it is (its credentials block is ignored)
    ok(logged_in("connections", "import", "-f", str(home / "export-pulumi" / "connection-openai-creds.yaml")))
    assert credentials_of(emu.server)["openai-creds"]["draft"] == {
        "runtime_credentials": {"runtime_credentials": {"api_key": OPENAI_KEY}}
    }


@pytest.mark.parametrize(
    "argv", [("list",), ("list", "--json"), ("export",), ("export", "--format", "python")]
)
def test_list_and_export_never_show_a_connection_credential(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    with client_a(emulator) as client:
        tenant_a(client)
    code, out, err = run(capsys, *argv, "--url", emulator.url, "--token", EMULATOR_TOKEN)
    assert code == 0, err
    never_shown(out + err)
    assert "openai-creds" in out and "aws-creds" in out and "svc" in out


def test_list_shows_each_connections_credentials_set_per_environment(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    half_declared = {
        "app_id": "half",
        "environments": {
            "draft": {"kind": "bearer", "credentials": {"token": BEARER}},
            "live": {"kind": "bearer"},
        },
    }
    with client_a(emulator) as client:
        create_connection(client, half_declared)
    code, out, _ = run(capsys, "list", "--json", "--url", emulator.url, "--token", EMULATOR_TOKEN)
    assert code == 0
    [half] = json.loads(out)["connections"]
    assert {env: v["credentials_set"] for env, v in half["environments"].items()} == {
        "draft": True,
        "live": False,
    }
    assert {env: v["kind"] for env, v in half["environments"].items()} == {
        "draft": "bearer",
        "live": "bearer",
    }


def unwrapped(value: Any) -> Any:
    """A value as the program gave it: a secret's envelope (the credentials) opened."""
    if isinstance(value, dict) and value.get(_special_sig_key) == _special_secret_sig:
        return value["value"]
    return value


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    rec = Recorder(extra={"connection_id": "{name}-cid"})
    pulumi.runtime.set_mocks(rec, project="adopted", stack="dev", preview=False)
    yield rec
    pulumi.runtime.set_all_config({}, [])


@pytest.mark.parametrize("host", ["dynamic", "native"])
def test_the_exported_program_declares_the_connections_and_wires_the_models(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str], tmp_path: Path, mocks: Recorder, host: str
) -> None:
    with client_a(emulator) as client:
        tenant_a(client)
    argv = ["export", "--url", emulator.url, "--token", EMULATOR_TOKEN, "--format", "python", "--host", host]
    code, _, err = run(capsys, *argv, "--output", str(tmp_path))
    assert code == 0, err
    keys = ["openaiCredsApiKey", "awsCredsAccessKeyId", "awsCredsSecretAccessKey", "svcToken"]
    keys += ["svcUsername", "svcPassword"]
    config = {f"adopted:{key}": f"value-of-{key}" for key in keys}
    pulumi.runtime.set_all_config(config, list(config))

    @pulumi.runtime.test
    def program() -> None:
        runpy.run_path(str(tmp_path / "__main__.py"))

    program()
    conn = mocks.resources["openai-creds"]
    assert conn.typ == (
        "wxo:index:Connection" if host == "native" else "pulumi-python:dynamic/wxo:Connection"
    )
    assert conn.inputs["app_id"] == "openai-creds" and conn.inputs["adopt"] is True
    assert (
        unwrapped(conn.inputs["environments"]) != conn.inputs["environments"]
    )  # secret: it holds credentials
    assert unwrapped(conn.inputs["environments"])["draft"] == {
        "kind": "key_value",
        "type": "team",
        "credentials": {"api_key": "value-of-openaiCredsApiKey"},
    }
    svc = unwrapped(mocks.resources["svc"].inputs["environments"])
    assert svc["live"]["credentials"] == {
        "username": "value-of-svcUsername",
        "password": "value-of-svcPassword",
    }
    assert mocks.resources["openai-gpt-4o"].inputs["connection_id"] == "openai-creds-cid"
    assert mocks.resources["bedrock-amazon.titan-text-express-v1"].inputs["connection_id"] == "aws-creds-cid"
