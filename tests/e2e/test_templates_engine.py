"""The ``pulumi new`` templates (templates/), each made into a project outside the clone.

Every test follows docs/guide/getting-started.md: ``pulumi new <template> --generate-only`` in a folder
under ``tmp_path``, ``pulumi stack init``, the instance and the key set with ``pulumi config set``
(the secrets from standard input), then the engine. Python (dynamic provider and native plugin),
YAML and Go run ``up``, a ``preview`` that must change nothing, and ``destroy`` against the
emulator, which is checked between the steps. The Go program runs through the Automation API
(``go run . up``), as the template allows without a Go language host. TypeScript compiles and
type-checks against the generated SDK; running it needs the Node.js language host, which the
Pulumi CLI that scripts/pulumi-cli.sh builds does not have.

The Python projects run with the interpreter first on ``PATH`` and no ``PULUMI_PYTHON_CMD``: what
an activated virtualenv gives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN, assert_empty
from tests.support.engine import user_tags
from tests.support.process import run
from tests.support.tools import STEP_TIMEOUT, native_engine_env, state_text

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
KEY = "sk-template-KNOWN-4417-e2e"
GPT = "virtual-model/openai/gpt-4o-mini"


def _run(
    args: Sequence[str], cwd: Path, env: Mapping[str, str], *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    proc = run(args, cwd=cwd, env=env, stdin=stdin, timeout=STEP_TIMEOUT)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def _env(tmp_path: Path, pulumi_cli: auto.PulumiCommand, *path: Path) -> dict[str, str]:
    """The user's shell: the virtualenv's bin/ first on PATH (activated), the CLI, the file backend."""
    env = {**os.environ, **native_engine_env(tmp_path, pulumi_cli, Path(sys.executable).parent, *path)}
    del env["PULUMI_PYTHON_CMD"]
    return env


def _copy_template(template: str, project: Path) -> None:
    """What ``pulumi new`` writes, for the templates whose language host this CLI lacks (it loads
    the host even with --generate-only): the files, the project name substituted, and
    Pulumi.yaml without its ``template:`` section."""
    shutil.copytree(TEMPLATES / template, project)
    for path in project.rglob("*"):
        if path.is_file():
            path.write_text(
                path.read_text().replace("${PROJECT}", project.name).replace("${DESCRIPTION}", "")
            )
    manifest = project / "Pulumi.yaml"
    text = manifest.read_text()
    manifest.write_text(text[: text.index("template:")])


def _new(template: str, tmp_path: Path, env: Mapping[str, str], emulator: EmulatorThread) -> Path:
    """docs/guide/getting-started.md's steps: a project from ``template``, a ``dev`` stack, its settings."""
    name = f"tpl-{template}"
    project = tmp_path / name
    pulumi = "pulumi"
    if template in ("go", "typescript"):
        _copy_template(template, project)
    else:
        new = [pulumi, "new", str(TEMPLATES / template), "--dir", str(project), "--name", name]
        _run([*new, "--yes", "--generate-only"], tmp_path, env)
    _run([pulumi, "stack", "init", "dev"], project, env)
    _run([pulumi, "config", "set", "wxo:url", emulator.url], project, env)
    _run([pulumi, "config", "set", "--secret", "wxo:token"], project, env, stdin=EMULATOR_TOKEN)
    _run([pulumi, "config", "set", "--secret", "openaiKey"], project, env, stdin=KEY)
    stack_file = (project / "Pulumi.dev.yaml").read_text()
    assert KEY not in stack_file and EMULATOR_TOKEN not in stack_file
    return project


def _check_deployed(emulator: EmulatorThread, project: str) -> None:
    state = emulator.control.state()
    (model,) = state["models"]
    assert model["name"] == GPT
    assert model["display_name"] == "GPT-4o mini"
    assert model["provider_config"]["api_key"] == KEY
    assert user_tags(model) == [project]
    (policy,) = state["policies"]
    assert policy["name"] == f"virtual-policy/{project}-router"
    assert [t["model_name"] for t in policy["policy"]["targets"]] == [GPT]


def _cli_steps(
    project: Path, env: Mapping[str, str], emulator: EmulatorThread, tmp_path: Path, *, host_token: str
) -> None:
    """``pulumi up``, a preview that must change nothing, ``pulumi destroy``; ``host_token`` is the
    Model's type token in state, which says which host ran it."""
    try:
        up = _run(["pulumi", "up", "--yes", "--non-interactive", "--color", "never"], project, env)
        _check_deployed(emulator, project.name)
        assert KEY not in up.stdout + up.stderr
        assert KEY not in state_text(tmp_path)
        assert f'"type":"{host_token}"' in state_text(tmp_path).replace('": "', '":"')
        _run(
            ["pulumi", "preview", "--expect-no-changes", "--non-interactive", "--color", "never"],
            project,
            env,
        )
        _run(["pulumi", "destroy", "--yes", "--non-interactive", "--color", "never"], project, env)
        assert_empty(emulator)
    finally:
        if emulator.control.state()["models"]:
            subprocess.run(
                ["pulumi", "destroy", "--yes", "--non-interactive"], cwd=project, env=dict(env), check=False
            )


