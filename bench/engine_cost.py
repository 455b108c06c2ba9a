"""Where the do-nothing engine cost goes: N resources that send no request, taken apart.

    python bench/engine_cost.py [--sizes N ...] [--json PATH]

bench/engine.py measures ``noop up``: N do-nothing dynamic resources through the real engine,
the floor under every ``up`` of N models. This benchmark splits that floor into its parts by
running, at each size N and in one process against one emulator (bench/engine_run.py's
workspace: temporary file backend and PULUMI_HOME, the CLI of scripts/pulumi-cli.sh):

    programs    empty        no resource: the engine's fixed cost of each phase
                components   N ``pulumi.ComponentResource``: the program registers N resources
                             and the engine records N steps, but no provider plugin is called
                noop         N do-nothing dynamic resources (bench/engine_noop.py), as in
                             bench/engine.py: the same registrations, plus check, diff and create
                             (or delete) calls to the dynamic host over gRPC
    settings    default      what a user gets
                skip         PULUMI_SKIP_CHECKPOINTS=true: the engine writes the state once at
                             the end instead of after every step (the engine's own switch)
    phases      up           a fresh stack's up (N creates)
                same up      up again, nothing changed (N "same" steps)
                preview      a no-op preview (no state is written)
                destroy

so that, per phase: ``components`` minus ``empty`` is the program's registrations and the
engine's steps; ``noop`` minus ``components`` is the dynamic host's per-call work (gRPC, the
SDK's property (de)serialisation, the provider cache); ``default`` minus ``skip`` is the
checkpoint writes. Each phase's time per resource is reported, and across sizes its growth:
a checkpoint written after each of N steps, each holding every resource so far, grows as N².
No test asserts a time: tests/unit/test_bench_engine_cost.py tests the pure helpers.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PROGRAMS = ("empty", "components", "noop")
SETTINGS: dict[str, dict[str, str]] = {
    "default": {},
    "skip": {"PULUMI_SKIP_CHECKPOINTS": "true"},
}
PHASES = ("up", "same up", "preview", "destroy")


# -- pure helpers (tests/unit/test_bench_engine_cost.py) --------------------------------------


@dataclass
class Costs:
    """Wall seconds per (program, setting, phase) at one size."""

    n: int
    seconds: dict[tuple[str, str, str], float] = field(default_factory=dict)
    cpu: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def get(self, program: str, setting: str, phase: str, *, cpu: bool = False) -> float | None:
        return (self.cpu if cpu else self.seconds).get((program, setting, phase))

    def parts(self, phase: str, *, cpu: bool = False) -> dict[str, float | None]:
        """The phase's default time split: registrations and steps, host calls, checkpoints.

        ``registrations``: components over the empty program (both skip); ``host calls``: noop
        over components (both skip); ``checkpoints``: noop default over noop skip. Each part is
        ``None`` when a time it needs was not measured.
        """
        empty_skip = self.get("empty", "skip", phase, cpu=cpu)
        comp_skip = self.get("components", "skip", phase, cpu=cpu)
        noop_skip = self.get("noop", "skip", phase, cpu=cpu)
        noop_default = self.get("noop", "default", phase, cpu=cpu)
        return {
            "total": noop_default,
            "registrations and steps": _sub(comp_skip, empty_skip),
            "dynamic host calls": _sub(noop_skip, comp_skip),
            "checkpoint writes": _sub(noop_default, noop_skip),
        }


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def growth(small: Costs, large: Costs, program: str, setting: str, phase: str) -> float | None:
    """Time per resource at the larger size over that at the smaller, above the empty program's."""
    per = []
    for c in (small, large):
        total, base = c.get(program, setting, phase), c.get("empty", setting, phase)
        if total is None or base is None:
            return None
        per.append((total - base) / c.n)
    return per[1] / per[0] if per[0] > 0 else None


