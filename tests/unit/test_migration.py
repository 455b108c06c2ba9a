"""The state rewrite from the dynamic host to the native plugin, over the golden v0.1.0 stack."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_wxo.native.migration import MigrationError, default_provider_name, migrate_deployment

pytestmark = pytest.mark.unit

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
PID = "0b0e6d7a-5f0c-4d55-9a53-1d1c1d7f4e01"
P = "urn:pulumi:golden::wxo-golden::"
OLD_PROVIDER = f"{P}pulumi:providers:pulumi-python::default"


def golden() -> dict[str, Any]:
    return {"version": 3, "deployment": json.loads((GOLDEN / "state.json").read_text())}


def by_urn(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["urn"]: r for r in export["deployment"]["resources"]}


def test_the_golden_stack_moves_to_the_wxo_provider_with_ids_outputs_and_ciphertexts_kept() -> None:
    before = golden()
    untouched = copy.deepcopy(before)
    result = migrate_deployment(before, provider_id=PID)
    assert before == untouched  # the input is not changed
    after = by_urn(result.export)
    old = by_urn(before)
    assert list(after) == [
        f"{P}pulumi:pulumi:Stack::wxo-golden-golden",
        f"{P}pulumi:providers:wxo::default",  # in the old provider's place: before its users
        f"{P}wxo:index:Model::granite",
        f"{P}wxo:index:Model::gpt-4o",
        f"{P}wxo:index:Model::azure-mini",
        f"{P}wxo:index:Model::claude",
        f"{P}wxo:index:ModelPolicy::balanced",
    ]
    assert result.provider_urn == f"{P}pulumi:providers:wxo::default"
    for old_urn, new_urn in result.moved.items():
        was, now = old[old_urn], after[new_urn]
        assert now["type"] == new_urn.split("::")[2]
        assert now["id"] == was["id"]
        assert now["provider"] == f"{P}pulumi:providers:wxo::default::{PID}"
        assert now["parent"] == was["parent"]  # the stack's URN does not change
        for key in ("inputs", "outputs"):
            # Everything but the pickled provider, secrets' ciphertext objects byte for byte.
            assert now[key] == {k: v for k, v in was[key].items() if k != "__provider"}
        assert "__provider" not in now["propertyDependencies"]
    policy = after[f"{P}wxo:index:ModelPolicy::balanced"]
    assert policy["dependencies"] == [f"{P}wxo:index:Model::gpt-4o", f"{P}wxo:index:Model::granite"]
    assert policy["propertyDependencies"]["targets"] == policy["dependencies"]
    text = json.dumps(result.export)
    assert "pulumi-python" not in text and "__provider" not in text


def test_the_new_provider_carries_the_wxo_config_as_the_engine_writes_it() -> None:
    old = by_urn(golden())[OLD_PROVIDER]
    provider = by_urn(migrate_deployment(golden(), provider_id=PID).export)[
        f"{P}pulumi:providers:wxo::default"
    ]
    assert provider["id"] == PID and provider["custom"] is True and provider["type"] == "pulumi:providers:wxo"
    assert provider["inputs"] == {"token": old["inputs"]["wxo:token"], "url": old["inputs"]["wxo:url"]}
    assert provider["outputs"] == {"token": old["outputs"]["wxo:token"], "url": old["outputs"]["wxo:url"]}
    assert "ciphertext" in provider["inputs"]["token"]  # still encrypted, never decrypted


def test_a_pinned_plugin_version_names_the_provider_as_the_engine_does() -> None:
    assert default_provider_name(None) == "default"
    assert default_provider_name("0.2.0") == "default_0_2_0"
    assert default_provider_name("0.2.0-dev.0") == "default_0_2_0_dev_0"
    with pytest.raises(MigrationError, match=r"--provider-version: '0\.2' is not a semantic version"):
        default_provider_name("0.2")
    result = migrate_deployment(golden(), provider_id=PID, version="0.2.0")
    provider = by_urn(result.export)[f"{P}pulumi:providers:wxo::default_0_2_0"]
    assert provider["inputs"] == {
        "__internal": {},
        "token": by_urn(golden())[OLD_PROVIDER]["inputs"]["wxo:token"],
        "url": "{EMULATOR_URL}",
        "version": "0.2.0",
    }
    assert provider["outputs"]["version"] == "0.2.0" and "__internal" not in provider["outputs"]
    model = by_urn(result.export)[f"{P}wxo:index:Model::granite"]
    assert model["provider"] == f"{P}pulumi:providers:wxo::default_0_2_0::{PID}"


def _with_component() -> dict[str, Any]:
    """The golden stack with a component around one model, a child of that model, another
    dynamic provider's resource, and every URN-holding field set."""
    export = golden()
    res = export["deployment"]["resources"]
    comp = f"{P}my:app:Catalogue::cat"
    res.insert(2, {"urn": comp, "custom": False, "type": "my:app:Catalogue", "parent": res[0]["urn"]})
    granite = next(r for r in res if r["urn"].endswith("::granite"))
    granite["urn"] = f"{P}my:app:Catalogue$pulumi-python:dynamic/wxo:Model::granite"
    granite["parent"] = comp
    granite["aliases"] = [f"{P}pulumi-python:dynamic/wxo:Model::granite"]
    policy = next(r for r in res if r["type"].endswith("ModelPolicy"))
    old_granite = f"{P}pulumi-python:dynamic/wxo:Model::granite"
    policy["dependencies"] = [granite["urn"] if u == old_granite else u for u in policy["dependencies"]]
    policy["propertyDependencies"]["targets"] = policy["dependencies"]
    policy["deletedWith"] = granite["urn"]
    res.append(
        {
            "urn": f"{P}pulumi-python:dynamic:Resource::other",
            "custom": True,
            "id": "x",
            "type": "pulumi-python:dynamic:Resource",
            "provider": f"{OLD_PROVIDER}::{res[1]['id']}",
            "dependencies": [granite["urn"]],
        }
    )
    return export