@pytest.mark.parametrize("template", ["python", "python-native"])
def test_python_template_up_preview_destroy(
    template: str, pulumi_cli: auto.PulumiCommand, emulator: EmulatorThread, tmp_path: Path
) -> None:
    env = _env(tmp_path, pulumi_cli)
    project = _new(template, tmp_path, env, emulator)
    native = template == "python-native"
    host_token = "wxo:index:Model" if native else "pulumi-python:dynamic/wxo:Model"
    _cli_steps(project, env, emulator, tmp_path, host_token=host_token)


def test_yaml_template_up_preview_destroy(
    pulumi_cli: auto.PulumiCommand, yaml_host: Path, emulator: EmulatorThread, tmp_path: Path
) -> None:
    env = _env(tmp_path, pulumi_cli, yaml_host)
    project = _new("yaml", tmp_path, env, emulator)
    _cli_steps(project, env, emulator, tmp_path, host_token="wxo:index:Model")


# ---------------------------------------------------------------------------------------------
# Go: the template's program, built against the generated SDK copied into ./sdk-wxo


@pytest.fixture
def go_project(
    sdk_dir: Path, pulumi_cli: auto.PulumiCommand, emulator: EmulatorThread, tmp_path: Path
) -> Iterator[tuple[Path, dict[str, str]]]:
    env = _env(tmp_path, pulumi_cli)
    project = _new("go", tmp_path, env, emulator)
    shutil.copytree(sdk_dir / "go", project / "sdk-wxo")
    # The flags of scripts/go-automation.sh, so that Go's build cache serves both.
    go_env = {**env, "GOFLAGS": "-mod=readonly -buildvcs=false", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}
    go_env["GOWORK"] = "off"
    proc = run(["go", "build", "-trimpath", "-o", "program", "."], cwd=project, env=go_env, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    yield project, env
    if emulator.control.state()["models"]:
        subprocess.run(
            [str(project / "program"), "destroy"], cwd=project, env=env, check=False, timeout=STEP_TIMEOUT
        )


def test_go_template_up_preview_destroy(
    go_project: tuple[Path, dict[str, str]], emulator: EmulatorThread, tmp_path: Path
) -> None:
    project, env = go_project
    program = str(project / "program")
    up = _run([program, "up"], project, env)
    _check_deployed(emulator, project.name)
    assert KEY not in up.stdout + up.stderr
    assert KEY not in state_text(tmp_path)
    preview = _run([program, "preview"], project, env)
    assert "3 unchanged" in preview.stdout and "to create" not in preview.stdout, preview.stdout
    _run([program, "destroy"], project, env)
    assert_empty(emulator)


# ---------------------------------------------------------------------------------------------
# TypeScript: the template type-checks against the generated SDK


def _tsc(ts_deps: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    tsc = str(ts_deps / "node_modules" / ".bin" / "tsc")
    return subprocess.run(
        [tsc, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=STEP_TIMEOUT
    )


def test_typescript_template_type_checks(
    sdk_dir: Path, ts_deps: Path, pulumi_cli: auto.PulumiCommand, emulator: EmulatorThread, tmp_path: Path
) -> None:
    env = _env(tmp_path, pulumi_cli)
    project = _new("typescript", tmp_path, env, emulator)
    # docs/guide/getting-started.md: the SDK, built, in ./sdk-wxo; package.json depends on it.
    sdk = project / "sdk-wxo"
    shutil.copytree(sdk_dir / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(ts_deps / "node_modules", target_is_directory=True)
    built = _tsc(ts_deps, sdk, "-p", ".")
    assert built.returncode == 0, built.stdout[-4000:]
    # What `npm install` makes: the pinned packages and the SDK under its package name.
    modules = project / "node_modules"
    modules.mkdir()
    for entry in (ts_deps / "node_modules").iterdir():
        (modules / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (modules / "@pulumi-wxo").mkdir()
    (modules / "@pulumi-wxo" / "wxo").symlink_to(sdk, target_is_directory=True)
    checked = _tsc(ts_deps, project, "-p", ".", "--noEmit")
    assert checked.returncode == 0, checked.stdout[-4000:]
    # The check is real: a misspelt field fails it.
    index = project / "index.ts"
    index.write_text(index.read_text().replace("display_name:", "display_nam:"))
    wrong = _tsc(ts_deps, project, "-p", ".", "--noEmit")
    assert wrong.returncode != 0 and "display_nam" in wrong.stdout, wrong.stdout[-2000:]
