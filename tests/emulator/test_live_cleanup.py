"""The live suite's cleanup (tests/support/live.py) against the emulator: a step that fails on
purpose still leaves nothing with the run's prefix, and nothing of anyone else is touched."""

from __future__ import annotations

import pytest

from pulumi_wxo.api.errors import ConfigError
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.schema.names import normalize_model_name
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.live import (
    LeftoverError,
    cleaned_up,
    emulator_target,
    has_prefix,
    live_requested,
    run_prefix,
    sweep,
    target_from_environ,
)

pytestmark = pytest.mark.emulator


class StepFailed(Exception):
    pass


def _seed(emulator: EmulatorThread, prefix: str) -> None:
    """Two models of the run, a policy routing to them, and a bystander without the prefix."""
    with emulator_target(emulator.url, EMULATOR_TOKEN).client() as client:
        for name in (f"openai/{prefix}gpt", f"anthropic/{prefix}claude", "openai/gpt-4o"):
            client.models.create({"name": f"virtual-model/{name}", "provider_config": {"api_key": "k"}})
        client.policies.create(
            {
                "name": f"virtual-policy/{prefix}balanced",
                "display_name": "live cleanup",
                "description": "d",
                "policy": {
                    "strategy": {"mode": "loadbalance"},
                    "targets": [
                        {"model_name": f"virtual-model/openai/{prefix}gpt", "weight": 0.5},
                        {"model_name": f"virtual-model/anthropic/{prefix}claude", "weight": 0.5},
                    ],
                },
            }
        )


def _names(emulator: EmulatorThread) -> list[str]:
    state = emulator.control.state()
    return sorted(o["name"] for o in state["models"] + state["policies"])


def test_a_failed_step_still_removes_every_object_of_the_run(emulator: EmulatorThread) -> None:
    prefix = run_prefix()
    target = emulator_target(emulator.url, EMULATOR_TOKEN)
    destroyed: list[str] = []

    def destroy() -> None:
        destroyed.append("called")
        raise RuntimeError("the engine's destroy failed too")

    with pytest.raises(StepFailed), cleaned_up(target, prefix, destroy=destroy) as result:
        _seed(emulator, prefix)
        raise StepFailed("a step fails on purpose")
    assert destroyed == ["called"]
    assert _names(emulator) == ["virtual-model/openai/gpt-4o"]  # the bystander stays
    # The policy went first, so the models it routed to could be deleted.
    assert result.deleted[0] == f"virtual-policy/{prefix}balanced"
    assert sorted(result.deleted[1:]) == sorted(
        [f"virtual-model/openai/{prefix}gpt", f"virtual-model/anthropic/{prefix}claude"]
    )
    assert result.failed == [("pulumi destroy", "RuntimeError")]


def test_after_a_passing_body_what_cannot_be_removed_is_an_error(emulator: EmulatorThread) -> None:
    prefix = run_prefix()
    target = emulator_target(emulator.url, EMULATOR_TOKEN)
    # Every DELETE is refused (403, not retried): the objects stay, and a passing run must not
    # hide that.
    emulator.control.add_fault(method="DELETE", path=".*", status=403)
    with pytest.raises(LeftoverError, match=f"virtual-model/openai/{prefix}gpt"), cleaned_up(target, prefix):
        _seed(emulator, prefix)
    emulator.control.clear_faults()
    with emulator_target(emulator.url, EMULATOR_TOKEN).client() as client:
        assert len(sweep(client, prefix).deleted) == 3


def test_prefixes_are_unique_valid_names_and_match_only_the_last_segment() -> None:
    a, b = run_prefix(), run_prefix()
    assert a != b and a.startswith("pulumi-wxo-live-") and a.endswith("-")
    assert normalize_model_name(f"openai/{a}gpt") == f"virtual-model/openai/{a}gpt"
    assert has_prefix(f"virtual-policy/{a}p", a)
    assert not has_prefix(f"virtual-model/{a}x/gpt", a)
    assert not has_prefix(None, a)


def test_live_mode_needs_the_switch_and_a_url() -> None:
    assert not live_requested({}) and not live_requested({"WXO_LIVE": "0"})
    assert live_requested({"WXO_LIVE": "1"})
    with pytest.raises(ConfigError, match="WXO_URL"):
        target_from_environ({"WXO_LIVE": "1", "WXO_API_KEY": "k-SECRET"})
    target = target_from_environ({"WXO_URL": "https://example.com/instances/x", "WXO_API_KEY": "k"})
    assert target.live and target.label == "https://example.com/instances/x"
    assert target.env == {"WXO_URL": "https://example.com/instances/x", "WXO_API_KEY": "k"}
