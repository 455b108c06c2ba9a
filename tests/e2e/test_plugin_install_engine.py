"""The documented way to run without the engine's "using pulumi-resource-wxo from $PATH" warning
(docs/guide/hosts.md, "Installing the plugin"), with a virtualenv activated as users have it: its
``bin/``, and so the console script ``pulumi-resource-wxo``, on ``PATH``.

``pulumi-wxo plugin install`` puts the plugin into the plugin cache under the version the SDK
asks for, and ``PULUMI_IGNORE_AMBIENT_PLUGINS=true`` makes the engine take it from there rather
than from ``PATH``: a native program then runs with no warning line. (A dynamic-only program
through a project's language host, which names the ``wxo`` plugin for every installed
``pulumi-*`` package, is ``make demo``: tests/e2e/test_make_demo.py. An inline program's
host names no plugin, so it proves nothing here.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

import pulumi_wxo.native as native
from pulumi_wxo.cli import main
from tests.support.engine import Engine

BIN = Path(sys.executable).parent


def _warnings(eng: Engine) -> list[str]:
    return [line for line in eng.text().splitlines() if "warning" in line.lower()]


@pytest.fixture
def activated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert (BIN / "pulumi-resource-wxo").exists(), "the console script of the installed package"
    assert main(["plugin", "install", "--pulumi-home", str(tmp_path / "pulumi-home")]) == 0
    capsys.readouterr()
    return {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PULUMI_IGNORE_AMBIENT_PLUGINS": "true"}


def test_a_native_program_uses_the_installed_plugin_without_a_warning(
    engine_factory: Callable[..., Engine], activated: dict[str, str]
) -> None:
    def program() -> None:
        gpt = native.Model("gpt", name="openai/installed", provider_config={"api_key": "sk-installed"})
        pulumi.export("model_id", gpt.model_id)

    eng = engine_factory(program, env=activated)
    up = eng.up()
    assert up.summary.result == "succeeded"
    assert eng.names() == ["virtual-model/openai/installed"]
    assert _warnings(eng) == []
