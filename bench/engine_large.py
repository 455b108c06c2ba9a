"""Large catalogues: N models through ``pulumi up`` on a project directory, per host and setting.

    python bench/engine.py --large [--n 1000] [--latency 0.25] [--cells HOST:SETTING ...]
                                   [--inline HOST:SETTING] [--json PATH]

What users run: a project directory (``Pulumi.yaml``, a ``__main__.py`` that declares N models in a
loop, as ``templates/python`` does for one), a stack with ``wxo:url`` and a secret ``wxo:token``, and
the ``pulumi`` command (``pulumi up --yes --skip-preview --non-interactive``), against the emulator
(``python -m pulumi_wxo.emulator`` in a subprocess) with every API request delayed by the latency.
Each cell is one host (``dynamic``: ``import pulumi_wxo``; ``native``: ``import pulumi_wxo.native``,
the plugin ``pulumi-resource-wxo``) and one setting a guide could recommend (:data:`SETTINGS`:
the engine's defaults, ``--parallel``, ``PULUMI_SKIP_CHECKPOINTS=true``, both), on a stack of its
own. Its phases:

    up            N models created (checked: N POSTs, N models on the server)
    edit up       one model's display_name changed (checked: one PUT)

then the stack is removed with ``pulumi stack rm --force`` and the emulator emptied (a destroy
at N=1,000 with checkpoints takes minutes and is measured elsewhere, docs/dev/benchmarks.md).
The sequential ADK loop (N ``ModelsClient.create`` calls of IBM's client) runs in the same run,
against the same emulator and latency. ``--inline HOST:SETTING`` adds, in that cell, the same
one-edit ``up`` through the Automation API with an inline program (the benchmark's process runs
the program), on the same stack and state, to compare with the CLI's.

Reported per phase: wall seconds, API requests, CPU seconds of the benchmark's own process (the
inline program runs in it) and of its children (the CLI, the language host, the program and the
plugins), peak RSS of the Python processes the engine started (program and provider, through the
PULUMI_PYTHON_CMD wrapper bench/engine_rss.py); per cell, ``up`` against the ADK loop.
A Markdown table on stdout, JSON in bench/results/engine-large.json (git-ignored); progress on
stderr. No test asserts a time: tests/unit/test_bench_engine.py tests the pure helpers here.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # engine.py and engine_run.py, also when imported as bench.engine_large

import engine as _engine  # noqa: E402

HOSTS = ("dynamic", "native")
STACK_PARALLEL = 32  # the --parallel of the settings that raise it: the plugin's pool of 32 threads


@dataclass(frozen=True)
class Setting:
    """What a guide could recommend: extra ``pulumi up`` arguments and environment variables."""

    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    # Diagnostic only, not a user setting: the most other models each Model sends to check
    # (pulumi_wxo.sdk.model.PROGRAM_MODELS_MAX, 100), set by the program's first lines.
    program_models_max: int | None = None

    def describe(self) -> str:
        words = [*(f"{k}={v}" for k, v in self.env), *self.args]
        if self.program_models_max is not None:
            words.append(f"(diagnostic: PROGRAM_MODELS_MAX={self.program_models_max})")
        return " ".join(words) or "engine defaults"


SKIP = (("PULUMI_SKIP_CHECKPOINTS", "true"),)
PARALLEL = ("--parallel", str(STACK_PARALLEL))
SETTINGS: dict[str, Setting] = {
    "default": Setting(),
    "parallel": Setting(args=PARALLEL),
    "skip": Setting(env=SKIP),
    "skip+parallel": Setting(args=PARALLEL, env=SKIP),
    # What the list of the program's other models (program_models) costs the program.
    "skip+parallel+nolist": Setting(args=PARALLEL, env=SKIP, program_models_max=0),
}
# The default plan: after the ADK loop (the baseline, first), the fast cells first, so that the
# settings a guide recommends are measured even if a long run is stopped.
DEFAULT_CELLS = (
    "native:skip+parallel",
    "native:skip+parallel+nolist",
    "native:skip",
    "dynamic:skip",
    "dynamic:default",
    "native:default",
    "native:parallel",
)
DEFAULT_INLINE = "native:skip+parallel"

PROGRAM = '''"""N models in a loop, as a catalogue program declares them (bench/engine_large.py)."""

import pulumi

import {module} as wxo

cfg = pulumi.Config("bench")
n = cfg.require_int("n")
edited = cfg.get_bool("edit") or False
for i in range(n):
    suffix = " (edited)" if edited and i == 0 else ""
    wxo.Model(
        f"m{{i:04d}}",
        name=f"openai/bench-{{i:04d}}",
        display_name=f"Bench model {{i}}{{suffix}}",
        provider_config={{"api_key": f"sk-bench-{{i:04d}}"}},
    )
'''

_SUMMARY_RE = re.compile(r"^\s*(?:[+~-]+\s*)?(\d+) (created|updated|deleted|replaced|unchanged)\b", re.M)


# -- pure helpers (tests/unit/test_bench_engine.py) -------------------------------------------


def parse_cell(text: str) -> tuple[str, str]:
    """``HOST:SETTING`` (``native:skip+parallel``) as a pair; ValueError if either is unknown."""
    host, sep, setting = text.partition(":")
    if not sep or host not in HOSTS or setting not in SETTINGS:
        raise ValueError(
            f"{text!r}: expected HOST:SETTING with HOST in {', '.join(HOSTS)} "
            f"and SETTING in {', '.join(SETTINGS)}"
        )
    return host, setting


def parse_summary(text: str) -> dict[str, int]:
    """The counts of the ``Resources:`` block that ``pulumi up`` prints last (``+ 1001 created``)."""
    block = text.rsplit("Resources:", 1)[-1] if "Resources:" in text else ""
    return {kind: int(count) for count, kind in _SUMMARY_RE.findall(block.split("Duration:", 1)[0])}


def program_text(host: str, program_models_max: int | None = None) -> str:
    """The project's ``__main__.py`` for ``host``: the same models as engine_run.models_program.

    ``program_models_max``: the diagnostic settings' cap on the list of other models."""
    text = PROGRAM.format(module="pulumi_wxo.native" if host == "native" else "pulumi_wxo")
    if program_models_max is None:
        return text
    patch = f"import pulumi_wxo.sdk.model as _m\n\n_m.PROGRAM_MODELS_MAX = {program_models_max}\n"
    return patch + text


