"""The pure helpers of bench/engine_cost.py: how the do-nothing engine cost is taken apart.

No engine: the helpers are fed timings written here.
"""

from __future__ import annotations

import pytest
from bench import engine_cost
from bench.engine_cost import Costs

pytestmark = pytest.mark.unit


def costs(n: int, base: float, per_comp: float, per_call: float, per_checkpoint: float) -> Costs:
    """Timings built from known parts: the empty program's ``base``, then per resource the
    registrations (``per_comp``), the host calls (``per_call``) and, by default only, the
    checkpoint writes (``per_checkpoint``)."""
    c = Costs(n)
    for phase in engine_cost.PHASES:
        for setting in engine_cost.SETTINGS:
            ckpt = per_checkpoint * n if setting == "default" else 0.0
            c.seconds[("empty", setting, phase)] = base
            c.seconds[("components", setting, phase)] = base + per_comp * n + ckpt
            c.seconds[("noop", setting, phase)] = base + (per_comp + per_call) * n + ckpt
    return c


def test_parts_recover_each_cost_and_add_up_to_the_total_above_the_base() -> None:
    c = costs(100, base=1.5, per_comp=0.01, per_call=0.02, per_checkpoint=0.005)
    parts = c.parts("up")
    assert parts["total"] == pytest.approx(1.5 + 3.5)
    assert parts["registrations and steps"] == pytest.approx(1.0)
    assert parts["dynamic host calls"] == pytest.approx(2.0)
    assert parts["checkpoint writes"] == pytest.approx(0.5)
    named = sum(v for k, v in parts.items() if k != "total" and v is not None)
    assert named == pytest.approx(parts["total"] - 1.5)


def test_a_part_whose_times_were_not_measured_is_none() -> None:
    c = costs(10, base=1.0, per_comp=0.01, per_call=0.01, per_checkpoint=0.0)
    del c.seconds[("noop", "skip", "preview")]
    parts = c.parts("preview")
    assert parts["dynamic host calls"] is None
    assert parts["checkpoint writes"] is None
    assert parts["registrations and steps"] == pytest.approx(0.1)


def test_growth_is_flat_for_a_linear_cost_and_grows_for_a_quadratic_one() -> None:
    small = costs(50, base=1.0, per_comp=0.01, per_call=0.02, per_checkpoint=0.0)
    large = costs(1000, base=1.2, per_comp=0.01, per_call=0.02, per_checkpoint=0.0)
    assert engine_cost.growth(small, large, "noop", "skip", "up") == pytest.approx(1.0)
    # a checkpoint of all k resources so far after each step: N(N+1)/2 units
    small.seconds[("noop", "default", "up")] = 1.0 + 1e-5 * 50 * 51 / 2
    large.seconds[("noop", "default", "up")] = 1.2 + 1e-5 * 1000 * 1001 / 2
    assert engine_cost.growth(small, large, "noop", "default", "up") == pytest.approx(1001 / 51)


def test_growth_without_a_positive_small_cost_is_none() -> None:
    small = costs(50, base=2.0, per_comp=0.0, per_call=0.0, per_checkpoint=0.0)
    large = costs(200, base=2.0, per_comp=0.01, per_call=0.0, per_checkpoint=0.0)
    assert engine_cost.growth(small, large, "components", "skip", "up") is None


def test_tables_and_json_carry_every_measured_time() -> None:
    cs = [costs(50, 1.0, 0.01, 0.02, 0.001), costs(200, 1.0, 0.01, 0.02, 0.004)]
    text = engine_cost.render_markdown(cs)
    assert "| 200 | noop | skip |" in text
    assert "| 50 | up | " in text
    assert "growth of s/resource, N=50 to N=200" in text
    data = engine_cost.to_json(cs, {"commit": "abc"})
    assert data["meta"] == {"commit": "abc"}
    [first, second] = data["sizes"]
    assert first["n"] == 50 and second["n"] == 200
    expected = len(engine_cost.PROGRAMS) * len(engine_cost.SETTINGS) * len(engine_cost.PHASES)
    assert len(second["seconds"]) == expected
    assert second["parts"]["up"]["checkpoint writes"] == pytest.approx(0.8)


def test_cpu_parts_come_from_the_cpu_times_not_the_wall_times() -> None:
    c = costs(100, base=1.0, per_comp=0.01, per_call=0.02, per_checkpoint=0.005)
    c.cpu = {key: seconds / 2 for key, seconds in c.seconds.items()}  # half of each wall time
    wall, cpu = c.parts("destroy"), c.parts("destroy", cpu=True)
    for key, value in wall.items():
        assert value is not None and cpu[key] == pytest.approx(value / 2), key
    assert "| 100 | destroy | CPU | 2.25 |" in engine_cost.render_markdown([c])
