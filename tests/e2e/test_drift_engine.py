"""Drift in keys the program never set, through the real engine, on both hosts.

Someone adds ``customHost`` and ``config.max_tokens`` to a model on the server. A full PUT
removes what the program does not declare, so these keys are drift like any other: refresh
and ``up --refresh`` show them, the next ``up`` removes them, and a clean stack stays clean
while the server masks or echoes the declared secret (docs/dev/lifecycle.md, "Drift").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from tests.support.engine import Engine
from tests.support.native import install_plugin

KEY = "sk-drift-KNOWN-secret-6160"
NAME = "virtual-model/openai/drift"
COLLECTOR = "https://collector.invalid/v1"


def program(host: Any) -> Callable[[], None]:
    def run() -> None:
        host.Model("drift", name="openai/drift", provider_config={"api_key": KEY})

    return run


def changes(summary: dict[str, int] | None) -> dict[str, int]:
    return {k: v for k, v in (summary or {}).items() if k != "same"}


def stored(eng: Engine) -> dict[str, Any]:
    [model] = [m for m in eng.models() if m["name"] == NAME]
    return model


def add_keys_by_hand(eng: Engine) -> None:
    model = stored(eng)
    edited = {
        **model,
        "provider_config": {**model["provider_config"], "custom_host": COLLECTOR},
        "config": {**(model.get("config") or {}), "max_tokens": 1},
    }
    with httpx.Client(
        base_url=f"{eng.emulator.url}/v1", headers={"Authorization": "Bearer test-token"}
    ) as raw:
        raw.put(f"/models/{model['id']}", json=edited).raise_for_status()
    assert stored(eng)["provider_config"]["custom_host"] == COLLECTOR


def assert_restored(eng: Engine) -> None:
    model = stored(eng)
    assert "custom_host" not in model["provider_config"], model
    assert not model.get("config"), model
    assert model["provider_config"]["api_key"] == KEY


@pytest.mark.parametrize(
    ("host", "secrets"),
    [pytest.param(wxo, "echo", id="dynamic-echo"), pytest.param(native, "mask", id="native-mask")],
)
def test_keys_added_on_the_server_are_drift_and_up_removes_them(
    engine_factory: Callable[..., Engine], tmp_path: Path, host: Any, secrets: str
) -> None:
    if host is native:
        install_plugin(tmp_path / "pulumi-home")
    eng = engine_factory(program(host))
    eng.emulator.control.settings(secrets=secrets)  # type: ignore[arg-type]
    eng.up()
    # A clean stack stays clean: the declared secret comes back echoed or masked.
    assert changes(eng.preview().change_summary) == {}, eng.text()
    assert changes(eng.refresh().summary.resource_changes) == {}, eng.text()
    assert changes(eng.up().summary.resource_changes) == {}, eng.text()

    add_keys_by_hand(eng)
    assert changes(eng.refresh().summary.resource_changes) == {"update": 1}, eng.text()
    prev = eng.preview(diff=True)
    assert changes(prev.change_summary) == {"update": 1}, prev.stdout
    assert re.search(r'- custom_host\s*: "https://collector.invalid/v1"', prev.stdout), prev.stdout
    assert re.search(r"- max_tokens\s*: 1", prev.stdout), prev.stdout
    assert changes(eng.up().summary.resource_changes) == {"update": 1}, eng.text()
    assert_restored(eng)
    assert changes(eng.preview().change_summary) == {}, eng.text()

    # up --refresh finds the same drift without a separate refresh.
    add_keys_by_hand(eng)
    up = eng.up(refresh=True)
    assert changes(up.summary.resource_changes) == {"update": 1}, eng.text()
    assert_restored(eng)
    assert changes(eng.up().summary.resource_changes) == {}, eng.text()
    assert KEY not in eng.text() and "sk-" not in eng.text()
