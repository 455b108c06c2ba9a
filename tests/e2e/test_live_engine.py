"""The live acceptance suite: the engine scenarios against one instance, told by URL and credentials.

create -> preview clean -> update (a model and the policy) -> rename (a replace) -> drift made
with the API client directly, found by refresh and undone by up -> destroy, each confirmed
through the API itself rather than through Pulumi's state.

By default (and in CI) the instance is the emulator; with ``WXO_LIVE=1`` and ``WXO_URL`` plus
credentials it is a real one (docs/dev/live.md). Every object carries the run's prefix
``pulumi-wxo-live-<run id>-`` and a finalizer deletes whatever has it, even after a failed step.
One stack serves every scenario, so the whole run is a handful of engine operations.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
from pulumi_wxo.api.client import WxoClient
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.engine import engine_env
from tests.support.live import (
    _WXO_KEYS,
    Target,
    cleaned_up,
    emulator_target,
    has_prefix,
    live_requested,
    run_prefix,
    target_from_environ,
)

PROJECT = "wxo-live"
PASSPHRASE = "live-passphrase"
# Not a real key: the suite never sends a chat request through a model (docs/dev/live.md).
KEY = "pulumi-wxo-live-not-a-real-key"


@pytest.fixture
def target(request: pytest.FixtureRequest) -> Target:
    if live_requested(os.environ):
        return target_from_environ(os.environ)
    emulator = request.getfixturevalue("emulator")
    return emulator_target(emulator.url, EMULATOR_TOKEN)


def catalogue(prefix: str, *, edited: bool = False, renamed: bool = False) -> Callable[[], None]:
    def program() -> None:
        a = wxo.Model(
            "a",
            name=f"openai/{prefix}gpt",
            display_name="Live A (edited)" if edited else "Live A",
            provider_config={"api_key": KEY},
            tags=["pulumi-wxo-live"],
        )
        b = wxo.Model("b", name=f"anthropic/{prefix}claude", provider_config={"api_key": KEY})
        large = "large-2" if renamed else "large"
        c = wxo.Model("c", name=f"mistral-ai/{prefix}{large}", provider_config={"api_key": KEY})
        p = wxo.ModelPolicy(
            "p",
            name=f"{prefix}balanced",
            description="Live suite policy (edited)" if edited else "Live suite policy",
            strategy="loadbalance",
            targets=[{"model": a, "weight": 0.5}, {"model": b, "weight": 0.5}],
        )
        pulumi.export("ids", {"a": a.model_id, "b": b.model_id, "c": c.model_id, "p": p.policy_id})

    return program


@pytest.fixture
def live_stack(
    pulumi_cli: auto.PulumiCommand, target: Target, tmp_path: Path
) -> Iterator[tuple[auto.Stack, str]]:
    prefix = run_prefix()
    # Only the target's settings reach the provider, never the developer's shell.
    env = engine_env(tmp_path, passphrase=PASSPHRASE, wxo={**dict.fromkeys(_WXO_KEYS, ""), **target.env})
    stack = auto.create_stack(
        "live",
        project_name=PROJECT,
        program=catalogue(prefix),
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(tmp_path),
            env_vars=env,
            pulumi_command=pulumi_cli,
            project_settings=auto.ProjectSettings(name=PROJECT, runtime="python"),
        ),
    )
    with cleaned_up(target, prefix, destroy=lambda: stack.destroy(color="never")):
        yield stack, prefix


def _changes(summary: dict[str, int] | None) -> dict[str, int]:
    return {k: v for k, v in (summary or {}).items() if k != "same"}


def _ours(client: WxoClient, prefix: str) -> dict[str, dict[str, Any]]:
    """The run's objects as the API returns them, by name."""
    objects = client.models.list() + client.policies.list()
    return {str(o["name"]): o for o in objects if has_prefix(o.get("name"), prefix)}


def _drift(client: WxoClient, model: dict[str, Any]) -> None:
    """A change made by hand: the model's own GET answer sent back with another display name."""
    body = {k: v for k, v in model.items() if k in ("name", "description", "config", "tags", "model_type")}
    body["display_name"] = "changed outside Pulumi"
    client.models.update(str(model["id"]), body, name=str(model["name"]))


def test_live_scenarios_create_preview_update_rename_drift_destroy(
    live_stack: tuple[auto.Stack, str], target: Target
) -> None:
    stack, prefix = live_stack
    out: list[str] = []
    run = {"on_output": out.append, "color": "never"}
    a, c, c2 = (
        f"virtual-model/openai/{prefix}gpt",
        f"virtual-model/mistral-ai/{prefix}large",
        (f"virtual-model/mistral-ai/{prefix}large-2"),
    )
    policy = f"virtual-policy/{prefix}balanced"
    with target.client() as client:
        # create: exactly the declared objects, with the ids Pulumi recorded.
        up = stack.up(**run)
        assert _changes(up.summary.resource_changes) == {"create": 5}, "\n".join(out)
        ours = _ours(client, prefix)
        assert sorted(ours) == sorted([a, f"virtual-model/anthropic/{prefix}claude", c, policy])
        assert sorted(up.outputs["ids"].value.values()) == sorted(o["id"] for o in ours.values())

        # preview clean: a second plan changes nothing.
        assert _changes(stack.preview(diff=True, **run).change_summary) == {}, "\n".join(out)

        # update: a model and the policy in place, ids unchanged.
        up = stack.up(program=catalogue(prefix, edited=True), **run)
        assert _changes(up.summary.resource_changes) == {"update": 2}, "\n".join(out)
        after = _ours(client, prefix)
        assert {n: o["id"] for n, o in after.items()} == {n: o["id"] for n, o in ours.items()}
        assert after[a]["display_name"] == "Live A (edited)"
        assert after[policy]["description"] == "Live suite policy (edited)"

        # rename: a replace (the new model exists, the old one is gone).
        up = stack.up(program=catalogue(prefix, edited=True, renamed=True), **run)
        assert _changes(up.summary.resource_changes) == {"replace": 1}, "\n".join(out)
        after = _ours(client, prefix)
        assert c2 in after and c not in after

        # refresh after drift made through the API directly; up puts it back.
        _drift(client, after[a])
        ref = stack.refresh(**run)
        assert _changes(ref.summary.resource_changes) == {"update": 1}, "\n".join(out)
        up = stack.up(program=catalogue(prefix, edited=True, renamed=True), **run)
        assert _changes(up.summary.resource_changes) == {"update": 1}, "\n".join(out)
        assert _ours(client, prefix)[a]["display_name"] == "Live A (edited)"
        prev = stack.preview(program=catalogue(prefix, edited=True, renamed=True), **run)
        assert _changes(prev.change_summary) == {}, "\n".join(out)

        # destroy: the API confirms every object is gone.
        stack.destroy(**run)
        assert _ours(client, prefix) == {}
