"""The public API: sorted __all__, every name resolvable, and a light import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pulumi_wxo as wxo

pytestmark = pytest.mark.unit


def test_every_public_name_resolves_from_its_module() -> None:
    assert set(wxo._WHERE) == set(wxo.__all__)
    for name in wxo.__all__:
        assert getattr(wxo, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = wxo.nope  # type: ignore[attr-defined]


def test_import_does_not_load_the_pulumi_sdk() -> None:
    """pulumi-wxo validate (a pre-commit hook) must not pay for importing pulumi."""
    code = "import sys, pulumi_wxo; print('pulumi' in sys.modules, 'httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
