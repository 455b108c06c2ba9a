"""The engine benchmark's pure helpers (bench/engine.py): counting, ratios, growth, tables, JSON.

No engine and no sockets: the helpers are fed request logs and timings written here. The last
tests run bench/engine_rss.py, the PULUMI_PYTHON_CMD wrapper, over a plain Python child (a
subprocess, no engine): the RSS line must be written, also when the engine interrupts the
plugin's process group, and the child's exit status must pass through.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import types
from pathlib import Path

import pytest
from bench import engine, engine_large
from bench.engine import Cell, Phase

from pulumi_wxo.emulator.routes import API_PREFIXES, api_router, auth_router

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def entry(method: str, path: str, query: str = "") -> dict[str, object]:
    return {"method": method, "path": path, "query": query, "status": 200, "fault": None}


# -- which requests count ----------------------------------------------------------------------


def test_every_api_route_under_every_prefix_counts_and_no_token_route_does() -> None:
    api_paths = {getattr(route, "path", "") for route in api_router.routes}
    assert {"/models", "/models/{model_id}", "/model_policy", "/models/list"} <= api_paths
    for prefix in API_PREFIXES:
        for path in api_paths:
            concrete = (prefix + path).replace("{instance_id}", "tenant-1").replace("{model_id}", "m-1")
            assert engine.is_api_path(concrete), concrete
    token_paths = [getattr(route, "path", "") for route in auth_router.routes]
    assert "/api/v1/auth/token" in token_paths and "/identity/token" in token_paths
    for path in token_paths:
        assert not engine.is_api_path(path.replace("{instance_id}", "tenant-1")), path
    assert not engine.is_api_path("/_emulator/requests")
    assert not engine.is_api_path("/v1/modelsx")


def test_count_requests_counts_api_paths_per_method_only() -> None:
    log = [
        entry("GET", "/v1/models", "name=virtual-model%2Fopenai%2Fa"),
        entry("get", "/v1/orchestrate/models", "id=1"),
        entry("POST", "/api/v1/models"),
        entry("PUT", "/v1/models/abc"),
        entry("DELETE", "/v1/model_policy/p-1"),
        entry("POST", "/api/v1/auth/token"),
        entry("POST", "/identity/token"),
        entry("GET", "/api/v1/tenants"),
    ]
    assert engine.count_requests(log) == {"DELETE": 1, "GET": 2, "POST": 1, "PUT": 1}
    assert list(engine.count_requests(log)) == ["DELETE", "GET", "POST", "PUT"]
    assert engine.count_requests([]) == {}


def test_routes_drop_the_prefix_the_id_and_the_query_values() -> None:
    assert engine.route_of("get", "/v1/models", "name=virtual-model%2Fopenai%2Fsk-x") == "GET /models?name"
    assert engine.route_of("GET", "/instances/t-1/v1/orchestrate/models", "id=9&id=8") == "GET /models?id"
    assert engine.route_of("GET", "/api/v1/models/list") == "GET /models/list"
    assert engine.route_of("PUT", "/v1/orchestrate/models/0f3a") == "PUT /models/{id}"
    assert engine.route_of("DELETE", "/v1/model_policy/p-1") == "DELETE /model_policy/{id}"
    assert engine.route_of("GET", "/v1/models", "name=a&id=b") == "GET /models?id&name"
    log = [entry("GET", "/v1/models", "name=a"), entry("GET", "/v1/models", "name=b")]
    log += [entry("POST", "/v1/models"), entry("POST", "/api/v1/auth/token")]
    assert engine.count_routes(log) == {"GET /models?name": 2, "POST /models": 1}


def test_parse_cpu_sums_the_provider_processes_and_skips_the_rest() -> None:
    assert engine.parse_cpu("101 1.250\n102 0.500\n") == pytest.approx(1.75)
    assert engine.parse_cpu("") == 0.0
    assert engine.parse_cpu("101 oops\nnot a line\n1 2 3\n103 0.25") == pytest.approx(0.25)


def test_parse_rss_reads_one_value_per_provider_process_and_skips_the_rest() -> None:
    assert engine.parse_rss("101 70123\n102 49000\n") == [70123, 49000]
    assert engine.parse_rss("") == []
    assert engine.parse_rss("\n101 oops\nnot a line\n1 2 3\n103 512") == [512]


def test_phase_from_an_observation() -> None:
    log = [entry("GET", "/v1/models", "name=a"), entry("POST", "/v1/models")]
    log.append(entry("POST", "/identity/token"))
    phase = Phase.observed(2.5, log, "7 1024\n8 3072\n")
    assert phase.requests == {"GET": 1, "POST": 1}
    assert phase.routes == {"GET /models?name": 1, "POST /models": 1}
    assert phase.total_requests == 2
    assert phase.peak_rss_mib == 3.0
    assert Phase(1.0).peak_rss_mib is None


# -- ratios and growth -------------------------------------------------------------------------


def cell(latency: float, n: int, **seconds: float) -> Cell:
    """A cell with the given phase times (``noop_up=`` for "noop up")."""
    made = Cell(latency, n)
    for name, value in seconds.items():
        made.phases[name.replace("_", " ")] = Phase(value)
    return made


def test_ideal_is_the_noop_up_plus_one_round_trip_per_model_four_at_a_time() -> None:
    assert engine.ideal_seconds(2.0, 200, 0.05) == pytest.approx(2.0 + 200 * 0.05 / 4)
    assert engine.ideal_seconds(2.0, 200, 0.05, workers=1) == pytest.approx(12.0)
    assert engine.WORKERS == 4


def test_ratio_is_none_without_both_numbers() -> None:
    assert engine.ratio(3.0, 1.5) == 2.0
    assert engine.ratio(None, 1.5) is None
    assert engine.ratio(3.0, None) is None
    assert engine.ratio(3.0, 0.0) is None


def test_cell_summary_compares_up_with_the_ideal_and_the_adk_loop() -> None:
    c = cell(0.25, 100, up=30.0, noop_up=5.0, adk_loop=25.0)
    summary = c.summary()
    assert summary["ideal_s"] == pytest.approx(5.0 + 100 * 0.25 / 4)  # 11.25
    assert summary["up_vs_ideal"] == pytest.approx(30.0 / 11.25)
    assert summary["up_vs_adk"] == pytest.approx(1.2)
    assert summary["up_vs_noop"] == pytest.approx(6.0)
    partial = cell(0.25, 100, up=30.0).summary()
    assert partial == {"ideal_s": None, "up_vs_ideal": None, "up_vs_adk": None, "up_vs_noop": None}


def test_time_per_model_is_counted_above_the_empty_up_except_for_the_adk_loop() -> None:
    c = cell(0.05, 50, empty_up=1.0, up=6.0, adk_loop=3.0)
    assert c.per_model("up") == pytest.approx(0.1)
    assert c.per_model("adk loop") == pytest.approx(0.06)
    assert c.per_model("empty up") is None
    assert c.per_model("refresh") is None
    assert cell(0.05, 50, up=6.0).per_model("up") is None  # no baseline, no number


def test_growth_compares_the_smallest_and_largest_size_per_latency() -> None:
    cells = [
        cell(0.05, 50, empty_up=1.0, up=6.0),  # 100 ms per model
        cell(0.05, 200, empty_up=1.0, up=21.0),  # 100 ms
        cell(0.05, 1000, empty_up=1.0, up=301.0),  # 300 ms
        cell(0.25, 50, empty_up=1.0, up=16.0),  # only one size at 250 ms: no growth
    ]
    [g] = engine.growth(cells)
    assert (g.phase, g.latency, g.n_min, g.n_max) == ("up", 0.05, 50, 1000)
    assert g.s_per_model_min == pytest.approx(0.1) and g.s_per_model_max == pytest.approx(0.3)
    assert g.ratio == pytest.approx(3.0)
    flat = engine.growth(
        [cell(0.05, 10, empty_up=2.0, preview=2.0), cell(0.05, 20, empty_up=2.0, preview=3.0)]
    )
    assert [x.ratio for x in flat] == [None]  # no time above the baseline at the small size


# -- report ----------------------------------------------------------------------------------


def measured_cells() -> list[Cell]:
    small = Cell(0.05, 10)
    small.phases["empty up"] = Phase(1.0)
    small.phases["up"] = Phase(
        3.0, {"GET": 30, "POST": 10}, {}, [71680], provider_cpu_s=0.8, cpu_s=2.25, program_cpu_s=1.1
    )
    small.phases["noop up"] = Phase(1.5, {}, {}, [51200])
    small.phases["adk loop"] = Phase(0.7, {"POST": 10})
    small.phases["native up"] = Phase(2.0, {"GET": 1, "POST": 10}, {}, [81920])
    small.phases["native noop up"] = Phase(1.2, {}, {}, [40960])
    large = Cell(0.05, 20)
    large.phases["empty up"] = Phase(1.0)
    large.phases["up"] = Phase(5.0, {"GET": 60, "POST": 20}, {}, [72704])
    return [small, large]


def test_the_markdown_tables() -> None:
    text = engine.render_markdown(measured_cells())
    lines = text.splitlines()
    assert lines[0].startswith("| latency | N | phase | wall s |")
    assert "| 50 ms | 10 | empty up | 1.00 | - | 0 | 0.00 | - | 0.0 (0.0; 0.0) |" in lines
    assert "| 50 ms | 10 | up | 3.00 | 200.0 | GET 30 POST 10 | 4.00 | 70 | 2.2 (0.8; 1.1) |" in lines
    assert "| 50 ms | 10 | adk loop | 0.70 | 70.0 | POST 10 | 1.00 | - | 0.0 (0.0; 0.0) |" in lines
    # up / ideal = 3.0 / (1.5 + 10 * 0.05 / 4); up / ADK = 3.0 / 0.7
    assert "| dynamic (W=4) | 50 ms | 10 | 3.00 | 1.50 | 1.62 | 1.85 | 0.70 | 4.29 |" in lines
    assert "| dynamic (W=4) | 50 ms | 20 | 5.00 | - | - | - | - | - |" in lines
    # the plugin against its own baseline, 8 at a time: 2.0 / (1.2 + 10 * 0.05 / 8); 2.0 / 0.7
    assert "| native (W=8) | 50 ms | 10 | 2.00 | 1.20 | 1.26 | 1.58 | 0.70 | 2.86 |" in lines
    assert not [line for line in lines if line.startswith("| native (W=8) | 50 ms | 20 |")]
    assert "| 50 ms | up | 200.0 (N=10) | 200.0 (N=20) | 1.00 |" in lines
    for line in lines:
        assert not line or (line.startswith("|") and line.endswith("|")), line
    assert "growth" not in engine.render_markdown(measured_cells()[:1])


def test_the_json_is_serialisable_and_carries_every_number() -> None:
    data = engine.to_json(measured_cells(), {"commit": "abc1234", "mode": "quick"})
    round_trip = json.loads(json.dumps(data))
    assert round_trip["meta"] == {"commit": "abc1234", "mode": "quick"}
    first = round_trip["cells"][0]
    assert (first["latency_s"], first["n"]) == (0.05, 10)
    up = first["phases"]["up"]
    assert up["requests"] == {"GET": 30, "POST": 10} and up["total_requests"] == 40
    assert up["peak_rss_mib"] == 70.0 and up["s_per_model_above_empty_up"] == pytest.approx(0.2)
    assert first["summary"]["dynamic"]["up_vs_adk"] == pytest.approx(3.0 / 0.7)
    assert first["summary"]["native"]["up_vs_ideal"] == pytest.approx(2.0 / (1.2 + 10 * 0.05 / 8))
    assert list(round_trip["cells"][1]["summary"]) == ["dynamic"]
    assert [g["phase"] for g in round_trip["growth"]] == ["up"]  # native up: one size only
    assert round_trip["growth"][0]["ratio"] == pytest.approx(1.0)


def test_modes_and_overrides() -> None:
    assert engine.cells_of("quick", None, None) == [(0.05, 50), (0.05, 200), (0.25, 50)]
    full = engine.cells_of("full", None, None)
    assert len(full) == 6 and set(full) == {(lat, n) for lat in (0.05, 0.25) for n in (50, 200, 1000)}
    assert engine.cells_of("quick", [10], [0.05]) == [(0.05, 10)]
    assert engine.cells_of("quick", [10, 20], None) == [(0.05, 10), (0.05, 20), (0.25, 10), (0.25, 20)]
    assert engine.cells_of("full", None, [0.05]) == [(0.05, 50), (0.05, 200), (0.05, 1000)]


# -- the PULUMI_PYTHON_CMD wrapper -----------------------------------------------------------

WRAPPER = ROOT / "bench" / "engine_rss.py"


def wrapped(out: Path, child: str) -> list[str]:
    """The command that runs ``python -c child`` under the wrapper, which records into ``out``."""
    return [sys.executable, "-IS", str(WRAPPER), str(out), sys.executable, "-c", child]


def test_the_wrapper_passes_the_exit_status_through_and_records_the_childs_peak_rss(tmp_path: Path) -> None:
    out = tmp_path / "rss.txt"
    # The child holds ~64 MiB at its peak: more than the wrapper itself could account for.
    child = "import sys; block = bytearray(64 * 1024 * 1024); sys.exit(3)"
    assert subprocess.run(wrapped(out, child), check=False).returncode == 3
    [peak] = engine.parse_rss(out.read_text(encoding="ascii"))
    assert peak >= 64 * 1024


def test_the_wrapper_records_the_childs_cpu_seconds(tmp_path: Path) -> None:
    out = tmp_path / "rss.txt"
    # A child that burns CPU until its own CPU clock says 0.3 s: the wrapper's number is the
    # child's, so it cannot be below that.
    child = "import time\nwhile time.process_time() < 0.3: pass"
    assert subprocess.run(wrapped(out, child), check=False).returncode == 0
    assert engine.parse_cpu(Path(f"{out}.cpu").read_text(encoding="ascii")) >= 0.3


def test_the_wrapper_outlives_a_process_group_interrupt_and_still_records(tmp_path: Path) -> None:
    out = tmp_path / "rss.txt"
    # Like the plugin, the child serves until the engine interrupts the whole process group.
    child = "import sys; print('ready', flush=True); sys.stdin.read()"
    with subprocess.Popen(
        wrapped(out, child),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=60)
    assert code == 128 + signal.SIGINT  # the child died of the SIGINT; the wrapper reports it
    assert len(engine.parse_rss(out.read_text(encoding="ascii"))) == 1


# -- the large-catalogue mode (bench/engine_large.py, `bench/engine.py --large`) ---------------

UP_OUTPUT = """Updating (native-skip):
    pulumi:pulumi:Stack wxo-large-native-native-skip running
    +  wxo:index:Model m0999 created (0.31s)
