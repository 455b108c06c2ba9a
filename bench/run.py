"""Benchmarks: each measurement is a ratio against a baseline measured in the same run.

    python bench/run.py [--quick] [--json bench/results/latest.json]

Absolute times depend on the machine; ratios to a baseline taken seconds apart on the same
machine do not (much). Nothing here is asserted by the test suite: performance is read from
these numbers, never from timed tests.

1. schema      validate_model (rules, did-you-mean, normalisation) vs bare pydantic validation
2. check+diff  the provider's per-resource preview work vs a JSON round-trip of the same inputs
3. create      ModelProvider.create against the emulator vs one bare POST of the same body
               (the transactional create looks the name up before and after: requests counted)
4. pooling     200 GETs through WxoClient (one pool) vs a new connection per request
5. memory      tracemalloc peak of validating 1000 models vs holding their raw dicts
6. validate    `pulumi-wxo validate DIR` of 1000 spec files, as a user runs it (a new process:
               interpreter start, imports, reading, parsing, every rule) vs a bare Python process
               that reads and YAML-parses the same files and nothing else
7. review      `pulumi-wxo review`'s work on a preview of 1000 changed models and one policy
               over all of them (json.loads, read the steps, render and split the Markdown) vs
               json.loads of the same document alone
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from pulumi_wxo._provider import ModelProvider
from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread
from pulumi_wxo.lifecycle import RUNTIME
from pulumi_wxo.review import parse_preview, render
from pulumi_wxo.schema import ModelSpec, is_secret_key, validate_model

MODEL: dict[str, Any] = {
    "name": "watsonx/ibm/granite-3-3-8b-instruct",
    "display_name": "Granite",
    "tags": ["ibm", "bench"],
    "provider_config": {"api_key": "bench-key-000", "watsonx_space_id": "space", "custom_host": "https://h"},
    "config": {"max_tokens": 2048.0, "temperature": 0.2, "top_p": 0.9, "stop": ["\n\n"]},
}


def timeit(fn: Callable[[], object], *, repeat: int, number: int) -> float:
    """Median seconds per call over ``repeat`` batches of ``number`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs)


def bench_schema(n: int) -> dict[str, float]:
    snake = {**MODEL, "name": "virtual-model/" + MODEL["name"]}
    ours = timeit(lambda: validate_model(MODEL), repeat=5, number=n)
    base = timeit(lambda: ModelSpec.model_validate(snake), repeat=5, number=n)
    return {"validate_model_us": ours * 1e6, "pydantic_baseline_us": base * 1e6, "ratio": ours / base}


def bench_check_diff(n: int) -> dict[str, float]:
    prov = ModelProvider()
    news = {**MODEL, "__provider": "blob", "adopt": False}
    checked = prov.check({}, dict(news)).inputs
    spec, _ = validate_model(MODEL)
    assert spec is not None
    olds = {**spec.effective(), "model_id": "x", "provider": "watsonx", "__provider": "blob"}

    def ours() -> None:
        prov.check({}, dict(news))
        prov.diff("x", olds, checked)

    def base() -> None:
        json.loads(json.dumps(news)) == json.loads(json.dumps(olds))  # noqa: B015 - the work is the point

    t_ours, t_base = timeit(ours, repeat=5, number=n), timeit(base, repeat=5, number=n)
    return {
        "check_diff_us": t_ours * 1e6,
        "json_roundtrip_baseline_us": t_base * 1e6,
        "ratio": t_ours / t_base,
    }


def bench_create(emu: EmulatorThread, n: int) -> dict[str, float]:
    RUNTIME.reset()
    RUNTIME.configure({"wxo:url": emu.url, "wxo:token": "bench-token"}.get, {})
    prov = ModelProvider()
    emu.control.reset()
    start = time.perf_counter()
    for i in range(n):
        prov.create(prov.check({}, {**MODEL, "name": f"openai/bench-{i}", "__provider": "b"}).inputs)
    ours = (time.perf_counter() - start) / n
    requests_ours = len(emu.control.requests()) / n
    emu.control.reset()
    with httpx.Client(base_url=f"{emu.url}/v1", headers={"Authorization": "Bearer bench-token"}) as raw:
        spec, _ = validate_model({**MODEL, "name": "openai/bench"})
        assert spec is not None
        body = spec.to_api()
        start = time.perf_counter()
        for i in range(n):
            raw.post("/models", json={**body, "name": f"virtual-model/openai/bench-{i}"}).raise_for_status()
        base = (time.perf_counter() - start) / n
    RUNTIME.reset()
    return {
        "create_ms": ours * 1e3,
        "bare_post_baseline_ms": base * 1e3,
        "ratio": ours / base,
        "requests_per_create": requests_ours,
    }


def bench_pooling(emu: EmulatorThread, n: int) -> dict[str, float]:
    from pulumi_wxo.api.client import WxoClient
    from pulumi_wxo.api.settings import ConnectionSettings

    settings = ConnectionSettings(url=emu.url, token="bench-token")
    with WxoClient(settings) as client:
        start = time.perf_counter()
        for _ in range(n):
            client.models.list(names=["virtual-model/openai/none"])
        pooled = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for _ in range(n):
        with WxoClient(settings) as fresh:
            fresh.models.list(names=["virtual-model/openai/none"])
    unpooled = (time.perf_counter() - start) / n
    return {"pooled_ms": pooled * 1e3, "new_client_each_ms": unpooled * 1e3, "ratio": pooled / unpooled}


def bench_memory(n: int) -> dict[str, float]:
    raws = [{**MODEL, "name": f"openai/m-{i}"} for i in range(n)]
    tracemalloc.start()
    kept = [dict(r) for r in raws]
    base = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start()
    specs = [validate_model(r)[0] for r in raws]
    ours = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(specs) == len(kept)
    return {"validated_kib": ours / 1024, "raw_dicts_kib": base / 1024, "ratio": ours / max(base, 1)}


SPEC = """\
spec_version: v1
kind: model
name: openai/bench-{i:04d}
display_name: Bench model {i}
description: One of 1000 files of the validate benchmark
tags: [bench]
provider_config:
  api_key: ${{secret:OPENAI_KEY}}
config:
  max_tokens: 1024
  temperature: 0.2
"""
# The floor: read and parse each file with PyYAML's C parser (what the spec loader uses when
# libyaml is there), build plain objects, check nothing.
_BARE = (
    "import pathlib, sys, yaml\n"
    "L = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')): yaml.load(p.read_text(), Loader=L)"
)


def bench_validate(n: int) -> dict[str, float]:
    """Wall time of ``pulumi-wxo validate`` over ``n`` files, each run a new process, vs the floor."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "provider"), os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryDirectory(prefix="wxo-bench-validate-") as tmp:
        for i in range(n):
            Path(tmp, f"model-{i:04d}.yaml").write_text(SPEC.format(i=i), encoding="utf-8")
        ours = [
            sys.executable,
            "-c",
            "import sys; from pulumi_wxo.cli import main; sys.exit(main())",
            "validate",
            tmp,
        ]
        bare = [sys.executable, "-c", _BARE, tmp]

        def run(cmd: list[str]) -> None:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"{cmd[1:3]} failed: {proc.stdout[-500:]}{proc.stderr[-500:]}")

        def cpu() -> float:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime

        # CPU seconds as well as wall seconds: on a busy machine the wall time of a process
        # measures the other jobs too, its CPU time much less so.
        before = cpu()
        ours_s = timeit(lambda: run(ours), repeat=5, number=1)
        ours_cpu, before = (cpu() - before) / 5, cpu()
        bare_s = timeit(lambda: run(bare), repeat=5, number=1)
        bare_cpu = (cpu() - before) / 5
    return {
        "files": float(n),
        "validate_s": ours_s,
        "bare_yaml_s": bare_s,
        "ratio": ours_s / bare_s,
        "validate_cpu_s": ours_cpu,
        "bare_yaml_cpu_s": bare_cpu,
        "cpu_ratio": ours_cpu / bare_cpu,
    }


def _preview_document(n: int) -> str:
    """``pulumi preview --json`` (the digest, native host) of ``n`` models that each change a
    field and carry a secret, and of one load-balancing policy whose weights all move."""
    urn = "urn:pulumi:prod::catalogue::wxo:index:{kind}::{name}"
    steps: list[dict[str, Any]] = []
    for i in range(n):
        name = f"virtual-model/openai/model-{i:04d}"
        old = {**MODEL, "name": name, "provider_config": {**MODEL["provider_config"], "api_key": "[secret]"}}
        new = {**old, "display_name": f"Model {i}", "config": {**MODEL["config"], "max_tokens": 4096}}
        steps.append(
            {
                "op": "update",
                "urn": urn.format(kind="Model", name=f"m{i}"),
                "oldState": {"type": "wxo:index:Model", "id": f"id-{i}", "inputs": old, "outputs": old},
                "newState": {"type": "wxo:index:Model", "inputs": new},
                "diffReasons": ["display_name", "config"],
            }
        )
    names = [f"virtual-model/openai/model-{i:04d}" for i in range(n)]
    policy = {"name": "virtual-policy/all", "strategy": {"mode": "loadbalance"}}
    before = [{"model_name": m, "weight": 1 / n} for m in names]
    after = [{"model_name": m, "weight": (2 if i % 2 else 0.5) / n} for i, m in enumerate(names)]
    steps.append(
        {
            "op": "update",
            "urn": urn.format(kind="ModelPolicy", name="all"),
            "oldState": {"type": "wxo:index:ModelPolicy", "id": "p", "inputs": {**policy, "targets": before}},
            "newState": {"type": "wxo:index:ModelPolicy", "inputs": {**policy, "targets": after}},
            "diffReasons": ["targets"],
        }
    )
    return json.dumps({"config": {}, "steps": steps, "changeSummary": {"update": n + 1}})


def bench_review(n: int) -> dict[str, float]:
    text = _preview_document(n)
    parts = 0

    def ours() -> None:
        nonlocal parts
        preview = parse_preview(json.loads(text), "prod.json")
        parts = len(render([preview], is_secret_key=is_secret_key).parts)

    ours_s = timeit(ours, repeat=5, number=1)
    base_s = timeit(lambda: json.loads(text), repeat=5, number=1)
    return {
        "models": float(n),
        "bytes": float(len(text)),
        "parts": float(parts),
        "review_s": ours_s,
        "json_loads_s": base_s,
        "ratio": ours_s / base_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer iterations (smoke run)")
    parser.add_argument("--json", default="bench/results/latest.json", help="where to write the results")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    results: dict[str, dict[str, float]] = {
        "schema": bench_schema(2000 // scale),
        "check_diff": bench_check_diff(2000 // scale),
        "memory": bench_memory(1000 // scale),
        "validate": bench_validate(1000 // scale),
        "review": bench_review(1000 // scale),
    }
    with EmulatorThread(EmulatorSettings(token="bench-token")) as emu:
        results["create"] = bench_create(emu, 50 // scale or 5)
        results["pooling"] = bench_pooling(emu, 200 // scale)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True), encoding="utf-8")
    for name, values in results.items():
        print(f"{name:11s} " + "  ".join(f"{k}={v:.2f}" for k, v in values.items()))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
