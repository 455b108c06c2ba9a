"""Engine benchmark: N models through the real Pulumi engine, against baselines from the same run.

    python bench/engine.py [--quick | --full] [--sizes N ...] [--latencies S ...] [--inline] [--json PATH]
    python bench/engine.py --large [...]   (bench/engine_large.py: N=1,000 through the CLI)
    python bench/engine.py --tofu [...]    (bench/engine_tofu.py: N=200 through `tofu apply`)

Each cell (latency L, size N) runs against the emulator (``python -m pulumi_wxo.emulator``, what
``pulumi-wxo emulator`` runs, in a subprocess so that its CPU is not in this process) with a
fault that delays every API request by L seconds (the ``/models`` and ``/model_policy`` paths;
not the token or control paths), as users run it: ``pulumi up|preview|refresh|destroy`` on a
project directory whose program runs the phase's program (engine_run.CliDriver), a temporary
file backend and PULUMI_HOME, the CLI of ``scripts/pulumi-cli.sh``; ``--inline`` runs the same
phases through the Automation API's inline programs instead. The phases, in order:

    empty up      up of a program with no resources (what the engine costs by itself)
    up            N openai-style models with a plain api_key and distinct names
    preview       no-op preview
    refresh
    edit up       one model's display_name changed
    destroy
    noop up       N do-nothing dynamic resources (bench/engine_noop.py): same host, same engine
    noop destroy
    native ...    (``--hosts native``, the default with ``dynamic``) the same phases through the
                  plugin ``pulumi-resource-wxo`` (``pulumi_wxo.native``), on a stack of its own,
                  with ``native noop up/destroy``: N resources of a do-nothing plugin
                  (bench/engine_noop_native.py)
    adk loop      N sequential ``ModelsClient.create`` calls of IBM's ADK client, same latency

Each phase records its wall time, the API requests per method and per route (the emulator's
request log, cleared before the phase) and the peak RSS of the dynamic-provider process:
PULUMI_PYTHON_CMD is a wrapper (bench/engine_rss.py) that runs the real interpreter as its child
and appends the child's ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` to a file read after the phase.
(The plugin ``pulumi-resource-pulumi-python`` is a shell script that runs
``"${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi.dynamic`` unless PULUMI_RUNTIME_VIRTUALENV or
PULUMI_RUNTIME_TOOLCHAIN is set; the workspace sets both empty.) A phase that does not do what it
should (up creates N, the preview and refresh change nothing, the edit is one update, destroy
empties the server) stops the run: its time would measure something else.

Reported per cell and host: up / (noop up + N x L / W), W being 4 for the dynamic host's worker
threads and 8 for the plugin (the engine's default --parallel here): an ideal provider, the
engine's own cost plus one round trip per model, W at a time; and
up / adk loop; across cells, each phase's time per model from the smallest N to the largest.
A Markdown table on stdout, JSON in bench/results/engine.json (git-ignored); progress on stderr.
No test asserts a time: tests/unit/test_bench_engine.py tests the pure helpers of this module.
bench/engine_run.py holds the machinery (processes, workspace, programs); this module the
counting, the ratios, the tables and the command line.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# The cells (latency L in seconds added to every API request, size N) of each mode. --quick:
# the growth from 50 to 200 models at 50 ms and the latency effect at 50 models, in a few
# minutes; --full: every size at every latency.
MODES: dict[str, tuple[tuple[float, int], ...]] = {
    "quick": ((0.05, 50), (0.05, 200), (0.25, 50)),
    "full": tuple(itertools.product((0.05, 0.25), (50, 200, 1000))),
}
WORKERS = 4  # the dynamic provider host serves at most 4 calls at once (docs/dev/lifecycle.md)
# The plugin serves as many calls as the engine sends: --parallel, by default 4 x GOMAXPROCS,
# 8 on the 2-core project machine (docs/guide/hosts.md).
NATIVE_WORKERS = 8
HOSTS = ("dynamic", "native")
# API paths under every prefix (api-contract §1): /models..., /model_policy...; not the token
# endpoints (/identity/token, /api/v1/auth/token, /api/v1/tenants, ...) nor /_emulator/.
API_PATH = r"/(?:models|model_policy)(?:/|$)"
_API_PATH_RE = re.compile(API_PATH)
_API_PREFIX_RE = re.compile(r"^(?:/instances/[^/]+)?(?:/api)?/v1(?:/orchestrate)?(?=/)")
# The engine's fixed cost (start the CLI, run the program, write the state), measured per cell,
# and the phases that do not go through the engine: time per model is counted above the former,
# except for the latter.
BASELINE_PHASE = "empty up"
ENGINELESS_PHASES = ("adk loop",)


# -- pure helpers (tests/unit/test_bench_engine.py) -------------------------------------------


def is_api_path(path: str) -> bool:
    """Whether a logged path is an API request (not a token endpoint or the control API)."""
    return _API_PATH_RE.search(path) is not None


def route_of(method: str, path: str, query: str = "") -> str:
    """``GET /models?name`` style: prefix dropped, ids as ``{id}``, query keys without values."""
    rest = _API_PREFIX_RE.sub("", path, count=1)
    parts = rest.split("/")
    if len(parts) > 2 and parts[2] not in ("", "list"):
        parts[2] = "{id}"
    keys = sorted({item.split("=", 1)[0] for item in query.split("&") if item})
    return f"{method.upper()} {'/'.join(parts)}" + ("?" + "&".join(keys) if keys else "")


def count_requests(log: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Requests per method in an emulator request log, API paths only, sorted by method."""
    counts = Counter(str(e["method"]).upper() for e in log if is_api_path(str(e["path"])))
    return dict(sorted(counts.items()))