Resources:
    + 1002 created

Duration: 1m2s
"""

EDIT_OUTPUT = """Updating (native-skip):
    ~  wxo:index:Model m0000 updated (0.30s) [diff: ~display_name]
Outputs: none
Resources:
    ~ 1 updated
    1001 unchanged

Duration: 12s
"""


def test_the_summary_is_read_from_the_last_resources_block() -> None:
    assert engine_large.parse_summary(UP_OUTPUT) == {"created": 1002}
    assert engine_large.parse_summary(EDIT_OUTPUT) == {"updated": 1, "unchanged": 1001}
    replaced = "Resources:\n    +-1 replaced\n    - 2 deleted\n    3 unchanged\n\nDuration: 1s\n"
    assert engine_large.parse_summary(replaced) == {"replaced": 1, "deleted": 2, "unchanged": 3}
    # A resource line above the block that looks like a count does not count.
    assert engine_large.parse_summary("    5 created\nerror: update failed\n") == {}


def test_cells_are_host_and_setting() -> None:
    assert engine_large.parse_cell("native:skip+parallel") == ("native", "skip+parallel")
    assert engine_large.parse_cell("dynamic:default") == ("dynamic", "default")
    for bad in ("native", "native:", "go:skip", "dynamic:fast", "skip:native"):
        with pytest.raises(ValueError, match="HOST:SETTING"):
            engine_large.parse_cell(bad)
    for cell in engine_large.DEFAULT_CELLS:
        engine_large.parse_cell(cell)
    engine_large.parse_cell(engine_large.DEFAULT_INLINE)


def test_settings_say_what_a_user_would_type() -> None:
    settings = engine_large.SETTINGS
    assert settings["default"].describe() == "engine defaults"
    assert settings["parallel"].describe() == "--parallel 32"
    assert settings["skip"].describe() == "PULUMI_SKIP_CHECKPOINTS=true"
    assert settings["skip+parallel"].describe() == "PULUMI_SKIP_CHECKPOINTS=true --parallel 32"
    assert "diagnostic" in settings["skip+parallel+nolist"].describe()


class _Recorder(types.ModuleType):
    """Stands in for pulumi_wxo (and pulumi): records the models a program declares."""

    def __init__(self, name: str, n: int = 3, edit: bool = False) -> None:
        super().__init__(name)
        self.models: list[tuple[str, dict[str, object]]] = []
        self.n, self.edit = n, edit

    def Model(self, resource_name: str, **kwargs: object) -> None:
        self.models.append((resource_name, kwargs))

    def Config(self, namespace: str) -> object:
        assert namespace == "bench"
        return types.SimpleNamespace(require_int=lambda key: self.n, get_bool=lambda key: self.edit)


@pytest.mark.parametrize("edit", [False, True])
def test_the_project_program_declares_what_the_inline_program_declares(
    edit: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI path and the inline comparison run the same models: one state serves both."""
    from bench import engine_run

    wxo, pulumi_stub = _Recorder("pulumi_wxo"), _Recorder("pulumi", n=3, edit=edit)
    monkeypatch.setitem(sys.modules, "pulumi_wxo", wxo)
    monkeypatch.setitem(sys.modules, "pulumi", pulumi_stub)
    exec(compile(engine_large.program_text("dynamic"), "__main__.py", "exec"), {"__name__": "__main__"})
    from_project = list(wxo.models)
    wxo.models.clear()
    engine_run.models_program(3, edited=edit)()
    assert from_project == wxo.models
    assert len(from_project) == 3
    assert ("(edited)" in str(from_project[0][1]["display_name"])) is edit


