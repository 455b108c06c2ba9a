"""End-to-end tier: the real Pulumi engine runs the provider through up/preview/refresh/destroy.

Programs are Automation-API inline programs; the engine starts the dynamic-provider plugin
(``pulumi-resource-pulumi-python`` → ``python -m pulumi.dynamic``) as a separate process that
imports ``pulumi_wxo`` from this virtualenv and talks to the emulator over loopback.
State lives in a temporary file backend. Without a Pulumi CLI this tier *fails*; it is never
skipped (CI must not pass on a tier that did not run).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
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


def _cli_dir() -> str:
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


@pytest.fixture(scope="session")
def pulumi_cli() -> auto.PulumiCommand:
    bin_dir = _cli_dir()
    return auto.PulumiCommand(root=str(Path(bin_dir).parent))


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


@pytest.fixture
def engine_factory(
    pulumi_cli: auto.PulumiCommand, emulator: EmulatorThread, tmp_path: Path
) -> Iterator[Callable[..., Engine]]:
    made: list[Engine] = []

    def make(
        program: Callable[[], None],
        *,
        stack_name: str = "test",
        config: dict[str, auto.ConfigValue] | None = None,
        env: dict[str, str] | None = None,
    ) -> Engine:
        env_vars = {**engine_env(tmp_path), **(env or {})}
        ws = auto.LocalWorkspaceOptions(
            work_dir=str(tmp_path),
            env_vars=env_vars,
            pulumi_command=pulumi_cli,
            project_settings=auto.ProjectSettings(name=PROJECT, runtime="python"),
        )
        stack = auto.create_or_select_stack(stack_name, project_name=PROJECT, program=program, opts=ws)
        settings = {
            "wxo:url": auto.ConfigValue(emulator.url),
            "wxo:token": auto.ConfigValue("test-token", secret=True),
        }
        settings.update(config or {})
        stack.set_all_config(settings)
        eng = Engine(stack=stack, emulator=emulator)
        made.append(eng)
        return eng

    yield make
    for eng in made:
        try:
            eng.emulator.control.clear_faults()
            eng.stack.destroy(color="never")
            eng.stack.workspace.remove_stack(eng.stack.name)
        except auto.CommandError:
            pass


# The other-language tools (tests/e2e/tools_support.py), shared by the modules that run them.
# tools_support imports this module, hence the imports inside the fixtures.


@pytest.fixture(scope="session")
def sdk_dir() -> Path:
    from tests.e2e.tools_support import tool

    # The schema comes from this interpreter and this checkout's package (what the plugin serves).
    return tool("sdks.sh", "PULUMI_WXO_SDK_DIR", env={"PULUMI_WXO_PYTHON": sys.executable})


@pytest.fixture(scope="session")
def yaml_host() -> Path:
    from tests.e2e.tools_support import tool

    path = tool("pulumi-yaml.sh", "PULUMI_WXO_YAML_DIR")
    if not (path / "pulumi-language-yaml").is_file():
        pytest.fail(f"no pulumi-language-yaml in {path}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def ts_deps() -> Path:
    from tests.e2e.tools_support import tool

    return tool("ts-deps.sh", "PULUMI_WXO_TS_DEPS")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


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