@dataclass
class LargePhase:
    """One measured phase of a large cell."""

    seconds: float
    requests: dict[str, int] = field(default_factory=dict)
    routes: dict[str, int] = field(default_factory=dict)
    cpu_self_s: float = 0.0  # the benchmark's process: the inline program runs here
    cpu_children_s: float = 0.0  # the CLI, its language host, the program, the plugins
    # The provider processes; in JSON written before the wrapper told the program apart
    # (provider_cpu_s missing), the program's too.
    rss_kib: list[int] = field(default_factory=list)
    # Of the children: the provider processes and the program process (bench/engine_rss.py).
    provider_cpu_s: float | None = None
    program_cpu_s: float | None = None
    program_rss_kib: list[int] = field(default_factory=list)

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def cpu_s(self) -> float:
        return self.cpu_self_s + self.cpu_children_s

    @property
    def peak_rss_mib(self) -> float | None:
        return max(self.rss_kib) / 1024 if self.rss_kib else None

    @property
    def program_peak_rss_mib(self) -> float | None:
        return max(self.program_rss_kib) / 1024 if self.program_rss_kib else None

    def cpu_text(self) -> str:
        """``1.0 + 80.0 (provider 5.0; program 60.0)``: this process + children (of which ...)."""
        text = f"{self.cpu_self_s:.1f} + {self.cpu_children_s:.1f}"
        if self.provider_cpu_s is None or self.program_cpu_s is None:
            return text
        return f"{text} (provider {self.provider_cpu_s:.1f}; program {self.program_cpu_s:.1f})"

    def rss_text(self) -> str:
        return f"{_num(self.peak_rss_mib, '.0f')} / {_num(self.program_peak_rss_mib, '.0f')}"


@dataclass
class LargeCell:
    """One host and setting (or the ADK loop: host ``adk``), its phases in the order they ran."""

    host: str
    setting: str
    phases: dict[str, LargePhase] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "ADK loop" if self.host == "adk" else f"{self.host}, {self.setting}"


