"""Model through the real engine: up, preview, refresh, destroy against the emulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
from tests.support.engine import Engine, user_tags

KEY = "sk-e2e-KNOWN-secret-7781"


def catalogue(**overrides: Any) -> Callable[[], None]:
    """Three models across providers; ``overrides`` patch the GPT model's arguments."""

    def program() -> None:
        cfg = pulumi.Config()
        granite = wxo.Model(
            "granite",
            name="watsonx/ibm/granite-3-3-8b-instruct",
            provider_config={"api_key": cfg.require_secret("watsonxKey"), "watsonx_space_id": "space-1"},
            config={"max_tokens": 1024, "temperature": 0.2},
            tags=["e2e"],
        )
        gpt_args: dict[str, Any] = {
            "name": "openai/gpt-4o",
            "display_name": "GPT-4o",
            "provider_config": {"api_key": KEY},  # a plain string: the resource forces it secret
            "config": {"max_tokens": 2048},
            "tags": ["e2e", "openai"],
        }
        gpt_args.update(overrides)
        gpt = wxo.Model("gpt", **gpt_args)
        claude = wxo.Model(
            "claude", name="anthropic/claude-3-7-sonnet", provider_config={"api_key": "sk-ant-e2e-1"}
        )
        pulumi.export("ids", {"granite": granite.model_id, "gpt": gpt.model_id, "claude": claude.model_id})

    return program


CONFIG = {"wxo-e2e:watsonxKey": auto.ConfigValue("wx-key-secret-5150", secret=True)}


def changes(summary: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in summary.items() if k != "same"}


def test_up_creates_exactly_the_declared_models_then_no_changes(
    engine_factory: Callable[..., Engine],
) -> None:
    eng = engine_factory(catalogue(), config=CONFIG)
    up = eng.up()
    assert up.summary.resource_changes == {"create": 4}  # 3 models + the stack
    assert eng.names() == [
        "virtual-model/anthropic/claude-3-7-sonnet",
        "virtual-model/openai/gpt-4o",
        "virtual-model/watsonx/ibm/granite-3-3-8b-instruct",
    ]
    ids = up.outputs["ids"].value
    assert sorted(ids.values()) == sorted(m["id"] for m in eng.models())
    prev = eng.preview(diff=True)
    assert changes(prev.change_summary) == {}, eng.text()
    # A refresh finds nothing to change either, and the next preview stays clean.
    ref = eng.refresh()
    assert changes(ref.summary.resource_changes or {}) == {}, eng.text()
    assert changes(eng.preview().change_summary) == {}


