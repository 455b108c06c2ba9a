"""ModelProvider's own methods against the real emulator over loopback.

Every path of the Model lifecycle, under every variant the emulator offers where the public
contract leaves the real server's behaviour open (duplicate names, create response, secrets
on GET, empty list as 404).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import pytest

from pulumi_wxo._provider import ModelProvider
from pulumi_wxo.api.errors import (
    ApiError,
    ModelExistsError,
    NotFoundError,
    QuotaExceededError,
    RetriesExhaustedError,
)
from pulumi_wxo.emulator import EmulatorThread
from pulumi_wxo.lifecycle import RUNTIME, Runtime
from tests.support.emulator import EMULATOR_TOKEN as TOKEN
from tests.support.runtime import Sleeps

pytestmark = pytest.mark.emulator

API_KEY = "test-api-key"
MODEL_KEY = "sk-known-SECRET-4242"
NAME = "virtual-model/openai/gpt-4o"

NEWS: dict[str, Any] = {
    "__provider": "blob",
    "name": "openai/gpt-4o",
    "display_name": "GPT-4o",
    "tags": ["team-a"],
    "model_type": "chat",
    "provider_config": {"api_key": MODEL_KEY, "custom_host": "https://api.openai.com/v1"},
    "config": {"max_tokens": 2048.0, "temperature": 0.2},
    "adopt": False,
}


def configure(settings: dict[str, str]) -> None:
    RUNTIME.reset()
    RUNTIME.configure(settings.get, {})


@pytest.fixture
def sleeps(global_runtime: Runtime) -> Sleeps:
    assert isinstance(global_runtime.sleep, Sleeps)
    return global_runtime.sleep


@pytest.fixture
def wxo(emulator: EmulatorThread, sleeps: Sleeps) -> EmulatorThread:
    configure({"wxo:url": emulator.url, "wxo:token": TOKEN})
    return emulator


def next_run() -> None:
    """What a later `pulumi refresh` or `up` starts with: a new provider process, new snapshots.

    Within one run the lifecycle answers from a list fetched once (lifecycle/snapshot.py), so a
    change made outside Pulumi is seen by the next run, not by the one in flight.
    """
    for kind in ("models", "policies"):
        RUNTIME.snapshot(kind).invalidate()


def api(emulator: EmulatorThread) -> httpx.Client:
    """A raw client for out-of-band changes (someone using the UI or the ADK).

    30 s, not httpx's 5 s: on a 2-core machine running other suites a setup request timed out.
    """
    return httpx.Client(
        base_url=f"{emulator.url}/v1", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )


def stored(emulator: EmulatorThread, name: str = NAME) -> list[dict[str, Any]]:
    return [m for m in emulator.control.state()["models"] if m["name"] == name]


def create(news: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    prov = ModelProvider()
    checked = prov.check({}, dict(news or NEWS))
    assert checked.failures == []
    res = prov.create(checked.inputs)
    assert res.id and res.outs is not None
    return str(res.id), {**res.outs, "__provider": "blob"}


def post_count(emulator: EmulatorThread) -> int:
    return sum(
        1 for r in emulator.control.requests() if r["method"] == "POST" and r["path"].endswith("/models")
    )


VARIANTS = [
    {},
    {"duplicates": "reject"},
    {"create_response": "empty"},
    {"create_response": "id"},
    {"secrets": "mask"},
    {"secrets": "echo"},
    {"empty_list": "404"},
]


@pytest.mark.parametrize(
    "variant", VARIANTS, ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) or "default"
)
def test_full_lifecycle_under_each_variant(wxo: EmulatorThread, variant: dict[str, Any]) -> None:
    wxo.control.reset(**variant)
    prov = ModelProvider()
    model_id, outs = create()

    [row] = stored(wxo)
    assert row["id"] == model_id
    assert outs["model_id"] == model_id and outs["provider"] == "openai"
    assert outs["name"] == NAME and outs["display_name"] == "GPT-4o"
    assert outs["provider_config"] == {"api_key": MODEL_KEY, "custom_host": "https://api.openai.com/v1"}
    assert outs["config"] == {"max_tokens": 2048, "temperature": 0.2}

    # A second plan right after up: nothing to do.
    assert prov.diff(model_id, outs, prov.check({}, dict(NEWS)).inputs).changes is False

    # Refresh: same outputs, the secret kept whether the server omits, masks or echoes it.
    read = prov.read(model_id, outs)
    assert read.id == model_id
    assert read.outs is not None and read.outs["provider_config"]["api_key"] == MODEL_KEY
    assert (
        prov.diff(model_id, {**read.outs, "__provider": "b"}, prov.check({}, dict(NEWS)).inputs).changes
        is False
    )

    # In-place update: full PUT, every output returned.
    news = prov.check({}, {**NEWS, "display_name": "GPT-4o (prod)", "config": {"max_tokens": 4096.0}}).inputs
    diff = prov.diff(model_id, outs, news)
    assert diff.changes is True and diff.replaces == []
    upd = prov.update(model_id, outs, news)
    assert upd.outs is not None
    assert upd.outs["display_name"] == "GPT-4o (prod)" and upd.outs["config"] == {"max_tokens": 4096}
    assert upd.outs["model_id"] == model_id and upd.outs["provider_config"]["api_key"] == MODEL_KEY
    [row] = stored(wxo)
    assert row["display_name"] == "GPT-4o (prod)" and row["config"] == {"max_tokens": 4096}

    # Delete, then it is gone for read, and a second delete is fine (404 counts as deleted).
    prov.delete(model_id, upd.outs)
    assert stored(wxo) == []
    if variant.get("empty_list") == "404":
        # Every list of an empty tenant answers 404 here, as a missing endpoint would: that does
        # not show the model gone (api/listing.py), so read refuses. Another model tells them apart.
        with pytest.raises(ApiError, match="and so did the whole collection"):
            prov.read(model_id, upd.outs)
        with api(wxo) as raw:
            raw.post("/models", json={"name": "openai/other", "provider_config": {"api_key": "k"}})
    assert prov.read(model_id, upd.outs).id in (None, "")
    prov.delete(model_id, upd.outs)


def test_create_refuses_an_existing_name_and_says_how_to_adopt(wxo: EmulatorThread) -> None:
    with api(wxo) as raw:
        raw.post("/models", json={"name": NAME, "provider_config": {"api_key": "other"}}).raise_for_status()
    prov = ModelProvider()
    with pytest.raises(ModelExistsError) as info:
        prov.create(prov.check({}, dict(NEWS)).inputs)
    msg = str(info.value)
    assert msg.startswith(f"create model '{NAME}': a model with this name already exists")
    assert "adopt=True" in msg
    assert len(stored(wxo)) == 1 and post_count(wxo) == 1


def test_check_refuses_a_taken_name_at_preview_for_a_new_resource(wxo: EmulatorThread) -> None:
    with api(wxo) as raw:
        raw.post("/models", json={"name": NAME}).raise_for_status()
    [row] = stored(wxo)
    prov = ModelProvider()
    got = {f.property: f.reason for f in prov.check({}, dict(NEWS)).failures}
    assert got == {
        "name": f"name: a model named '{NAME}' already exists on the server (id {row['id']}); "
        "set adopt=True to manage it with Pulumi, or choose another name"
    }
    assert prov.check({}, {**NEWS, "adopt": True}).failures == []
    assert prov.check(dict(NEWS), dict(NEWS)).failures == []  # an existing resource: no lookup


def test_check_without_connection_settings_still_validates_offline(emulator: EmulatorThread) -> None:
    RUNTIME.reset()
    RUNTIME.configure({}.get, {})  # no wxo:url anywhere
    try:
        got = {
            f.property for f in ModelProvider().check({}, {**NEWS, "config": {"temperature": 9.0}}).failures
        }
        assert got == {"config.temperature"}
    finally:
        RUNTIME.reset()


def test_adopt_takes_over_without_a_duplicate(wxo: EmulatorThread) -> None:
    with api(wxo) as raw:
        raw.post("/models", json={"name": NAME, "display_name": "hand made"}).raise_for_status()
    [before] = stored(wxo)
    model_id, outs = create({**NEWS, "adopt": True})
    [after] = stored(wxo)
    assert model_id == before["id"] == after["id"]
    assert after["display_name"] == "GPT-4o" and after["provider_config"]["api_key"] == MODEL_KEY
    assert outs["adopt"] is True


def test_adopt_refuses_when_the_name_is_ambiguous(wxo: EmulatorThread) -> None:
    with api(wxo) as raw:
        for _ in range(2):
            raw.post("/models", json={"name": NAME}).raise_for_status()
    prov = ModelProvider()
    with pytest.raises(ModelExistsError) as info:
        prov.create(prov.check({}, {**NEWS, "adopt": True}).inputs)
    assert "2 models" in str(info.value) and len(stored(wxo)) == 2


def test_out_of_band_change_is_found_by_read_and_restored(wxo: EmulatorThread) -> None:
    prov = ModelProvider()
    model_id, outs = create()
    with api(wxo) as raw:
        body = {**stored(wxo)[0], "display_name": "edited in the UI", "config": {"max_tokens": 10}}
        raw.put(f"/models/{model_id}", json=body).raise_for_status()
    next_run()
    read = prov.read(model_id, outs)
    assert read.outs is not None
    assert read.outs["display_name"] == "edited in the UI" and read.outs["config"] == {"max_tokens": 10}
    news = prov.check({}, dict(NEWS)).inputs
    assert prov.diff(model_id, read.outs, news).changes is True
    prov.update(model_id, read.outs, news)
    assert stored(wxo)[0]["display_name"] == "GPT-4o"


def test_out_of_band_delete(wxo: EmulatorThread) -> None:
    prov = ModelProvider()
    model_id, outs = create()
    with api(wxo) as raw:
        raw.delete(f"/models/{model_id}").raise_for_status()
    next_run()
    assert prov.read(model_id, outs).id in (None, "")
    with pytest.raises(NotFoundError) as info:
        prov.update(model_id, outs, prov.check({}, dict(NEWS)).inputs)
    assert info.value.status == 404
    assert str(info.value).startswith(f"update model '{NAME}'")
    assert "pulumi refresh" in str(info.value)
    prov.delete(model_id, outs)  # already gone: fine


def test_token_expiry_mid_run_refreshes_once(emulator: EmulatorThread, sleeps: Sleeps) -> None:
    configure(
        {
            "wxo:url": emulator.url,
            "wxo:apiKey": API_KEY,
            "wxo:authType": "ibm_iam",
            "wxo:iamUrl": emulator.url,
        }
    )
    try:
        prov = ModelProvider()
        model_id, outs = create()
        assert emulator.control.tokens_issued()["iam"] == 1
        emulator.control.expire_tokens()
        # olds given, as the engine does for an existing resource (no name lookup in check).
        news = prov.check(dict(NEWS), {**NEWS, "display_name": "after expiry"}).inputs
        prov.update(model_id, outs, news)
        assert emulator.control.tokens_issued()["iam"] == 2
        assert stored(emulator)[0]["display_name"] == "after expiry"
        # the update's read comes from the run's snapshot (the create put the object there), so
        # the PUT meets the 401: the token is refreshed once and the PUT is sent again, once
        puts = [r["status"] for r in emulator.control.requests() if r["method"] == "PUT"]
        assert puts == [401, 200], puts
    finally:
        RUNTIME.reset()


def test_rate_limit_with_retry_after_is_honoured(wxo: EmulatorThread, sleeps: Sleeps) -> None:
    prov = ModelProvider()
    model_id, outs = create()
    wxo.control.add_fault(method="PUT", path="/models/", status=429, retry_after=3, count=2)
    news = prov.check({}, {**NEWS, "tags": ["x"]}).inputs
    prov.update(model_id, outs, news)
    assert sleeps[:2] == [3.0, 3.0]
    assert stored(wxo)[0]["tags"] == ["x"]


def test_503_bursts_converge_without_duplicates(wxo: EmulatorThread, sleeps: Sleeps) -> None:
    wxo.control.add_fault(method="*", path="/models", status=503, fraction=0.4, seed=7)
    prov = ModelProvider()
    ids = []
    for i in range(6):
        news = {**NEWS, "name": f"openai/gpt-{i}"}
        model_id, outs = create(news)
        ids.append(model_id)
        prov.update(model_id, outs, prov.check({}, {**news, "tags": ["burst"]}).inputs)
    wxo.control.clear_faults()
    models = wxo.control.state()["models"]
    assert sorted(m["id"] for m in models) == sorted(ids)
    assert len({m["name"] for m in models}) == 6 and all(m["tags"] == ["burst"] for m in models)
    assert any(r["status"] == 503 for r in wxo.control.requests())


def test_quota_429_fails_fast(wxo: EmulatorThread, sleeps: Sleeps) -> None:
    wxo.control.add_fault(method="POST", path="/models$", quota=True, count=1)
    prov = ModelProvider()
    with pytest.raises(QuotaExceededError) as info:
        prov.create(prov.check({}, dict(NEWS)).inputs)
    assert info.value.status == 429
    assert "quota" in str(info.value)
    assert post_count(wxo) == 1 and stored(wxo) == [] and sleeps == []


def test_timed_out_post_does_not_create_a_duplicate(emulator: EmulatorThread, sleeps: Sleeps) -> None:
    configure({"wxo:url": emulator.url, "wxo:token": TOKEN, "wxo:timeout": "0.5"})
    try:
        emulator.control.add_fault(method="POST", path="/models$", delay=1.5, delay_after=True, count=1)
        model_id, _ = create()
        [row] = stored(emulator)
        assert row["id"] == model_id
        # The delayed POST is logged once its (late) response is written: wait for it.
        deadline = time.monotonic() + 5
        while post_count(emulator) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert post_count(emulator) == 1
    finally:
        RUNTIME.reset()


def test_503_on_post_is_retried_after_a_lookup(wxo: EmulatorThread, sleeps: Sleeps) -> None:
    wxo.control.add_fault(method="POST", path="/models$", status=503, count=2)
    model_id, _ = create()
    [row] = stored(wxo)
    assert row["id"] == model_id and post_count(wxo) == 3
    assert len(sleeps) == 2


def test_known_api_key_never_logged_raised_or_returned_in_plaintext(
    wxo: EmulatorThread, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_wxo")
    prov = ModelProvider()
    texts: list[str] = []
    model_id, outs = create()
    wxo.control.add_fault(method="PUT", path="/models/", status=500, detail=f"boom {MODEL_KEY}", count=99)
    with pytest.raises(RetriesExhaustedError) as info:
        prov.update(model_id, outs, prov.check({}, {**NEWS, "tags": ["t"]}).inputs)
    assert info.value.status == 500 and "boom ***" in str(info.value)
    texts += [str(info.value), repr(info.value)]
    wxo.control.clear_faults()
    bad = prov.check({}, {**NEWS, "provider_config": {"api_key": MODEL_KEY, "bogus": MODEL_KEY}})
    texts += [f.reason for f in bad.failures]
    texts.append(repr(prov.diff(model_id, outs, {**NEWS, "provider_config": {"api_key": MODEL_KEY + "x"}})))
    texts += [r.getMessage() for r in caplog.records]
    assert caplog.records, "the client logs requests at DEBUG"
    assert all(MODEL_KEY not in t for t in texts)
    # The only place the key is returned is under the same key as the secret input, which
    # the engine marks secret in state (annotateSecrets); nowhere else.
    flat = {k: v for k, v in outs.items() if k != "provider_config"}
    assert MODEL_KEY not in repr(flat)
    assert outs["provider_config"]["api_key"] == MODEL_KEY
