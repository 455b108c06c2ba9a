"""ModelPolicyProvider's own methods, and the Model delete guard, against the real emulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_wxo._provider import ModelPolicyProvider, ModelProvider
from pulumi_wxo.api.errors import (
    InvalidInputError,
    ModelExistsError,
    ModelInUseError,
    NotFoundError,
    WxoError,
)
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.lifecycle import Runtime
from tests.support.emulator import EMULATOR_TOKEN as TOKEN

pytestmark = pytest.mark.emulator

FLASH = "virtual-model/google/gemini-2.0-flash"
LITE = "virtual-model/google/gemini-2.0-flash-lite"
POLICY = "virtual-policy/anygem"

NEWS: dict[str, Any] = {
    "__provider": "blob",
    "name": "anygem",
    "description": "Balances 2 Gemini models",
    "strategy": {"mode": "loadbalance", "on_status_codes": [503.0, 504.0]},
    "retry": {"attempts": 1.0, "on_status_codes": [503.0]},
    "targets": [
        {"model_name": FLASH, "weight": 0.75},
        {"model_name": "google/gemini-2.0-flash-lite", "weight": 0.25},
    ],
    "adopt": False,
}


@pytest.fixture
def wxo(emulator: EmulatorThread, global_runtime: Runtime) -> EmulatorThread:
    global_runtime.configure({"wxo:url": emulator.url, "wxo:token": TOKEN}.get, {})
    return emulator


def make_models(*names: str) -> dict[str, tuple[str, dict[str, Any]]]:
    prov = ModelProvider()
    made = {}
    for name in names:
        checked = prov.check({}, {"__provider": "b", "name": name, "provider_config": {"api_key": "k-123"}})
        res = prov.create(checked.inputs)
        made[name] = (str(res.id), {**(res.outs or {}), "__provider": "b"})
    return made


def policies(emulator: EmulatorThread) -> list[dict[str, Any]]:
    return list(emulator.control.state()["policies"])


def test_policy_lifecycle(wxo: EmulatorThread) -> None:
    make_models(FLASH, LITE)
    prov = ModelPolicyProvider()
    checked = prov.check({}, dict(NEWS))
    assert checked.failures == []
    assert checked.inputs["name"] == POLICY
    res = prov.create(checked.inputs)
    [row] = policies(wxo)
    assert res.id == row["id"] and row["name"] == POLICY
    assert row["policy"]["targets"][1] == {"model_name": LITE, "weight": 0.25}
    assert row["policy"]["retry"] == {"attempts": 1, "on_status_codes": [503]}
    outs = {**(res.outs or {}), "__provider": "b"}
    assert outs["policy_id"] == res.id and outs["display_name"] == POLICY

    assert prov.diff(str(res.id), outs, checked.inputs).changes is False
    read = prov.read(str(res.id), outs)
    assert read.outs is not None
    assert prov.diff(str(res.id), {**read.outs, "__provider": "x"}, checked.inputs).changes is False

    news = prov.check(
        {}, {**NEWS, "targets": [{"model_name": FLASH, "weight": 0.5}, {"model_name": LITE, "weight": 0.5}]}
    )
    diff = prov.diff(str(res.id), outs, news.inputs)
    assert diff.changes is True and diff.replaces == []
    upd = prov.update(str(res.id), outs, news.inputs)
    assert upd.outs is not None and [t["weight"] for t in upd.outs["targets"]] == [0.5, 0.5]
    assert [t["weight"] for t in policies(wxo)[0]["policy"]["targets"]] == [0.5, 0.5]

    assert prov.diff(str(res.id), outs, {**news.inputs, "name": "other"}).replaces == ["name"]
    prov.delete(str(res.id), upd.outs)
    assert policies(wxo) == []
    assert prov.read(str(res.id), upd.outs).id in (None, "")
    prov.delete(str(res.id), upd.outs)  # 404 counts as deleted


def test_check_refuses_targets_that_exist_nowhere(wxo: EmulatorThread) -> None:
    make_models(FLASH)
    got = {f.property: f.reason for f in ModelPolicyProvider().check({}, dict(NEWS)).failures}
    assert list(got) == ["targets[1].model_name"]
    assert f"no model '{LITE}' on the server and none declared in this stack" in got["targets[1].model_name"]


def test_check_trusts_models_declared_in_the_stack(wxo: EmulatorThread) -> None:
    res = ModelPolicyProvider().check({}, {**NEWS, "declared_models": [FLASH, LITE]})
    assert res.failures == []


def test_check_shape_rules_name_the_field(wxo: EmulatorThread) -> None:
    news = {**NEWS, "strategy": {"mode": "fallback"}, "targets": [{"model_name": FLASH, "weight": 1.5}]}
    got = {f.property: f.reason for f in ModelPolicyProvider().check({}, news).failures}
    assert got == {"targets[0].weight": "targets[0].weight: Input should be less than or equal to 1"}
    news = {**NEWS, "strategy": "fallback", "targets": [{"model_name": FLASH}], "declared_models": [FLASH]}
    got = {f.property: f.reason for f in ModelPolicyProvider().check({}, news).failures}
    assert got == {"targets": "targets: a fallback needs at least two targets (got 1)"}


def test_create_checks_targets_again_before_posting(wxo: EmulatorThread) -> None:
    make_models(FLASH)
    prov = ModelPolicyProvider()
    with pytest.raises(InvalidInputError) as info:
        prov.create(prov.check({}, {**NEWS, "declared_models": [FLASH, LITE]}).inputs)
    assert str(info.value).startswith(
        f"create policy '{POLICY}': invalid input: targets[1].model_name: no model"
    )
    assert policies(wxo) == []


def test_adopt_and_refusal(wxo: EmulatorThread) -> None:
    make_models(FLASH, LITE)
    with httpx.Client(
        timeout=30, base_url=f"{wxo.url}/v1", headers={"Authorization": f"Bearer {TOKEN}"}
    ) as raw:
        raw.post(
            "/model_policy",
            json={
                "name": POLICY,
                "display_name": "x",
                "description": None,
                "policy": {"strategy": {"mode": "single"}, "targets": [{"model_name": FLASH}]},
            },
        ).raise_for_status()
    prov = ModelPolicyProvider()
    with pytest.raises(ModelExistsError) as info:
        prov.create(prov.check({}, dict(NEWS)).inputs)
    assert "a policy with this name already exists" in str(info.value) and "adopt=True" in str(info.value)
    [before] = policies(wxo)
    res = prov.create(prov.check({}, {**NEWS, "adopt": True}).inputs)
    [after] = policies(wxo)
    assert res.id == before["id"] == after["id"] and after["policy"]["strategy"]["mode"] == "loadbalance"


def test_out_of_band_delete_then_update_says_refresh(wxo: EmulatorThread) -> None:
    make_models(FLASH, LITE)
    prov = ModelPolicyProvider()
    checked = prov.check({}, dict(NEWS))
    res = prov.create(checked.inputs)
    with httpx.Client(
        timeout=30, base_url=f"{wxo.url}/v1", headers={"Authorization": f"Bearer {TOKEN}"}
    ) as raw:
        raw.delete(f"/model_policy/{res.id}").raise_for_status()
    with pytest.raises(NotFoundError) as info:
        prov.update(str(res.id), res.outs or {}, checked.inputs)
    assert info.value.status == 404 and "pulumi refresh" in str(info.value)


def _refused_delete(wxo: EmulatorThread, model: tuple[str, dict[str, Any]], error: type[WxoError]) -> str:
    """``ModelProvider().delete`` of ``model`` (FLASH's id and outputs) raises ``error``, and the
    model is still on the server; returns the error's message."""
    model_id, outs = model
    with pytest.raises(error) as info:
        ModelProvider().delete(model_id, outs)
    assert FLASH in [m["name"] for m in wxo.control.state()["models"]]
    return str(info.value)


def test_deleting_a_targeted_model_is_refused_naming_the_policy(wxo: EmulatorThread) -> None:
    models = make_models(FLASH, LITE)
    prov = ModelPolicyProvider()
    res = prov.create(prov.check({}, dict(NEWS)).inputs)
    msg = _refused_delete(wxo, models[FLASH], ModelInUseError)
    assert msg.startswith(f"delete model '{FLASH}': still a target of policy {POLICY} (id {res.id})")
    assert "force_delete=True" in msg
    model_id, outs = models[FLASH]
    ModelProvider().delete(model_id, {**outs, "force_delete": True})
    assert FLASH not in [m["name"] for m in wxo.control.state()["models"]]


def test_delete_guard_failure_names_the_model(wxo: EmulatorThread) -> None:
    flash = make_models(FLASH)[FLASH]
    wxo.control.add_fault(method="GET", path="/model_policy", status=403, detail="forbidden", count=1)
    msg = _refused_delete(wxo, flash, WxoError)
    assert msg.startswith(f"delete model '{FLASH}': cannot check which policies still route to it: ")
    assert "HTTP 403" in msg
