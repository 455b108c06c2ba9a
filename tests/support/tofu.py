"""The real ``tofu`` (scripts/tofu.sh) in a working directory, with this checkout's plugin.

:class:`TofuDir` writes ``main.tf`` and a CLI configuration whose ``dev_overrides`` block points
``pulumi-wxo/wxo`` at a directory holding a ``terraform-provider-wxo`` script that execs this
interpreter: no registry, no ``tofu init``. Every command runs with a bounded timeout and a
clean environment (the developer's ``WXO_*`` and ``TF_*`` settings are not inherited).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.support.tools import tool

COMMAND_TIMEOUT = 300
HEADER = """\
terraform {
  required_providers {
    wxo = { source = "pulumi-wxo/wxo" }
  }
}
"""


def tofu_bin() -> Path:
    """The ``tofu`` scripts/tofu.sh built (or the one ``make test`` passed); else the test fails."""
    return tool("tofu.sh", "PULUMI_WXO_TOFU_DIR") / "tofu"


class TofuDir:
    """One configuration directory and the commands run in it."""

    def __init__(self, root: Path, tofu: Path, env: Mapping[str, str]) -> None:
        self.root, self.tofu = root, tofu
        self.dir = root / "config"
        self.dir.mkdir(parents=True, exist_ok=True)
        plugins = root / "plugins"
        plugins.mkdir(exist_ok=True)
        script = plugins / "terraform-provider-wxo"
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pulumi_wxo.terraform.server "$@"\n')
        script.chmod(0o755)
        cli = root / "tofu.tfrc"
        cli.write_text(
            "provider_installation {\n"
            f'  dev_overrides {{ "pulumi-wxo/wxo" = "{plugins}" }}\n'
            "  direct {}\n"
            "}\n"
        )
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("WXO_", "TF_"))}
        self.env = {
            **keep,
            "TF_CLI_CONFIG_FILE": str(cli),
            "TF_IN_AUTOMATION": "1",
            "TF_DATA_DIR": str(root / "data"),
            "CHECKPOINT_DISABLE": "1",
            **env,
        }

    def write(self, body: str) -> None:
        (self.dir / "main.tf").write_text(HEADER + body)

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.tofu), *args, "-no-color"],
            cwd=self.dir,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run a command that must succeed; its stdout and stderr."""
        proc = self.run(*args, env=env)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"tofu {' '.join(args)} exited {proc.returncode}:\n{out[-4000:]}"
        return out

    def apply(self) -> str:
        return self.ok("apply", "-auto-approve", "-input=false")

    def plan_exit(self, *args: str) -> tuple[int, str]:
        """``tofu plan -detailed-exitcode``: 0 no changes, 2 changes, 1 an error."""
        proc = self.run("plan", "-detailed-exitcode", "-input=false", *args)
        return proc.returncode, proc.stdout + proc.stderr
