"""cli.common: name patterns with and without the virtual-model/ prefix."""

from __future__ import annotations

import pytest

from pulumi_wxo.cli.common import name_matches

pytestmark = pytest.mark.unit


def test_name_patterns() -> None:
    assert name_matches("virtual-model/openai/gpt-4o", [])
    assert name_matches("virtual-model/openai/gpt-4o", ["openai/*"])
    assert name_matches("virtual-model/openai/gpt-4o", ["virtual-model/*/gpt-4o"])
    assert name_matches("virtual-policy/anygem", ["anygem"])
    assert not name_matches("virtual-model/openai/gpt-4o", ["openai/gpt-4", "anthropic/*"])
