"""OpenTofu: N models through ``tofu apply`` (terraform-provider-wxo), beside baselines of the same run.

    python bench/engine.py --tofu [--n 200] [--latency 0.25] [--parallelism P ...] [--no-adk]
                                  [--quick] [--tofu-dir DIR] [--json PATH] [--render JSON]

What users run: a configuration directory (``main.tf``: N ``wxo_model`` resources, each with a
plain ``api_key``) and the ``tofu`` command of scripts/tofu.sh (OpenTofu 1.6.3), with the plugin
wired in as the user guide says, through a CLI configuration (``TF_CLI_CONFIG_FILE``) whose
``dev_overrides`` block points at a ``terraform-provider-wxo`` script; no ``tofu init``. The
provider reads ``WXO_URL`` and ``WXO_TOKEN``. The emulator (``python -m pulumi_wxo.emulator``)
runs in a subprocess and delays every API request by the latency, as in bench/engine.py. The
phases, in order, all in one run:

    adk loop      N sequential ``ModelsClient.create`` calls of IBM's ADK client (baseline a)
    noop apply    N built-in ``terraform_data`` resources: tofu's own cost, no provider (baseline b)
    noop plan     a no-op ``tofu plan`` of those N
    apply         the N models, tofu's default -parallelism=10 (checked: N POSTs, N on the server)
    plan          a no-op ``tofu plan -detailed-exitcode`` of the N models (checked: exit 0)
    destroy       ``tofu destroy`` (checked: the server is empty)
    noop apply -parallelism=P, apply -parallelism=P
                  for each ``--parallelism`` (default 32), on fresh state and an empty server

Reported per phase: wall seconds, API requests, CPU seconds of the children (tofu and the
plugin) and of the plugin processes alone, and the plugin's peak RSS (the ``terraform-provider-wxo``
script runs the interpreter through bench/engine_rss.py, as the Pulumi benches do). Per
parallelism P: apply / (noop apply + N x L / P), the ideal of a provider that costs nothing
but one round trip per model, P at a time; apply / noop apply; ADK loop / apply. And plan /
noop plan. A Markdown table on stdout, JSON in bench/results/engine-tofu.json (git-ignored,
written again after every phase); progress on stderr. ``--quick`` is a smoke run (N=20, 50 ms).
No test asserts a time: tests/unit/test_bench_tofu.py tests the pure helpers here.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # engine.py and engine_run.py, also when imported as bench.engine_tofu

import engine as _engine  # noqa: E402

TOFU_PARALLELISM = 10  # tofu's default -parallelism
EXTRA_PARALLELISM = (32,)
QUICK = (20, 0.05)  # --quick: N, latency
COMMAND_TIMEOUT = 1800
HEADER = """terraform {
  required_providers {
    wxo = { source = "pulumi-wxo/wxo" }
  }
}

