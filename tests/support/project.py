"""A Pulumi project directory driven through the ``pulumi`` CLI itself (not the Automation API),
for tests that need what only the CLI prints, such as ``pulumi preview --json``, or that run
the CLI as a CI job does (a process group that can be killed).

The project is copied into the test's folder, its program imports this checkout's package, the
engine uses the test's file backend and PULUMI_HOME (tests/e2e/conftest.py: ``engine_env``),
and the native plugin is installed there (tests/support/native.py). Every run's output is
checked for the secrets the test names and for a traceback. ``project_stack`` is the same
stack for the length of a ``with`` block, destroyed at its end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.emulator import EMULATOR_TOKEN
from tests.support.engine import engine_env
from tests.support.native import ROOT, export, install_plugin
from tests.support.process import run


class ProjectCli:
    """``pulumi`` (``command``) in the project directory ``work``; ``flags`` follow every
    command's own arguments (``("--color", "never")`` for output read as plain text)."""

    def __init__(
        self, command: str, work: Path, env: dict[str, str], secrets: Sequence[str], flags: Sequence[str] = ()
    ) -> None:
        self.command, self.work, self.env, self.secrets = command, work, env, tuple(secrets)
        self.flags = ("--non-interactive", *flags)

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return self.call(self.command, *args, *self.flags, env=env)

    def start(self, *args: str) -> subprocess.Popen[str]:
        """``pulumi`` with ``args`` started in its own process group (the engine, the language
        host and the provider, as a CI job runs them, so that a signal reaches all of them),
        its output discarded."""
        return subprocess.Popen(
            [self.command, *args, *self.flags],
            cwd=self.work,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )

    def export(self) -> dict[str, Any]:
        """``pulumi stack export`` of the current stack (secrets stay ciphertext)."""
        return export(self.command, self.work, self.env)

    def call(self, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Any program (``argv``) run in the project directory with the project's environment."""
        proc = run(argv, cwd=self.work, env={**self.env, **(env or {})}, timeout=300)
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
    command: str,
    project: Path,
    tmp_path: Path,
    *,
    url: str,
    stack: str = "ci",
    secrets: Sequence[str] = (),
    flags: Sequence[str] = (),
) -> ProjectCli:
    """A copy of ``project`` with stack ``stack`` initialised against the emulator at ``url``."""
    work = tmp_path / "project"
    shutil.copytree(project, work)
    install_plugin(tmp_path / "pulumi-home")
    cli = ProjectCli(command, work, project_env(command, tmp_path), secrets, flags)
    cli.ok("stack", "init", stack)
    cli.ok("config", "set", "wxo:url", url)
    cli.ok("config", "set", "--secret", "wxo:token", EMULATOR_TOKEN)
    return cli


@contextmanager
def project_stack(
    command: str, project: Path, tmp_path: Path, *, url: str, secrets: Sequence[str] = ()
) -> Iterator[ProjectCli]:
    """``project_cli`` with its output as plain text (``--color never``), for a ``with`` block
    at whose end the stack is destroyed (whatever the block left on the server)."""
    cli = project_cli(command, project, tmp_path, url=url, secrets=secrets, flags=("--color", "never"))
    try:
        yield cli
    finally:
        cli.run("destroy", "--yes")
