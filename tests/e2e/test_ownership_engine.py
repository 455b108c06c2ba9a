"""Ownership between stacks through the real engine, on both hosts (docs/dev/lifecycle.md, "Ownership").

Two stacks of one project on one instance. Stack ``team-a`` manages a model; stack ``team-b``
declares the same name:

* with ``adopt=True`` its preview is refused, naming ``team-a`` and how to hand the model over,
  and the same failing preview lists every other taken name of the program;
* with ``adopt="takeover"`` the preview says what it takes from whom, and ``up`` takes it;
* a model without an owner tag is adopted with ``adopt=True``, and the preview says so (its id).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.engine import PROJECT, Engine
from tests.support.native import install_plugin

HOSTS = {"dynamic": wxo, "native": native}


def declare(host: str, models: dict[str, Any]) -> Callable[[], None]:
    """A program declaring ``models``: resource name -> (model name, adopt)."""
    sdk = HOSTS[host]

    def program() -> None:
        for resource, (name, adopt) in models.items():
            sdk.Model(resource, name=name, provider_config={"api_key": "sk-own-1"}, adopt=adopt)

    return program


def failed_preview(eng: Engine, program: Callable[[], None]) -> str:
    with pytest.raises(auto.CommandError) as caught:
        eng.preview(program)
    return str(caught.value)


def owner_tags(eng: Engine, name: str) -> list[str]:
    [model] = [m for m in eng.models() if m["name"] == name]
    return [t for t in model["tags"] if t.startswith("pulumi-wxo-owner:")]


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_another_stacks_model_is_refused_then_taken_over_explicitly(
    host: str, engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    install_plugin(tmp_path / "pulumi-home")
    shared, second = f"virtual-model/openai/shared-{host}", f"virtual-model/openai/second-{host}"
    loose = f"virtual-model/openai/loose-{host}"
    team_a = engine_factory(
        declare(host, {"gpt": (shared, False), "two": (second, False)}), stack_name="team-a"
    )
    team_a.up()
    assert f"pulumi-wxo-owner:stack:{PROJECT}/team-a" in owner_tags(team_a, shared)
    with httpx.Client(
        base_url=f"{team_a.emulator.url}/v1", headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    ) as raw:
        raw.post("/models", json={"name": loose, "provider_config": {"api_key": "x"}}).raise_for_status()
    team_b = engine_factory(declare(host, {"mine": (shared, True)}), stack_name="team-b")

    # adopt=True does not take another stack's model; the refusal names it and the way on.
    text = failed_preview(team_b, declare(host, {"mine": (shared, True)}))
    assert f"belongs to stack '{PROJECT}/team-a'" in text, text
    assert "adopt=True does not take a model another stack manages" in text, text
    assert "pulumi state delete" in text and 'adopt="takeover"' in text, text
    assert "Traceback" not in text
    # Every taken name of the program is reported by the first failing preview.
    text = failed_preview(
        team_b,
        declare(host, {"mine": (shared, True), "also": (second, False), "loose": (loose, False)}),
    )
    for name in (shared, second, loose):
        assert name in text, (name, text)
    assert "other models declared in this program are taken on the server too" in text, text
    assert [m["name"] for m in team_b.models()].count(shared) == 1

    # The explicit opt-in: the preview says what is taken from whom, up takes it.
    takeover = declare(host, {"mine": (shared, "takeover")})
    prev = team_b.preview(takeover)
    said = prev.stdout + prev.stderr
    assert f"will take over the existing model '{shared}'" in said, said
    assert f"from stack '{PROJECT}/team-a'" in said, said
    team_b.up(takeover)
    tags = owner_tags(team_b, shared)
    assert f"pulumi-wxo-owner:stack:{PROJECT}/team-b" in tags, tags

    # A model without an owner tag: adopt=True takes it, and the preview names its id.
    [loose_id] = [m["id"] for m in team_b.models() if m["name"] == loose]
    adopting = declare(host, {"mine": (shared, "takeover"), "loose": (loose, True)})
    prev = team_b.preview(adopting)
    said = prev.stdout + prev.stderr
    assert f"will adopt the existing model '{loose}' (id {loose_id}): nothing is created" in said, said
