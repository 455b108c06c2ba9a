"""ModelProvider.check and .diff with wire-realistic inputs (no sockets).

The engine hands numbers over as floats, strips secrets to plain values, gives diff the old
*outputs* (with ``__provider``), and puts ``Unknown`` values in check/diff during preview.
The create/read/update/delete paths run against the real emulator in tests/emulator.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from typing import Any

import dill
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime._serialization import _deserialize, _serialize

from pulumi_wxo._provider import ModelPolicyProvider, ModelProvider
from pulumi_wxo.dynamic.provider import from_engine
from pulumi_wxo.lifecycle import UNKNOWN, is_unknown
from pulumi_wxo.lifecycle.model_values import model_outputs
from pulumi_wxo.schema import validate_model
from tests.support.runtime import global_runtime_reset
from tests.support.strategies import (
    BOUNDED,
    assert_failures_are_clean,
    expected_refusals,
    model_inputs,
    nest,
    olds_like,
    policy_inputs,
    refusals,
)

pytestmark = pytest.mark.unit

PROV = "pickled-provider-blob"
NEWS: dict[str, Any] = {
    "__provider": PROV,
    "name": "openai/gpt-4o",
    "provider_config": {"api_key": "sk-live-1"},
    "config": {"max_tokens": 2048.0, "temperature": 0.2},
    "tags": ["a", "b"],
    "model_type": "chat",
    "adopt": False,
}


def outputs_for(news: dict[str, Any], **server_overrides: Any) -> dict[str, Any]:
    """The outputs create would store for ``news`` when the server echoes it back."""
    spec, fails = validate_model({k: v for k, v in news.items() if k not in ("__provider", "adopt")})
    assert spec is not None, fails
    server = {**spec.to_api(), "id": "id-1", **server_overrides}
    server["provider_config"] = {k: v for k, v in server["provider_config"].items() if k != "api_key"}
    return {**model_outputs(spec.effective(), server, adopt=False), "__provider": PROV}


def test_check_normalises_name_and_keeps_provider_blob() -> None:
    res = ModelProvider().check({}, dict(NEWS))
    assert res.failures == []
    assert res.inputs["name"] == "virtual-model/openai/gpt-4o"
    assert res.inputs["__provider"] == PROV
    assert res.inputs["config"]["max_tokens"] == 2048.0


def test_check_reports_every_problem_with_the_field() -> None:
    news = {
        **NEWS,
        "provider_config": {"api_kye": "sk-live-1"},
        "config": {"temperature": 5.0},
        "adopt": "yes",
        "extra": 1,
    }
    res = ModelProvider().check({}, news)
    got = {f.property: f.reason for f in res.failures}
    assert set(got) == {
        "provider_config.api_kye",
        "config.temperature",
        "adopt",
        "extra",
        "provider_config.api_key",
    }
    assert got["config.temperature"].startswith("config.temperature: ")
    assert "did you mean 'api_key'" in got["provider_config.api_kye"]
    assert all("sk-live-1" not in r for r in got.values())


def test_check_skips_unknowns_but_validates_the_rest() -> None:
    news = {**NEWS, "provider_config": {"api_key": Unknown()}, "config": {"temperature": 9.0}}
    got = {f.property: f.reason for f in ModelProvider().check({}, news).failures}
    assert list(got) == ["config.temperature"]


def test_check_with_unknown_name_does_not_complain_about_it() -> None:
    news = {**NEWS, "name": Unknown()}
    assert ModelProvider().check({}, news).failures == []


def test_diff_no_change_ignores_provider_blob_and_float_ints() -> None:
    olds = outputs_for(NEWS)
    news = {**NEWS, "__provider": "another-blob", "name": "virtual-model/openai/gpt-4o"}
    res = ModelProvider().diff("id-1", olds, news)
    assert res.changes is False and res.replaces == []


def test_diff_server_defaults_do_not_count() -> None:
    olds = outputs_for(NEWS)
    assert olds["display_name"] == "virtual-model/openai/gpt-4o"
    assert ModelProvider().diff("id-1", olds, dict(NEWS)).changes is False


def test_diff_removing_a_declared_display_name_is_a_change() -> None:
    with_dn = {**NEWS, "display_name": "GPT"}
    olds = outputs_for(with_dn)
    res = ModelProvider().diff("id-1", olds, dict(NEWS))
    assert res.changes is True and res.replaces == []


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"display_name": "New"}, []),
        ({"tags": ["a"]}, []),
        ({"config": {"max_tokens": 4096.0, "temperature": 0.2}}, []),
        ({"provider_config": {"api_key": "sk-rotated"}}, []),
        ({"name": "openai/gpt-4o-mini"}, ["name"]),
    ],
)
def test_diff_update_or_replace(change: dict[str, Any], replaces: list[str]) -> None:
    olds = outputs_for(NEWS)
    res = ModelProvider().diff("id-1", olds, {**NEWS, **change})
    assert res.changes is True
    assert res.replaces == replaces
    assert res.delete_before_replace is False


def test_diff_drift_in_a_declared_field_is_a_change() -> None:
    olds = outputs_for(NEWS, config={"max_tokens": 100, "temperature": 0.2})
    assert olds["config"]["max_tokens"] == 100
    assert ModelProvider().diff("id-1", olds, dict(NEWS)).changes is True


def test_diff_a_key_added_on_the_server_is_a_change() -> None:
    # A full PUT removes what the program does not declare: such a key is drift (lifecycle.md).
    olds = outputs_for(NEWS, config={"max_tokens": 2048, "temperature": 0.2, "server_default": 1})
    res = ModelProvider().diff("id-1", olds, dict(NEWS))
    assert res.changes is True and res.replaces == []


def test_diff_unknown_name_is_a_possible_replace() -> None:
    res = ModelProvider().diff("id-1", outputs_for(NEWS), {**NEWS, "name": Unknown()})
    assert res.changes is True and res.replaces == ["name"]


def test_diff_unknown_field_is_a_change() -> None:
    res = ModelProvider().diff("id-1", outputs_for(NEWS), {**NEWS, "display_name": Unknown()})
    assert res.changes is True and res.replaces == []


def test_outputs_keep_secrets_the_server_does_not_return() -> None:
    outs = outputs_for(NEWS)
    assert outs["provider_config"] == {"api_key": "sk-live-1"}
    masked = {
        **NEWS,
    }
    spec, _ = validate_model({k: v for k, v in masked.items() if k not in ("__provider", "adopt")})
    assert spec is not None
    server = {**spec.to_api(), "id": "x", "provider_config": {"api_key": "********"}}
    assert model_outputs(spec.effective(), server, adopt=True)["provider_config"] == {"api_key": "sk-live-1"}
    server = {**spec.to_api(), "id": "x", "provider_config": {"api_key": "sk-changed-out-of-band"}}
    assert model_outputs(spec.effective(), server, adopt=True)["provider_config"] == {
        "api_key": "sk-changed-out-of-band"
    }


def test_unknown_detection() -> None:
    assert is_unknown(from_engine(Unknown()))
    assert is_unknown(from_engine({"a": [1, Unknown()]}))
    assert is_unknown("04da6b54-80e4-46f7-96ec-b56ff0331ba9")
    assert not is_unknown({"a": [1, "x"]})


def test_provider_pickles_by_reference_and_stably() -> None:
    """The blob in state names the class; it carries no settings or clients."""
    blob1, _ = _serialize(True, serialize_provider, ModelProvider())
    blob2, _ = _serialize(True, serialize_provider, ModelProvider())
    assert blob1 == blob2
    raw = base64.b64decode(blob1)
    assert b"pulumi_wxo._provider" in raw and b"ModelProvider" in raw
    assert len(raw) < 200  # by reference: no code objects, no captured globals
    restored = _deserialize(lambda: dill.loads(raw))
    assert isinstance(restored, ModelProvider)


# --------------------------------------------------------------------------- hostile inputs


@pytest.fixture(scope="module", autouse=True)
def offline() -> Iterator[None]:
    """No connection settings: check's server lookups are skipped, whatever the shell has."""
    with global_runtime_reset() as shared:
        shared.configure(lambda _key: None, {})
        yield