def test_in_place_update_then_rename_is_a_replace_create_first(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(catalogue(), config=CONFIG)
    eng.up()
    before = {m["name"]: m["id"] for m in eng.models()}
    up = eng.up(catalogue(display_name="GPT-4o (prod)", tags=["prod"], config={"max_tokens": 4096}))
    assert changes(up.summary.resource_changes or {}) == {"update": 1}
    gpt = next(m for m in eng.models() if m["name"] == "virtual-model/openai/gpt-4o")
    assert gpt["id"] == before["virtual-model/openai/gpt-4o"]
    assert (gpt["display_name"], user_tags(gpt), gpt["config"]) == (
        "GPT-4o (prod)",
        ["prod"],
        {"max_tokens": 4096},
    )

    eng.emulator.control.clear_requests()
    up = eng.up(catalogue(name="openai/gpt-4o-mini"))
    assert changes(up.summary.resource_changes or {}) == {"replace": 1}
    assert "virtual-model/openai/gpt-4o" not in eng.names()
    assert "virtual-model/openai/gpt-4o-mini" in eng.names()
    writes = [
        (r["method"], r["path"]) for r in eng.emulator.control.requests() if r["method"] in ("POST", "DELETE")
    ]
    assert [m for m, _ in writes] == ["POST", "DELETE"], writes  # created before the old one is deleted
    assert writes[1][1].endswith(before["virtual-model/openai/gpt-4o"])


def test_refresh_finds_drift_and_up_restores(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(catalogue(), config=CONFIG)
    eng.up()
    gpt = next(m for m in eng.models() if m["name"] == "virtual-model/openai/gpt-4o")
    with httpx.Client(
        base_url=f"{eng.emulator.url}/v1", headers={"Authorization": "Bearer test-token"}
    ) as raw:
        raw.put(f"/models/{gpt['id']}", json={**gpt, "display_name": "edited by hand"}).raise_for_status()
    ref = eng.refresh()
    assert changes(ref.summary.resource_changes or {}) == {"update": 1}, eng.text()
    prev = eng.preview(diff=True)
    assert changes(prev.change_summary) == {"update": 1}
    # The drifted field is shown, not just "update" (read returns the refreshed inputs).
    assert re.search(r'~ display_name\s*: "edited by hand" => "GPT-4o"', prev.stdout), prev.stdout
    up = eng.up()
    assert changes(up.summary.resource_changes or {}) == {"update": 1}
    gpt = next(m for m in eng.models() if m["name"] == "virtual-model/openai/gpt-4o")
    assert gpt["display_name"] == "GPT-4o"

    with httpx.Client(
        base_url=f"{eng.emulator.url}/v1", headers={"Authorization": "Bearer test-token"}
    ) as raw:
        raw.delete(f"/models/{gpt['id']}").raise_for_status()
    ref = eng.refresh()
    assert changes(ref.summary.resource_changes or {}) == {"delete": 1}, eng.text()
    up = eng.up()
    assert changes(up.summary.resource_changes or {}) == {"create": 1}
    assert len(eng.models()) == 3


def test_adopt_and_refusal(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(catalogue(), config=CONFIG)
    with httpx.Client(
        base_url=f"{eng.emulator.url}/v1", headers={"Authorization": "Bearer test-token"}
    ) as raw:
        raw.post(
            "/models", json={"name": "virtual-model/openai/gpt-4o", "display_name": "made by hand"}
        ).raise_for_status()
    [existing] = eng.models()
    # Refused already at preview (the PR check), naming the field and the way out ...
    with pytest.raises(auto.CommandError) as info:
        eng.preview()
    msg = str(info.value)
    assert "name: a model named 'virtual-model/openai/gpt-4o' already exists on the server" in msg
    assert "set adopt=True" in msg
    # ... and by up, before that model is created (the Automation API's up skips the preview,
    # so the stack's other, valid models do get created; `pulumi up` would stop at its preview).
    with pytest.raises(auto.CommandError) as info:
        eng.up()
    assert "already exists" in str(info.value) and "set adopt=True" in str(info.value)
    assert [m["id"] for m in eng.models() if m["name"] == "virtual-model/openai/gpt-4o"] == [existing["id"]]

    up = eng.up(catalogue(adopt=True))
    assert up.summary.result == "succeeded"
    gpt = [m for m in eng.models() if m["name"] == "virtual-model/openai/gpt-4o"]
    assert [m["id"] for m in gpt] == [existing["id"]] and gpt[0]["display_name"] == "GPT-4o"
    assert changes(eng.preview(catalogue(adopt=True)).change_summary) == {}


@pytest.mark.parametrize(
    ("override", "field", "needle"),
    [
        (
            {"provider_config": {"api_key": KEY, "api_kye": "x"}},
            "provider_config.api_kye",
            "did you mean 'api_key'",
        ),
        ({"config": {"temperature": 5}}, "config.temperature", "less than or equal to 2"),
        (
            {"name": "watsonx/ibm/granite-x", "provider_config": {"api_key": KEY}},
            "provider_config.watsonx_space_id",
            "watsonx needs one of",
        ),
        ({"name": "openia/gpt-4o"}, "name", "unknown provider 'openia'"),
    ],
    ids=["unknown-key", "temperature", "watsonx-space", "provider"],
)
def test_bad_inputs_fail_at_preview_naming_the_field(
    engine_factory: Callable[..., Engine], override: dict[str, Any], field: str, needle: str
) -> None:
    eng = engine_factory(catalogue(**override), config=CONFIG)
    eng.emulator.control.clear_requests()
    with pytest.raises(auto.CommandError) as info:
        eng.preview()
    msg = str(info.value)
    assert f"{field}: " in msg and needle in msg, msg
    assert eng.models() == []
    assert not [r for r in eng.emulator.control.requests() if r["method"] != "GET"]
    assert KEY not in msg


def test_a_refusal_by_the_server_is_one_line_without_a_traceback(
    engine_factory: Callable[..., Engine],
) -> None:
    eng = engine_factory(catalogue(), config=CONFIG)
    eng.emulator.control.add_fault(method="POST", path="/models$", status=403, detail="not allowed here")
    with pytest.raises(auto.CommandError) as info:
        eng.up()
    msg = str(info.value)
    # Raised by create in the dynamic host (pulumi_wxo.dynamic.provider.quiet_dynamic_host).
    assert "create model 'virtual-model/" in msg and "not allowed here" in msg, msg
    assert "Traceback" not in msg and 'File "' not in msg, msg
    assert KEY not in msg