def test_the_program_of_each_host_and_the_diagnostic_cap() -> None:
    native, dynamic = engine_large.program_text("native"), engine_large.program_text("dynamic")
    assert "import pulumi_wxo.native as wxo" in native
    assert "import pulumi_wxo as wxo" in dynamic and "native" not in dynamic
    capped = engine_large.program_text("native", 0)
    assert capped.startswith("import pulumi_wxo.sdk.model as _m") and "_m.PROGRAM_MODELS_MAX = 0" in capped
    assert capped.endswith(native)
    for text in (native, dynamic, capped):
        compile(text, "__main__.py", "exec")


def large_cells() -> list[engine_large.LargeCell]:
    LargePhase, LargeCell = engine_large.LargePhase, engine_large.LargeCell
    adk = LargeCell("adk", "-", {"adk loop": LargePhase(260.0, {"POST": 1000}, cpu_self_s=3.0)})
    fast = LargeCell(
        "native",
        "skip+parallel",
        {
            "up": LargePhase(
                65.0,
                {"GET": 1, "POST": 1000},
                cpu_children_s=80.0,
                rss_kib=[80 * 1024],
                provider_cpu_s=5.0,
                program_cpu_s=60.0,
                program_rss_kib=[900 * 1024],
            ),
            "edit up": LargePhase(40.0, {"GET": 1, "PUT": 1}, cpu_children_s=50.0),
            "inline edit up": LargePhase(45.0, {"GET": 1, "PUT": 1}, cpu_self_s=30.0, cpu_children_s=10.0),
        },
    )
    slow = LargeCell("dynamic", "default", {"up": LargePhase(520.0, {"GET": 1, "POST": 1000})})
    return [adk, fast, slow]


