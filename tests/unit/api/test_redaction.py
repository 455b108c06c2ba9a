"""The secret registry, redact(), and the package logger's redacting filter."""

from __future__ import annotations

import json
import logging

import pytest

from pulumi_wxo.api.redaction import logger, redact, register_secret

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------ redaction


def test_redact_replaces_registered_values() -> None:
    register_secret("errors-test-secret-AAAA")
    assert redact("key=errors-test-secret-AAAA!") == "key=***!"
    assert redact("nothing here") == "nothing here"


def test_short_values_are_ignored() -> None:
    register_secret("abc")
    register_secret("")
    assert redact("abc abc") == "abc abc"


def test_longest_secret_is_masked_whole() -> None:
    register_secret("errors-nest-BBBB")
    register_secret("errors-nest-BBBB-and-more")
    assert redact("x errors-nest-BBBB-and-more y") == "x *** y"


def test_json_escaped_and_url_encoded_spellings_are_masked() -> None:
    pem = "-----BEGIN KEY-----\nerrors-pem-CCCC\n-----END KEY-----"
    register_secret(pem)
    echoed = json.dumps({"private_key": pem})
    assert "errors-pem-CCCC" not in redact(echoed)
    register_secret("errors+form/DDDD=")
    assert redact("apikey=errors%2Bform%2FDDDD%3D") == "apikey=***"


def test_log_filter_redacts_messages_and_args(caplog: pytest.LogCaptureFixture) -> None:
    register_secret("errors-log-FFFF")
    with caplog.at_level(logging.DEBUG, logger="pulumi_wxo"):
        logger.debug("token %s sent", "errors-log-FFFF")
        logger.warning("inline errors-log-FFFF")
    assert [r.getMessage() for r in caplog.records] == ["token *** sent", "inline ***"]


def test_a_secret_name_reads_as_a_secret_name_where_it_was_quoted() -> None:
    from pulumi_wxo.api.redaction import register_secret_name

    register_secret_name("virtual-model/openai/unit-hidden-CCCC")
    hidden = "virtual-model/openai/unit-hidden-CCCC"
    shown = redact(f"create model '{hidden}': GET /models?name={hidden}")
    assert shown == "create model a secret name: GET /models?name=***"