def test_every_reference_follows_including_type_chains_and_other_dynamic_resources_stay() -> None:
    result = migrate_deployment(_with_component(), provider_id=PID)
    after = by_urn(result.export)
    new_granite = f"{P}my:app:Catalogue$wxo:index:Model::granite"
    assert after[new_granite]["parent"] == f"{P}my:app:Catalogue::cat"
    assert after[new_granite]["aliases"] == [f"{P}wxo:index:Model::granite"]
    policy = after[f"{P}wxo:index:ModelPolicy::balanced"]
    assert new_granite in policy["dependencies"] and policy["deletedWith"] == new_granite
    assert new_granite in policy["propertyDependencies"]["targets"]
    other = after[f"{P}pulumi-python:dynamic:Resource::other"]
    assert other["dependencies"] == [new_granite]
    assert other["provider"].startswith(OLD_PROVIDER + "::")  # not ours: left on its provider
    urns = list(after)
    # The old provider stays for it; the new one comes right after it, before any user.
    assert urns.index(OLD_PROVIDER) + 1 == urns.index(f"{P}pulumi:providers:wxo::default")


def _refused(export: Any, match: str) -> None:
    with pytest.raises(MigrationError, match=match):
        migrate_deployment(export, provider_id=PID)


def test_states_it_does_not_understand_are_refused_with_the_reason() -> None:
    _refused([], "not the output of `pulumi stack export`")
    _refused({"version": 2, "deployment": {}}, "not the output of `pulumi stack export`")
    _refused({"version": 3, "deployment": {"resources": "x"}}, "deployment.resources: is not a list")
    _refused({"version": 3, "deployment": {"resources": []}}, "nothing to migrate")

    pending = golden()
    pending["deployment"]["pending_operations"] = [{"type": "creating", "resource": {}}]
    _refused(
        pending, r"pending_operations: the stack has 1 pending operation\(s\) \(creating\).*pulumi refresh"
    )

    bad_urn = golden()
    bad_urn["deployment"]["resources"][2]["urn"] = "granite"
    _refused(bad_urn, r"resources\[2\]\.urn: 'granite' is not a Pulumi URN")

    replacing = golden()
    replacing["deployment"]["resources"][3]["delete"] = True
    _refused(replacing, "gpt-4o: waits to be deleted after a replace")

    explicit = golden()
    res = explicit["deployment"]["resources"]
    res[1]["urn"] = f"{P}pulumi:providers:pulumi-python::prod"
    for r in res[2:]:
        r["provider"] = f"{P}pulumi:providers:pulumi-python::prod::{res[1]['id']}"
    _refused(explicit, "uses an explicit pulumi-python provider")

    migrated = migrate_deployment(golden(), provider_id=PID).export
    twice = golden()
    twice["deployment"]["resources"].insert(2, by_urn(migrated)[f"{P}pulumi:providers:wxo::default"])
    _refused(twice, "already in the stack: was it migrated before")


def test_a_connection_moves_too_and_the_model_that_uses_it_follows() -> None:
    export = golden()
    resources = export["deployment"]["resources"]
    [claude] = [r for r in resources if r["urn"].endswith("::claude")]
    conn_urn = f"{P}pulumi-python:dynamic/wxo:Connection::anthropic"
    conn = {
        **copy.deepcopy(claude),
        "urn": conn_urn,
        "type": "pulumi-python:dynamic/wxo:Connection",
        "id": "c-1",
        "inputs": {"__provider": "pickled", "app_id": "anthropic", "kind": "key_value"},
        "outputs": {"__provider": "pickled", "app_id": "anthropic", "connection_id": "c-1"},
        "dependencies": [],
        "propertyDependencies": {},
    }
    resources.insert(resources.index(claude), conn)
    claude["dependencies"] = [conn_urn]
    claude["propertyDependencies"] = {"connection_id": [conn_urn]}
    after = by_urn(migrate_deployment(export, provider_id=PID).export)
    moved = after[f"{P}wxo:index:Connection::anthropic"]
    assert moved["type"] == "wxo:index:Connection" and moved["id"] == "c-1"
    assert moved["outputs"] == {"app_id": "anthropic", "connection_id": "c-1"}
    new_claude = after[f"{P}wxo:index:Model::claude"]
    assert new_claude["dependencies"] == [f"{P}wxo:index:Connection::anthropic"]
    assert new_claude["propertyDependencies"]["connection_id"] == [f"{P}wxo:index:Connection::anthropic"]
