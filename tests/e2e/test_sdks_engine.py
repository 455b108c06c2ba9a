"""Other languages through the real engine and the native plugin (docs/guide/sdks.md).

* YAML: the project directory examples/yaml (a Model, and a ModelPolicy that routes to
  it, with the model's key a secret stack setting) runs with the Pulumi YAML language host:
  ``up``, a ``preview`` without changes, ``destroy``, with the emulator's objects checked between.
* Go: the inline Automation-API program examples/go-automation, built by
  scripts/go-automation.sh against the Go SDK that scripts/sdks.sh generates (a ``replace``
  directive in a copy of its go.mod), runs the same three steps, one per invocation.
* TypeScript: the generated npm package, which pins TypeScript 5, compiles with ``tsc`` against
  @pulumi/pulumi.

Each tool comes from its script, built once into the cache outside the repository (the fixtures
in tests/e2e/conftest.py, tests/support/tools.py); a tool that cannot be built fails its test.

The engine starts ``pulumi-resource-wxo`` from each test's plugin cache
(tests/support/native.py): a launcher that runs this checkout's code with this interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN, assert_empty
from tests.support.engine import user_tags
from tests.support.tools import STEP_TIMEOUT, native_engine_env, state_text, tool

ROOT = Path(__file__).resolve().parents[2]
GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
SPACE_ID = "5f0c3a52-0d3e-4c1e-9d7a-00000000de01"  # examples/go-automation/main.go sets the same
YAML_KEY = "wx-yaml-KNOWN-5521-e2e"
GO_KEY = "wx-go-KNOWN-7734-e2e"


def _check_deployed(
    emulator: EmulatorThread, *, display_name: str, key: str, policy: str, model_id: str
) -> None:
    state = emulator.control.state()
    (model,) = state["models"]
    assert model["name"] == GRANITE
    assert model["id"] == model_id
    assert model["display_name"] == display_name
    assert model["provider_config"]["api_key"] == key
    assert model["provider_config"]["watsonx_space_id"] == SPACE_ID
    (stored,) = state["policies"]
    assert stored["name"] == f"virtual-policy/{policy}"
    assert [t["model_name"] for t in stored["policy"]["targets"]] == [GRANITE]


# ---------------------------------------------------------------------------------------------
# YAML


@pytest.fixture
def yaml_stack(
    pulumi_cli: auto.PulumiCommand,
    yaml_host: Path,
    emulator: EmulatorThread,
    tmp_path: Path,
) -> Iterator[auto.Stack]:
    # A copy: the workspace writes Pulumi.<stack>.yaml next to Pulumi.yaml.
    project = tmp_path / "project"
    shutil.copytree(ROOT / "examples" / "yaml", project)
    opts = auto.LocalWorkspaceOptions(
        work_dir=str(project),
        env_vars=native_engine_env(tmp_path, pulumi_cli, yaml_host),
        pulumi_command=pulumi_cli,
    )
    stack = auto.create_or_select_stack("yaml", work_dir=str(project), opts=opts)
    stack.set_all_config(
        {
            "wxo:url": auto.ConfigValue(emulator.url),
            "wxo:token": auto.ConfigValue(EMULATOR_TOKEN, secret=True),
            "spaceId": auto.ConfigValue(SPACE_ID),
            "watsonxKey": auto.ConfigValue(YAML_KEY, secret=True),
        }
    )
    try:
        yield stack
    finally:
        with contextlib.suppress(auto.CommandError):
            stack.destroy(color="never")


def test_yaml_program_up_preview_destroy(
    yaml_stack: auto.Stack, emulator: EmulatorThread, tmp_path: Path
) -> None:
    up = yaml_stack.up(color="never")
    outputs = {k: v.value for k, v in up.outputs.items()}
    assert outputs["modelName"] == GRANITE
    _check_deployed(
        emulator,
        display_name="Granite from YAML",
        key=YAML_KEY,
        policy="yaml-router",
        model_id=outputs["modelId"],
    )
    (model,) = emulator.control.state()["models"]
    assert user_tags(model) == ["yaml", "e2e"]
    assert model["config"]["max_tokens"] == 512
    assert outputs["policyId"] == emulator.control.state()["policies"][0]["id"]
    assert YAML_KEY not in up.stdout + up.stderr
    assert YAML_KEY not in state_text(tmp_path)

    preview = yaml_stack.preview(color="never", diff=True)
    assert set(preview.change_summary) == {"same"}, preview.stdout

    yaml_stack.destroy(color="never")
    assert_empty(emulator)


# ---------------------------------------------------------------------------------------------
# Go: an inline Automation-API program on the generated Go SDK


@pytest.fixture(scope="session")
def go_program(sdk_dir: Path) -> Path:
    built = tool("go-automation.sh", "PULUMI_WXO_GO_AUTOMATION", env={"PULUMI_WXO_SDK_DIR": str(sdk_dir)})
    return built / "go-automation"


def _go_step(exe: Path, step: str, env: Mapping[str, str]) -> dict[str, Any]:
    proc = subprocess.run(
        [str(exe), step], env=env, capture_output=True, text=True, check=False, timeout=STEP_TIMEOUT
    )
    assert proc.returncode == 0, f"go-automation {step} failed:\n{proc.stderr[-4000:]}"
    assert GO_KEY not in proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["step"] == step
    return result


def test_go_automation_program_up_preview_destroy(
    go_program: Path,
    pulumi_cli: auto.PulumiCommand,
    emulator: EmulatorThread,
    tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **os.environ,
        **native_engine_env(tmp_path, pulumi_cli),
        "PULUMI_WXO_CLI_DIR": str(Path(pulumi_cli.command).parent),
        "WXO_E2E_WORK_DIR": str(work),
        "WXO_E2E_URL": emulator.url,
        "WXO_E2E_TOKEN": EMULATOR_TOKEN,
        "WXO_E2E_WATSONX_KEY": GO_KEY,
    }
    try:
        up = _go_step(go_program, "up", env)
        outputs = up["outputs"]
        assert outputs["modelName"] == {"value": GRANITE, "secret": False}
        _check_deployed(
            emulator,
            display_name="Granite from Go",
            key=GO_KEY,
            policy="go-router",
            model_id=outputs["modelId"]["value"],
        )
        (model,) = emulator.control.state()["models"]
        assert user_tags(model) == ["go", "e2e"]
        assert GO_KEY not in state_text(tmp_path)

        preview = _go_step(go_program, "preview", env)
        assert set(preview["changes"]) == {"same"}, preview

        _go_step(go_program, "destroy", env)
        assert_empty(emulator)
    finally:
        if emulator.control.state()["models"]:
            subprocess.run(
                [str(go_program), "destroy"], env=env, capture_output=True, check=False, timeout=STEP_TIMEOUT
            )


# ---------------------------------------------------------------------------------------------
# TypeScript: the generated package compiles


# A program as a user writes it (docs/guide/sdks.md): type-checked against the compiled package.
TS_PROGRAM = """\
import * as pulumi from "@pulumi/pulumi";
import * as wxo from "./index";

