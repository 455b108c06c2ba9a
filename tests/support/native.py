"""The native plugin for the e2e tier: ``pulumi-resource-wxo`` installed in a test's PULUMI_HOME.

The engine takes a ``pulumi-resource-wxo`` on ``PATH`` first (with the warning "using
pulumi-resource-wxo from $PATH") and its plugin cache (``$PULUMI_HOME/plugins/resource-wxo-v<version>``)
otherwise, or always with ``PULUMI_IGNORE_AMBIENT_PLUGINS=true`` (docs/guide/hosts.md). The launcher
runs this checkout's code with this interpreter, so it works the same from a fresh clone
(``make venv``) and from a worktree whose package is not the installed one.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from pulumi_wxo.native.schema import package_version

ROOT = Path(__file__).resolve().parents[2]


def install_plugin(pulumi_home: Path) -> Path:
    """Write the launcher into the plugin cache of ``pulumi_home``; returns its path."""
    folder = pulumi_home / "plugins" / f"resource-wxo-v{package_version()}"
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / "pulumi-resource-wxo"
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT / 'provider')!r}); "
        "from pulumi_wxo.native.plugin import main; main()"
    )
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "{code}" "$@"\n')
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return launcher


def export(command: str, cwd: Path, env: dict[str, str], stack: str | None = None) -> dict[str, Any]:
    """``pulumi stack export`` as JSON (secrets stay ciphertext: no ``--show-secrets``)."""
    args = [command, "stack", "export", "--non-interactive"] + (["--stack", stack] if stack else [])
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    exported: dict[str, Any] = json.loads(proc.stdout)
    return exported


def resources(exported: dict[str, Any], type_token: str) -> list[dict[str, Any]]:
    return [r for r in exported["deployment"].get("resources") or [] if r["type"] == type_token]
