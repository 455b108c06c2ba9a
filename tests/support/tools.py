"""The other-language tools of the e2e tier, and the engine environment for the native plugin.

Each tool comes from its script (scripts/pulumi-yaml.sh, scripts/sdks.sh, scripts/ts-deps.sh,
scripts/go-automation.sh), built once into the cache outside the repository; ``make test`` runs
them before pytest, timed, and passes their directories in PULUMI_WXO_YAML_DIR,
PULUMI_WXO_SDK_DIR, PULUMI_WXO_TS_DEPS and PULUMI_WXO_GO_AUTOMATION. A tool that cannot be built
fails its test; nothing is skipped. docs/dev/sdks.md has the details.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from pulumi import automation as auto

from tests.support.engine import PASSPHRASE, engine_env
from tests.support.native import install_plugin

ROOT = Path(__file__).resolve().parents[2]
# Minutes when cold (docs/dev/sdks.md has the measured times); a hang is a failure, not a wait.
BUILD_TIMEOUT = 1800
STEP_TIMEOUT = 600


def tool(script: str, env_var: str, *, env: Mapping[str, str] | None = None) -> Path:
    """The directory a script prints (or the one ``make test`` passed), failing the test without it."""
    given = os.environ.get(env_var)
    if given and Path(given).is_dir():
        return Path(given)
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=BUILD_TIMEOUT,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        detail = proc.stderr[-3000:]
        pytest.fail(f"scripts/{script} failed (exit {proc.returncode}):\n{detail}", pytrace=False)
    return Path(proc.stdout.strip().splitlines()[-1])


def native_engine_env(tmp_path: Path, pulumi_cli: auto.PulumiCommand, *path: Path) -> dict[str, str]:
    """The engine's environment; the plugin goes into the plugin cache of its PULUMI_HOME."""
    install_plugin(tmp_path / "pulumi-home")
    search = [str(p) for p in path] + [str(Path(pulumi_cli.command).parent), os.environ.get("PATH", "")]
    return {"PATH": os.pathsep.join(search), **engine_env(tmp_path, passphrase=PASSPHRASE)}


def state_text(tmp_path: Path) -> str:
    """Every file of the file backend under ``tmp_path/state``, as one text."""
    return "\n".join(p.read_text(errors="replace") for p in (tmp_path / "state").rglob("*") if p.is_file())