def test_from_engine_is_bounded_and_still_maps_unknowns_within_the_bound() -> None:
    deep = nest(Unknown(), 5000, "mixed")
    assert from_engine(deep) is not deep  # converted down to the bound, then passed on as is
    assert from_engine({"a": [Unknown()]}) == {"a": [UNKNOWN]}


def test_check_names_a_nan_with_its_path_in_property_and_reason() -> None:
    news = {**NEWS, "config": {"logit_bias": {"50256": math.nan}}}
    [failure] = ModelProvider().check({}, news).failures
    assert failure.property == "config.logit_bias.50256"
    assert failure.reason == "config.logit_bias.50256: must be a finite number"


@pytest.mark.parametrize("provider", [ModelProvider(), ModelPolicyProvider()])
def test_check_and_diff_of_deep_inputs_with_unknowns_never_raise(provider: Any) -> None:
    news = {**NEWS, "name": "route", "strategy": "single", "targets": nest({"u": Unknown()}, 5000, "mixed")}
    news["config"] = nest(Unknown(), 5000, "dict")
    got = provider.check({}, news).failures
    assert any(f.reason.endswith("nested deeper than 32 levels") for f in got)
    assert provider.diff("id-1", news, news).changes


def test_check_gives_back_unchanged_values_as_the_engine_sent_them() -> None:
    news = {**NEWS, "config": {"max_tokens": Unknown(), "temperature": 0.2}}
    res = ModelProvider().check({}, news)
    assert res.inputs["config"] is news["config"]  # the engine's Unknown, not the lifecycle's