def test_the_large_tables_compare_every_up_with_the_adk_loop_of_the_same_run() -> None:
    text = engine_large.render_large(large_cells(), 1000, 0.25)
    assert text.startswith("N=1000, 250 ms per API request")
    assert "| ADK loop | - | adk loop | 260.0 | POST 1000 | 3.0 + 0.0 | - / - |" in text
    assert (
        "| native | `PULUMI_SKIP_CHECKPOINTS=true --parallel 32` | up | 65.0 | GET 1 POST 1000 "
        "| 0.0 + 80.0 (provider 5.0; program 60.0) | 80 / 900 |" in text
    )
    assert "| native | `PULUMI_SKIP_CHECKPOINTS=true --parallel 32` | inline edit up | 45.0 |" in text
    assert "| native | `PULUMI_SKIP_CHECKPOINTS=true --parallel 32` | 65.0 | 260.0 | 4.00x | 40.0 |" in text
    assert "| dynamic | `engine defaults` | 520.0 | 260.0 | 0.50x | - |" in text


def test_the_large_json_round_trips_with_the_phase_order(tmp_path: Path) -> None:
    cells = large_cells()
    data = json.loads(json.dumps(engine_large.large_json(cells, {"n": 1000}), sort_keys=True))
    assert data["cells"][1]["adk_loop_over_up"] == pytest.approx(4.0)
    assert data["cells"][0]["setting"] is None
    back = engine_large.cells_from_json(data)
    assert [list(c.phases) for c in back] == [list(c.phases) for c in cells]
    assert engine_large.render_large(back, 1000, 0.25) == engine_large.render_large(cells, 1000, 0.25)


