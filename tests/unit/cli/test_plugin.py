"""``pulumi-wxo plugin install``: a launcher in the plugin cache, under the SDK's version."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_wxo.native.schema import package_version
from tests.unit.cli.support import run

pytestmark = pytest.mark.unit


def test_install_writes_an_executable_launcher_under_the_version_the_sdk_asks_for(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "pulumi home"
    code, out, err = run(capsys, "plugin", "install", "--pulumi-home", str(home))
    launcher = home / "plugins" / f"resource-wxo-v{package_version()}" / "pulumi-resource-wxo"
    assert code == 0 and out == "" and str(launcher) in err
    assert os.access(launcher, os.X_OK)
    assert launcher.read_text().splitlines() == [
        "#!/bin/sh",
        f"exec '{sys.executable}' -m pulumi_wxo.native.plugin \"$@\"",
    ]


def test_path_follows_pulumi_home(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path))
    code, out, _ = run(capsys, "plugin", "path")
    assert code == 0
    assert out == f"{tmp_path}/plugins/resource-wxo-v{package_version()}/pulumi-resource-wxo\n"


def test_the_launcher_starts_the_plugin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``--help`` is answered by the plugin's own parser, which proves the launcher reached it
    (the engine starts it with its address instead)."""
    run(capsys, "plugin", "install", "--pulumi-home", str(tmp_path))
    launcher = tmp_path / "plugins" / f"resource-wxo-v{package_version()}" / "pulumi-resource-wxo"
    proc = subprocess.run([str(launcher), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "pulumi-resource-wxo: the wxo provider plugin" in proc.stdout, proc.stderr