def render_markdown(costs: Sequence[Costs]) -> str:
    """Three tables: every time, each phase's parts, and the growth between the sizes."""

    def num(v: float | None, spec: str = ".2f") -> str:
        return "-" if v is None else format(v, spec)

    lines = ["| N | program | setting | " + " | ".join(f"{p}: wall s (CPU s)" for p in PHASES) + " |"]
    lines.append("|---|---|---|" + "---|" * len(PHASES))
    for c in costs:
        for program in PROGRAMS:
            for setting in SETTINGS:
                row = " | ".join(
                    f"{num(c.get(program, setting, p))} ({num(c.get(program, setting, p, cpu=True))})"
                    for p in PHASES
                )
                lines.append(f"| {c.n} | {program} | {setting} | {row} |")
    lines += [
        "",
        "| N | phase | basis | total s | registrations and steps | dynamic host calls | checkpoint writes |",
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for c in costs:
        for phase in PHASES:
            for basis in ("wall", "CPU"):
                parts = c.parts(phase, cpu=basis == "CPU")
                total = parts["total"]
                cells = [num(total)]
                for key in ("registrations and steps", "dynamic host calls", "checkpoint writes"):
                    value = parts[key]
                    share = f" ({value / total:.0%})" if value is not None and total else ""
                    cells.append(num(value) + share)
                lines.append(f"| {c.n} | {phase} | {basis} | " + " | ".join(cells) + " |")
    if len(costs) >= 2:
        small, large = costs[0], costs[-1]
        lines += ["", f"| program | setting | phase | growth of s/resource, N={small.n} to N={large.n} |"]
        lines.append("|---|---|---|---|")
        for program in PROGRAMS[1:]:
            for setting in SETTINGS:
                for phase in PHASES:
                    g = growth(small, large, program, setting, phase)
                    lines.append(f"| {program} | {setting} | {phase} | {num(g)} |")
    return "\n".join(lines)


def to_json(costs: Sequence[Costs], meta: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "meta": dict(meta),
        "sizes": [
            {
                "n": c.n,
                "seconds": [
                    {
                        "program": p,
                        "setting": s,
                        "phase": ph,
                        "seconds": v,
                        "cpu_seconds": c.cpu.get((p, s, ph)),
                    }
                    for (p, s, ph), v in c.seconds.items()
                ],
                "parts": {phase: c.parts(phase) for phase in PHASES},
                "cpu_parts": {phase: c.parts(phase, cpu=True) for phase in PHASES},
            }
            for c in costs
        ],
    }


# -- the engine runs --------------------------------------------------------------------------


def components_program(n: int) -> Callable[[], None]:
    def program() -> None:
        import pulumi

        for i in range(n):
            pulumi.ComponentResource("bench:index:Empty", f"comp{i:04d}")

    return program


def measure_size(runner: Any, run: Any, n: int) -> Costs:
    """Every program, setting and phase at size ``n``; a phase that did the wrong thing stops."""
    costs = Costs(n)
    kw: dict[str, Any] = {"color": "never", "on_output": runner.output.append}
    programs = {"empty": run.empty_program, "components": components_program(n), "noop": run.noop_program(n)}
    for program_name, program in programs.items():
        for setting in SETTINGS:
            _measure_stack(runner, run, costs, program_name, setting, program, kw)
    return costs


def _measure_stack(
    runner: Any,
    run: Any,
    costs: Costs,
    program_name: str,
    setting: str,
    program: Callable[[], None],
    kw: dict[str, Any],
) -> None:
    n = costs.n
    name = f"{program_name}-{setting}-n{n}"
    stack = runner.stack(name, env=SETTINGS[setting])

    def phase(label: str, action: Callable[[], Any]) -> Any:
        observed, result = runner.measure(action)
        costs.seconds[(program_name, setting, label)] = observed.seconds
        costs.cpu[(program_name, setting, label)] = observed.cpu_seconds
        print(
            f"[cost] N={n} {name} {label}: {observed.seconds:.2f} s, {observed.cpu_seconds:.2f} s CPU",
            file=sys.stderr,
        )
        return result

    up = phase("up", lambda: stack.up(program=program, **kw))
    created = 1 + (0 if program_name == "empty" else n)  # the stack resource, and N
    runner.check(run.changes(up.summary.resource_changes) == {"create": created}, f"{name}: up")
    same = phase("same up", lambda: stack.up(program=program, **kw))
    runner.check(run.changes(same.summary.resource_changes) == {}, f"{name}: the same up changed")
    pre = phase("preview", lambda: stack.preview(program=program, **kw))
    runner.check(run.changes(pre.change_summary) == {}, f"{name}: the preview changed")
    phase("destroy", lambda: stack.destroy(**kw))
    stack.workspace.remove_stack(name, force=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200], metavar="N")
    parser.add_argument("--cli-dir", help="the Pulumi CLI's bin dir (default: PULUMI_WXO_CLI_DIR or a build)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "engine_cost.json"))
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        parser.error("sizes must be at least 1")
    sys.path.insert(0, str(ROOT / "provider"))
    sys.path.insert(0, str(HERE))
    import engine_run as run

    cli = run.cli_dir(args.cli_dir)
    costs: list[Costs] = []
    with (
        tempfile.TemporaryDirectory(prefix="wxo-bench-cost-") as tmp,
        run.emulator_process(Path(tmp)) as url,
    ):
        runner = run.Runner(Path(tmp), url, cli, run_api_path())
        try:
            runner.warm_up()
            for n in sorted(args.sizes):
                costs.append(measure_size(runner, run, n))
        finally:
            runner.close()
        meta = {**run.metadata(cli), "sizes": sorted(args.sizes)}
    print(f"Engine cost (commit {meta['commit']}; {meta['cpus']} CPUs; {meta['pulumi']})\n")
    print(render_markdown(costs))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(to_json(costs, meta), indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


def run_api_path() -> str:
    from engine import API_PATH

    return API_PATH


if __name__ == "__main__":
    sys.exit(main())
