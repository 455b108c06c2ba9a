"""Destroy through the real engine, confirmed with the emulator's state and request log.

* The stack's models are deleted, by id; a model that the stack does not manage survives
  untouched, and is never sent a DELETE.
* A model deleted outside Pulumi does not fail the destroy (404 counts as deleted); a model a
  policy on the server still routes to is refused with the policy named, stays in state, and
  the next destroy finishes once the policy is gone.
* ``pulumi destroy`` and ``refresh`` do not run the program: the provider is configured from
  the stack config stored with the default provider in state by the last run of the program.
  Credentials rotated in the config since then are used only with ``--run-program``, and a
  failed ``destroy --run-program`` stores them too (docs/dev/lifecycle.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
from tests.support.emulator import EMULATOR_TOKEN, by_hand, hand_policy, post_by_hand
from tests.support.engine import Engine

GPT = "virtual-model/openai/gpt-4o"
GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
CLAUDE = "virtual-model/anthropic/claude-3-7-sonnet"
STACK_MODELS = sorted([GPT, GRANITE, CLAUDE])
MODEL_TYPE = "pulumi-python:dynamic/wxo:Model"


def three_models() -> None:
    wxo.Model("gpt", name="openai/gpt-4o", provider_config={"api_key": "sk-e2e-destroy"})
    wxo.Model(
        "granite",
        name="watsonx/ibm/granite-3-3-8b-instruct",
        provider_config={"api_key": "wx-e2e-destroy", "watsonx_space_id": "space-1"},
    )
    wxo.Model("claude", name="anthropic/claude-3-7-sonnet", provider_config={"api_key": "sk-ant-e2e-1"})


def raw_api(eng: Engine) -> httpx.Client:
    """The API as a person with the emulator's token would use it (outside Pulumi)."""
    return by_hand(eng.emulator)


def changes(summary: Mapping[Any, int] | None) -> dict[str, int]:
    return {str(k): v for k, v in (summary or {}).items() if k != "same"}


def state_models(eng: Engine) -> list[str]:
    """Resource names of the Models still in the stack's state."""
    resources = (eng.stack.export_stack().deployment or {}).get("resources") or []
    return sorted(r["urn"].rsplit("::", 1)[1] for r in resources if r["type"] == MODEL_TYPE)


def test_destroy_deletes_the_stacks_models_and_nothing_else(engine_factory: Callable[..., Engine]) -> None:
    eng = engine_factory(three_models)
    mini = {
        "name": "openai/gpt-4o-mini",
        "display_name": "made by hand",
        "provider_config": {"api_key": "sk-by-hand"},
    }
    post_by_hand(eng.emulator, "/models", mini)
    [unmanaged] = eng.models()
    up = eng.up()
    assert changes(up.summary.resource_changes) == {"create": 4}
    stack_ids = sorted(m["id"] for m in eng.models() if m["name"] != unmanaged["name"])
    assert len(stack_ids) == 3

    eng.emulator.control.clear_requests()
    down = eng.destroy()
    assert down.summary.result == "succeeded"
    assert down.summary.resource_changes == {"delete": 4}  # three models and the stack
    assert eng.models() == [unmanaged]  # same id, fields and updated_at: not even rewritten
    deletes = [r["path"] for r in eng.emulator.control.requests() if r["method"] == "DELETE"]
    assert sorted(deletes) == [f"/v1/models/{i}" for i in stack_ids]
    assert not [r for r in eng.emulator.control.requests() if r["method"] in ("POST", "PUT")]
    assert state_models(eng) == []
    # Nothing left to destroy.
    assert changes(eng.destroy().summary.resource_changes) == {}


def test_destroy_tolerates_a_model_gone_and_refuses_one_a_policy_routes_to(
    engine_factory: Callable[..., Engine],
) -> None:
    eng = engine_factory(three_models)
    eng.up()
    ids = {m["name"]: m["id"] for m in eng.models()}
    with raw_api(eng) as raw:
        raw.delete(f"/models/{ids[GPT]}").raise_for_status()  # deleted outside Pulumi
        fallback = hand_policy("hand-fallback", "fallback", [GRANITE], "made by hand", None)
        raw.post("/model_policy", json=fallback).raise_for_status()
    [policy] = eng.emulator.control.state()["policies"]

    with pytest.raises(auto.CommandError) as info:
        eng.destroy()
    msg = str(info.value)
    assert (
        f"delete model '{GRANITE}': still a target of policy virtual-policy/hand-fallback (id {policy['id']})"
    ) in msg, msg
    assert "or set force_delete=True on the model to delete it anyway" in msg
    assert eng.names() == [GRANITE]  # gpt was gone already, claude deleted, granite refused
    assert eng.emulator.control.state()["policies"] == [policy]
    assert state_models(eng) == ["granite"]

    with raw_api(eng) as raw:
        raw.delete(f"/model_policy/{policy['id']}").raise_for_status()
    down = eng.destroy()
    assert down.summary.resource_changes == {"delete": 2}  # granite and the stack
    assert eng.models() == [] and state_models(eng) == []


def test_destroy_uses_the_credentials_stored_by_the_last_run_unless_run_program(
    engine_factory: Callable[..., Engine],
) -> None:
    eng = engine_factory(three_models)
    eng.up()
    # The token in the stack config is rotated to one the server rejects ...
    valid = auto.ConfigValue(EMULATOR_TOKEN, secret=True)
    rotated = "rotated-token-not-accepted-4471"
    eng.stack.set_config("wxo:token", auto.ConfigValue(rotated, secret=True))
    # ... but refresh and destroy run no program: they use the config stored at the last up.
    assert changes(eng.refresh().summary.resource_changes) == {}
    assert eng.destroy().summary.resource_changes == {"delete": 4}
    assert eng.models() == []

    eng.stack.set_config("wxo:token", valid)
    eng.up()
    eng.stack.set_config("wxo:token", auto.ConfigValue(rotated, secret=True))
    with pytest.raises(auto.CommandError) as info:
        eng.destroy(run_program=True)  # the current config: the rotated token
    msg = str(info.value)
    # The first call of delete is the lookup of the object at the state's id (the models
    # snapshot, docs/dev/lifecycle.md "The object at a state's id"): it names that call, and the
    # engine names the resource.
    assert "list models: the API rejected wxo:token (HTTP 401: Invalid or expired token)" in msg, msg
    for res in ("gpt", "granite", "claude"):
        assert f"pulumi-python:dynamic/wxo:Model ({res}):" in msg
    assert rotated not in msg
    assert eng.names() == STACK_MODELS
    # That failed run stored the rotated config with the provider: a plain destroy uses it now.
    with pytest.raises(auto.CommandError) as info:
        eng.destroy()
    assert "HTTP 401" in str(info.value) and rotated not in str(info.value)
    assert eng.names() == STACK_MODELS

    eng.stack.set_config("wxo:token", valid)
    assert changes(eng.destroy(run_program=True).summary.resource_changes) == {"delete": 4}
    assert eng.models() == []
