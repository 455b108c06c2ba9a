"""The machinery of bench/engine.py: the emulator process, the workspace, the programs, the phases.

Everything here drives real processes (the emulator, the Pulumi CLI, the dynamic-provider
plugin, IBM's ADK client) and returns raw observations: wall seconds, the emulator's request
log and the text of the RSS file. bench/engine.py turns them into numbers and tables.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOKEN = "bench-token"
PROJECT = "wxo-bench"
NOOP_MODULE = "engine_noop"  # bench/engine_noop.py, copied into the temporary directory
NOOP_NATIVE = "engine_noop_native"  # bench/engine_noop_native.py: the do-nothing plugin
NOOP_NATIVE_TYPE = "wxonoop:index:Noop"


class BenchError(RuntimeError):
    """A phase did not do what it should: its numbers would measure something else."""


@dataclass(frozen=True)
class Observation:
    """What one phase left behind: its wall time, the API request log, the RSS file's text."""

    seconds: float
    log: list[dict[str, Any]]
    rss_text: str
    # CPU seconds of this process (the inline program runs in it) and of the processes it
    # waited for (the CLI, which waits for its language host and plugins): on a busy machine
    # wall time measures the other jobs too, CPU time much less so.
    cpu_seconds: float = 0.0
    # The provider processes' own CPU seconds (the wrapper's RSS_FILE.cpu), one line each.
    provider_cpu_text: str = ""
    # The CLI path's program process (RSS_FILE.program.cpu, RSS_FILE.program): CPU and peak RSS.
    program_cpu_text: str = ""
    program_rss_text: str = ""


def add_result_arguments(parser: Any, default_json: str) -> None:
    """``--json`` (the results file, rewritten after every phase) and ``--render`` (print the
    tables of one written before), as every phased bench takes them."""
    parser.add_argument(
        "--json",
        default=str(ROOT / "bench" / "results" / default_json),
        help="output file, written again after every phase (a stopped run keeps what it measured)",
    )
    parser.add_argument("--render", metavar="JSON", help="print the tables of a JSON file written before")


