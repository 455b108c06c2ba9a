"""cli.connection: connection flags win over WXO_* variables, which fill in the rest."""

from __future__ import annotations

import re
from typing import Any

import pytest

import pulumi_wxo.api.client
from pulumi_wxo.api.settings import ConnectionSettings
from pulumi_wxo.cli import build_parser
from pulumi_wxo.cli.connection import CONNECTION_FLAGS, client_from_args

pytestmark = pytest.mark.unit


def settings_of(monkeypatch: pytest.MonkeyPatch, *argv: str) -> ConnectionSettings:
    made: list[ConnectionSettings] = []

    def fake_client(settings: ConnectionSettings) -> Any:
        made.append(settings)
        return object()

    monkeypatch.setattr(pulumi_wxo.api.client, "WxoClient", fake_client)
    client_from_args(build_parser().parse_args(["list", *argv]))
    [settings] = made
    return settings


def test_flags_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WXO_URL", "https://env.example.com")
    monkeypatch.setenv("WXO_TOKEN", "env-token")
    settings = settings_of(monkeypatch, "--url", "https://flag.example.com", "--insecure")
    assert settings.url == "https://flag.example.com"
    assert settings.token == "env-token"  # no --token: the environment's
    assert settings.insecure is True


def test_every_flag_is_on_the_list_and_export_parsers() -> None:
    for command in ("list", "export"):
        args = build_parser().parse_args([command])
        for flag, key, _ in CONNECTION_FLAGS:
            assert getattr(args, flag.lstrip("-").replace("-", "_")) is None, flag
            assert key.startswith("wxo:")
        assert args.insecure is False


def test_token_stdin_reads_the_first_line_and_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    monkeypatch.setenv("WXO_TOKEN", "env-token")
    monkeypatch.setattr("sys.stdin", io.StringIO("piped-token\nsecond line\n"))
    settings = settings_of(monkeypatch, "--url", "https://flag.example.com", "--token-stdin")
    assert settings.token == "piped-token"


def test_token_stdin_without_a_token_is_a_settings_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from tests.unit.cli.support import run

    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    code, out, err = run(capsys, "list", "--url", "https://flag.example.com", "--token-stdin")
    assert (code, out) == (2, "")
    assert err.startswith("pulumi-wxo list: --token-stdin: standard input holds no token")


# A credential flag with a value, on a line that runs pulumi-wxo (the emulator's own --token,
# the fixed token a local fake accepts, is its configuration, not a credential of a user).
CREDENTIAL_ON_THE_COMMAND_LINE = re.compile(r"--(token|api-key|password)[ =](?!-)\S")


def _offending(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if "pulumi-wxo" in line and " emulator" not in line and CREDENTIAL_ON_THE_COMMAND_LINE.search(line)
    ]


def test_no_documented_example_puts_a_credential_on_the_command_line() -> None:
    from pulumi_wxo.cli import EPILOG
    from tests.unit.cli.support import ROOT

    helps = [EPILOG] + [sub.format_help() for sub in _subparsers()]
    assert [line for text in helps for line in _offending(text)] == []
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = {str(p.relative_to(ROOT)): _offending(p.read_text(encoding="utf-8")) for p in pages}
    assert {page: lines for page, lines in found.items() if lines} == {}


def _subparsers() -> list[Any]:
    import argparse

    parser = build_parser()
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(action.choices.values())
