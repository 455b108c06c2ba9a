"""The native plugin's whole lifecycle on the wire, against the real emulator over loopback.

Driven by tests/support/lifecycle_harness.py: the engine's proto requests in the engine's order
(Check, Diff, Create/Update/replace, Read, Delete), every answer checked for the secrets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.lifecycle import Runtime
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.lifecycle_harness import LifeCycle, Plugin, Secret, Step, to_struct, urn

pytestmark = pytest.mark.emulator

KEY, ROTATED = "sk-harness-FIRST-1111", "sk-harness-ROTATED-2222"
NOTE = "private-note-7777"
FLASH = "virtual-model/google/gemini-2.0-flash"
LITE = "virtual-model/google/gemini-2.0-flash-lite"


@pytest.fixture
def plugin(emulator: EmulatorThread, runtime: Runtime) -> Iterator[Plugin]:
    served = Plugin(runtime, {"url": emulator.url, "token": Secret(EMULATOR_TOKEN)})
    yield served
    served.close()


def stored(emulator: EmulatorThread, kind: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in emulator.control.state()[kind]}


def model(name: str = "openai/gpt-4o", key: str = KEY, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "description": Secret(NOTE),  # secret outside the credential fields: kept by the inputs' mark
        "provider_config": {"api_key": Secret(key), "custom_host": "https://api.openai.com/v1"},
        **extra,
    }


def test_model_create_update_rotate_replace_delete(emulator: EmulatorThread, plugin: Plugin) -> None:
    def keeps(key: str) -> Any:
        def check(outputs: dict[str, Any]) -> None:
            rows = stored(emulator, "models")
            assert [r["provider_config"]["api_key"] for r in rows.values()] == [key]

        return check

    run = LifeCycle(
        resource="wxo:index:Model",
        name="gpt",
        create=model(display_name="GPT"),
        expect_outputs={"name": "virtual-model/openai/gpt-4o", "display_name": "GPT"},
        updates=[
            Step(
                model(display_name="GPT-4o"),
                expect_changes=["display_name"],
                expect_outputs={"display_name": "GPT-4o"},
            ),
            Step(model(display_name="GPT-4o"), expect_changes=[]),
            Step(
                model(key=ROTATED, display_name="GPT-4o"),
                expect_changes=["provider_config"],
                check=keeps(ROTATED),
            ),
            Step(
                model(name="openai/gpt-4o-mini", key=ROTATED, display_name="GPT-4o"),
                expect_changes=["name"],
                expect_replace=True,
                expect_outputs={"name": "virtual-model/openai/gpt-4o-mini"},
            ),
        ],
        gone=lambda id_: id_ not in stored(emulator, "models"),
    )
    run.run(plugin)
    assert len(run.ids) == 2 and stored(emulator, "models") == {}


def test_policy_create_update_weights_delete(emulator: EmulatorThread, plugin: Plugin) -> None:
    targets: list[tuple[str, Any]] = []
    for target in (FLASH, LITE):  # what the policy routes to exists first, as in a program
        u = urn("wxo:index:Model", target.rsplit("/", 1)[-1])
        targets.append((u, plugin.create(u, plugin.check(u, to_struct({}), model(name=target)))))

    def weights(*ws: float) -> dict[str, Any]:
        return {
            "name": "anygem",
            "strategy": {"mode": "loadbalance"},
            "targets": [{"model_name": FLASH, "weight": ws[0]}, {"model_name": LITE, "weight": ws[1]}],
        }

    def stored_weights(outputs: dict[str, Any]) -> None:
        (row,) = stored(emulator, "policies").values()
        assert [t["weight"] for t in row["policy"]["targets"]] == [t["weight"] for t in outputs["targets"]]

    LifeCycle(
        resource="wxo:index:ModelPolicy",
        name="route",
        create=weights(0.75, 0.25),
        expect_outputs={"name": "virtual-policy/anygem"},
        updates=[Step(weights(0.5, 0.5), expect_changes=["targets"], check=stored_weights)],
        gone=lambda id_: id_ not in stored(emulator, "policies"),
    ).run(plugin)
    assert stored(emulator, "policies") == {}
    for u, (id_, state) in targets:
        plugin.delete(u, id_, state)
