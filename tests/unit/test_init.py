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


def test_all_is_sorted_and_the_typing_imports_name_exactly_the_table() -> None:
    import ast
    from pathlib import Path

    tree = ast.parse(Path(wxo.__file__).read_text())
    [block] = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    typed = {
        (node.module, alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname == alias.name  # an explicit re-export
    }
    table = {(f"pulumi_wxo.{module}", name) for module, names in wxo._EXPORTS.items() for name in names}
    assert typed == table


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert wxo.__version__ == version("pulumi-wxo")
    assert "__version__" in dir(wxo)
