"""The shared httpx plumbing: the one client factory, TLS failure detection, the User-Agent."""

from __future__ import annotations

import logging
import ssl

import certifi
import httpx
import pytest

import pulumi_wxo.api.http as http_module
from pulumi_wxo.api.http import is_tls_error, json_or_none, new_http_client, user_agent
from pulumi_wxo.api.settings import ConnectionSettings
from tests.support.fakes import CLOUD, TOKEN

pytestmark = pytest.mark.unit


def test_user_agent_names_the_package() -> None:
    assert user_agent().startswith("pulumi-wxo/")


def test_client_factory_applies_the_settings() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    settings = ConnectionSettings(url=CLOUD, token=TOKEN, timeout=7.5)
    with new_http_client(settings, transport=httpx.MockTransport(handler)) as http:
        assert http.timeout == httpx.Timeout(7.5)
        assert http.trust_env is False  # an injected transport sees every request
        http.get(CLOUD)
    assert seen[0].headers["Accept"] == "application/json"
    assert seen[0].headers["User-Agent"] == user_agent()
    with new_http_client(settings) as real:
        assert real.trust_env is True


def test_tls_errors_are_found_through_causes_and_text() -> None:
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    by_cause = httpx.ConnectError("handshake")
    by_cause.__cause__ = cert
    by_context = httpx.ConnectError("handshake")
    by_context.__context__ = ssl.SSLError("wrong version")
    assert is_tls_error(by_cause)
    assert is_tls_error(by_context)
    assert is_tls_error(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] nope"))
    assert not is_tls_error(httpx.ConnectError("connection refused"))


def test_json_or_none() -> None:
    assert json_or_none(httpx.Response(200, json={"a": 1})) == {"a": 1}
    assert json_or_none(httpx.Response(200, text="<html>")) is None


def test_json_nested_past_the_parser_is_no_json() -> None:
    assert json_or_none(httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)) is None


def test_tls_verification_off_is_warned_once_per_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(http_module, "_insecure_warned", False)
    insecure = ConnectionSettings(url=CLOUD, token=TOKEN, insecure=True)
    with caplog.at_level(logging.WARNING, logger="pulumi_wxo"):
        for _ in range(3):
            new_http_client(insecure).close()
        new_http_client(ConnectionSettings(url=CLOUD, token=TOKEN)).close()
    warnings = [r for r in caplog.records if r.name == "pulumi_wxo" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert text.startswith(f"TLS certificate verification is OFF (wxo:insecure) for {CLOUD}")
    assert "set wxo:caBundle instead" in text
    assert TOKEN not in text


def test_a_ca_bundle_wins_over_insecure_and_is_not_warned(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(http_module, "_insecure_warned", False)
    settings = ConnectionSettings(url=CLOUD, token=TOKEN, insecure=True, ca_bundle=certifi.where())
    with caplog.at_level(logging.WARNING, logger="pulumi_wxo"):
        new_http_client(settings).close()
    assert [r for r in caplog.records if r.name == "pulumi_wxo"] == []
