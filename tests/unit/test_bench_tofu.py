"""The OpenTofu benchmark's pure helpers (bench/engine_tofu.py): configurations, totals, ratios, tables.

No tofu, no emulator, no sockets: the helpers are fed tofu's output and timings written here.
"""

from __future__ import annotations

import json
import os
import re
import sys
import types
from pathlib import Path

import pytest
from bench import engine, engine_run, engine_tofu
from bench.engine_tofu import TofuPhase

pytestmark = pytest.mark.unit

APPLY_OUTPUT = """wxo_model.m0001: Creation complete after 0s [id=3a1a55c3]

Apply complete! Resources: 200 added, 0 changed, 0 destroyed.
"""
DESTROY_OUTPUT = """Plan: 0 to add, 0 to change, 200 to destroy.
wxo_model.m0000: Destruction complete after 0s

Destroy complete! Resources: 200 destroyed.
"""

_RESOURCE_RE = re.compile(
    r'resource "wxo_model" "(\w+)" \{\s*name\s*= "([^"]+)"\s*display_name = "([^"]+)"\s*'
    r'provider_config \{\s*api_key = "([^"]+)"\s*\}\s*\}'
)


def test_the_configuration_declares_the_models_the_pulumi_benches_declare(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same names, display names and keys as bench/engine_run.models_program: same requests."""
    declared: list[tuple[str, str, str, str]] = []
    wxo = types.ModuleType("pulumi_wxo")
    wxo.Model = lambda resource_name, **kw: declared.append(  # type: ignore[attr-defined]
        (resource_name, kw["name"], kw["display_name"], kw["provider_config"]["api_key"])
    )
    monkeypatch.setitem(sys.modules, "pulumi_wxo", wxo)
    engine_run.models_program(3)()
    text = engine_tofu.models_tf(3)
    assert _RESOURCE_RE.findall(text) == declared
    assert len(declared) == 3
    assert text.startswith(engine_tofu.HEADER) and 'source = "pulumi-wxo/wxo"' in text
    assert text.count("resource ") == 3


def test_the_baseline_configuration_uses_no_provider_plugin() -> None:
    text = engine_tofu.noop_tf(4)
    assert re.findall(r'resource "(\w+)" "(\w+)"', text) == [
        ("terraform_data", f"noop{i:04d}") for i in range(4)
    ]
    assert "wxo" not in text and "provider" not in text and "required_providers" not in text


def test_totals_are_read_from_the_last_line_of_apply_and_destroy() -> None:
    assert engine_tofu.parse_totals(APPLY_OUTPUT) == {"added": 200, "changed": 0, "destroyed": 0}
    assert engine_tofu.parse_totals(DESTROY_OUTPUT) == {"destroyed": 200}
    twice = "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n" + APPLY_OUTPUT
    assert engine_tofu.parse_totals(twice)["added"] == 200
    # A plan's line and a failed apply are no totals.
    assert engine_tofu.parse_totals("Plan: 200 to add, 0 to change, 0 to destroy.\n") == {}
    assert engine_tofu.parse_totals("Error: creating wxo_model.m0001: 409\n") == {}


def test_phase_names_say_the_flag_a_user_would_type() -> None:
    assert engine_tofu.phase_name("apply") == "apply"
    assert engine_tofu.phase_name("apply", 10) == "apply"  # tofu's default goes unnamed
    assert engine_tofu.phase_name("noop apply", 32) == "noop apply -parallelism=32"
    assert engine_tofu.parallelism_args(None) == []
    assert engine_tofu.parallelism_args(32) == ["-parallelism=32"]


def phases() -> dict[str, TofuPhase]:
    plugin = {"cpu_children_s": 9.0, "plugin_cpu_s": 6.0, "plugin_rss_kib": [80 * 1024, 84 * 1024]}
    return {
        "adk loop": TofuPhase(52.0, {"POST": 200}, {"POST /models": 200}, cpu_self_s=2.0),
        "noop apply": TofuPhase(1.0, cpu_children_s=1.2),
        "noop plan": TofuPhase(0.5),
        "apply": TofuPhase(8.0, {"GET": 2, "POST": 200}, **plugin),  # type: ignore[arg-type]
        "plan": TofuPhase(4.0, {"GET": 1}, **plugin),  # type: ignore[arg-type]
        "noop apply -parallelism=32": TofuPhase(0.9),
        "apply -parallelism=32": TofuPhase(6.5, {"GET": 2, "POST": 200}),
    }


META = {
    "commit": "abc1234",
    "date": "2026-12-07T04:00:00Z",
    "cpus": 2,
    "tofu": "OpenTofu v1.6.3",
    "loadavg_start": [2.5, 2.0, 1.0],
    "loadavg_now": [3.5, 2.0, 1.0],
    "n": 200,
    "latency_s": 0.25,
    "parallelisms": [32],
}


def test_each_apply_is_compared_with_baselines_at_its_own_parallelism() -> None:
    s = engine_tofu.summary(phases(), 200, 0.25, [32])
    default, wide = s["apply"]
    assert default["parallelism"] == 10 and wide["parallelism"] == 32
    # ideal = noop apply + N x L / P: 1.0 + 200 x 0.25 / 10 = 6.0; 0.9 + 50 / 32
    assert default["ideal_s"] == pytest.approx(6.0)
    assert default["apply_over_ideal"] == pytest.approx(8.0 / 6.0)
    assert default["apply_over_noop"] == pytest.approx(8.0)
    assert default["adk_over_apply"] == pytest.approx(52.0 / 8.0)
    assert wide["ideal_s"] == pytest.approx(0.9 + 50 / 32)
    assert wide["adk_over_apply"] == pytest.approx(52.0 / 6.5)
    assert s["plan"] == {"plan_s": 4.0, "noop_plan_s": 0.5, "plan_over_noop": 8.0, "requests": {"GET": 1}}


def test_a_stopped_run_leaves_the_ratios_it_cannot_compute_empty() -> None:
    partial = {k: v for k, v in phases().items() if k in ("adk loop", "noop apply")}
    s = engine_tofu.summary(partial, 200, 0.25, [10, 32])
    assert [row["parallelism"] for row in s["apply"]] == [10, 32]  # the default once
    assert s["apply"][0]["ideal_s"] == pytest.approx(6.0)
    assert s["apply"][0]["apply_over_ideal"] is None and s["apply"][0]["adk_over_apply"] is None
    assert s["apply"][1]["ideal_s"] is None
    assert s["plan"]["plan_over_noop"] is None and s["plan"]["requests"] is None
    without_adk = {k: v for k, v in phases().items() if k != "adk loop"}
    assert "| 10 | 8.00 | 1.00 | 6.00 | 1.33 | 8.00 | - | - |" in engine_tofu.render(without_adk, META)


def test_the_tables_show_every_phase_and_every_ratio() -> None:
    text = engine_tofu.render(phases(), META)
    lines = text.splitlines()
    assert lines[0] == "N=200, 250 ms per API request"
    assert "| adk loop | 52.00 | POST 200 | 1.00 | 2.0 (0.0) | 0 | - |" in lines
    assert "| apply | 8.00 | GET 2 POST 200 | 1.01 | 9.0 (6.0) | 2 | 84 |" in lines
    assert "| noop plan | 0.50 | 0 | 0.00 | 0.0 (0.0) | 0 | - |" in lines
    assert "| 10 | 8.00 | 1.00 | 6.00 | 1.33 | 8.00 | 52.00 | 6.50x |" in lines
    assert "| 32 | 6.50 | 0.90 | 2.46 | 2.64 | 7.22 | 52.00 | 8.00x |" in lines
    assert "| 4.00 | 0.50 | 8.00 | GET 1 |" in lines
    for line in lines[1:]:
        assert not line or (line.startswith("|") and line.endswith("|")), line


def test_the_json_round_trips_in_phase_order() -> None:
    data = json.loads(json.dumps(engine_tofu.to_json(phases(), META), sort_keys=True))
    assert data["order"] == list(phases())
    assert data["phases"]["apply"]["total_requests"] == 202
    assert data["phases"]["apply"]["plugin_peak_rss_mib"] == 84.0
    assert data["summary"]["apply"][0]["adk_over_apply"] == pytest.approx(6.5)
    back = engine_tofu.from_json(data)
    assert list(back) == list(phases()) and back == phases()
    assert engine_tofu.render(back, data["meta"]) == engine_tofu.render(phases(), META)


def test_engine_tofu_renders_a_json_file_written_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``bench/engine.py --tofu --render FILE``: the tables of a run, also one stopped half way."""
    path = tmp_path / "tofu.json"
    path.write_text(json.dumps(engine_tofu.to_json(phases(), META)))
    assert engine.main(["--tofu", "--render", str(path)]) == 0
    out = capsys.readouterr().out
    assert "OpenTofu benchmark (commit abc1234; 2026-12-07T04:00:00Z; 2 CPUs; OpenTofu v1.6.3;" in out
    assert "load average 2.50 at the start, 3.50 at the end" in out
    assert "| 10 | 8.00 | 1.00 | 6.00 | 1.33 | 8.00 | 52.00 | 6.50x |" in out


@pytest.mark.parametrize("args", [["--n", "0"], ["--latency", "-1"], ["--parallelism", "0"]])
def test_engine_tofu_refuses_nonsense(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        engine.main(["--tofu", *args])
    assert "at least 1" in capsys.readouterr().err


def test_the_runner_wires_the_plugin_in_as_the_guide_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev_overrides to a directory whose terraform-provider-wxo runs this checkout's server
    through the RSS wrapper; the developer's own WXO_* and TF_* settings are not inherited."""
    monkeypatch.setenv("WXO_API_KEY", "a-developers-own-key")
    monkeypatch.setenv("TF_WORKSPACE", "theirs")
    runner = engine_tofu.TofuRunner(tmp_path, "http://127.0.0.1:9", tmp_path / "tofu-bin", 0.25, 3)
    try:
        tfrc = Path(runner.env["TF_CLI_CONFIG_FILE"]).read_text()
        plugins = Path(re.findall(r'"pulumi-wxo/wxo" = "([^"]+)"', tfrc)[0])
        script = plugins / "terraform-provider-wxo"
        assert os.access(script, os.X_OK)
        assert "python-rss -m pulumi_wxo.terraform.server" in script.read_text()
        assert runner.env["WXO_URL"] == "http://127.0.0.1:9" and runner.env["WXO_TOKEN"] == engine_run.TOKEN
        assert "WXO_API_KEY" not in runner.env and "TF_WORKSPACE" not in runner.env
        assert runner.tofu == str(tmp_path / "tofu-bin" / "tofu")
        assert (runner.dirs["models"] / "main.tf").read_text() == engine_tofu.models_tf(3)
        assert (runner.dirs["noop"] / "main.tf").read_text() == engine_tofu.noop_tf(3)
    finally:
        runner.close()