def _num(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def adk_seconds(cells: Sequence[LargeCell]) -> float | None:
    for c in cells:
        if c.host == "adk" and "adk loop" in c.phases:
            return c.phases["adk loop"].seconds
    return None


def render_large(cells: Sequence[LargeCell], n: int, latency: float) -> str:
    """Two Markdown tables: every phase, then each cell's ``up`` against the ADK loop."""
    lines = [
        f"N={n}, {latency * 1000:.0f} ms per API request",
        "",
        "| host | setting | phase | wall s | API requests | CPU s: this process + children "
        "(provider; program) | peak RSS MiB: provider / program |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        setting = "-" if c.host == "adk" else f"`{SETTINGS[c.setting].describe()}`"
        for name, p in c.phases.items():
            reqs = " ".join(f"{m} {k}" for m, k in p.requests.items()) or "0"
            lines.append(
                f"| {'ADK loop' if c.host == 'adk' else c.host} | {setting} | {name} | {p.seconds:.1f} | "
                f"{reqs} | {p.cpu_text()} | {p.rss_text()} |"
            )
    adk = adk_seconds(cells)
    lines += [
        "",
        "| host | setting | up s | ADK loop s | ADK loop / up | edit up s |",
        "|---|---|---|---|---|---|",
    ]
    for c in cells:
        if c.host == "adk" or "up" not in c.phases:
            continue
        up = c.phases["up"].seconds
        edit = c.phases.get("edit up")
        lines.append(
            f"| {c.host} | `{SETTINGS[c.setting].describe()}` | {up:.1f} | {_num(adk)} | "
            f"{_num(_engine.ratio(adk, up), '.2f')}x | {_num(edit.seconds if edit else None)} |"
        )
    return "\n".join(lines)


def cells_from_json(data: Mapping[str, Any]) -> list[LargeCell]:
    """The cells of a JSON file written by :func:`large_json` (also a run stopped half way)."""
    out = []
    for c in data["cells"]:
        setting = c["setting"]["name"] if c["setting"] else "-"
        phases = {
            name: LargePhase(
                p["seconds"],
                p["requests"],
                p["routes"],
                p["cpu_self_s"],
                p["cpu_children_s"],
                p["rss_kib"],
                p.get("provider_cpu_s"),
                p.get("program_cpu_s"),
                p.get("program_rss_kib", []),
            )
            for name, p in sorted(c["phases"].items(), key=lambda kv: c["order"].index(kv[0]))
        }
        out.append(LargeCell(c["host"], setting, phases))
    return out


def large_json(cells: Sequence[LargeCell], meta: Mapping[str, Any]) -> dict[str, Any]:
    adk = adk_seconds(cells)
    out = []
    for c in cells:
        up = c.phases.get("up")
        phases = {
            k: {**asdict(p), "total_requests": p.total_requests, "peak_rss_mib": p.peak_rss_mib}
            for k, p in c.phases.items()
        }
        setting = None if c.host == "adk" else {"name": c.setting, "describe": SETTINGS[c.setting].describe()}
        speedup = _engine.ratio(adk, up.seconds) if up else None
        out.append(
            {
                "host": c.host,
                "setting": setting,
                "phases": phases,
                "order": list(c.phases),
                "adk_loop_over_up": speedup,
            }
        )
    return {"meta": dict(meta), "cells": out}


# -- the machinery ----------------------------------------------------------------------------


def heading(meta: Mapping[str, Any]) -> str:
    end = meta.get("loadavg_end") or meta.get("loadavg_now") or [float("nan")]
    return (
        f"Engine benchmark, large catalogue, CLI path (commit {meta['commit']}; {meta['date']}; "
        f"{meta['cpus']} CPUs; pulumi {meta['pulumi']}; load average {meta['loadavg_start'][0]:.2f} "
        f"at the start, {end[0]:.2f} at the end)"
    )


def _rusage() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _log(msg: str) -> None:
    print(f"[large {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class CliRunner:
    """The emulator, a project directory per host, and ``pulumi`` run as a user runs it."""

    def __init__(self, tmp: Path, url: str, cli: str, latency: float, n: int) -> None:
        import engine_run as run

        from pulumi_wxo.emulator import EmulatorControl

        self.run = run
        self.tmp, self.url, self.latency, self.n = tmp, url, latency, n
        self.pulumi = str(Path(cli, "pulumi"))
        self.control = EmulatorControl(url, timeout=120)
        wrapper, self.rss_file, modules = run.write_helpers(tmp)
        (tmp / "state").mkdir()
        self.env = {
            **os.environ,
            "PULUMI_BACKEND_URL": f"file://{tmp / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": "bench-passphrase",
            "PULUMI_HOME": str(tmp / "pulumi-home"),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": str(wrapper),
            "PULUMI_RUNTIME_VIRTUALENV": "",
            "PULUMI_RUNTIME_TOOLCHAIN": "",
            "PYTHONPATH": run.python_path(ROOT / "provider", modules),
            "PATH": os.pathsep.join([str(tmp / "bin"), cli, os.environ.get("PATH", "")]),
            "WXO_URL": "",
            "WXO_TOKEN": "",
            "WXO_API_KEY": "",
        }
        for key in ("PULUMI_SKIP_CHECKPOINTS", "PULUMI_PARALLEL"):
            self.env.pop(key, None)
        self.projects: dict[str, Path] = {}
        for host in HOSTS:
            project = tmp / f"project-{host}"
            project.mkdir()
            (project / "Pulumi.yaml").write_text(
                f"name: wxo-large-{host}\nruntime: python\n", encoding="utf-8"
            )
            (project / "__main__.py").write_text(program_text(host), encoding="utf-8")
            self.projects[host] = project
        self.output = ""

    def close(self) -> None:
        self.control.close()

    def reset(self) -> None:
        self.control.reset()
        self.control.add_fault(path=_engine.API_PATH, delay=self.latency)

    def pulumi_cmd(self, host: str, *args: str, env: Mapping[str, str] | None = None, stdin: str = "") -> str:
        proc = subprocess.run(
            [self.pulumi, *args, "--non-interactive", "--color", "never"],
            cwd=self.projects[host],
            env={**self.env, **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        self.output = proc.stdout + proc.stderr
        if proc.returncode != 0:
            raise self.run.BenchError(f"pulumi {' '.join(args)} failed:\n{self.output[-4000:]}")
        return proc.stdout

    def measure(self, action: Any) -> LargePhase:
        self.control.clear_requests()
        files = [
            self.rss_file.with_name(self.rss_file.name + s) for s in ("", ".cpu", ".program", ".program.cpu")
        ]
        for path in files:
            path.write_text("", encoding="ascii")
        own, kids = _rusage()
        start = time.perf_counter()
        action()
        seconds = time.perf_counter() - start
        own2, kids2 = _rusage()
        log = self.control.requests()
        rss, cpu, program_rss, program_cpu = (path.read_text(encoding="ascii") for path in files)
        return LargePhase(
            seconds,
            _engine.count_requests(log),
            _engine.count_routes(log),
            own2 - own,
            kids2 - kids,
            _engine.parse_rss(rss),
            _engine.parse_cpu(cpu),
            _engine.parse_cpu(program_cpu),
            _engine.parse_rss(program_rss),
        )

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            raise self.run.BenchError(f"{what}\n--- last engine output ---\n{self.output[-4000:]}")

    def cell(self, host: str, setting_name: str, inline: bool, record: Any) -> None:
        setting = SETTINGS[setting_name]
        env = dict(setting.env)
        stack = f"{host}-{setting_name.replace('+', '-')}"
        self.reset()
        program = program_text(host, setting.program_models_max)
        (self.projects[host] / "__main__.py").write_text(program, encoding="utf-8")
        self.pulumi_cmd(host, "stack", "init", stack)
        self.pulumi_cmd(host, "config", "set", "wxo:url", self.url, "--stack", stack)
        self.pulumi_cmd(
            host, "config", "set", "--secret", "wxo:token", "--stack", stack, stdin=self.run.TOKEN
        )
        self.pulumi_cmd(host, "config", "set", "bench:n", str(self.n), "--stack", stack)
        up_args = ("up", "--yes", "--skip-preview", "--stack", stack, *setting.args)

        def up(edit: bool) -> None:
            self.pulumi_cmd(host, *up_args, "--config", f"bench:edit={str(edit).lower()}", env=env)

        phase = record("up", self.measure(lambda: up(False)))
        summary = parse_summary(self.output)
        self.check(summary.get("created", 0) >= self.n, f"{stack}: up did not create {self.n}: {summary}")
        self.check(
            len(self.control.state()["models"]) == self.n, f"{stack}: the server lacks {self.n} models"
        )
        self.check(phase.requests.get("POST") == self.n, f"{stack}: not {self.n} POSTs: {phase.requests}")
        phase = record("edit up", self.measure(lambda: up(True)))
        self.check(parse_summary(self.output).get("updated") == 1, f"{stack}: the edit was not 1 update")
        self.check(phase.requests.get("PUT") == 1, f"{stack}: the edit was not 1 PUT: {phase.requests}")
        if inline:
            phase = record("inline edit up", self.measure(lambda: self.inline_up(host, stack, setting)))
            self.check(phase.requests.get("PUT") == 1, f"{stack}: the inline edit was not 1 PUT")
        self.pulumi_cmd(host, "stack", "rm", "--yes", "--force", "--stack", stack)
        self.control.reset()

    def inline_up(self, host: str, stack_name: str, setting: Setting) -> None:
        """The edit undone (one update) through the Automation API: an inline program, this process."""
        from pulumi import automation as auto

        ws = auto.LocalWorkspace(
            work_dir=str(self.projects[host]),
            pulumi_command=auto.PulumiCommand(root=str(Path(self.pulumi).parent.parent)),
            env_vars={
                k: v for k, v in self.env.items() if k.startswith(("PULUMI_", "PYTHON", "PATH", "WXO_"))
            }
            | dict(setting.env),
        )
        stack = auto.Stack.select(stack_name, ws)
        parallel = int(setting.args[1]) if setting.args else None
        program = self.run.models_program(self.n, native=host == "native")
        result = stack.up(program=program, parallel=parallel, color="never", on_output=self._keep)
        changed = _engine_changes(result.summary.resource_changes)
        self.check(changed == {"update": 1}, f"{stack_name}: the inline edit was not 1 update: {changed}")

    def _keep(self, line: str) -> None:
        self.output = (self.output + line + "\n")[-20000:]

    def adk(self, record: Any) -> None:
        self.reset()
        record("adk loop", self.measure(lambda: self.run.adk_loop(self.url, self.n)))
        self.check(len(self.control.state()["models"]) == self.n, f"the ADK loop did not create {self.n}")
        self.control.reset()


def _engine_changes(summary: Mapping[Any, int] | None) -> dict[str, int]:
    return {str(k): v for k, v in (summary or {}).items() if k != "same"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/engine.py --large",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--n", type=int, default=1000, help="models per stack (default 1000)")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per API request (default 0.25)")
    parser.add_argument(
        "--cells", nargs="+", default=list(DEFAULT_CELLS), metavar="HOST:SETTING", help="in this order"
    )
    parser.add_argument("--inline", default=DEFAULT_INLINE, metavar="HOST:SETTING|none")
    parser.add_argument("--no-adk", action="store_true", help="leave the ADK loop out")
    parser.add_argument(
        "--cli-dir", help="the Pulumi CLI's bin dir (default: PULUMI_WXO_CLI_DIR, or build it)"
    )
    import engine_run as run

    run.add_result_arguments(parser, "engine-large.json")
    args = parser.parse_args(argv)
    if args.render:
        return run.render_saved(
            args.render,
            heading,
            lambda data: render_large(cells_from_json(data), data["meta"]["n"], data["meta"]["latency_s"]),
        )
    try:
        plan = [parse_cell(c) for c in args.cells]
        inline = None if args.inline == "none" else parse_cell(args.inline)
    except ValueError as exc:
        parser.error(str(exc))
    if args.n < 1 or not 0 <= args.latency <= 60:
        parser.error("--n must be at least 1 and --latency between 0 and 60 seconds")

    sys.path.insert(0, str(ROOT / "provider"))
    import engine_run as run

    cells: list[LargeCell] = []
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)

    def save(meta: Mapping[str, Any]) -> None:
        out.write_text(json.dumps(large_json(cells, meta), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def recorder(cell: LargeCell) -> Any:
        def record(name: str, phase: LargePhase) -> LargePhase:
            cell.phases[name] = phase
            save({**meta, "loadavg_now": list(os.getloadavg())})
            _log(
                f"{cell.label}: {name}: {phase.seconds:.1f} s, {phase.total_requests} API requests, "
                f"CPU {phase.cpu_self_s:.1f} + {phase.cpu_children_s:.1f} s"
            )
            return phase

        return record

    try:
        cli = run.cli_dir(args.cli_dir)
        meta: dict[str, Any] = {**run.metadata(cli), "mode": "large", "n": args.n, "latency_s": args.latency}
        meta["cells_planned"] = args.cells
        with (
            tempfile.TemporaryDirectory(prefix="wxo-bench-large-") as tmp,
            run.emulator_process(Path(tmp)) as url,
        ):
            runner = CliRunner(Path(tmp), url, cli, args.latency, args.n)
            try:
                if not args.no_adk:
                    cell = LargeCell("adk", "-")
                    cells.append(cell)
                    runner.adk(recorder(cell))
                for host, setting in plan:
                    cell = LargeCell(host, setting)
                    cells.append(cell)
                    runner.cell(host, setting, (host, setting) == inline, recorder(cell))
            finally:
                runner.close()
    except run.BenchError as exc:
        print(f"bench/engine.py --large: {exc}", file=sys.stderr)
        if not cells:
            return 1
    meta["loadavg_end"] = list(os.getloadavg())
    save(meta)
    print(heading(meta) + "\n")
    print(render_large(cells, args.n, args.latency))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
