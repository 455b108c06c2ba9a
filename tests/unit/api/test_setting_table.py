"""The settings table: one row per setting, and everything else follows it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pulumi_wxo.api import settings as connection
from pulumi_wxo.api.setting_table import CONNECTION_SETTINGS, SETTINGS, Setting, setting
from pulumi_wxo.lifecycle import instance, runtime

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


def test_a_row_names_its_config_key_and_environment_variable() -> None:
    row = setting("max_response_bytes")
    assert (row.key, row.env) == ("wxo:maxResponseBytes", "WXO_MAX_RESPONSE_BYTES")
    assert (setting("url").key, setting("url").env) == ("wxo:url", "WXO_URL")
    assert [r.attr for r in SETTINGS if r.secret] == ["api_key", "token", "password"]
    assert len({r.attr for r in SETTINGS}) == len(SETTINGS)


def test_the_connection_rows_are_the_connection_settings_fields() -> None:
    fields = {f.name for f in dataclasses.fields(connection.ConnectionSettings)}
    assert {r.attr for r in CONNECTION_SETTINGS} == fields
    assert tuple((r.attr, r.key, r.env, r.kind) for r in CONNECTION_SETTINGS) == connection.SOURCES
    assert {r.attr: (r.key, r.bounds) for r in CONNECTION_SETTINGS if r.bounds} == connection.RANGES
    assert set(connection.RANGES) == {"timeout", "max_retries", "max_retry_time", "max_response_bytes"}


def test_the_lifecycle_rows_are_the_keys_the_lifecycle_reads() -> None:
    lifecycle = [(r.key, r.env) for r in SETTINGS if r.lifecycle]
    assert lifecycle == [
        (instance.ALIASES_KEY, instance.ALIASES_ENV),
        (instance.MOVE_KEY, instance.MOVE_ENV),
        (runtime.SNAPSHOT_MAX_AGE_KEY, runtime.SNAPSHOT_MAX_AGE_ENV),
    ]


def test_the_runtime_table_is_the_settings_table(monkeypatch: pytest.MonkeyPatch) -> None:
    assert runtime.settings() == [(r.key, r.env, r.schema_type, r.secret, r.description) for r in SETTINGS]
    extra = Setting("region_hint", "str", "A made-up setting.", lifecycle=True)
    monkeypatch.setattr(runtime, "SETTINGS", (*SETTINGS, extra))
    assert runtime.settings()[-1] == (
        "wxo:regionHint",
        "WXO_REGION_HINT",
        "string",
        False,
        "A made-up setting.",
    )


def test_the_guide_has_a_row_for_every_connection_setting() -> None:
    guide = (ROOT / "docs" / "guide" / "client.md").read_text(encoding="utf-8")
    for row in CONNECTION_SETTINGS:
        assert f"| `{row.key}`{' (secret)' if row.secret else ''} | `{row.env}` |" in guide, row.key
    docs = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    for row in SETTINGS:
        assert row.key in docs, row.key