const cfg = new pulumi.Config();
const granite = new wxo.Model("granite", {
    name: "watsonx/ibm/granite-3-3-8b-instruct",
    display_name: "Granite from TypeScript",
    tags: ["ts"],
    provider_config: { watsonx_space_id: cfg.require("spaceId"), api_key: cfg.requireSecret("watsonxKey") },
    config: { max_tokens: 512 },
});
const router = new wxo.ModelPolicy("router", {
    name: "ts-router",
    strategy: { mode: "single" },
    targets: [{ model_name: granite.name }],
    declared_models: [granite.name],
});
export const modelId: pulumi.Output<string> = granite.model_id;
export const policyId: pulumi.Output<string> = router.policy_id;
"""


TSC_CHECK = ("--noEmit", "--strict", "--skipLibCheck", "--target", "ES2022")
TSC_CHECK += ("--module", "nodenext", "--types", "node")


def _tsc(ts_deps: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ts_deps / "node_modules" / ".bin" / "tsc"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=STEP_TIMEOUT,
    )


def test_typescript_sdk_compiles(sdk_dir: Path, ts_deps: Path, tmp_path: Path) -> None:
    pkg = tmp_path / "nodejs"
    shutil.copytree(sdk_dir / "nodejs", pkg)
    # TypeScript 5, as the tests compile with: the generator's default ^4.7.0 cannot parse the
    # current @types/node.
    package = json.loads((pkg / "package.json").read_text())
    assert package["devDependencies"]["typescript"] == "^5.9.3", package["devDependencies"]
    (pkg / "node_modules").symlink_to(ts_deps / "node_modules", target_is_directory=True)
    built = _tsc(ts_deps, pkg, "-p", ".")
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-2000:]
    index = (pkg / "bin" / "index.d.ts").read_text()
    assert "Model" in index and "ModelPolicy" in index and "Provider" in index
    # A program as a user writes it type-checks against the SDK, and a misspelt field does not:
    # the SDK's types are real, not `any`.
    (pkg / "program.ts").write_text(TS_PROGRAM)
    checked = _tsc(ts_deps, pkg, *TSC_CHECK, "program.ts")
    assert checked.returncode == 0, checked.stdout[-4000:]
    (pkg / "program.ts").write_text(TS_PROGRAM.replace("display_name:", "display_nam:"))
    wrong = _tsc(ts_deps, pkg, *TSC_CHECK, "program.ts")
    assert wrong.returncode != 0 and "display_nam" in wrong.stdout, wrong.stdout[-2000:]
