"""The golden v0.1.0 stack (tests/data/golden/): its names, its secrets, its recorded files with
an emulator's URL put in, and the one way its stack is made. ``record.py`` made it so once;
the replays (tests/e2e/test_golden_state.py, tests/e2e/test_migration_engine.py) make it so
again in a fresh backend, through the fixtures of tests/e2e/conftest.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorThread
from tests.data.golden.program import program

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
PROJECT = "wxo-golden"
STACK = "golden"
PASSPHRASE = "golden-passphrase"
TOKEN = "golden-token"
PLACEHOLDER = "{EMULATOR_URL}"
SECRETS = ("wx-golden-SECRET-0002", "az-golden-SECRET-0003", "sk-golden-PLAIN-0001")


def golden_text(name: str, url: str) -> str:
    """A recorded file with the emulator at ``url`` where the recording's stood."""
    return (GOLDEN / name).read_text().replace(PLACEHOLDER, url)


def create_golden_stack(work: Path, env: dict[str, str], pulumi_command: auto.PulumiCommand) -> auto.Stack:
    """The golden stack of the golden program, new, in ``work`` with the engine's ``env``."""
    return auto.create_stack(
        STACK,
        project_name=PROJECT,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(work),
            env_vars=env,
            pulumi_command=pulumi_command,
            project_settings=auto.ProjectSettings(name=PROJECT, runtime="python"),
        ),
    )


def replay(
    work: Path, env: dict[str, str], pulumi_command: auto.PulumiCommand, emulator: EmulatorThread
) -> auto.Stack:
    """The recorded stack imported into the backend of ``env`` (its settings, with their salt, in
    ``work``) and the recorded server loaded into ``emulator``."""
    work.mkdir()
    (work / f"Pulumi.{STACK}.yaml").write_text(golden_text(f"Pulumi.{STACK}.yaml", emulator.url))
    stack = create_golden_stack(work, env, pulumi_command)
    deployment = json.loads(golden_text("state.json", emulator.url))
    stack.import_stack(auto.Deployment(version=3, deployment=deployment))
    loaded = emulator.control.load_state(json.loads(golden_text("server.json", emulator.url)))
    assert loaded == {"models": 4, "policies": 1}
    return stack


def changes(summary: Mapping[Any, int] | None) -> dict[str, int]:
    """An engine run's summary without the resources it left the same."""
    return {k: v for k, v in (summary or {}).items() if k != "same"}
