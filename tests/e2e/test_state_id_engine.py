"""A state whose id points at another object, through the real engine, on both hosts.

A stack created ``openai/mine``; a person made ``openai/victim`` (no owner tag). The stack's
state is then exported, its model's ``id`` / ``model_id`` set to the victim's and imported back,
as a mis-merged, restored or hand-edited state would be. ``up`` (an edit), ``refresh``,
``up --refresh`` and ``destroy`` must each refuse, naming the id and both names, and leave the
victim exactly as it was. The repair docs/guide/recovery.md gives (``pulumi state delete``, then
``up``) then works: the stack takes its own model back by its owner tag.

A program that sends another stack's ``owner`` to the plugin (a YAML or TypeScript program can)
is refused at preview, so it cannot take that stack's model back without ``adopt``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from pulumi_wxo.lifecycle.ownership import owner_id
from pulumi_wxo.native.schema import package_version
from tests.support.emulator import post_by_hand
from tests.support.engine import PROJECT, Engine
from tests.support.native import install_plugin

MINE, VICTIM = "virtual-model/openai/mine", "virtual-model/openai/victim"
TOKENS = {"dynamic": "pulumi-python:dynamic/wxo:Model", "native": "wxo:index:Model"}


def program(host: str, display_name: str = "Mine") -> Callable[[], None]:
    def run() -> None:
        make = native.Model if host == "native" else wxo.Model
        make(
            "mine", name="openai/mine", display_name=display_name, provider_config={"api_key": "sk-mine-e2e"}
        )

    return run


def point_state_at(eng: Engine, type_token: str, new_id: str) -> None:
    """``pulumi stack export``, set the model's id and model_id, ``pulumi stack import``."""
    deployment = eng.stack.export_stack()
    [res] = [r for r in deployment.deployment["resources"] if r["type"] == type_token]
    res["id"] = new_id
    res["outputs"]["model_id"] = new_id
    eng.stack.import_stack(deployment)


def refused(run: Callable[[], Any], victim_id: str) -> str:
    with pytest.raises(auto.CommandError) as info:
        run()
    msg = str(info.value)
    assert f"the state records model id {victim_id} as '{MINE}' with owner tag pulumi-wxo-owner:" in msg, msg
    assert f"on the server is '{VICTIM}' without an owner tag; nothing was changed or deleted" in msg, msg
    assert "pulumi state delete" in msg and "docs/guide/recovery.md" in msg, msg
    assert "Traceback" not in msg
    return msg


def test_a_state_id_pointing_at_another_model_is_refused_and_the_model_left_alone(
    engine_factory: Callable[..., Engine], host: str
) -> None:
    eng = engine_factory(program(host))
    eng.up()
    [mine] = eng.models()
    victim = {"name": VICTIM, "connection_id": "conn-victim", "tags": ["team-v"], "provider_config": {}}
    post_by_hand(eng.emulator, "/models", victim)
    [before] = [m for m in eng.models() if m["name"] == VICTIM]
    point_state_at(eng, TOKENS[host], before["id"])

    refused(lambda: eng.up(program(host, display_name="Mine, edited")), before["id"])
    refused(eng.refresh, before["id"])
    refused(lambda: eng.up(program(host, display_name="Mine, edited"), refresh=True), before["id"])
    refused(eng.destroy, before["id"])
    [after] = [m for m in eng.models() if m["id"] == before["id"]]
    assert after == before  # not renamed, not re-tagged, connection_id kept, not deleted

    # The repair docs/guide/recovery.md gives: drop the resource from the state, then up again.
    urn = next(
        r["urn"] for r in eng.stack.export_stack().deployment["resources"] if r["type"] == TOKENS[host]
    )
    ws = eng.stack.workspace
    assert isinstance(ws, auto.LocalWorkspace)
    ws.pulumi_command.run(
        ["state", "delete", urn, "--yes", "--stack", eng.stack.name], ws.work_dir, ws.env_vars
    )
    eng.up(program(host, display_name="Mine, edited"))
    models = {m["id"]: m for m in eng.models()}
    assert models[mine["id"]]["display_name"] == "Mine, edited"  # its own model, taken back by its tag
    assert models[before["id"]] == before and len(models) == 2
    eng.destroy()
    assert [m["id"] for m in eng.models()] == [before["id"]]


def test_a_program_naming_another_stacks_owner_is_refused_by_the_plugin(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """What a YAML or TypeScript program can send: ``owner`` set to another stack's owner id,
    to take that stack's model back without ``adopt``."""
    install_plugin(tmp_path / "pulumi-home")
    prod = engine_factory(program("native"), stack_name="prod")
    prod.up()
    [theirs] = prod.models()
    stolen = owner_id(project=PROJECT, stack="prod", type_token=TOKENS["native"], resource_name="mine")

    def intruder() -> None:
        props = {"name": "openai/mine", "provider_config": {"api_key": "sk-intruder-e2e"}, "owner": stolen}
        opts = pulumi.ResourceOptions(version=package_version())
        pulumi.CustomResource(TOKENS["native"], "taker", props, opts)

    other = engine_factory(intruder, stack_name="other")
    with pytest.raises(auto.CommandError) as info:
        other.up()
    msg = str(info.value)
    assert "owner: is computed from the resource's URN" in msg, msg
    assert prod.models() == [theirs]  # not taken over, not re-tagged
