"""The api package: one sorted table of public names, and a light import."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import pulumi_wxo.api as api

pytestmark = pytest.mark.unit


def test_every_public_name_resolves_from_its_module() -> None:
    # Sorted as ruff (RUF022) sorts: constants, then classes, then functions.
    assert api.__all__ == sorted(api.__all__, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    assert set(api._WHERE) == set(api.__all__)
    for name in api.__all__:
        module = importlib.import_module(f"pulumi_wxo.api.{api._WHERE[name]}")
        assert getattr(api, name) is getattr(module, name)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = api.nope


def test_the_error_tree_imports_without_httpx() -> None:
    """pulumi-wxo validate imports the errors; it must not pay for httpx."""
    code = "import sys, pulumi_wxo.api.errors; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]
