"""A run killed mid-create converges on the next `pulumi up`, with no duplicate and no orphan.

`pulumi up` of a 12-model project directory runs as a process group (as a CI job does) while
every create is slowed down; once some models exist on the server the group is killed with
SIGKILL (or interrupted with SIGINT), `pulumi cancel` runs, and the next `pulumi up` must end
with exactly the 12 models, each in state once. Models the killed run made carry this stack's
owner tag (lifecycle/ownership.py), so the next run takes them back; a model of the same name
that someone else made (no tag, or another stack's) is still refused.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.native import resources
from tests.support.project import ProjectCli, project_stack

PROJECT = Path(__file__).resolve().parents[1] / "data" / "killed-project"
NAMES = sorted(f"virtual-model/openai/killed-{i:02d}" for i in range(12))
MODEL_TYPE = "pulumi-python:dynamic/wxo:Model"


@pytest.fixture
def cli(pulumi_cli: auto.PulumiCommand, emulator: EmulatorThread, tmp_path: Path) -> Iterator[ProjectCli]:
    command = pulumi_cli.command
    if not Path(command).with_name("pulumi-language-python").exists():
        pytest.fail(f"no pulumi-language-python next to {command} (scripts/pulumi-cli.sh builds one)")
    with project_stack(command, PROJECT, tmp_path, url=emulator.url) as c:
        yield c
        emulator.control.clear_faults()


def _state_models(cli: ProjectCli) -> list[str]:
    return sorted(r["outputs"]["name"] for r in resources(cli.export(), MODEL_TYPE))


def _descendants(root: int) -> dict[int, str]:
    """Every process below ``root`` (pid -> command line), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found[child] = _cmdline(child)
                todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _reap(processes: dict[int, str]) -> None:
    """Kill what a killed run left behind, as a CI runner's teardown does: the engine starts its
    plugins in process groups of their own, so a plugin outlives a signal to the CLI's group."""
    for pid, cmdline in processes.items():
        if cmdline and _cmdline(pid) == cmdline:  # the same process, not a reused pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _kill_mid_create(cli: ProjectCli, emulator: EmulatorThread, sig: signal.Signals) -> int:
    """Start `pulumi up`, wait until some models exist, signal the whole process group."""
    emulator.control.add_fault(method="POST", path="/models$", delay=0.4)
    proc = cli.start("up", "--yes", "--skip-preview")
    deadline = time.monotonic() + 120
    while len(emulator.control.state()["models"]) < 4:
        assert proc.poll() is None, "pulumi up ended before it could be interrupted"
        assert time.monotonic() < deadline, "no model was created within 120 s"
        time.sleep(0.05)
    below = _descendants(proc.pid)
    os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    _reap(below)
    emulator.control.clear_faults()
    time.sleep(0.5)  # a POST in flight when the group died may still be answered
    return len(emulator.control.state()["models"])


@pytest.mark.parametrize(
    ("sig", "skip_checkpoints"),
    [(signal.SIGKILL, False), (signal.SIGINT, False), (signal.SIGKILL, True)],
    ids=["SIGKILL", "SIGINT", "SIGKILL-skip-checkpoints"],
)
def test_a_killed_up_converges_on_the_next_up(
    cli: ProjectCli, emulator: EmulatorThread, sig: signal.Signals, skip_checkpoints: bool
) -> None:
    if skip_checkpoints:
        # The engine's speed switch (docs/dev/benchmarks.md): state is written once, at the end, so
        # a killed run leaves no record at all of what it created. The owner tags must do it all.
        cli.env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    on_server = _kill_mid_create(cli, emulator, sig)
    # SIGKILL leaves a run cut short; after SIGINT the engine finishes what was in flight.
    assert 0 < on_server <= 12 and (sig != signal.SIGKILL or on_server < 12)
    if skip_checkpoints:
        assert _state_models(cli) == []  # nothing of the killed run reached the state
    cli.run("cancel", "--yes")  # as the user would; the file backend may say there is nothing to cancel

    up = cli.run("up", "--yes", "--skip-preview")
    assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
    names = sorted(m["name"] for m in emulator.control.state()["models"])
    assert names == NAMES  # no duplicate, nothing missing
    assert _state_models(cli) == NAMES  # nothing orphaned: every model in state, once
    again = cli.run("preview", "--expect-no-changes")
    assert again.returncode == 0, again.stdout[-3000:]


def test_a_model_someone_else_made_is_still_refused(cli: ProjectCli, emulator: EmulatorThread) -> None:
    with httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}) as http:
        made = http.post(
            "/v1/models",
            json={"name": NAMES[0], "provider_config": {"provider": "openai", "api_key": "theirs"}},
        )
        assert made.status_code in (200, 201)
        other_stack = http.post(
            "/v1/models",
            json={
                "name": NAMES[1],
                "tags": ["pulumi-wxo-owner:0123456789abcdef:01234567"],
                "provider_config": {"provider": "openai", "api_key": "theirs"},
            },
        )
        assert other_stack.status_code in (200, 201)
    up = cli.run("up", "--yes", "--skip-preview")
    assert up.returncode != 0
    text = up.stdout + up.stderr
    # The engine stops at the first refusal; whichever it reached, it is one of the two.
    assert any(f"a model named '{n}' already exists" in text for n in NAMES[:2]), text[-3000:]
    mine = [m for m in emulator.control.state()["models"] if m["name"] in NAMES[:2]]
    assert len(mine) == 2  # neither was taken over nor duplicated
