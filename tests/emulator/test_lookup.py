"""Lookups against the emulator: by name and id, filters, not-found and duplicate errors,
settings from stack config / environment, and the Output variants under mocks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pulumi
import pytest

from pulumi_wxo.api.errors import WxoError
from pulumi_wxo.api.settings import ConnectionSettings
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.lookup import (
    ModelInfo,
    ModelNotFoundError,
    close_clients,
    get_model,
    get_model_output,
    get_models,
    get_models_output,
)
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.mocks import Recorder

pytestmark = pytest.mark.emulator

KEY = "sk-lookup-SECRET-77"


@pytest.fixture
def tenant(emulator: EmulatorThread) -> Iterator[dict[str, str]]:
    """Three models (secrets echoed by the server); name -> id."""
    emulator.control.settings(secrets="echo")
    with httpx.Client(
        base_url=f"{emulator.url}/v1", headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    ) as raw:
        for body in (
            {
                "name": "virtual-model/openai/gpt-4o",
                "display_name": "GPT-4o",
                "tags": ["prod", "chat"],
                "provider_config": {"api_key": KEY, "customHost": "https://h"},
                "config": {"max_tokens": 100},
            },
            {
                "name": "virtual-model/openai/gpt-4o-mini",
                "tags": ["prod"],
                "provider_config": {"api_key": KEY},
            },
            {"name": "virtual-model/anthropic/claude", "tags": ["prod", "chat"], "connection_id": "c1"},
        ):
            raw.post("/models", json=body).raise_for_status()
    yield {m["name"]: m["id"] for m in emulator.control.state()["models"]}
    close_clients()


def settings(emulator: EmulatorThread) -> ConnectionSettings:
    return ConnectionSettings(url=emulator.url, token=EMULATOR_TOKEN)


def test_get_model_by_name_and_id_without_secrets(emulator: EmulatorThread, tenant: dict[str, str]) -> None:
    info = get_model(name="openai/gpt-4o", settings=settings(emulator))
    assert info == ModelInfo(
        id=tenant["virtual-model/openai/gpt-4o"],
        name="virtual-model/openai/gpt-4o",
        display_name="GPT-4o",
        description="virtual-model/openai/gpt-4o",
        provider="openai",
        model_type="chat",
        tags=("prod", "chat"),
        connection_id=None,
        provider_config={"custom_host": "https://h"},  # the echoed api_key is dropped
        config={"max_tokens": 100},
    )
    assert KEY not in repr(info)
    by_id = get_model(id=tenant["virtual-model/anthropic/claude"], settings=settings(emulator))
    assert (by_id.name, by_id.connection_id) == ("virtual-model/anthropic/claude", "c1")
    with pytest.raises(TypeError, match="exactly one of name= or id="):
        get_model(settings=settings(emulator))


def test_not_found_and_duplicates_name_the_model(emulator: EmulatorThread, tenant: dict[str, str]) -> None:
    with pytest.raises(ModelNotFoundError) as info:
        get_model(name="openai/gpt-4", settings=settings(emulator))
    assert str(info.value) == (
        f"get model 'virtual-model/openai/gpt-4': not found on {emulator.url}/v1 "
        "(did you mean 'virtual-model/openai/gpt-4o'?)"
    )
    assert info.value.name == "virtual-model/openai/gpt-4" and isinstance(info.value, LookupError)
    with pytest.raises(ModelNotFoundError, match="get model with id 'nope': not found on"):
        get_model(id="nope", settings=settings(emulator))
    with pytest.raises(WxoError, match="get model 'openia/x': the name unknown provider 'openia'"):
        get_model(name="openia/x", settings=settings(emulator))

    with httpx.Client(
        base_url=f"{emulator.url}/v1", headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    ) as raw:
        raw.post("/models", json={"name": "virtual-model/anthropic/claude"}).raise_for_status()
    with pytest.raises(WxoError) as dup:
        get_model(name="anthropic/claude", settings=settings(emulator))
    assert "2 models have this name" in str(dup.value) and "pass id= to choose one" in str(dup.value)


def test_get_models_filters(emulator: EmulatorThread, tenant: dict[str, str]) -> None:
    s = settings(emulator)
    assert [m.name for m in get_models(settings=s)] == sorted(tenant)
    assert [m.name for m in get_models(tags=["prod", "chat"], settings=s)] == [
        "virtual-model/anthropic/claude",
        "virtual-model/openai/gpt-4o",
    ]
    assert [m.name for m in get_models(tags="chat", provider="openai", settings=s)] == [
        "virtual-model/openai/gpt-4o"
    ]
    assert get_models(tags=["nope"], settings=s) == []
    with pytest.raises(WxoError, match="unknown provider 'opneai' \\(did you mean 'openai'\\?\\)"):
        get_models(provider="opneai", settings=s)


@pytest.fixture
def stack_config() -> Iterator[None]:
    yield
    pulumi.runtime.set_all_config({}, [])


def test_settings_from_stack_config_then_environment(
    emulator: EmulatorThread, tenant: dict[str, str], stack_config: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WXO_URL", raising=False)
    monkeypatch.delenv("WXO_TOKEN", raising=False)
    pulumi.runtime.set_all_config({"wxo:url": emulator.url, "wxo:token": EMULATOR_TOKEN}, ["wxo:token"])
    assert get_model(name="anthropic/claude").id == tenant["virtual-model/anthropic/claude"]

    pulumi.runtime.set_all_config({}, [])
    close_clients()
    with pytest.raises(WxoError, match="no Orchestrate instance URL"):
        get_models()
    monkeypatch.setenv("WXO_URL", emulator.url)
    monkeypatch.setenv("WXO_TOKEN", EMULATOR_TOKEN)
    assert len(get_models()) == 3


def test_output_variants_resolve_from_outputs(emulator: EmulatorThread, tenant: dict[str, str]) -> None:
    pulumi.runtime.set_mocks(Recorder(), preview=False)
    seen: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        name = pulumi.Output.from_input("openai/gpt-4o-mini")
        one = get_model_output(name=name, settings=settings(emulator))
        many = get_models_output(tags=pulumi.Output.from_input(["chat"]), settings=settings(emulator))
        return pulumi.Output.all(one, many).apply(lambda r: seen.update(one=r[0], many=r[1]))

    program()
    assert seen["one"].id == tenant["virtual-model/openai/gpt-4o-mini"]
    assert [m.name for m in seen["many"]] == ["virtual-model/anthropic/claude", "virtual-model/openai/gpt-4o"]
