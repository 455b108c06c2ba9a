"""``terraform-provider-wxo install DIR``: the unpacked filesystem-mirror layout ``tofu init`` reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pulumi_wxo.terraform import install


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.2.0.dev0", "0.2.0"), ("1.4", "1.4.0"), ("2.0.1rc3", "2.0.1"), ("x", "0.0.0")],
)
def test_the_mirror_version_is_the_release_part(version: str, expected: str) -> None:
    assert install.mirror_version(version) == expected


def test_the_mirror_holds_a_script_per_registry_host(tmp_path: Path) -> None:
    written = install.install(tmp_path, python="/opt/py/bin/python")
    assert {p.relative_to(tmp_path).parts[:3] for p in written} == {
        ("registry.opentofu.org", "pulumi-wxo", "wxo"),
        ("registry.terraform.io", "pulumi-wxo", "wxo"),
    }
    for path in written:
        assert path.parent.name == install.target() and path.name.startswith("terraform-provider-wxo_v")
        assert os.access(path, os.X_OK)
        assert '"/opt/py/bin/python" -m pulumi_wxo.terraform.server' in path.read_text()


def test_the_cli_config_takes_only_this_provider_from_the_mirror(tmp_path: Path) -> None:
    text = install.cli_config(tmp_path)
    assert f'path    = "{tmp_path}"' in text
    assert text.count('["pulumi-wxo/wxo"]') == 2 and "exclude" in text
