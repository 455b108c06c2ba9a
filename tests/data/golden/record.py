"""Record the golden stack: run ``program.py`` with ``pulumi up`` against a fresh emulator.

Run once per golden directory, with the release it stands for installed:
``PULUMI_WXO_CLI_DIR=$(bash scripts/pulumi-cli.sh) .venv/bin/python tests/data/golden/record.py``.
It writes ``state.json`` (``pulumi stack export``, secrets encrypted with the passphrase
below) and ``server.json`` (the emulator's objects, as ``PUT /_emulator/state`` loads them).
The emulator's URL is written as ``{EMULATOR_URL}``; the replay puts its own in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from pulumi import automation as auto

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.support.golden import PASSPHRASE, STACK, TOKEN, create_golden_stack  # noqa: E402
from tests.support.golden import PLACEHOLDER as URL_PLACEHOLDER  # noqa: E402

from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread  # noqa: E402

CONFIG = {
    "wxo-golden:watsonxKey": auto.ConfigValue("wx-golden-SECRET-0002", secret=True),
    "wxo-golden:azureKey": auto.ConfigValue("az-golden-SECRET-0003", secret=True),
}


def _without_stack_traces(value: Any) -> Any:
    """The engine records where each resource was registered (paths of the recording machine)."""
    if isinstance(value, dict):
        return {
            k: _without_stack_traces(v) for k, v in value.items() if k not in ("stackTrace", "sourcePosition")
        }
    if isinstance(value, list):
        return [_without_stack_traces(v) for v in value]
    return value


def main() -> None:
    cli = os.environ["PULUMI_WXO_CLI_DIR"]
    with (
        tempfile.TemporaryDirectory() as tmp,
        EmulatorThread(EmulatorSettings(db=f"{tmp}/emulator.db", token=TOKEN)) as emulator,
    ):
        work = Path(tmp, "work")
        work.mkdir()
        env = {
            "PULUMI_BACKEND_URL": f"file://{tmp}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_HOME": f"{tmp}/home",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PYTHONPATH": str(HERE.parents[2]),
        }
        stack = create_golden_stack(work, env, auto.PulumiCommand(root=str(Path(cli).parent)))
        stack.set_all_config(
            {
                "wxo:url": auto.ConfigValue(emulator.url),
                "wxo:token": auto.ConfigValue(TOKEN, secret=True),
                **CONFIG,
            }
        )
        stack.up(color="never", on_output=print)
        # The CLI, not Stack.export_stack(): the Automation API exports with --show-secrets.
        proc = subprocess.run(
            [f"{cli}/pulumi", "stack", "export", "--stack", STACK, "--non-interactive"],
            cwd=work,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        deployment = _without_stack_traces(json.loads(proc.stdout)["deployment"])
        exported = json.dumps(deployment, indent=2, sort_keys=True)
        server = json.dumps(emulator.control.state(), indent=2, sort_keys=True)
        (HERE / "state.json").write_text(exported.replace(emulator.url, URL_PLACEHOLDER) + "\n")
        (HERE / "server.json").write_text(server.replace(emulator.url, URL_PLACEHOLDER) + "\n")
        salt = Path(work, f"Pulumi.{STACK}.yaml").read_text()
        (HERE / f"Pulumi.{STACK}.yaml").write_text(salt.replace(emulator.url, URL_PLACEHOLDER))


if __name__ == "__main__":
    main()
