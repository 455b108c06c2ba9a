"""ModelPolicy through the real engine: models first, policy over them, guards at preview and delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
from tests.support.emulator import by_hand, hand_policy, post_by_hand
from tests.support.engine import Engine

FLASH = "virtual-model/google/gemini-2.0-flash"
LITE = "virtual-model/google/gemini-2.0-flash-lite"


def program(
    *, strategy: Any = "loadbalance", targets: str = "both", keep_lite: bool = True
) -> Callable[[], None]:
    def run() -> None:
        flash = wxo.Model("flash", name="google/gemini-2.0-flash", provider_config={"api_key": "g-key-1"})
        lite = (
            wxo.Model("lite", name="google/gemini-2.0-flash-lite", provider_config={"api_key": "g-key-1"})
            if keep_lite
            else None
        )
        chosen = {
            "both": [{"model": flash, "weight": 0.75}, {"model": lite, "weight": 0.25}],
            "one": [{"model": flash}],
        }
        policy = wxo.ModelPolicy(
            "anygem",
            name="anygem",
            description="Balances 2 Gemini models",
            strategy=strategy,
            retry={"attempts": 1, "on_status_codes": [503]},
            targets=chosen[targets],
        )
        pulumi.export("policy_id", policy.policy_id)

    return run


def changes(summary: dict[str, int] | None) -> dict[str, int]:
    return {k: v for k, v in (summary or {}).items() if k != "same"}


def test_policy_over_two_models_deploys_and_is_stable(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(program())
    up = eng.up()
    assert changes(up.summary.resource_changes) == {"create": 4}
    [policy] = eng.emulator.control.state()["policies"]
    assert policy["id"] == up.outputs["policy_id"].value
    assert policy["policy"]["targets"] == [
        {"model_name": FLASH, "weight": 0.75},
        {"model_name": LITE, "weight": 0.25},
    ]
    assert changes(eng.preview(diff=True).change_summary) == {}, eng.text()
    # An in-place change of the strategy is an update of the policy alone.
    up = eng.up(program(strategy={"mode": "fallback", "on_status_codes": [503, 504]}))
    assert changes(up.summary.resource_changes) == {"update": 1}
    assert eng.emulator.control.state()["policies"][0]["policy"]["strategy"]["mode"] == "fallback"


def test_fallback_with_one_target_fails_at_preview(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(program(strategy="fallback", targets="one"))
    with pytest.raises(auto.CommandError) as info:
        eng.preview()
    assert "targets: a fallback needs at least two targets (got 1)" in str(info.value)
    assert eng.emulator.control.state()["policies"] == [] and eng.models() == []


def test_deleting_a_model_a_policy_still_targets_is_refused(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(program())
    eng.up()
    # Someone routes to the lite model from a policy this stack does not manage.
    team_b = hand_policy("virtual-policy/team-b", "single", [LITE], "team b", None)
    post_by_hand(eng.emulator, "/model_policy", team_b)
    with pytest.raises(auto.CommandError) as info:
        eng.up(program(targets="one", strategy="single", keep_lite=False))
    msg = str(info.value)
    assert f"delete model '{LITE}': still a target of policy virtual-policy/team-b" in msg
    assert "force_delete=True" in msg
    assert LITE in eng.names()
    # The stack's own policy no longer routes to it (updated before the delete was tried).
    ours = next(p for p in eng.emulator.control.state()["policies"] if p["name"] == "virtual-policy/anygem")
    assert ours["policy"]["targets"] == [{"model_name": FLASH}]
    # Clean up the foreign policy so the fixture's destroy succeeds.
    with by_hand(eng.emulator) as raw:
        foreign = next(
            p for p in eng.emulator.control.state()["policies"] if p["name"] == "virtual-policy/team-b"
        )
        raw.delete(f"/model_policy/{foreign['id']}").raise_for_status()
    up = eng.up(program(targets="one", strategy="single", keep_lite=False))
    assert changes(up.summary.resource_changes) == {"delete": 1}
    assert LITE not in eng.names()
