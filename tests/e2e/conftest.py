"""End-to-end tier: the real Pulumi engine runs the provider through up/preview/refresh/destroy.

Programs are Automation-API inline programs; the engine starts the dynamic-provider plugin
(``pulumi-resource-pulumi-python`` → ``python -m pulumi.dynamic``) as a separate process that
imports ``pulumi_wxo`` from this virtualenv and talks to the emulator over loopback.
State lives in a temporary file backend. Without a Pulumi CLI this tier *fails*; it is never
skipped (CI must not pass on a tier that did not run).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread
from tests.support import golden
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.engine import PROJECT, Engine, cli_dir, engine_env
from tests.support.native import install_plugin


@pytest.fixture(scope="session")
def pulumi_cli() -> auto.PulumiCommand:
    bin_dir = cli_dir()
    return auto.PulumiCommand(root=str(Path(bin_dir).parent))


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
            "wxo:token": auto.ConfigValue(EMULATOR_TOKEN, secret=True),
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


@pytest.fixture(params=["dynamic", "native"])
def host(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The test once per host (``"dynamic"``, ``"native"``); for the native one the plugin is
    installed in the PULUMI_HOME of ``engine_factory`` (tests/support/native.py)."""
    name: str = request.param
    if name == "native":
        install_plugin(tmp_path / "pulumi-home")
    return name


# The golden v0.1.0 stack (tests/support/golden.py), for the modules that replay it.


@pytest.fixture
def golden_emulator(tmp_path: Path) -> Iterator[EmulatorThread]:
    # Its own emulator: the recorded provider settings carry the token the recording used.
    with EmulatorThread(EmulatorSettings(db=str(tmp_path / "golden.db"), token=golden.TOKEN)) as emu:
        yield emu


@pytest.fixture
def golden_stack(
    pulumi_cli: auto.PulumiCommand, golden_emulator: EmulatorThread, tmp_path: Path
) -> auto.Stack:
    """The recorded stack in a fresh backend, the recorded server in ``golden_emulator``."""
    env = engine_env(tmp_path, passphrase=golden.PASSPHRASE)
    return golden.replay(tmp_path / "work", env, pulumi_cli, golden_emulator)


# The other-language tools (tests/support/tools.py), shared by the modules that run them.


@pytest.fixture(scope="session")
def sdk_dir() -> Path:
    from tests.support.tools import tool

    # The schema comes from this interpreter and this checkout's package (what the plugin serves).
    return tool("sdks.sh", "PULUMI_WXO_SDK_DIR", env={"PULUMI_WXO_PYTHON": sys.executable})


@pytest.fixture(scope="session")
def yaml_host() -> Path:
    from tests.support.tools import tool

    path = tool("pulumi-yaml.sh", "PULUMI_WXO_YAML_DIR")
    if not (path / "pulumi-language-yaml").is_file():
        pytest.fail(f"no pulumi-language-yaml in {path}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def ts_deps() -> Path:
    from tests.support.tools import tool

    return tool("ts-deps.sh", "PULUMI_WXO_TS_DEPS")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