def render_saved(path: str, heading: Callable[[Any], str], tables: Callable[[dict[str, Any]], str]) -> int:
    """Print the heading and the tables of the results file at ``path``; the exit status."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    print(heading(data["meta"]) + "\n")
    print(tables(data))
    return 0


def python_path(*dirs: Path) -> str:
    return os.pathsep.join([*(str(d) for d in dirs), *filter(None, [os.environ.get("PYTHONPATH")])])


def write_helpers(tmp: Path) -> tuple[Path, Path, Path]:
    """The PULUMI_PYTHON_CMD wrapper, the RSS file it appends to, and the do-nothing module's dir.

    The wrapper is a shell script that execs bench/engine_rss.py (copied; run with -IS: no site,
    no PYTHONPATH) with the RSS file and the real interpreter before the engine's arguments.
    ``tmp/bin`` gets the two native plugins as the engine finds them on PATH, each through the
    same wrapper: ``pulumi-resource-wxo`` (this checkout's plugin, ``pulumi_wxo.native.plugin``)
    and ``pulumi-resource-wxonoop`` (bench/engine_noop_native.py).
    """
    rss = tmp / "provider-rss.txt"
    modules = tmp / "modules"
    modules.mkdir()
    shutil.copy(HERE / "engine_rss.py", tmp / "engine_rss.py")
    shutil.copy(HERE / f"{NOOP_MODULE}.py", modules / f"{NOOP_MODULE}.py")
    shutil.copy(HERE / f"{NOOP_NATIVE}.py", modules / f"{NOOP_NATIVE}.py")
    words = [sys.executable, "-IS", str(tmp / "engine_rss.py"), str(rss), sys.executable]
    wrapper = tmp / "python-rss"
    _script(wrapper, f'exec {shlex.join(words)} "$@"')
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    plugin = ["-c", "from pulumi_wxo.native.plugin import main; main()"]
    _script(bin_dir / "pulumi-resource-wxo", f'exec {shlex.join([str(wrapper), *plugin])} "$@"')
    noop = [str(wrapper), str(modules / f"{NOOP_NATIVE}.py")]
    _script(bin_dir / "pulumi-resource-wxonoop", f'exec {shlex.join(noop)} "$@"')
    return wrapper, rss, modules


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _script(path: Path, line: str) -> None:
    path.write_text(f"#!/bin/sh\n{line}\n", encoding="utf-8")
    path.chmod(0o755)


@contextlib.contextmanager
def emulator_process(tmp: Path) -> Iterator[str]:
    """``python -m pulumi_wxo.emulator`` (what ``pulumi-wxo emulator`` runs) on a free port: its URL."""
    log_path = tmp / "emulator.log"
    env = {**os.environ, "PYTHONPATH": python_path(ROOT / "provider")}
    cmd = [sys.executable, "-m", "pulumi_wxo.emulator", "--port", "0", "--token", TOKEN]
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        try:
            first: list[str] = []
            reader = threading.Thread(
                target=lambda: first.append(proc.stdout.readline() if proc.stdout else ""), daemon=True
            )
            reader.start()
            reader.join(60)
            match = re.search(r"listening on (http://\S+)", first[0] if first else "")
            if match is None:
                log.flush()
                tail = log_path.read_text(encoding="utf-8")[-2000:]
                raise BenchError(f"the emulator did not start within 60 s:\n{tail}")
            yield match.group(1)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def cli_dir(given: str | None) -> str:
    """The Pulumi CLI's bin dir: ``given``, PULUMI_WXO_CLI_DIR, or what scripts/pulumi-cli.sh builds."""
    given = given or os.environ.get("PULUMI_WXO_CLI_DIR")
    if given and Path(given, "pulumi").exists():
        return given
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pulumi-cli.sh")], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise BenchError("no Pulumi CLI (scripts/pulumi-cli.sh failed):\n" + proc.stderr[-2000:])
    return proc.stdout.strip().splitlines()[-1]


def metadata(cli: str) -> dict[str, Any]:
    """Commit, date, machine and CLI version, for the JSON and the table's heading."""

    def run(*cmd: str) -> str:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    dirty = bool(run("git", "status", "--porcelain", "--untracked-files=no"))
    return {
        "commit": run("git", "rev-parse", "--short", "HEAD") + ("-dirty" if dirty else ""),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpus": os.cpu_count(),
        "loadavg_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "pulumi": run(str(Path(cli, "pulumi")), "version"),
    }


def empty_program() -> None:
    pass


def models_program(n: int, *, edited: bool = False, native: bool = False) -> Callable[[], None]:
    """N openai-style models, plain api_key (the resource makes it secret), distinct names.

    ``native``: the same program through ``pulumi_wxo.native`` (the plugin) instead.
    """

    def program() -> None:
        import importlib

        wxo: Any = importlib.import_module("pulumi_wxo.native" if native else "pulumi_wxo")

        for i in range(n):
            suffix = " (edited)" if edited and i == 0 else ""
            wxo.Model(
                f"m{i:04d}",
                name=f"openai/bench-{i:04d}",
                display_name=f"Bench model {i}{suffix}",
                provider_config={"api_key": f"sk-bench-{i:04d}"},
            )

    return program


def noop_program(n: int) -> Callable[[], None]:
    def program() -> None:
        noop = __import__(NOOP_MODULE)
        for i in range(n):
            noop.Noop(f"noop{i:04d}", key=f"{i:04d}")

    return program


def noop_native_program(n: int) -> Callable[[], None]:
    def program() -> None:
        import pulumi

        for i in range(n):
            pulumi.CustomResource(NOOP_NATIVE_TYPE, f"noop{i:04d}", {"key": f"{i:04d}"})

    return program


def adk_loop(url: str, n: int) -> None:
    """N sequential ``ModelsClient.create`` calls of IBM's ADK client (is_local: the /v1 prefix)."""
    from ibm_watsonx_orchestrate_clients.models.models_client import ModelsClient
    from ibm_watsonx_orchestrate_core.types.models.types import ProviderConfig, VirtualModel

    client = ModelsClient(base_url=url, api_key=TOKEN, is_local=True)
    models = [
        VirtualModel(
            name=f"virtual-model/openai/adk-{i:04d}",
            display_name=f"ADK model {i}",
            provider_config=ProviderConfig(provider="openai", api_key=f"sk-adk-{i:04d}"),
        )
        for i in range(n)
    ]
    for model in models:
        client.create(model)


def changes(summary: Mapping[str, int] | None) -> dict[str, int]:
    return {k: v for k, v in (summary or {}).items() if k != "same"}


# The CLI path: a project directory whose program picks, from the stack's ``bench:*`` config,
# one of the programs above (the same registrations as the inline path), and ``pulumi`` run on it.
CLI_PROGRAM = '''"""The benchmark's programs as a project (bench/engine_run.py, CliDriver)."""

import pulumi

import engine_run

cfg = pulumi.Config("bench")
engine_run.program_of(cfg.require("program"), cfg.get_int("n") or 0, cfg.get_bool("edit") or False)()
'''
# The counts of the Resources: block of `pulumi` output, named as the Automation API names them.
_CLI_KINDS = {
    "created": "create",
    "updated": "update",
    "deleted": "delete",
    "replaced": "replace",
    "unchanged": "same",
}
_CLI_SUMMARY_RE = re.compile(r"^\s*(?:[+~-]+\s*)?(\d+) (created|updated|deleted|replaced|unchanged)\b", re.M)


def parse_cli_summary(text: str) -> dict[str, int]:
    """The last ``Resources:`` block of ``pulumi`` output (``+ 1001 created``) as ``{"create": 1001}``."""
    if "Resources:" not in text:
        return {}
    block = text.rsplit("Resources:", 1)[-1].split("Duration:", 1)[0]
    return {_CLI_KINDS[kind]: int(count) for count, kind in _CLI_SUMMARY_RE.findall(block)}


def program_of(name: str, n: int, edited: bool = False) -> Callable[[], None]:
    """``empty``, ``models``, ``native`` (the models on the plugin), ``noop``, ``noop-native``."""
    if name == "empty":
        return empty_program
    if name in ("models", "native"):
        return models_program(n, edited=edited, native=name == "native")
    if name == "noop":
        return noop_program(n)
    if name == "noop-native":
        return noop_native_program(n)
    raise ValueError(f"unknown program {name!r}")


class CliDriver:
    """``pulumi up|preview|refresh|destroy`` on a project directory, as a user runs them.

    ``program`` names one of :func:`program_of`'s programs; it and N reach the project's program
    as ``--config bench:program=... --config bench:n=...`` of the command (what a program reads
    from its stack's config). Each command returns :func:`parse_cli_summary` of its output.
    """

    def __init__(self, project: Path, cli: str, env: Mapping[str, str], output: list[str]) -> None:
        self.project, self.env, self.output = project, dict(env), output
        self.pulumi = str(Path(cli, "pulumi"))
        project.mkdir(exist_ok=True)
        (project / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n", encoding="utf-8")
        (project / "__main__.py").write_text(CLI_PROGRAM, encoding="utf-8")

    def run(self, *args: str, stdin: str = "") -> str:
        proc = subprocess.run(
            [self.pulumi, *args, "--non-interactive", "--color", "never"],
            cwd=self.project,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        self.output[:] = (proc.stdout + proc.stderr).splitlines()[-200:]
        if proc.returncode != 0:
            tail = "\n".join(self.output[-60:])
            raise BenchError(f"pulumi {' '.join(args)} failed:\n{tail}")
        return proc.stdout

    def new_stack(self, name: str, url: str) -> None:
        self.run("stack", "init", name)
        self.run("config", "set", "wxo:url", url, "--stack", name)
        self.run("config", "set", "--secret", "wxo:token", "--stack", name, stdin=TOKEN)

    def remove_stack(self, name: str) -> None:
        self.run("stack", "rm", "--yes", "--force", "--stack", name)

    @staticmethod
    def program_args(program: str, n: int, edit: bool) -> list[str]:
        values = {"program": program, "n": str(n), "edit": str(edit).lower()}
        return [arg for k, v in values.items() for arg in ("--config", f"bench:{k}={v}")]

    def up(self, name: str, program: str, n: int = 0, edit: bool = False) -> dict[str, int]:
        args = self.program_args(program, n, edit)
        return parse_cli_summary(self.run("up", "--yes", "--skip-preview", "--stack", name, *args))

    def preview(self, name: str, program: str, n: int = 0) -> dict[str, int]:
        return parse_cli_summary(self.run("preview", "--stack", name, *self.program_args(program, n, False)))

    def refresh(self, name: str) -> dict[str, int]:
        return parse_cli_summary(self.run("refresh", "--yes", "--skip-preview", "--stack", name))

    def destroy(self, name: str) -> dict[str, int]:
        return parse_cli_summary(self.run("destroy", "--yes", "--skip-preview", "--stack", name))


class Runner:
    """One workspace (temporary file backend and PULUMI_HOME) and the emulator, for every cell.

    ``api_path`` is the regular expression of the API paths to delay (the fault's ``path``).
    """

    def __init__(
        self,
        tmp: Path,
        url: str,
        cli: str,
        api_path: str,
        env: Mapping[str, str] | None = None,
        *,
        inline: bool = False,
    ) -> None:
        from pulumi import automation as auto

        from pulumi_wxo.emulator import EmulatorControl

        self.auto = auto
        self.url = url
        self.api_path = api_path
        self.control = EmulatorControl(url, timeout=60)
        wrapper, self.rss_file, modules = write_helpers(tmp)
        self.cpu_file = self.rss_file.with_name(self.rss_file.name + ".cpu")
        self.program_rss_file = self.rss_file.with_name(self.rss_file.name + ".program")
        self.program_cpu_file = self.rss_file.with_name(self.rss_file.name + ".program.cpu")
        sys.path.insert(0, str(modules))  # the inline program runs here and imports the noop module
        (tmp / "state").mkdir()
        (tmp / "project").mkdir()
        self.output: list[str] = []
        self.options = auto.LocalWorkspaceOptions(
            work_dir=str(tmp / "project"),
            pulumi_command=auto.PulumiCommand(root=str(Path(cli).parent)),
            project_settings=auto.ProjectSettings(name=PROJECT, runtime="python"),
            env_vars={
                "PULUMI_BACKEND_URL": f"file://{tmp / 'state'}",
                "PULUMI_CONFIG_PASSPHRASE": "bench-passphrase",
                "PULUMI_HOME": str(tmp / "pulumi-home"),
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_PYTHON_CMD": str(wrapper),
                # Either one non-empty makes the plugin's shell script ignore PULUMI_PYTHON_CMD.
                "PULUMI_RUNTIME_VIRTUALENV": "",
                "PULUMI_RUNTIME_TOOLCHAIN": "",
                "PYTHONPATH": python_path(ROOT / "provider", modules),
                "PATH": os.pathsep.join([str(tmp / "bin"), os.environ.get("PATH", "")]),
                "WXO_URL": "",
                "WXO_TOKEN": "",
                "WXO_API_KEY": "",
                **(env or {}),
            },
        )
        # The CLI path (the default): the same environment, and this directory on PYTHONPATH so
        # that the project's program imports this module for its programs.
        self.inline = inline
        cli_env = {**os.environ, **(self.options.env_vars or {})}
        cli_env["PYTHONPATH"] = python_path(ROOT / "provider", modules, HERE)
        self.driver = CliDriver(tmp / "cli-project", cli, cli_env, self.output)

    def close(self) -> None:
        self.control.close()

    def reset(self, latency: float) -> None:
        """Empty the emulator (a reset clears faults too), then delay every API request."""
        self.control.reset()
        self.control.add_fault(path=self.api_path, delay=latency)

    def measure(self, action: Callable[[], Any]) -> tuple[Observation, Any]:
        self.output.clear()
        self.control.clear_requests()
        for path in (self.rss_file, self.cpu_file, self.program_rss_file, self.program_cpu_file):
            path.write_text("", encoding="ascii")
        cpu = _cpu_seconds()
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
        rss = self.rss_file.read_text(encoding="ascii")
        provider_cpu = self.cpu_file.read_text(encoding="ascii")
        observed = Observation(
            seconds,
            self.control.requests(),
            rss,
            cpu,
            provider_cpu,
            self.program_cpu_file.read_text(encoding="ascii"),
            self.program_rss_file.read_text(encoding="ascii"),
        )
        return observed, result

    def models_on_server(self) -> int:
        return len(self.control.state()["models"])

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            tail = "\n".join(self.output[-40:])
            raise BenchError(f"{what}\n--- last engine output ---\n{tail}")

    def stack(self, name: str, env: Mapping[str, str] | None = None) -> Any:
        """A stack of the workspace, with ``env`` over the workspace's environment variables."""
        opts = self.options
        if env:
            opts = self.auto.LocalWorkspaceOptions(
                work_dir=opts.work_dir,
                pulumi_command=opts.pulumi_command,
                project_settings=opts.project_settings,
                env_vars={**(opts.env_vars or {}), **env},
            )
        stack = self.auto.create_or_select_stack(name, project_name=PROJECT, program=empty_program, opts=opts)
        config = {"wxo:url": self.url, "wxo:token": TOKEN}
        stack.set_all_config(
            {k: self.auto.ConfigValue(v, secret=k == "wxo:token") for k, v in config.items()}
        )
        return stack

    def warm_up(self) -> None:
        """One unmeasured empty up: the first engine run of a process pays for cold caches."""
        if not self.inline:
            self.driver.new_stack("warm-up", self.url)
            self.driver.up("warm-up", "empty")
            self.driver.remove_stack("warm-up")
            return
        stack = self.stack("warm-up")
        stack.up(program=empty_program, color="never", on_output=self.output.append)
        stack.workspace.remove_stack("warm-up", force=True)

    def cell(
        self,
        latency: float,
        n: int,
        record: Callable[[str, Observation], None],
        hosts: tuple[str, ...] = ("dynamic",),
    ) -> None:
        """Every phase of one cell, in order; ``record(phase, observation)`` after each.

        ``hosts``: ``dynamic`` (phases ``up``, ``preview``, ... ``noop destroy``) and/or
        ``native`` (the same phases named ``native up`` ... ``native noop destroy``: the plugin,
        and the do-nothing plugin as its baseline), each on a stack of its own.
        """
        kw: dict[str, Any] = {"color": "never", "on_output": self.output.append}

        def phase(label: str, action: Callable[[], Any]) -> Any:
            observed, result = self.measure(action)
            record(label, observed)
            return result

        self.reset(latency)
        base = f"l{latency * 1000:.0f}-n{n}"
        if not self.inline:
            self._cli_cell(base, n, phase, hosts)
            self.reset(latency)
            phase("adk loop", lambda: adk_loop(self.url, n))
            self.check(self.models_on_server() == n, f"{base}: the ADK loop did not create {n} models")
            self.control.reset()
            return
        stack = self.stack(base)
        phase("empty up", lambda: stack.up(program=empty_program, **kw))
        stack.workspace.remove_stack(base, force=True)
        for host in hosts:
            native = host == "native"
            prefix = "native " if native else ""
            name = f"{base}-{host}"
            stack = self.stack(name)
            self._host_phases(stack, name, n, prefix, native, phase, kw)
            stack.workspace.remove_stack(name)
        self.reset(latency)
        phase("adk loop", lambda: adk_loop(self.url, n))
        self.check(self.models_on_server() == n, f"{base}: the ADK loop did not create {n} models")
        self.control.reset()

    def _host_phases(
        self,
        stack: Any,
        name: str,
        n: int,
        prefix: str,
        native: bool,
        phase: Callable[[str, Callable[[], Any]], Any],
        kw: dict[str, Any],
    ) -> None:
        models = models_program(n, native=native)
        up = phase(f"{prefix}up", lambda: stack.up(program=models, **kw))
        created = changes(up.summary.resource_changes)
        # The stack resource, the N models and (native) the default provider resource.
        self.check(created.get("create", 0) >= n + 1, f"{name}: up did not create {n}")
        self.check(self.models_on_server() == n, f"{name}: the emulator does not hold {n} models")
        self.check(self.rss_file.read_text(encoding="ascii") != "", "no RSS: the plugin bypassed the wrapper")
        pre = phase(f"{prefix}preview", lambda: stack.preview(program=models, **kw))
        self.check(changes(pre.change_summary) == {}, f"{name}: the preview after up was not a no-op")
        ref = phase(f"{prefix}refresh", lambda: stack.refresh(**kw))
        self.check(changes(ref.summary.resource_changes) == {}, f"{name}: refresh found changes")
        edited = models_program(n, edited=True, native=native)
        edit = phase(f"{prefix}edit up", lambda: stack.up(program=edited, **kw))
        self.check(
            changes(edit.summary.resource_changes) == {"update": 1}, f"{name}: the edit was not 1 update"
        )
        phase(f"{prefix}destroy", lambda: stack.destroy(**kw))
        self.check(self.models_on_server() == 0, f"{name}: models left on the emulator after destroy")
        noop = noop_native_program(n) if native else noop_program(n)
        up = phase(f"{prefix}noop up", lambda: stack.up(program=noop, **kw))
        # The destroy above deleted the stack resource too: it is created again.
        created = changes(up.summary.resource_changes)
        self.check(created.get("create", 0) >= n + 1, f"{name}: noop up did not create {n} (+ the stack)")
        phase(f"{prefix}noop destroy", lambda: stack.destroy(**kw))

    def _cli_cell(
        self, base: str, n: int, phase: Callable[[str, Callable[[], Any]], Any], hosts: tuple[str, ...]
    ) -> None:
        """The phases of :meth:`cell` through the CLI on the project directory, a stack per host."""
        d = self.driver
        d.new_stack(base, self.url)
        phase("empty up", lambda: d.up(base, "empty"))
        d.remove_stack(base)
        for host in hosts:
            name = f"{base}-{host}"
            d.new_stack(name, self.url)
            self._cli_host_phases(name, n, host == "native", phase)
            d.remove_stack(name)

    def _cli_host_phases(
        self, name: str, n: int, native: bool, phase: Callable[[str, Callable[[], Any]], Any]
    ) -> None:
        d, prefix = self.driver, "native " if native else ""
        models, noop = ("native", "noop-native") if native else ("models", "noop")
        up = phase(f"{prefix}up", lambda: d.up(name, models, n))
        # The stack resource, the N models and (native) the default provider resource.
        self.check(changes(up).get("create", 0) >= n + 1, f"{name}: up did not create {n}: {up}")
        self.check(self.models_on_server() == n, f"{name}: the emulator does not hold {n} models")
        self.check(self.rss_file.read_text(encoding="ascii") != "", "no RSS: the plugin bypassed the wrapper")
        pre = phase(f"{prefix}preview", lambda: d.preview(name, models, n))
        self.check(bool(pre) and changes(pre) == {}, f"{name}: the preview after up was not a no-op: {pre}")
        ref = phase(f"{prefix}refresh", lambda: d.refresh(name))
        self.check(changes(ref) == {}, f"{name}: refresh found changes: {ref}")
        edit = phase(f"{prefix}edit up", lambda: d.up(name, models, n, edit=True))
        self.check(changes(edit) == {"update": 1}, f"{name}: the edit was not 1 update: {edit}")
        phase(f"{prefix}destroy", lambda: d.destroy(name))
        self.check(self.models_on_server() == 0, f"{name}: models left on the emulator after destroy")
        up = phase(f"{prefix}noop up", lambda: d.up(name, noop, n))
        self.check(changes(up).get("create", 0) >= n + 1, f"{name}: noop up did not create {n} (+ the stack)")
        phase(f"{prefix}noop destroy", lambda: d.destroy(name))