def test_engine_large_renders_a_json_file_written_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``bench/engine.py --large --render FILE``: the tables of a run, also one stopped half way."""
    meta = {
        "commit": "abc1234",
        "date": "2026-12-07T00:00:00Z",
        "cpus": 2,
        "pulumi": "v3.274.1",
        "loadavg_start": [3.0, 2.0, 1.0],
        "loadavg_now": [4.0, 3.0, 2.0],
        "n": 1000,
        "latency_s": 0.25,
    }
    path = tmp_path / "large.json"
    path.write_text(json.dumps(engine_large.large_json(large_cells(), meta), sort_keys=True))
    assert engine.main(["--large", "--render", str(path)]) == 0
    out = capsys.readouterr().out
    assert "commit abc1234; 2026-12-07T00:00:00Z; 2 CPUs" in out
    assert "load average 3.00 at the start, 4.00 at the end" in out
    assert "| dynamic | `engine defaults` | 520.0 | 260.0 | 0.50x | - |" in out


def test_engine_large_refuses_an_unknown_cell(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        engine.main(["--large", "--cells", "native:fastest"])
    assert "HOST:SETTING" in capsys.readouterr().err


def test_the_cli_summary_is_named_as_the_automation_api_names_it() -> None:
    from bench import engine_run

    assert engine_run.parse_cli_summary(UP_OUTPUT) == {"create": 1002}
    assert engine_run.parse_cli_summary(EDIT_OUTPUT) == {"update": 1, "same": 1001}
    assert engine_run.changes(engine_run.parse_cli_summary(EDIT_OUTPUT)) == {"update": 1}
    assert engine_run.parse_cli_summary("error: preview failed\n") == {}


def test_the_cli_program_runs_the_inline_programs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's program picks the inline path's program from its stack config."""
    from bench import engine_run

    wxo = _Recorder("pulumi_wxo")
    config = {"program": "models", "n": 2, "edit": True}
    stub = types.ModuleType("pulumi")
    stub.Config = lambda namespace: types.SimpleNamespace(  # type: ignore[attr-defined]
        require=config.__getitem__, get_int=config.get, get_bool=config.get
    )
    monkeypatch.setitem(sys.modules, "pulumi_wxo", wxo)
    monkeypatch.setitem(sys.modules, "pulumi", stub)
    monkeypatch.setitem(sys.modules, "engine_run", engine_run)
    exec(compile(engine_run.CLI_PROGRAM, "__main__.py", "exec"), {"__name__": "__main__"})
    assert [name for name, _ in wxo.models] == ["m0000", "m0001"]
    assert "(edited)" in str(wxo.models[0][1]["display_name"])
    assert engine_run.program_of("empty", 5) is engine_run.empty_program
    with pytest.raises(ValueError, match="unknown program"):
        engine_run.program_of("all", 5)
    args = engine_run.CliDriver.program_args("noop-native", 7, False)
    assert args == [
        "--config",
        "bench:program=noop-native",
        "--config",
        "bench:n=7",
        "--config",
        "bench:edit=false",
    ]


