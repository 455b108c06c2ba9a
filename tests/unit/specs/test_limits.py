"""specs.limits: every bound is named once, and docs/guide/specs.md states the value in force."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_wxo.specs import limits

pytestmark = pytest.mark.unit

DOCS = Path(__file__).resolve().parents[3] / "docs" / "guide" / "specs.md"


def test_docs_state_every_limit_with_its_value() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Untrusted spec files") : text.index("## Editor support")]
    for name in limits.__all__:
        if not name.startswith("MAX_"):
            continue
        value = getattr(limits, name)
        row = re.search(rf"\(`{name}`\) \| ([^|]+) \|", section)
        assert row is not None, f"docs/guide/specs.md has no row for {name}"
        shown = row.group(1).strip()
        assert shown in (limits.size_text(value), f"{value:,}", str(value)), (name, shown, value)


def test_size_text() -> None:
    assert limits.size_text(1024 * 1024) == "1 MiB"
    assert limits.size_text(64 * 1024) == "64 KiB"
    assert limits.size_text(1000) == "1000 bytes"
