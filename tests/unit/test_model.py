"""The Model resource under pulumi.runtime.set_mocks: inputs, secrets, type token, outputs.

Mocks never run provider code; they show what the program registers with the engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

import pulumi_wxo as wxo
from pulumi_wxo.model import DuplicateNameError
from pulumi_wxo.sdk.model import MODEL_NAMES
from tests.support.mocks import Recorder

pytestmark = pytest.mark.unit

SECRET_SIG = "4dabf18193072939515e22adb298388d"


def recorder() -> Recorder:
    return Recorder(extra={"model_id": "{name}-id", "provider": "openai"})


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    rec = recorder()
    pulumi.runtime.set_mocks(rec, preview=False)
    yield rec


def run(fn: Any) -> None:
    """Wait for every registration started by ``fn`` (a pulumi.runtime.test program)."""
    pulumi.runtime.test(fn)()


def test_type_token_inputs_and_forced_secret(mocks: Recorder) -> None:
    def program() -> pulumi.Output[Any]:
        m = wxo.Model(
            "gpt",
            name="openai/gpt-4o",
            tags=["a"],
            provider_config={"api_key": "plain-string-key", "custom_host": "https://h"},
            config={"max_tokens": 10},
        )
        return m.model_id

    run(program)
    [res] = mocks.registered
    assert res.typ == "pulumi-python:dynamic/wxo:Model"
    pc = res.inputs["provider_config"]
    # The plain-string api key was wrapped as a secret. Under mocks the SDK hands over the
    # enclosing property as one secret; the real engine keeps it per value (api_key secret,
    # custom_host visible), which tests/e2e/test_secrets_engine.py checks in the state.
    assert pc[SECRET_SIG] and pc["value"] == {"api_key": "plain-string-key", "custom_host": "https://h"}
    assert res.inputs["model_type"] == "chat" and res.inputs["adopt"] is False
    assert "__provider" in res.inputs


def test_provider_config_without_credentials_stays_visible(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("c", name="anthropic/claude", connection_id="conn-1", provider_config={"custom_host": "h"})

    run(program)
    [res] = mocks.registered
    assert res.inputs["provider_config"] == {"custom_host": "h"}
    assert res.inputs["connection_id"] == "conn-1"


def test_args_class_and_keywords_merge(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("a", wxo.ModelArgs(name="openai/x", display_name="X"), display_name="Y", adopt=True)

    run(program)
    [res] = mocks.registered
    assert res.inputs["name"] == "openai/x"
    assert res.inputs["display_name"] == "Y" and res.inputs["adopt"] is True


def test_missing_name_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="Model 'nameless': missing required argument 'name'"):
        wxo.Model("nameless")


def test_public_api_is_sorted_and_importable() -> None:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions, each sorted.
    def rank(n: str) -> tuple[int, str]:
        return (0 if n.isupper() else 1 if n[0].isupper() else 2, n)

    assert wxo.__all__ == sorted(wxo.__all__, key=rank)
    for name in wxo.__all__:
        assert getattr(wxo, name) is not None


# --------------------------------------------------------------------------- one name, one resource


def registered(program: Any) -> BaseException | None:
    """Run ``program`` under the current mocks; the error it ended with, if any."""
    try:
        run(program)
    except pulumi.RunError as err:  # the runtime re-raises the program's error as it was
        return err
    return None


def test_the_same_model_name_twice_is_refused_naming_both_resources(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("gpt-a", name="openai/gpt-4o", provider_config={"api_key": "sk-unit-dup"})
        wxo.Model("gpt-b", name="virtual-model/openai/gpt-4o", provider_config={"api_key": "sk-unit-dup"})

    err = registered(program)
    assert isinstance(err, DuplicateNameError) and isinstance(err, pulumi.RunError)
    assert str(err) == (
        "Model 'gpt-b': 'virtual-model/openai/gpt-4o' is declared twice (also by Model 'gpt-a'); "
        "keep one of them"
    )
    assert [r.name for r in mocks.registered] == ["gpt-a"]  # the second never registered


def test_a_name_from_an_output_is_checked_when_it_resolves(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("gpt-a", name="openai/gpt-4o", connection_id="c")
        wxo.Model("gpt-b", name=pulumi.Output.from_input("openai/gpt-4o"), connection_id="c")

    err = registered(program)
    assert isinstance(err, DuplicateNameError)
    assert str(err).startswith("Model 'gpt-b': 'virtual-model/openai/gpt-4o' is declared twice (also by")


def test_a_secret_name_is_not_shown(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("gpt-a", name="openai/gpt-4o", connection_id="c")
        wxo.Model("gpt-b", name=pulumi.Output.secret("openai/gpt-4o"), connection_id="c")

    err = registered(program)
    assert isinstance(err, DuplicateNameError)
    assert "gpt-4o" not in str(err) and "a secret name is declared twice" in str(err)


def test_models_of_one_name_in_two_components_are_refused(mocks: Recorder) -> None:
    def program() -> None:
        for team in ("team-a", "team-b"):
            parent = pulumi.ComponentResource("test:Team", team)
            wxo.Model(
                "gpt", name="openai/gpt-4o", connection_id="c", opts=pulumi.ResourceOptions(parent=parent)
            )

    err = registered(program)
    assert isinstance(err, DuplicateNameError)
    assert str(err) == (
        "Model 'gpt' (in team-b): 'virtual-model/openai/gpt-4o' is declared twice "
        "(also by Model 'gpt' (in team-a)); keep one of them"
    )


def test_distinct_names_and_invalid_names_are_left_alone(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("a", name="openai/gpt-4o", connection_id="c")
        wxo.Model("b", name="openai/gpt-4o-mini", connection_id="c")
        wxo.Model("c", name="nope/x", connection_id="c")  # check reports the provider
        wxo.Model("d", name="nope/x", connection_id="c")
        wxo.Model.get("e", "id-of-gpt-4o")  # a read is no declaration

    assert registered(program) is None
    assert len(mocks.registered) == 5


def test_deployments_one_after_another_do_not_see_each_others_names() -> None:
    def program() -> None:
        wxo.Model("gpt-a", name="openai/gpt-4o", connection_id="c")

    def other() -> None:
        wxo.Model("gpt-b", name="openai/gpt-4o", connection_id="c")

    # A new set_mocks is a new deployment (as each Automation-API run is) ...
    pulumi.runtime.set_mocks(recorder(), preview=True)
    assert registered(program) is None
    pulumi.runtime.set_mocks(recorder(), preview=True)
    assert registered(other) is None
    # ... and so is each program run by pulumi.runtime.test under one set_mocks (a test suite).
    assert registered(program) is None


def test_the_same_resource_declared_again_is_its_own_urn_not_a_second_claim(mocks: Recorder) -> None:
    # One program cannot do this (the engine refuses a duplicate URN); a test suite that
    # declares its resources again under one set_mocks does, and must keep working.
    def program() -> None:
        wxo.Model("gpt-a", name="openai/gpt-4o", connection_id="c")
        wxo.Model("gpt-a", name="openai/gpt-4o", connection_id="c")

    assert registered(program) is None


def test_each_model_carries_the_programs_other_models_for_check(mocks: Recorder) -> None:
    def program() -> None:
        wxo.Model("a", name="openai/a")
        wxo.Model("b", name="openai/b", adopt="takeover")
        wxo.Model("c", name="virtual-model/openai/c", adopt=True)

    run(program)
    by_name = {r.name: r.inputs for r in mocks.registered}
    # One JSON text, the same for every model of the run (check skips its own name): one value
    # to serialise per registration, not hundreds (bench/engine.py --large).
    texts = {r.inputs["program_models"] for r in mocks.registered}
    assert len(texts) == 1 and all(isinstance(t, str) for t in texts)
    listed = json.loads(texts.pop())
    assert {e["name"]: e["adopt"] for e in listed} == {
        "virtual-model/openai/a": False,
        "virtual-model/openai/b": "takeover",
        "virtual-model/openai/c": True,
    }
    assert {e["owner"] for e in listed} == {r.inputs["owner"] for r in mocks.registered}
    assert {r.inputs["owner_stack"] for r in mocks.registered} == {"project/stack"}
    assert by_name["a"]["owner"] in {e["owner"] for e in listed}


def test_a_secret_name_is_never_in_the_program_list(mocks: Recorder) -> None:
    """A name given as a secret is claimed (so a duplicate is still refused) but never listed
    for another resource's check, where it would travel in plaintext."""
    seen: list[list[tuple[int, str, object]]] = []

    def program() -> None:
        wxo.Model("plain", name="openai/plain")
        MODEL_NAMES.claim("openai/hidden-name", "hidden", object(), secret=True)
        seen.append(MODEL_NAMES.claimed())

    run(program)
    assert [name for _, name, _ in seen[0]] == ["virtual-model/openai/plain"]
    texts = [r.inputs["program_models"] for r in mocks.registered]
    assert texts and all("hidden-name" not in t for t in texts)
