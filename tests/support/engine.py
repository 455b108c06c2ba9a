"""The end-to-end tier's engine helpers: the environment of every engine run, the Pulumi CLI's
directory, one stack of an inline program (Engine) and the provider's own tags on a stored model.
The fixtures that use them are in tests/e2e/conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorThread

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "wxo-e2e"
PASSPHRASE = "e2e-passphrase"


def engine_env(
    tmp_path: Path, *, passphrase: str = PASSPHRASE, wxo: dict[str, str] | None = None
) -> dict[str, str]:
    """What every engine run of this tier gets: a file backend and PULUMI_HOME under
    ``tmp_path``, no update check, no plugin download, this interpreter for the Python language
    host and the dynamic-provider plugin (the legacy language host ignores
    runtime.options.virtualenv: docs/dev/pulumi-cli.md), and no ``WXO_*`` setting from the
    developer's shell unless ``wxo`` gives it."""
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    return {
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": passphrase,
        "PULUMI_HOME": str(tmp_path / "pulumi-home"),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "WXO_URL": "",
        "WXO_TOKEN": "",
        "WXO_API_KEY": "",
        **(wxo or {}),
    }


def cli_dir() -> str:
    given = os.environ.get("PULUMI_WXO_CLI_DIR")
    if given and Path(given, "pulumi").exists():
        return given
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pulumi-cli.sh")], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        pytest.fail(
            "the e2e tier needs the Pulumi CLI and none could be found or built:\n" + proc.stderr[-2000:],
            pytrace=False,
        )
    return proc.stdout.strip().splitlines()[-1]


@dataclass
class Engine:
    """One stack of an inline program, with its output collected for assertions."""

    stack: auto.Stack
    emulator: EmulatorThread
    output: list[str] = field(default_factory=list)

    def _collect(self, line: str) -> None:
        self.output.append(line)

    def up(self, program: Callable[[], None] | None = None, **kw: Any) -> auto.UpResult:
        return self.stack.up(program=program, on_output=self._collect, color="never", **kw)

    def preview(self, program: Callable[[], None] | None = None, **kw: Any) -> auto.PreviewResult:
        return self.stack.preview(program=program, on_output=self._collect, color="never", **kw)

    def refresh(self, **kw: Any) -> auto.RefreshResult:
        return self.stack.refresh(on_output=self._collect, color="never", **kw)

    def destroy(self, **kw: Any) -> auto.DestroyResult:
        return self.stack.destroy(on_output=self._collect, color="never", **kw)

    def text(self) -> str:
        return "\n".join(self.output)

    def models(self) -> list[dict[str, Any]]:
        return list(self.emulator.control.state()["models"])

    def names(self) -> list[str]:
        return sorted(m["name"] for m in self.models())


OWNER_PREFIX = "pulumi-wxo-owner:"


STACK_PREFIX = f"{OWNER_PREFIX}stack:"


def user_tags(model: dict[str, Any]) -> list[str]:
    """A stored model's tags without the provider's: the owner tag and the stack tag, which
    every created model carries (docs/dev/lifecycle.md, "Ownership between stacks")."""
    tags = list(model.get("tags") or [])
    stack = [t for t in tags if t.startswith(STACK_PREFIX)]
    owner = [t for t in tags if t.startswith(OWNER_PREFIX) and t not in stack]
    assert len(owner) == 1 and len(stack) <= 1, tags
    return [t for t in tags if not t.startswith(OWNER_PREFIX)]


def changes(summary: dict[str, int] | None) -> dict[str, int]:
    """An engine's change summary without the resources left the same."""
    return {k: v for k, v in (summary or {}).items() if k != "same"}


def connections(eng: Engine) -> list[dict[str, Any]]:
    """The connections on the stack's emulator."""
    return list(eng.emulator.control.state()["connections"])


def at_rest(eng: Engine) -> str:
    """``pulumi stack export`` without ``--show-secrets``: what a user shares or archives."""
    ws = eng.stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    return ws.pulumi_command.run(
        ["stack", "export", "--stack", eng.stack.name], ws.work_dir, ws.env_vars
    ).stdout
