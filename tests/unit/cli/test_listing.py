"""``pulumi-wxo list`` offline (a stub client): the tables with and without rich, and JSON."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator

import pytest

from pulumi_wxo.cli.console import Table, plain_table
from tests.support.routing import route, target
from tests.unit.cli.support import run, serve

pytestmark = pytest.mark.unit

MODELS = [
    {
        "id": "5f0c6a52-7d1e-4c8b-9a43-2b7e1f0d9c61",
        "name": "virtual-model/openai/gpt-4o",
        "display_name": "GPT-4o",
        "tags": ["team-a", "prod"],
        "model_type": "chat",
        "provider_config": {"provider": "openai"},
    },
    {"id": "m2", "name": "virtual-model/anthropic/claude", "provider_config": {"provider": "anthropic"}},
]
POLICIES = [
    {
        "id": "p1",
        "name": "virtual-policy/mix",
        "policy": route(
            "fallback",
            target("virtual-model/openai/gpt-4o"),
            route(
                "loadbalance",
                target("virtual-model/anthropic/claude", 0.75),
                target("virtual-model/openai/gpt-4o", 0.25),
            ),
        ),
    }
]


@pytest.fixture(autouse=True)
def stub_client(monkeypatch: pytest.MonkeyPatch) -> None:
    serve(monkeypatch, MODELS, POLICIES)


@pytest.fixture
def no_rich(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("rich", "rich.console", "rich.table", "rich.text"):
        monkeypatch.setitem(sys.modules, name, None)
    yield


def test_list_without_rich_prints_plain_tables(no_rich: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    models = Table(
        "Models (2)",
        ("name", "display name", "type", "provider", "tags", "id"),
        [
            (
                "virtual-model/anthropic/claude",
                "virtual-model/anthropic/claude",
                "chat",
                "anthropic",
                "",
                "m2",
            ),
            (
                "virtual-model/openai/gpt-4o",
                "GPT-4o",
                "chat",
                "openai",
                "team-a, prod",
                "5f0c6a52-7d1e-4c8b-9a43-2b7e1f0d9c61",
            ),
        ],
    )
    policies = Table(
        "Policies (1)",
        ("name", "mode", "targets (weight)", "id"),
        [
            (
                "virtual-policy/mix",
                "fallback",
                "virtual-model/openai/gpt-4o, loadbalance[virtual-model/anthropic/claude (0.75), "
                "virtual-model/openai/gpt-4o (0.25)]",
                "p1",
            )
        ],
    )
    assert out == plain_table(models) + "\n" + plain_table(policies)


def test_list_with_rich_and_without_policies(capsys: pytest.CaptureFixture[str]) -> None:
    assert importlib.util.find_spec("rich") is not None, "the dev extra installs rich"
    code, out, _ = run(capsys, "list", "--name", "openai/*")
    assert code == 0
    assert "Models (1)" in out and "Policies" not in out
    assert "5f0c6a52-7d1e-4c8b-9a43-2b7e1f0d9c61" in out  # not folded: piped output is wide


def test_list_json_is_the_same_with_or_without_rich(
    no_rich: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", "--json", "--name", "mix")
    assert code == 0
    assert json.loads(out) == {"connections": [], "models": [], "policies": POLICIES}


# ---------------------------------------------------------------------------------------------
# Hostile answers: names that are markup or terminal control, secrets echoed back

HOSTILE_MODELS = [
    {
        "id": "m\x1b]0;pwned\x07",
        "name": "virtual-model/openai/[/bold]",
        "display_name": "[bold red]loud[/]\x1b[2J",
        "tags": ["\x9b31m", "ok"],
        "model_type": "chat\r",
        "provider_config": {"provider": "openai", "apiKey": "sk-echoed-0042"},
    },
]
HOSTILE_POLICIES = [
    {
        "id": "p\x00",
        "name": "virtual-policy/[link=https://evil.example]x[/link]",
        "policy": {"strategy": {"mode": "\u202efallback"}, "targets": [{"model_name": "a\nb"}]},
    }
]
RAW_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]")  # all but the line feed
SHOWN = (
    "virtual-model/openai/[/bold]",
    "[bold red]loud[/]\\x1b[2J",
    "chat\\x0d",
    "\\x9b31m, ok",
    "m\\x1b]0;pwned\\x07",
    "virtual-policy/[link=https://evil.example]x[/link]",
    "\\u202efallback",
    "a\\x0ab",
    "p\\x00",
)


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    serve(monkeypatch, HOSTILE_MODELS, HOSTILE_POLICIES)


def test_list_plain_table_escapes_what_the_server_sent(
    hostile: None, no_rich: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    assert RAW_CONTROLS.search(out) is None
    for shown in SHOWN:
        assert shown in out, shown
    assert len(out.splitlines()) == 3 + 1 + 1 + 3 + 1  # two titles, headers, rules, one row each, a blank


def test_list_rich_table_escapes_what_the_server_sent(
    hostile: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = run(capsys, "list")  # "[/bold]" in a name raised rich's MarkupError
    assert (code, err) == (0, "")
    assert RAW_CONTROLS.search(out) is None and "\x1b" not in out
    for shown in SHOWN:
        assert shown in out, shown


def test_list_json_masks_echoed_secrets_and_escapes_controls(
    hostile: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    assert "sk-echoed-0042" not in out
    assert RAW_CONTROLS.search(out) is None  # JSON escapes them: \u001b
    [model] = json.loads(out)["models"]
    assert model["provider_config"] == {"apiKey": "<secret>"}  # a spelling with no API alias too
    assert model["name"] == "virtual-model/openai/[/bold]"


def test_the_model_table_shows_the_declarations_listed_fields(
    no_rich: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from pulumi_wxo.cli import listing
    from pulumi_wxo.resources import MODEL

    assert [listing.column_title(MODEL, f) for f in MODEL.listed] == ["display name", "type"]
    monkeypatch.setattr(listing, "MODEL", replace(MODEL, listed=("model_type", "description")))
    code, out, _ = run(capsys, "list", "--name", "openai/*")
    assert code == 0
    head = ("name", "type", "description", "provider", "tags", "id")
    row = ("virtual-model/openai/gpt-4o", "chat", "virtual-model/openai/gpt-4o", "openai", "team-a, prod")
    table = Table("Models (1)", head, [(*row, "5f0c6a52-7d1e-4c8b-9a43-2b7e1f0d9c61")])
    assert out == plain_table(table)


# ---------------------------------------------------------------------------------------------
# Connections: app id, kind, type, credentials set per environment; never a value

CONN_SECRET = "conn-listed-VALUE-55"
CONNECTIONS = [
    {
        "id": "c-2",
        "app_id": "svc",
        "connection_id": "c-2",
        "environments": {
            "draft": {
                "kind": "bearer",
                "type": "team",
                "credentials_set": True,
                "credentials": {"token": CONN_SECRET},
            },
            "live": {"kind": "basic", "type": "team", "credentials_set": False},
        },
    },
    {
        "id": "c-1",
        "app_id": "openai-creds",
        "connection_id": "c-1",
        "environments": {
            "draft": {
                "kind": "key_value",
                "type": "team",
                "credentials_set": True,
                "custom_config_entries": {"password": CONN_SECRET},
            }
        },
    },
]


def test_list_shows_connections_with_their_credentials_set_or_not(
    no_rich: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, MODELS[:1], [], CONNECTIONS)
    code, out, _ = run(capsys, "list")
    assert code == 0
    connections = Table(
        "Connections (2)",
        ("app id", "kind", "type", "draft credentials", "live credentials", "id"),
        [
            ("openai-creds", "key_value", "team", "set", "-", "c-1"),
            ("svc", "draft: bearer, live: basic", "team", "set", "not set", "c-2"),
        ],
    )
    assert out.startswith(plain_table(connections) + "\n")
    assert CONN_SECRET not in out


def test_list_json_shows_connections_and_no_credential(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, [], [], CONNECTIONS)
    code, out, _ = run(capsys, "list", "--json", "--name", "open*")
    assert code == 0 and CONN_SECRET not in out
    [listed] = json.loads(out)["connections"]
    assert listed == {
        "app_id": "openai-creds",
        "connection_id": "c-1",
        "environments": {
            "draft": {
                "kind": "key_value",
                "type": "team",
                "credentials_set": True,
                "custom_config_entries": {"password": "<secret>"},
            }
        },
    }


def test_list_json_shows_only_an_environments_settings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, [], [], CONNECTIONS)
    code, out, _ = run(capsys, "list", "--json", "--name", "svc")
    assert code == 0
    [listed] = json.loads(out)["connections"]
    assert listed["environments"]["draft"] == {"kind": "bearer", "type": "team", "credentials_set": True}
