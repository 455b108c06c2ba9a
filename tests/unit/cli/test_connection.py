"""cli.connection: connection flags win over WXO_* variables, which fill in the rest."""

from __future__ import annotations

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
