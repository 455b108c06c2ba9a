"""``pulumi import`` through the CLI and the native plugin, on a project directory.

Two models and a policy are made on the emulator by hand. ``pulumi import wxo:index:Model
<name> <id>`` (and ``wxo:index:ModelPolicy``) brings each under management from its id alone;
the project's program (tests/data/native-project) declares the same values, and its preview is
then clean, except for the one secret the server never returns (``keyed``'s api_key): that
preview shows one update of ``provider_config``, the next ``up`` writes the key, and the preview
after it is clean. The legacy language host runs the program (as in test_killed_run_engine.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.native import ROOT, resources
from tests.support.project import ProjectCli, project_stack

PROJECT = ROOT / "tests" / "data" / "native-project"
KEY = "sk-import-KNOWN-0042"


@pytest.fixture
def cli(pulumi_cli: auto.PulumiCommand, emulator: EmulatorThread, tmp_path: Path) -> Iterator[ProjectCli]:
    with project_stack(pulumi_cli.command, PROJECT, tmp_path, url=emulator.url, secrets=[KEY]) as c:
        yield c


def _made_by_hand(emulator: EmulatorThread) -> dict[str, str]:
    auth = {"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    plain = "virtual-model/ollama/imported"
    keyed = "virtual-model/openai/imported-keyed"
    policy = "virtual-policy/imported-route"
    bodies: list[tuple[str, dict[str, Any]]] = [
        (
            "/models",
            {
                "name": plain,
                "display_name": "Imported",
                "description": "made by hand",
                "tags": ["legacy"],
                "model_type": "chat",
                "provider_config": {"customHost": "https://llm.example"},
                "config": {"max_tokens": 100},
            },
        ),
        (
            "/models",
            {"name": keyed, "display_name": keyed, "description": keyed, "provider_config": {"api_key": KEY}},
        ),
        (
            "/model_policy",
            {
                "name": policy,
                "display_name": policy,
                "description": policy,
                "policy": {
                    "strategy": {"mode": "fallback"},
                    "targets": [{"model_name": plain}, {"model_name": keyed}],
                },
            },
        ),
    ]
    with httpx.Client(base_url=f"{emulator.url}/v1", headers=auth) as raw:
        for path, body in bodies:
            raw.post(path, json=body).raise_for_status()
    state = emulator.control.state()
    ids = {m["name"]: m["id"] for m in state["models"]}
    ids.update({p["name"]: p["id"] for p in state["policies"]})
    return {"plain": ids[plain], "keyed": ids[keyed], "route": ids[policy]}


def test_import_then_a_clean_preview(cli: ProjectCli, emulator: EmulatorThread) -> None:
    ids = _made_by_hand(emulator)
    before = emulator.control.state()
    for token, name in (
        ("wxo:index:Model", "plain"),
        ("wxo:index:Model", "keyed"),
        ("wxo:index:ModelPolicy", "route"),
    ):
        cli.ok("import", token, name, ids[name], "--yes", "--protect=false", "--generate-code=false")
    exported = cli.export()
    models = {r["outputs"]["name"]: r for r in resources(exported, "wxo:index:Model")}
    assert sorted(r["id"] for r in models.values()) == sorted([ids["plain"], ids["keyed"]])
    plain = models["virtual-model/ollama/imported"]
    assert plain["inputs"]["provider_config"] == {"custom_host": "https://llm.example"}
    assert plain["inputs"]["tags"] == ["legacy"] and plain["inputs"]["config"] == {"max_tokens": 100}
    [policy] = resources(exported, "wxo:index:ModelPolicy")
    assert policy["id"] == ids["route"]
    assert emulator.control.state() == before  # an import writes nothing

    # The program declares the same values: only the secret the server cannot return differs.
    preview = cli.ok("preview", "--diff")
    assert "1 to update" in preview and "to create" not in preview and "to replace" not in preview, preview
    assert "wxo:index:Model: (update)" in preview and "api_key" in preview, preview
    assert "ModelPolicy: (update)" not in preview, preview
    cli.ok("up", "--yes", "--skip-preview")
    cli.ok("preview", "--expect-no-changes")
    after = emulator.control.state()
    assert sorted(m["id"] for m in after["models"]) == sorted(
        [ids["plain"], ids["keyed"]]
    )  # nothing recreated
    assert [p["id"] for p in after["policies"]] == [ids["route"]]
    cli.ok("destroy", "--yes")
    assert emulator.control.state()["models"] == []
