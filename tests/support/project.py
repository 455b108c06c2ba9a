"""A Pulumi project directory driven through the ``pulumi`` CLI itself (not the Automation API),
for tests that need what only the CLI prints, such as ``pulumi preview --json``.

The project is copied into the test's folder, its program imports this checkout's package, the
engine uses the test's file backend and PULUMI_HOME (tests/e2e/conftest.py: ``engine_env``),
and the native plugin is installed there (tests/support/native.py). Every run's output is
checked for the secrets the test names and for a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.support.emulator import EMULATOR_TOKEN
from tests.support.engine import engine_env
from tests.support.native import ROOT, install_plugin


class ProjectCli:
    def __init__(self, command: str, work: Path, env: dict[str, str], secrets: Sequence[str]) -> None:
        self.command, self.work, self.env, self.secrets = command, work, env, tuple(secrets)

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return self.call(self.command, *args, "--non-interactive", env=env)

    def call(self, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Any program (``argv``) run in the project directory with the project's environment."""
        proc = subprocess.run(
            argv,
            cwd=self.work,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        for secret in self.secrets:
            assert secret not in proc.stdout + proc.stderr
        return proc

    def ok(self, *args: str, env: dict[str, str] | None = None, stdout_checked: bool = True) -> str:
        """The standard output of a run that must succeed without a traceback (in its standard
        output too, unless ``stdout_checked`` is False: the caller checks it)."""
        proc = self.run(*args, env=env)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert "Traceback" not in (proc.stdout if stdout_checked else "") + proc.stderr
        return proc.stdout


def project_env(command: str, tmp_path: Path, *, wxo: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a run on a project directory: the ``pulumi`` CLI ``command`` and this
    interpreter's scripts (``pulumi-wxo``, ``python``) first on PATH, this checkout's package for
    the program, the test's backend and PULUMI_HOME (``engine_env``, with ``wxo`` settings)."""
    return {
        **os.environ,
        "PATH": os.pathsep.join(
            [str(Path(command).parent), str(Path(sys.executable).parent), os.environ["PATH"]]
        ),
        "PYTHONPATH": str(ROOT / "provider"),  # the program imports this checkout's package
        **engine_env(tmp_path, passphrase="project", wxo=wxo),
    }


def project_cli(
    command: str, project: Path, tmp_path: Path, *, url: str, stack: str = "ci", secrets: Sequence[str] = ()
) -> ProjectCli:
    """A copy of ``project`` with stack ``stack`` initialised against the emulator at ``url``."""
    work = tmp_path / "project"
    shutil.copytree(project, work)
    install_plugin(tmp_path / "pulumi-home")
    cli = ProjectCli(command, work, project_env(command, tmp_path), secrets)
    cli.ok("stack", "init", stack)
    cli.ok("config", "set", "wxo:url", url)
    cli.ok("config", "set", "--secret", "wxo:token", EMULATOR_TOKEN)
    return cli
