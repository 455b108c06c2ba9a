"""A stack pointed at another instance is refused at preview, naming both; the ways on work.

Two emulators with different tenant ids stand for instances A and B. The stack's models are
created on A; then `wxo:url` is changed. Each object recorded its instance (lifecycle/instance.py):
* pointed at B (another tenant): preview fails naming both instances, and nothing is written;
* the same tenant under another URL: the tenant id decides, preview is clean;
* another URL without a tenant id: refused until `wxo:instanceAliases` names the old URL;
* `wxo:moveInstance: true`: `up` creates the models on B; A keeps its copies (a separate choice);
* refresh and destroy, which use the settings of the last run, are guarded the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
from pulumi_wxo.emulator import DEFAULT_TENANT_ID, EmulatorSettings, EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.engine import Engine

TENANT_B = "b1b2b3b4-0000-4000-8000-00000000000b"
NAMES = ["virtual-model/anthropic/claude-3-7-sonnet", "virtual-model/openai/gpt-4o"]


def program() -> None:
    gpt = wxo.Model("gpt", name="openai/gpt-4o", provider_config={"api_key": "sk-guard-1"})
    wxo.Model("claude", name="anthropic/claude-3-7-sonnet", provider_config={"api_key": "sk-guard-2"})
    pulumi.export("instance", gpt.instance)


@pytest.fixture
def instance_b(tmp_path: Path) -> Iterator[EmulatorThread]:
    settings = EmulatorSettings(db=str(tmp_path / "b.db"), token=EMULATOR_TOKEN, tenant_id=TENANT_B)
    with EmulatorThread(settings) as emu:
        yield emu


def url(emu: EmulatorThread, tenant: str | None, host: str = "127.0.0.1") -> str:
    base = emu.url.replace("127.0.0.1", host)
    return f"{base}/instances/{tenant}" if tenant else base


def names(emu: EmulatorThread) -> list[str]:
    return sorted(m["name"] for m in emu.control.state()["models"])


def settings(address: str) -> dict[str, auto.ConfigValue]:
    # The /instances/<id> form is a remote instance's: its API is under /v1/orchestrate.
    return {"wxo:url": auto.ConfigValue(address), "wxo:basePath": auto.ConfigValue("/v1/orchestrate")}


def point(eng: Engine, address: str, **extra: str) -> None:
    eng.stack.set_config("wxo:url", auto.ConfigValue(address))
    for key, value in extra.items():
        eng.stack.set_config(key, auto.ConfigValue(value))


def test_pointed_at_another_tenant_is_refused_then_moved(
    engine_factory: Callable[..., Engine], emulator: EmulatorThread, instance_b: EmulatorThread
) -> None:
    a = url(emulator, DEFAULT_TENANT_ID)
    eng = engine_factory(program, config=settings(a))
    up = eng.up()
    assert up.outputs["instance"].value == {"url": a, "tenant": DEFAULT_TENANT_ID}
    assert names(emulator) == NAMES

    point(eng, url(instance_b, TENANT_B))
    with pytest.raises(auto.CommandError) as refused:
        eng.preview()
    text = str(refused.value)
    assert f"created on {a} (tenant {DEFAULT_TENANT_ID})" in text
    assert f"configured for {url(instance_b, TENANT_B)} (tenant {TENANT_B})" in text
    assert "wxo:moveInstance" in text and "wxo:instanceAliases" in text
    with pytest.raises(auto.CommandError):
        eng.up()
    assert names(instance_b) == [] and names(emulator) == NAMES  # nothing written anywhere

    point(eng, url(instance_b, TENANT_B), **{"wxo:moveInstance": "true"})
    moved = eng.up()
    assert moved.summary.result == "succeeded", eng.text()
    assert names(instance_b) == NAMES  # created on B
    assert names(emulator) == NAMES  # A keeps its copies: deleting them is a separate choice
    assert moved.outputs["instance"].value["tenant"] == TENANT_B
    eng.stack.remove_config("wxo:moveInstance")
    assert {k: v for k, v in eng.preview().change_summary.items() if k != "same"} == {}


def test_the_same_tenant_under_another_url_is_the_same_instance(
    engine_factory: Callable[..., Engine], emulator: EmulatorThread
) -> None:
    eng = engine_factory(program, config=settings(url(emulator, DEFAULT_TENANT_ID)))
    eng.up()
    point(eng, url(emulator, DEFAULT_TENANT_ID, host="localhost"))
    assert {k: v for k, v in eng.preview().change_summary.items() if k != "same"} == {}
    assert {k: v for k, v in (eng.refresh().summary.resource_changes or {}).items() if k != "same"} == {}


def test_without_a_tenant_id_an_alias_says_it_is_the_same_instance(
    engine_factory: Callable[..., Engine], emulator: EmulatorThread
) -> None:
    eng = engine_factory(program)  # the plain URL: no tenant id in it
    eng.up()
    point(eng, url(emulator, None, host="localhost"))
    with pytest.raises(auto.CommandError) as refused:
        eng.preview()
    assert "wxo:instanceAliases" in str(refused.value)
    point(eng, url(emulator, None, host="localhost"), **{"wxo:instanceAliases": emulator.url})
    assert {k: v for k, v in eng.preview().change_summary.items() if k != "same"} == {}


def test_refresh_and_destroy_with_the_last_runs_settings_are_guarded(
    engine_factory: Callable[..., Engine], emulator: EmulatorThread, instance_b: EmulatorThread
) -> None:
    eng = engine_factory(program, config=settings(url(emulator, DEFAULT_TENANT_ID)))
    eng.up()
    point(eng, url(instance_b, TENANT_B))
    # A failed `up` may still store the new settings with the default provider; refresh and
    # destroy (which run no program) use those: they must refuse too, not drop or orphan.
    with pytest.raises(auto.CommandError):
        eng.up()
    for op in (eng.refresh, eng.destroy):
        try:
            op()
        except auto.CommandError as err:
            assert "it was created on" in str(err)
    assert names(emulator) == NAMES  # nothing deleted on A, nothing dropped from state
    resources = eng.stack.export_stack().deployment["resources"]
    assert sum(r["type"] == "pulumi-python:dynamic/wxo:Model" for r in resources) == 2
    point(eng, url(emulator, DEFAULT_TENANT_ID))
