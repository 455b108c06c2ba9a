"""The two hosts side by side: N models up and destroyed through the engine, every /models call delayed.

    python bench/native_compare.py [N] [LATENCY_SECONDS]      (default 40 models, 1.0 s)

For each host (``pulumi_wxo.native``, then ``pulumi_wxo``) one stack in a temporary file backend
and PULUMI_HOME (the plugin installed in its cache as the e2e tier does), against an in-process
emulator whose ``/models`` requests each wait LATENCY seconds. An empty ``up`` first, so that
loading the plugins is not in the time. Prints one line per host; asserts nothing about speed.
With the default ``--parallel`` (8) the plugin serves eight calls at once and the dynamic host
four, so at a latency well above the engine's own cost per resource the plugin's ``up`` should
take about half as long (docs/benchmarks.md, "Native plugin").
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "provider"), str(ROOT)]

from engine_run import cli_dir  # noqa: E402  (bench/ is the script's directory)
from pulumi import automation as auto  # noqa: E402
from tests.e2e.native_support import install_plugin  # noqa: E402

import pulumi_wxo as wxo  # noqa: E402
import pulumi_wxo.native as native  # noqa: E402
from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread  # noqa: E402


def program(host: Any, n: int) -> Callable[[], None]:
    def run() -> None:
        for i in range(n):
            host.Model(
                f"m{i:03d}", name=f"openai/bench-{i:03d}", provider_config={"api_key": f"sk-bench-{i}"}
            )

    return run


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    latency = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    cli = auto.PulumiCommand(root=str(Path(cli_dir(None)).parent))
    tmp = Path(tempfile.mkdtemp(prefix="wxo-native-compare-"))
    with EmulatorThread(EmulatorSettings(db=str(tmp / "emulator.db"), token="bench-token")) as emu:
        for label, host in (("native", native), ("dynamic", wxo)):
            work = tmp / label
            (work / "state").mkdir(parents=True)
            install_plugin(work / "home")
            env = {
                "PULUMI_BACKEND_URL": f"file://{work / 'state'}",
                "PULUMI_CONFIG_PASSPHRASE": "bench",
                "PULUMI_HOME": str(work / "home"),
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_PYTHON_CMD": sys.executable,
                "PYTHONPATH": str(ROOT / "provider"),
                "WXO_URL": "",
                "WXO_TOKEN": "",
            }
            opts = auto.LocalWorkspaceOptions(
                work_dir=str(work),
                env_vars=env,
                pulumi_command=cli,
                project_settings=auto.ProjectSettings(name="bench", runtime="python"),
            )
            stack = auto.create_or_select_stack(
                "bench", project_name="bench", program=program(host, n), opts=opts
            )
            stack.set_all_config(
                {
                    "wxo:url": auto.ConfigValue(emu.url),
                    "wxo:token": auto.ConfigValue("bench-token", secret=True),
                }
            )
            stack.up(program=lambda: None)
            emu.control.add_fault(method="*", path="/models", delay=latency)
            started = time.monotonic()
            stack.up(program=program(host, n))
            up = time.monotonic() - started
            started = time.monotonic()
            stack.destroy()
            down = time.monotonic() - started
            emu.control.clear_faults()
            print(f"{label}: N={n} latency={latency:g}s up={up:.1f}s destroy={down:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