def count_routes(log: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Requests per :func:`route_of`, API paths only, sorted."""
    counts = Counter(
        route_of(str(e["method"]), str(e["path"]), str(e.get("query") or ""))
        for e in log
        if is_api_path(str(e["path"]))
    )
    return dict(sorted(counts.items()))


def parse_cpu(text: str) -> float:
    """The provider processes' CPU seconds, summed: one ``<pid> <seconds>`` line per process."""
    total = 0.0
    for line in text.splitlines():
        fields_ = line.split()
        if len(fields_) == 2:
            try:
                total += float(fields_[1])
            except ValueError:
                continue
    return total


def parse_rss(text: str) -> list[int]:
    """Peak RSS values (KiB) from the wrapper's file: one ``<pid> <kib>`` per provider process."""
    values = []
    for line in text.splitlines():
        fields_ = line.split()
        if len(fields_) == 2 and fields_[1].isdigit():
            values.append(int(fields_[1]))
    return values


def ideal_seconds(noop_up: float, n: int, latency: float, workers: int = WORKERS) -> float:
    """The engine's own cost for N resources plus one round trip per model, ``workers`` at a time."""
    return noop_up + n * latency / workers


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@dataclass
class Phase:
    """One measured phase: wall seconds, API requests per method and route, provider peak RSS."""

    seconds: float
    requests: dict[str, int] = field(default_factory=dict)
    routes: dict[str, int] = field(default_factory=dict)
    rss_kib: list[int] = field(default_factory=list)
    provider_cpu_s: float = 0.0
    # CPU seconds of everything the phase ran but the emulator: the inline program, the CLI,
    # its language host and plugins (bench/engine_run.py, Observation.cpu_seconds).
    cpu_s: float = 0.0
    # The CLI path's program process alone (the language host runs it through the wrapper too).
    program_cpu_s: float = 0.0
    program_rss_kib: list[int] = field(default_factory=list)

    @classmethod
    def observed(
        cls, seconds: float, log: Iterable[Mapping[str, Any]], rss_text: str, cpu_text: str = ""
    ) -> Phase:
        log = list(log)
        return cls(seconds, count_requests(log), count_routes(log), parse_rss(rss_text), parse_cpu(cpu_text))

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def peak_rss_mib(self) -> float | None:
        return max(self.rss_kib) / 1024 if self.rss_kib else None


@dataclass
class Cell:
    """Every phase of one (latency, N) cell, by phase name, in the order they ran."""

    latency: float
    n: int
    phases: dict[str, Phase] = field(default_factory=dict)

    def seconds(self, phase: str) -> float | None:
        found = self.phases.get(phase)
        return found.seconds if found else None

    def per_model(self, phase: str) -> float | None:
        """Seconds per model of ``phase`` above the empty up (the engine's fixed cost), if measured."""
        seconds = self.seconds(phase)
        if seconds is None or phase == BASELINE_PHASE:
            return None
        base = 0.0 if phase in ENGINELESS_PHASES else self.seconds(BASELINE_PHASE)
        return None if base is None else (seconds - base) / self.n

    def summary(self, host: str = "dynamic") -> dict[str, float | None]:
        """``up`` against its ideal (its own do-nothing baseline plus N round trips, as many at
        once as the host serves), against the ADK loop and against the do-nothing ``up``."""
        prefix, workers = ("native ", NATIVE_WORKERS) if host == "native" else ("", WORKERS)
        up, noop = self.seconds(f"{prefix}up"), self.seconds(f"{prefix}noop up")
        ideal = ideal_seconds(noop, self.n, self.latency, workers) if noop is not None else None
        return {
            "ideal_s": ideal,
            "up_vs_ideal": ratio(up, ideal),
            "up_vs_adk": ratio(up, self.seconds("adk loop")),
            "up_vs_noop": ratio(up, noop),
        }


@dataclass(frozen=True)
class Growth:
    """Seconds per model (:meth:`Cell.per_model`) of one phase at one latency, smallest and largest N."""

    phase: str
    latency: float
    n_min: int
    s_per_model_min: float
    n_max: int
    s_per_model_max: float

    @property
    def ratio(self) -> float | None:
        """Largest N's time per model over the smallest's (none when the latter is not positive)."""
        return ratio(self.s_per_model_max, self.s_per_model_min) if self.s_per_model_min > 0 else None


def growth(cells: Sequence[Cell]) -> list[Growth]:
    """A :class:`Growth` per phase and latency measured at two sizes or more."""
    out = []
    phases = dict.fromkeys(p for c in cells for p in c.phases if p != BASELINE_PHASE)
    for phase in phases:
        for latency in sorted({c.latency for c in cells}):
            timed = sorted(
                (c.n, s) for c in cells if c.latency == latency and (s := c.per_model(phase)) is not None
            )
            if len(timed) >= 2 and timed[0][0] != timed[-1][0]:
                out.append(Growth(phase, latency, *timed[0], *timed[-1]))
    return out


def _num(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def _requests(requests: Mapping[str, int]) -> str:
    return " ".join(f"{m} {c}" for m, c in requests.items()) or "0"


def render_markdown(cells: Sequence[Cell]) -> str:
    """Three Markdown tables: every phase, the ratios per cell, the growth per model."""
    lines = [
        "| latency | N | phase | wall s | ms/model above empty up | API requests | req/model "
        "| provider RSS MiB | CPU s: all (provider; program) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        for name, p in c.phases.items():
            per_model = c.per_model(name)
            ms = None if per_model is None else per_model * 1000
            lines.append(
                f"| {c.latency * 1000:.0f} ms | {c.n} | {name} | {p.seconds:.2f} | {_num(ms, '.1f')} | "
                f"{_requests(p.requests)} | {p.total_requests / c.n:.2f} | {_num(p.peak_rss_mib, '.0f')} | "
                f"{p.cpu_s:.1f} ({p.provider_cpu_s:.1f}; {p.program_cpu_s:.1f}) |"
            )
    lines += [
        "",
        "| host | latency | N | up s | noop up s | ideal s = noop + N·L/W | up / ideal | ADK loop s "
        "| up / ADK |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for host in HOSTS:
        prefix, workers = ("native ", NATIVE_WORKERS) if host == "native" else ("", WORKERS)
        for c in cells:
            if c.seconds(f"{prefix}up") is None:
                continue
            s = c.summary(host)
            up, noop = c.seconds(f"{prefix}up"), c.seconds(f"{prefix}noop up")
            lines.append(
                f"| {host} (W={workers}) | {c.latency * 1000:.0f} ms | {c.n} | {_num(up)} | "
                f"{_num(noop)} | {_num(s['ideal_s'])} | {_num(s['up_vs_ideal'])} | "
                f"{_num(c.seconds('adk loop'))} | {_num(s['up_vs_adk'])} |"
            )
    grown = growth(cells)
    if grown:
        lines += [
            "",
            "| latency | phase | ms/model above empty up, smallest N | same, largest N | growth |",
            "|---|---|---|---|---|",
        ]
    for g in grown:
        lines.append(
            f"| {g.latency * 1000:.0f} ms | {g.phase} | {g.s_per_model_min * 1000:.1f} (N={g.n_min}) | "
            f"{g.s_per_model_max * 1000:.1f} (N={g.n_max}) | {_num(g.ratio)} |"
        )
    return "\n".join(lines)


def to_json(cells: Sequence[Cell], meta: Mapping[str, Any]) -> dict[str, Any]:
    """What bench/results/engine.json holds: ``meta``, every cell's phases and summary, the growth."""
    out = []
    for c in cells:
        phases = {
            k: {
                **asdict(p),
                "total_requests": p.total_requests,
                "peak_rss_mib": p.peak_rss_mib,
                "s_per_model_above_empty_up": c.per_model(k),
            }
            for k, p in c.phases.items()
        }
        summary = {
            host: c.summary(host) for host in HOSTS if c.seconds(f"{host} up".removeprefix("dynamic "))
        }
        out.append({"latency_s": c.latency, "n": c.n, "phases": phases, "summary": summary})
    grown = [{**asdict(g), "ratio": g.ratio} for g in growth(cells)]
    return {"meta": dict(meta), "cells": out, "growth": grown}


# -- the command ----------------------------------------------------------------------------


def cells_of(
    mode: str, sizes: Sequence[int] | None, latencies: Sequence[float] | None
) -> list[tuple[float, int]]:
    """The mode's cells; ``--sizes`` / ``--latencies`` replace its values (every pair is run)."""
    cells = MODES[mode]
    if not sizes and not latencies:
        return list(cells)
    lats = latencies or sorted({lat for lat, _ in cells})
    ns = sizes or sorted({n for _, n in cells})
    return list(itertools.product(lats, ns))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--large" in argv:
        # N=1,000 through `pulumi up` on a project directory, per host and setting, beside the
        # ADK loop: bench/engine_large.py (its own options).
        sys.path.insert(0, str(HERE))
        import engine_large

        return engine_large.main([a for a in argv if a != "--large"])
    if "--tofu" in argv:
        # N=200 through `tofu apply` (terraform-provider-wxo), beside the ADK loop and N
        # built-in terraform_data resources: bench/engine_tofu.py (its own options).
        sys.path.insert(0, str(HERE))
        import engine_tofu

        return engine_tofu.main([a for a in argv if a != "--tofu"])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", dest="mode", action="store_const", const="quick", help="(default)")
    group.add_argument("--full", dest="mode", action="store_const", const="full", help="the whole matrix")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help="replace the mode's sizes")
    parser.add_argument("--latencies", type=float, nargs="+", metavar="S", help="replace its latencies")
    parser.add_argument(
        "--cli-dir", help="the Pulumi CLI's bin dir (default: PULUMI_WXO_CLI_DIR, or build it)"
    )
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "engine.json"), help="output file")
    parser.add_argument(
        "--hosts",
        nargs="+",
        choices=HOSTS,
        default=list(HOSTS),
        help="which hosts to measure: dynamic, native (the plugin); default both",
    )
    parser.add_argument(
        "--inline",
        action="store_true",
        help="Automation API inline programs instead of `pulumi` on a project directory (the default)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an environment variable for every engine run, e.g. PULUMI_SKIP_CHECKPOINTS=true",
    )
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env if "=" in item)
    if len(env) != len(args.env):
        parser.error("--env takes KEY=VALUE")
    mode = args.mode or "quick"
    if any(n < 1 for n in args.sizes or ()) or any(not 0 <= s <= 60 for s in args.latencies or ()):
        parser.error("sizes must be at least 1 and latencies between 0 and 60 seconds")
    plan = cells_of(mode, args.sizes, args.latencies)

    # Imported here: the helpers above stay importable without the engine's machinery.
    sys.path.insert(0, str(ROOT / "provider"))  # measure this checkout's package (also in PYTHONPATH)
    sys.path.insert(0, str(HERE))
    import engine_run as run

    cells: list[Cell] = []
    try:
        cli = run.cli_dir(args.cli_dir)
        meta: dict[str, Any] = {
            **run.metadata(cli),
            "mode": mode,
            "workers": WORKERS,
            "cells": plan,
            "env": env,
            "hosts": args.hosts,
            "native_workers": NATIVE_WORKERS,
            "path": "inline" if args.inline else "cli",
        }
        with (
            tempfile.TemporaryDirectory(prefix="wxo-bench-engine-") as tmp,
            run.emulator_process(Path(tmp)) as url,
        ):
            runner = run.Runner(Path(tmp), url, cli, API_PATH, env=env, inline=args.inline)
            try:
                runner.warm_up()
                for latency, n in plan:
                    cell = Cell(latency, n)
                    cells.append(cell)
                    runner.cell(latency, n, functools.partial(record, cell), tuple(args.hosts))
            finally:
                runner.close()
    except run.BenchError as exc:
        print(f"bench/engine.py: {exc}", file=sys.stderr)
        return 1
    meta["loadavg_end"] = list(os.getloadavg())
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(to_json(cells, meta), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    extra = "".join(f"; {k}={v}" for k, v in env.items())
    print(
        f"Engine benchmark ({mode}; {meta['path']} path; commit {meta['commit']}; {meta['cpus']} CPUs; "
        f"pulumi {meta['pulumi']}{extra})\n"
    )
    print(render_markdown(cells))
    print(f"\nwrote {out}")
    return 0


def record(cell: Cell, label: str, seen: Any) -> None:
    """A runner's observation (``engine_run.Observation``) as a :class:`Phase` of ``cell``; report it."""
    cell.phases[label] = phase = Phase.observed(seen.seconds, seen.log, seen.rss_text, seen.provider_cpu_text)
    phase.cpu_s = seen.cpu_seconds
    phase.program_cpu_s = parse_cpu(getattr(seen, "program_cpu_text", ""))
    phase.program_rss_kib = parse_rss(getattr(seen, "program_rss_text", ""))
    print(
        f"[engine] {cell.latency * 1000:.0f} ms, N={cell.n}, {label}: {phase.seconds:.2f} s, "
        f"{phase.total_requests} API requests",
        file=sys.stderr,
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
