"""The native plugin through the real engine: create, preview, refresh, update, replace, destroy.

One stack walks the whole lifecycle (the engine starts ``pulumi-resource-wxo`` from the test's
plugin cache, tests/support/native.py): a model with a secret and a policy that routes to
it, created; a clean no-op preview; drift made out of band found by refresh; an update that is
exactly one PUT and that ``preview --diff`` names field by field; a rename that replaces; a
destroy that leaves the server empty. Secrets never appear in ``pulumi stack export`` or in
anything the CLI printed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo as wxo
import pulumi_wxo.native as native
from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN
from tests.support.engine import Engine, user_tags
from tests.support.native import export, install_plugin, resources

KEY = "sk-native-KNOWN-secret-4242"
GPT = "virtual-model/openai/native-gpt"


def catalogue(**overrides: Any) -> Callable[[], None]:
    def program() -> None:
        args: dict[str, Any] = {
            "name": "openai/native-gpt",
            "display_name": "Native GPT",
            "provider_config": {"api_key": KEY, "custom_host": "https://llm.example"},
            "config": {"max_tokens": 512},
            "tags": ["e2e"],
        }
        args.update(overrides)
        gpt = native.Model("gpt", **args)
        # The description is unknown at preview (the model's id): check passes it through.
        routes = gpt.model_id.apply(lambda i: f"routes to {i}")
        native.ModelPolicy(
            "route", name="native-route", description=routes, strategy="single", targets=[{"model": gpt}]
        )
        pulumi.export("model_id", gpt.model_id)
        pulumi.export("provider", gpt.provider)

    return program


@pytest.fixture
def native_engine(engine_factory: Callable[..., Engine], tmp_path: Path) -> Callable[..., Engine]:
    install_plugin(tmp_path / "pulumi-home")
    return engine_factory


def changes(summary: dict[str, int] | None) -> dict[str, int]:
    return {k: v for k, v in (summary or {}).items() if k != "same"}


def writes(eng: Engine) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in eng.emulator.control.requests() if r["method"] != "GET"]


def stack_export(eng: Engine) -> dict[str, Any]:
    """``pulumi stack export`` as the CLI prints it (the Automation API's shows the secrets)."""
    ws = eng.stack.workspace
    env = {**os.environ, **ws.env_vars}
    return export(ws.pulumi_command.command, Path(ws.work_dir), env, stack=eng.stack.name)


def _no_secret_anywhere(eng: Engine) -> None:
    exported = json.dumps(stack_export(eng))
    assert KEY not in exported
    assert KEY not in eng.text()
    assert "Traceback" not in eng.text()


def test_native_lifecycle_through_the_engine(native_engine: Callable[..., Engine]) -> None:
    eng = native_engine(catalogue())
    prev = eng.preview(diff=True)  # the creates, with an unknown input, through check
    assert changes(prev.change_summary) == {"create": 3}, prev.stdout
    assert eng.models() == []
    up = eng.up()
    assert changes(up.summary.resource_changes) == {"create": 3}, eng.text()  # stack, model, policy
    [model] = [m for m in eng.models()]
    assert model["name"] == GPT and user_tags(model) == ["e2e"]
    assert up.outputs["model_id"].value == model["id"]
    assert up.outputs["provider"].value == "openai"
    [policy] = eng.emulator.control.state()["policies"]
    assert (policy["name"], policy["description"]) == (
        "virtual-policy/native-route",
        f"routes to {model['id']}",
    )
    assert "from $PATH" not in eng.text()

    # State: the credential is a secret (ciphertext) in inputs and outputs, never plaintext.
    [res] = resources(stack_export(eng), "wxo:index:Model")
    for bag in (res["inputs"], res["outputs"]):
        assert set(bag["provider_config"]) == {"api_key", "custom_host"}
        assert "ciphertext" in bag["provider_config"]["api_key"], bag
        assert bag["provider_config"]["custom_host"] == "https://llm.example"
    assert res["outputs"]["model_id"] == model["id"] and res["id"] == model["id"]
    assert res["outputs"]["provider_version"] and res["outputs"]["instance"]["url"]
    _no_secret_anywhere(eng)

    # A second preview is clean; so is a refresh with nothing changed.
    assert changes(eng.preview(diff=True).change_summary) == {}, eng.text()
    assert changes(eng.refresh().summary.resource_changes) == {}, eng.text()

    # Drift out of band: refresh finds it, preview --diff names the field, up restores it.
    with httpx.Client(
        base_url=f"{eng.emulator.url}/v1", headers={"Authorization": "Bearer test-token"}
    ) as raw:
        raw.put(f"/models/{model['id']}", json={**model, "display_name": "edited by hand"}).raise_for_status()
    assert changes(eng.refresh().summary.resource_changes) == {"update": 1}, eng.text()
    prev = eng.preview(diff=True)
    assert changes(prev.change_summary) == {"update": 1}
    assert re.search(r'~ display_name\s*: "edited by hand" => "Native GPT"', prev.stdout), prev.stdout
    assert "provider_config" not in prev.stdout.split("display_name", 1)[1].split("\n\n")[0]
    eng.up()
    assert next(m for m in eng.models())["display_name"] == "Native GPT"

    # An update: preview --diff marks the changed fields only, up sends exactly one PUT.
    changed = catalogue(description="the native one", config={"max_tokens": 1024})
    prev = eng.preview(changed, diff=True)
    assert changes(prev.change_summary) == {"update": 1}, prev.stdout
    assert re.search(r'\+ description\s*: "the native one"', prev.stdout), prev.stdout
    assert re.search(r"~ config\s*: \{", prev.stdout) and "max_tokens" in prev.stdout
    assert not re.search(r"[~+-] display_name", prev.stdout), prev.stdout
    eng.emulator.control.clear_requests()
    up = eng.up(changed)
    assert changes(up.summary.resource_changes) == {"update": 1}, eng.text()
    assert [m for m, _ in writes(eng)] == ["PUT"], writes(eng)
    assert writes(eng)[0][1].endswith(f"/models/{model['id']}")
    assert next(m for m in eng.models())["config"] == {"max_tokens": 1024}
    assert changes(eng.preview(changed).change_summary) == {}

    # A rename replaces, the new model first; the policy follows the new name.
    renamed = catalogue(
        name="openai/native-gpt-mini", description="the native one", config={"max_tokens": 1024}
    )
    prev = eng.preview(renamed, diff=True)
    assert changes(prev.change_summary) == {"replace": 1, "update": 1}, prev.stdout
    assert re.search(r"\+-wxo:index:Model: \(replace\)", prev.stdout), prev.stdout
    assert re.search(
        r'~ name: "virtual-model/openai/native-gpt" => "virtual-model/openai/native-gpt-mini"', prev.stdout
    )
    eng.emulator.control.clear_requests()
    up = eng.up(renamed)
    assert changes(up.summary.resource_changes) == {"replace": 1, "update": 1}, eng.text()
    model_writes = [m for m, p in writes(eng) if "/models" in p]
    assert model_writes == ["POST", "DELETE"], writes(eng)
    assert eng.names() == ["virtual-model/openai/native-gpt-mini"]
    [policy] = eng.emulator.control.state()["policies"]
    assert json.dumps(policy["policy"]).count("native-gpt-mini") == 1

    eng.destroy()
    assert eng.models() == [] and eng.emulator.control.state()["policies"] == []
    _no_secret_anywhere(eng)


def test_errors_name_the_resource_and_field_without_a_traceback(native_engine: Callable[..., Engine]) -> None:
    eng = native_engine(catalogue(config={"temperature": 5}))
    with pytest.raises(auto.CommandError) as info:
        eng.preview()
    msg = str(info.value)
    assert "config.temperature: " in msg and "less than or equal to 2" in msg, msg
    assert "Traceback" not in msg and 'File "' not in msg
    assert eng.models() == []

    # An error the server answers (a 403 on create) reaches the user as one clean line.
    eng.emulator.control.add_fault(method="POST", path="/models$", status=403, detail="not allowed here")
    with pytest.raises(auto.CommandError) as info:
        eng.up(catalogue())
    msg = str(info.value)
    assert "Model 'gpt': create model 'virtual-model/openai/native-gpt'" in msg, msg
    assert "Traceback" not in msg and 'File "' not in msg and KEY not in msg
    eng.emulator.control.clear_faults()


def twins(host: Any, url_a: str, url_b: str) -> Callable[[], None]:
    """One model name on two instances, each through its own explicit provider."""

    def program() -> None:
        token = pulumi.Output.secret("test-token")
        a = host.Provider("a", url=url_a, token=token, max_retries=2, insecure=False)
        b = host.Provider("b", url=url_b, token=token, timeout=20.0)
        for label, prov in (("a", a), ("b", b)):
            host.Model(
                f"twin-{label}",
                name="openai/twin",
                display_name=f"twin on {label}",
                provider_config={"api_key": KEY},
                opts=pulumi.ResourceOptions(provider=prov),
            )

    return program


@pytest.mark.parametrize("host", [native, wxo], ids=["native", "dynamic"])
def test_two_instances_in_one_program(
    native_engine: Callable[..., Engine], tmp_path: Path, host: Any
) -> None:
    settings = EmulatorSettings(db=str(tmp_path / "second.db"), token=EMULATOR_TOKEN)
    with EmulatorThread(settings) as second:
        eng = native_engine(lambda: None)
        first = eng.emulator
        program = twins(host, first.url, second.url)
        up = eng.up(program)
        assert changes(up.summary.resource_changes) == {"create": 5}, (
            eng.text()
        )  # 2 providers, 2 models, stack
        for emu, label in ((first, "a"), (second, "b")):
            [model] = emu.control.state()["models"]
            assert (model["name"], model["display_name"]) == ("virtual-model/openai/twin", f"twin on {label}")
        assert changes(eng.preview(program).change_summary) == {}, eng.text()
        _no_secret_anywhere(eng)
        eng.destroy()
        assert first.control.state()["models"] == [] and second.control.state()["models"] == []


def test_get_reads_an_existing_model_without_managing_it(native_engine: Callable[..., Engine]) -> None:
    eng = native_engine(lambda: None)
    with httpx.Client(
        base_url=f"{eng.emulator.url}/v1", headers={"Authorization": "Bearer test-token"}, timeout=30
    ) as raw:
        body = {
            "name": "virtual-model/openai/made-elsewhere",
            "display_name": "Made elsewhere",
            "description": "by the ADK",
            "tags": ["team-a"],
            "provider_config": {"api_key": KEY, "custom_host": "https://elsewhere.example"},
        }
        raw.post("/models", json=body).raise_for_status()
    [made] = eng.models()

    def program() -> None:
        seen = native.Model.get("seen", made["id"])
        pulumi.export("name", seen.name)
        pulumi.export("display_name", seen.display_name)
        pulumi.export("tags", seen.tags)
        pulumi.export("custom_host", seen.provider_config.apply(lambda c: (c or {}).get("custom_host")))

    eng.emulator.control.clear_requests()
    up = eng.up(program)
    assert {k: v.value for k, v in up.outputs.items()} == {
        "name": "virtual-model/openai/made-elsewhere",
        "display_name": "Made elsewhere",
        "tags": ["team-a"],
        "custom_host": "https://elsewhere.example",
    }
    assert writes(eng) == []  # read, never written
    assert changes(eng.preview(program).change_summary) == {}
    eng.destroy()
    assert [m["id"] for m in eng.models()] == [made["id"]]  # not managed: destroy leaves it
    _no_secret_anywhere(eng)