provider "wxo" {}
"""
MODEL = """
resource "wxo_model" "m{i:04d}" {{
  name         = "openai/bench-{i:04d}"
  display_name = "Bench model {i}"
  provider_config {{
    api_key = "sk-bench-{i:04d}"
  }}
}}
"""
NOOP = """
resource "terraform_data" "noop{i:04d}" {{
  input = "{i:04d}"
}}
"""
_APPLY_RE = re.compile(r"Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed\.")
_DESTROY_RE = re.compile(r"Destroy complete! Resources: (\d+) destroyed\.")


# -- pure helpers (tests/unit/test_bench_tofu.py) ---------------------------------------------


def models_tf(n: int) -> str:
    """``main.tf`` of N models, as bench/engine_run.models_program declares them for Pulumi."""
    return HEADER + "".join(MODEL.format(i=i) for i in range(n))


def noop_tf(n: int) -> str:
    """``main.tf`` of N built-in ``terraform_data`` resources: no provider plugin is started."""
    return "".join(NOOP.format(i=i) for i in range(n))


def parse_totals(text: str) -> dict[str, int]:
    """The last line of ``tofu apply`` or ``tofu destroy``: ``{"added": 200, "changed": 0, ...}``."""
    applied = _APPLY_RE.findall(text)
    if applied:
        added, changed, destroyed = applied[-1]
        return {"added": int(added), "changed": int(changed), "destroyed": int(destroyed)}
    destroyed_only = _DESTROY_RE.findall(text)
    return {"destroyed": int(destroyed_only[-1])} if destroyed_only else {}


def phase_name(kind: str, parallelism: int | None = None) -> str:
    """``apply``, ``noop apply``, ``apply -parallelism=32``: the default parallelism goes unnamed."""
    if parallelism is None or parallelism == TOFU_PARALLELISM:
        return kind
    return f"{kind} -parallelism={parallelism}"


def parallelism_args(parallelism: int | None) -> list[str]:
    return [] if parallelism is None else [f"-parallelism={parallelism}"]


@dataclass
class TofuPhase:
    """One measured phase."""

    seconds: float
    requests: dict[str, int] = field(default_factory=dict)
    routes: dict[str, int] = field(default_factory=dict)
    cpu_self_s: float = 0.0  # this process: the ADK loop runs here
    cpu_children_s: float = 0.0  # tofu and the plugin processes it started
    plugin_cpu_s: float = 0.0  # of the children: the plugin processes (bench/engine_rss.py)
    plugin_rss_kib: list[int] = field(default_factory=list)  # one per plugin process started

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def plugin_peak_rss_mib(self) -> float | None:
        return max(self.plugin_rss_kib) / 1024 if self.plugin_rss_kib else None


def _num(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def summary(
    phases: Mapping[str, TofuPhase], n: int, latency: float, parallelisms: Sequence[int]
) -> dict[str, Any]:
    """The ratios: per parallelism, apply against the ideal, the noop apply, the ADK loop; plans.

    ``parallelisms``: the extra ones measured; tofu's default (10) comes first. A phase that was
    not measured (a stopped run) leaves ``None`` in the ratios that need it."""

    def secs(name: str) -> float | None:
        phase = phases.get(name)
        return phase.seconds if phase else None

    adk = secs("adk loop")
    rows = []
    for p in (TOFU_PARALLELISM, *(q for q in parallelisms if q != TOFU_PARALLELISM)):
        apply, noop = secs(phase_name("apply", p)), secs(phase_name("noop apply", p))
        ideal = None if noop is None else _engine.ideal_seconds(noop, n, latency, p)
        rows.append(
            {
                "parallelism": p,
                "apply_s": apply,
                "noop_apply_s": noop,
                "ideal_s": ideal,
                "apply_over_ideal": _engine.ratio(apply, ideal),
                "apply_over_noop": _engine.ratio(apply, noop),
                "adk_s": adk,
                "adk_over_apply": _engine.ratio(adk, apply),
            }
        )
    plan, noop_plan = secs("plan"), secs("noop plan")
    plan_phase = phases.get("plan")
    return {
        "apply": rows,
        "plan": {
            "plan_s": plan,
            "noop_plan_s": noop_plan,
            "plan_over_noop": _engine.ratio(plan, noop_plan),
            "requests": dict(plan_phase.requests) if plan_phase else None,
        },
    }


def render(phases: Mapping[str, TofuPhase], meta: Mapping[str, Any]) -> str:
    """Three Markdown tables: every phase, the applies against their baselines, the plan."""
    n, latency = meta["n"], meta["latency_s"]
    parallelisms = meta.get("parallelisms", list(EXTRA_PARALLELISM))
    lines = [
        f"N={n}, {latency * 1000:.0f} ms per API request",
        "",
        "| phase | wall s | API requests | req/model | CPU s: tofu and plugins (plugins) "
        "| plugin starts | plugin peak RSS MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, p in phases.items():
        reqs = " ".join(f"{m} {k}" for m, k in p.requests.items()) or "0"
        cpu = f"{p.cpu_self_s + p.cpu_children_s:.1f} ({p.plugin_cpu_s:.1f})"
        lines.append(
            f"| {name} | {p.seconds:.2f} | {reqs} | {p.total_requests / n:.2f} | {cpu} "
            f"| {len(p.plugin_rss_kib)} | {_num(p.plugin_peak_rss_mib, '.0f')} |"
        )
    s = summary(phases, n, latency, parallelisms)
    lines += [
        "",
        "| parallelism | apply s | noop apply s | ideal s = noop + N·L/P | apply / ideal "
        "| apply / noop apply | ADK loop s | ADK loop / apply |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in s["apply"]:
        lines.append(
            f"| {row['parallelism']} | {_num(row['apply_s'])} | {_num(row['noop_apply_s'])} "
            f"| {_num(row['ideal_s'])} | {_num(row['apply_over_ideal'])} | {_num(row['apply_over_noop'])} "
            f"| {_num(row['adk_s'])} | {_times(row['adk_over_apply'])} |"
        )
    plan = s["plan"]
    reqs = " ".join(f"{m} {k}" for m, k in (plan["requests"] or {}).items()) or "0"
    lines += [
        "",
        "| no-op plan s | noop plan s | plan / noop plan | plan API requests |",
        "|---|---|---|---|",
        f"| {_num(plan['plan_s'])} | {_num(plan['noop_plan_s'])} | {_num(plan['plan_over_noop'])} | {reqs} |",
    ]
    return "\n".join(lines)


def to_json(phases: Mapping[str, TofuPhase], meta: Mapping[str, Any]) -> dict[str, Any]:
    parallelisms = meta.get("parallelisms", list(EXTRA_PARALLELISM))
    return {
        "meta": dict(meta),
        "order": list(phases),
        "phases": {
            k: {**asdict(p), "total_requests": p.total_requests, "plugin_peak_rss_mib": p.plugin_peak_rss_mib}
            for k, p in phases.items()
        },
        "summary": summary(phases, meta["n"], meta["latency_s"], parallelisms),
    }


def from_json(data: Mapping[str, Any]) -> dict[str, TofuPhase]:
    """The phases of a JSON file written by :func:`to_json` (also a run stopped half way)."""
    names = {f.name for f in TofuPhase.__dataclass_fields__.values()}
    return {
        name: TofuPhase(**{k: v for k, v in data["phases"][name].items() if k in names})
        for name in data["order"]
    }


def heading(meta: Mapping[str, Any]) -> str:
    end = meta.get("loadavg_end") or meta.get("loadavg_now") or [float("nan")]
    return (
        f"OpenTofu benchmark (commit {meta['commit']}; {meta['date']}; {meta['cpus']} CPUs; "
        f"{meta['tofu']}; load average {meta['loadavg_start'][0]:.2f} at the start, "
        f"{end[0]:.2f} at the end)"
    )


# -- the machinery ----------------------------------------------------------------------------


def _log(msg: str) -> None:
    print(f"[tofu {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _rusage() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def tofu_dir(given: str | None) -> Path:
    """The directory of ``tofu``: ``given``, PULUMI_WXO_TOFU_DIR, or what scripts/tofu.sh builds."""
    import engine_run as run

    given = given or os.environ.get("PULUMI_WXO_TOFU_DIR")
    if given and Path(given, "tofu").exists():
        return Path(given)
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "tofu.sh")], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise run.BenchError("no tofu (scripts/tofu.sh failed):\n" + proc.stderr[-2000:])
    return Path(proc.stdout.strip().splitlines()[-1])


def metadata(tofu: Path) -> dict[str, Any]:
    def out(*cmd: str) -> str:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    dirty = bool(out("git", "status", "--porcelain", "--untracked-files=no"))
    return {
        "commit": out("git", "rev-parse", "--short", "HEAD") + ("-dirty" if dirty else ""),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpus": os.cpu_count(),
        "loadavg_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "tofu": (out(str(tofu / "tofu"), "version").splitlines() or ["tofu ?"])[0],
    }


class TofuRunner:
    """The emulator, two configuration directories (models, terraform_data) and ``tofu``."""

    def __init__(self, tmp: Path, url: str, tofu: Path, latency: float, n: int) -> None:
        import engine_run as run

        from pulumi_wxo.emulator import EmulatorControl

        self.run = run
        self.url, self.latency, self.n = url, latency, n
        self.tofu = str(tofu / "tofu")
        self.control = EmulatorControl(url, timeout=120)
        wrapper, self.rss_file, _modules = run.write_helpers(tmp)
        plugins = tmp / "tf-plugins"
        plugins.mkdir()
        script = plugins / "terraform-provider-wxo"
        words = [str(wrapper), "-m", "pulumi_wxo.terraform.server"]
        script.write_text(f'#!/bin/sh\nexec {shlex.join(words)} "$@"\n', encoding="utf-8")
        script.chmod(0o755)
        cli_config = tmp / "tofu.tfrc"
        cli_config.write_text(
            f'provider_installation {{\n  dev_overrides {{ "pulumi-wxo/wxo" = "{plugins}" }}\n'
            "  direct {}\n}\n",
            encoding="utf-8",
        )
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("WXO_", "TF_"))}
        self.env = {
            **keep,
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "PYTHONPATH": run.python_path(ROOT / "provider"),
            "WXO_URL": url,
            "WXO_TOKEN": run.TOKEN,
        }
        self.dirs = {"models": tmp / "models", "noop": tmp / "noop"}
        for d in self.dirs.values():
            d.mkdir()
        (self.dirs["models"] / "main.tf").write_text(models_tf(n), encoding="utf-8")
        (self.dirs["noop"] / "main.tf").write_text(noop_tf(n), encoding="utf-8")
        self.output = ""
        self.code = 0

    def close(self) -> None:
        self.control.close()

    def reset(self) -> None:
        """Empty the emulator (a reset clears faults too), then delay every API request."""
        self.control.reset()
        self.control.add_fault(path=_engine.API_PATH, delay=self.latency)

    def fresh_state(self, which: str) -> None:
        for name in ("terraform.tfstate", "terraform.tfstate.backup"):
            (self.dirs[which] / name).unlink(missing_ok=True)

    def tofu_cmd(self, which: str, *args: str, codes: tuple[int, ...] = (0,)) -> None:
        proc = subprocess.run(
            [self.tofu, *args, *([] if args[0] == "validate" else ["-input=false"]), "-no-color"],
            cwd=self.dirs[which],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        self.output, self.code = proc.stdout + proc.stderr, proc.returncode
        if proc.returncode not in codes:
            raise self.run.BenchError(
                f"tofu {' '.join(args)} exited {proc.returncode}:\n{self.output[-4000:]}"
            )

    def measure(self, action: Callable[[], Any]) -> TofuPhase:
        self.control.clear_requests()
        files = [self.rss_file, self.rss_file.with_name(self.rss_file.name + ".cpu")]
        for path in files:
            path.write_text("", encoding="ascii")
        own, kids = _rusage()
        start = time.perf_counter()
        action()
        seconds = time.perf_counter() - start
        own2, kids2 = _rusage()
        log = self.control.requests()
        rss, cpu = (path.read_text(encoding="ascii") for path in files)
        return TofuPhase(
            seconds,
            _engine.count_requests(log),
            _engine.count_routes(log),
            own2 - own,
            kids2 - kids,
            _engine.parse_cpu(cpu),
            _engine.parse_rss(rss),
        )

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            raise self.run.BenchError(f"{what}\n--- last tofu output ---\n{self.output[-4000:]}")

    def models_on_server(self) -> int:
        return len(self.control.state()["models"])

    def warm_up(self) -> None:
        """Unmeasured: ``tofu validate`` of both directories (tofu, the plugin's imports, caches)."""
        for which in self.dirs:
            self.tofu_cmd(which, "validate")

    def adk(self, record: Callable[[str, TofuPhase], TofuPhase]) -> None:
        self.reset()
        record("adk loop", self.measure(lambda: self.run.adk_loop(self.url, self.n)))
        self.check(self.models_on_server() == self.n, f"the ADK loop did not create {self.n}")
        self.control.reset()

    def noop_apply(self, record: Callable[[str, TofuPhase], TofuPhase], parallelism: int | None) -> None:
        self.fresh_state("noop")
        args = ("apply", "-auto-approve", *parallelism_args(parallelism))
        phase = record(
            phase_name("noop apply", parallelism), self.measure(lambda: self.tofu_cmd("noop", *args))
        )
        self.check(parse_totals(self.output).get("added") == self.n, f"noop apply did not add {self.n}")
        self.check(phase.total_requests == 0, f"noop apply sent API requests: {phase.requests}")

    def noop_plan(self, record: Callable[[str, TofuPhase], TofuPhase]) -> None:
        record("noop plan", self.measure(lambda: self.tofu_cmd("noop", "plan", "-detailed-exitcode")))

    def apply(self, record: Callable[[str, TofuPhase], TofuPhase], parallelism: int | None) -> None:
        self.reset()
        self.fresh_state("models")
        args = ("apply", "-auto-approve", *parallelism_args(parallelism))
        name = phase_name("apply", parallelism)
        phase = record(name, self.measure(lambda: self.tofu_cmd("models", *args)))
        self.check(parse_totals(self.output).get("added") == self.n, f"{name} did not add {self.n}")
        self.check(self.models_on_server() == self.n, f"{name}: the server lacks {self.n} models")
        self.check(phase.requests.get("POST") == self.n, f"{name}: not {self.n} POSTs: {phase.requests}")

    def plan(self, record: Callable[[str, TofuPhase], TofuPhase]) -> None:
        # -detailed-exitcode: 0 no changes, 2 changes (refused: a plan that is not a no-op).
        record("plan", self.measure(lambda: self.tofu_cmd("models", "plan", "-detailed-exitcode")))

    def destroy(self, record: Callable[[str, TofuPhase], TofuPhase]) -> None:
        record("destroy", self.measure(lambda: self.tofu_cmd("models", "destroy", "-auto-approve")))
        self.check(parse_totals(self.output).get("destroyed") == self.n, f"destroy did not destroy {self.n}")
        self.check(self.models_on_server() == 0, "destroy left models on the server")


def run_phases(
    runner: TofuRunner,
    record: Callable[[str, TofuPhase], TofuPhase],
    *,
    adk: bool,
    parallelisms: Sequence[int],
) -> None:
    """Every phase, in the order of the module's docstring."""
    if adk:
        runner.adk(record)
    runner.reset()
    runner.warm_up()
    runner.noop_apply(record, None)
    runner.noop_plan(record)
    runner.apply(record, None)
    runner.plan(record)
    runner.destroy(record)
    for p in parallelisms:
        if p == TOFU_PARALLELISM:
            continue
        runner.noop_apply(record, p)
        runner.apply(record, p)
    runner.control.reset()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/engine.py --tofu",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--n", type=int, default=200, help="models (default 200)")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per API request (default 0.25)")
    parser.add_argument(
        "--quick", action="store_true", help=f"a smoke run: N={QUICK[0]}, {QUICK[1] * 1000:.0f} ms"
    )
    parser.add_argument(
        "--parallelism",
        type=int,
        nargs="*",
        default=list(EXTRA_PARALLELISM),
        metavar="P",
        help="apply again with -parallelism=P (default 32; none: only tofu's default, 10)",
    )
    parser.add_argument("--no-adk", action="store_true", help="leave the ADK loop out")
    parser.add_argument(
        "--tofu-dir", help="the directory of tofu (default: PULUMI_WXO_TOFU_DIR, or build it)"
    )
    import engine_run as run

    run.add_result_arguments(parser, "engine-tofu.json")
    args = parser.parse_args(argv)
    if args.render:
        return run.render_saved(args.render, heading, lambda data: render(from_json(data), data["meta"]))
    n, latency = QUICK if args.quick else (args.n, args.latency)
    if n < 1 or not 0 <= latency <= 60 or any(p < 1 for p in args.parallelism):
        parser.error("--n and --parallelism must be at least 1 and --latency between 0 and 60 seconds")

    sys.path.insert(0, str(ROOT / "provider"))
    import engine_run as run

    phases: dict[str, TofuPhase] = {}
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {}

    def save() -> None:
        out.write_text(json.dumps(to_json(phases, meta), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def record(name: str, phase: TofuPhase) -> TofuPhase:
        phases[name] = phase
        meta["loadavg_now"] = list(os.getloadavg())
        save()
        _log(
            f"{name}: {phase.seconds:.2f} s, {phase.total_requests} API requests, "
            f"CPU {phase.cpu_self_s:.1f} + {phase.cpu_children_s:.1f} s"
        )
        return phase

    try:
        tofu = tofu_dir(args.tofu_dir)
        meta.update(metadata(tofu), mode="tofu", n=n, latency_s=latency, parallelisms=args.parallelism)
        with (
            tempfile.TemporaryDirectory(prefix="wxo-bench-tofu-") as tmp,
            run.emulator_process(Path(tmp)) as url,
        ):
            runner = TofuRunner(Path(tmp), url, tofu, latency, n)
            try:
                run_phases(runner, record, adk=not args.no_adk, parallelisms=args.parallelism)
            finally:
                runner.close()
    except run.BenchError as exc:
        print(f"bench/engine.py --tofu: {exc}", file=sys.stderr)
        if not phases:
            return 1
    meta["loadavg_end"] = list(os.getloadavg())
    save()
    print(heading(meta) + "\n")
    print(render(phases, meta))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