def test_the_wrapper_keeps_the_program_apart_from_the_provider(tmp_path: Path) -> None:
    """The language host runs a project's program through PULUMI_PYTHON_CMD too."""
    out = tmp_path / "rss.txt"
    exec_script = tmp_path / "pulumi-language-python-exec"
    exec_script.write_text("import sys; sys.exit(0)\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-IS",
            str(WRAPPER),
            str(out),
            sys.executable,
            "-u",
            str(exec_script),
            "--stack",
            "x",
        ],
        check=False,
    )
    assert proc.returncode == 0
    assert not out.exists() and not Path(f"{out}.cpu").exists()
    assert len(engine.parse_rss(Path(f"{out}.program").read_text(encoding="ascii"))) == 1
    assert len(Path(f"{out}.program.cpu").read_text(encoding="ascii").splitlines()) == 1


@pytest.mark.parametrize("args", [["-m", "pip", "--version"], ["--version"]])
def test_the_wrapper_keeps_the_language_hosts_own_calls_apart(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "rss.txt"
    proc = subprocess.run(
        [sys.executable, "-IS", str(WRAPPER), str(out), sys.executable, *args],
        check=False,
        capture_output=True,
    )
    assert proc.returncode == 0
    assert not out.exists() and Path(f"{out}.other").exists()