def engine_unknowns(pair: tuple[dict[str, Any], str]) -> tuple[dict[str, Any], str]:
    return {**pair[0], "__provider": PROV}, pair[1]


@BOUNDED
@pytest.mark.parametrize(
    ("provider", "inputs"),
    [(ModelProvider(), model_inputs(Unknown())), (ModelPolicyProvider(), policy_inputs(Unknown()))],
    ids=["model", "policy"],
)
@given(data=st.data())
def test_check_and_diff_never_raise_name_every_field_and_keep_the_secret(
    provider: Any, inputs: st.SearchStrategy[tuple[dict[str, Any], str]], data: st.DataObject
) -> None:
    news, secret = data.draw(inputs.map(engine_unknowns))
    olds = data.draw(olds_like(inputs))
    res = provider.check(olds, news)
    fails = [(f.property, f.reason) for f in res.failures]
    assert_failures_are_clean(fails, secret)
    assert refusals(fails) == expected_refusals({k: v for k, v in news.items() if k != "__provider"})
    assert res.inputs["__provider"] == PROV
    diff = provider.diff("id-1", olds, news)
    assert set(diff.replaces or []) <= {"name"}


# -- the dynamic host's error text (quiet_dynamic_host) -----------------------------------------


def _host() -> Any:
    """A stand-in for ``pulumi/dynamic/__main__.py``: its servicer class and its ``traceback``."""
    import traceback
    import types

    host = types.ModuleType("__main__")
    host.DynamicResourceProviderServicer = type("DynamicResourceProviderServicer", (), {})  # type: ignore[attr-defined]
    host.traceback = traceback  # type: ignore[attr-defined]
    return host


def _format_in(host: Any, err: Exception) -> str:
    try:
        raise err
    except Exception:  # noqa: BLE001  # as the host's wrapper does: any exception is formatted
        return str(host.traceback.format_exc())


def test_a_lifecycle_error_reaches_the_engine_as_its_message_alone() -> None:
    from pulumi_wxo.api.errors import WxoError
    from pulumi_wxo.dynamic.provider import quiet_dynamic_host

    host = _host()
    assert "Traceback" in _format_in(host, WxoError("create model 'x': a model with this name exists"))
    assert quiet_dynamic_host(host) is True
    assert quiet_dynamic_host(host) is True  # once only: not wrapped twice
    text = _format_in(host, WxoError("create model 'x': a model with this name exists"))
    assert text == "create model 'x': a model with this name exists"
    # Anything else is a bug: its traceback stays for the report.
    assert "Traceback" in _format_in(host, KeyError("boom")) and "KeyError" in _format_in(host, KeyError("b"))
    assert host.traceback.format_tb is not None  # the rest of the module still answers


def test_no_other_process_is_touched() -> None:
    import traceback
    import types

    from pulumi_wxo.dynamic.provider import quiet_dynamic_host

    program = types.ModuleType("__main__")
    program.traceback = traceback  # type: ignore[attr-defined]
    assert quiet_dynamic_host(program) is False and program.traceback is traceback  # type: ignore[attr-defined]
    changed = _host()
    changed.traceback = None
    assert quiet_dynamic_host(changed) is False  # the SDK's host no longer looks the same
    assert quiet_dynamic_host() is False  # this test process is no dynamic host
