"""WxoProvider: requests translated to the lifecycle and back (no sockets, no engine).

The plugin's full paths (create, read, update, delete against a server) run through the
engine in tests/e2e/test_native_engine.py; here the translation itself: the URN's type picks
the lifecycle, configure reads the provider's inputs, diff answers field by field, errors
become one clean line, and calls run side by side up to the engine's parallelism.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    DiffRequest,
    GetSchemaRequest,
    PropertyDiffKind,
    UpdateRequest,
)
from pulumi.runtime.rpc import UNKNOWN as ENGINE_UNKNOWN

from pulumi_wxo.lifecycle import DiffOutcome, Runtime
from pulumi_wxo.lifecycle.ownership import owner_id
from pulumi_wxo.native.plugin import WORKERS, WxoProvider, config_getter, diff_response, owner_from_urn
from pulumi_wxo.native.schema import schema
from pulumi_wxo.native.server import PluginError
from tests.support.mocks import arun

MODEL_URN = "urn:pulumi:dev::proj::wxo:index:Model::gpt"
POLICY_URN = "urn:pulumi:dev::proj::my:Component$wxo:index:ModelPolicy::route"


def pv(value: Any, secret: bool = False) -> PropertyValue:
    if isinstance(value, dict):
        return PropertyValue({k: pv(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, list):
        return PropertyValue([pv(v) for v in value], is_secret=secret)
    return PropertyValue(
        float(value) if isinstance(value, int) and not isinstance(value, bool) else value, secret
    )


def props(**values: Any) -> dict[str, PropertyValue]:
    return {k: pv(v) for k, v in values.items()}


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    rt = Runtime()
    rt.configure(lambda _k: None, {})  # no settings: an API call raises ConfigError
    yield rt
    rt.reset()


def test_owner_from_urn_is_the_sdks_owner() -> None:
    assert owner_from_urn(MODEL_URN) == owner_id(
        project="proj", stack="dev", type_token="wxo:index:Model", resource_name="gpt"
    )
    # Inside a component the type is the last of the chain.
    assert owner_from_urn(POLICY_URN) == owner_id(
        project="proj", stack="dev", type_token="wxo:index:ModelPolicy", resource_name="route"
    )


def test_config_getter_reads_inputs_without_the_prefix_as_stack_config_strings() -> None:
    get = config_getter(
        {"url": "https://x", "maxRetries": 2.0, "insecure": True, "timeout": 2.5, "token": None},
        {"wxo:token": "from-variables"},
    )
    assert get("wxo:url") == "https://x"
    assert get("wxo:maxRetries") == "2" and get("wxo:insecure") == "true" and get("wxo:timeout") == "2.5"
    assert get("wxo:token") == "from-variables"
    assert get("wxo:apiKey") is None


def test_configure_sets_the_runtime_from_the_providers_inputs(runtime: Runtime) -> None:
    provider = WxoProvider(runtime)
    args = {"url": pv("http://127.0.0.1:9"), "token": pv("tok", secret=True), "maxRetries": pv(2)}
    resp = arun(provider.configure(ConfigureRequest({}, args, True, False)))
    assert resp.accept_secrets and resp.supports_preview
    assert runtime.max_retries() == 2
    assert runtime.instance().url == "http://127.0.0.1:9"


def test_get_schema_serves_the_generated_schema(runtime: Runtime) -> None:
    import json

    resp = arun(WxoProvider(runtime).get_schema(GetSchemaRequest(0)))
    assert resp.schema is not None and json.loads(resp.schema) == schema()


def test_check_failures_name_the_field_and_unknowns_pass_through(runtime: Runtime) -> None:
    provider = WxoProvider(runtime)
    news = props(name="openai/gpt-4o", config={"temperature": 5}, provider_config={"api_key": "k"})
    resp = arun(provider.check(CheckRequest(MODEL_URN, {}, news, b"")))
    assert resp.failures and any(f.property == "config.temperature" for f in resp.failures)
    assert resp.inputs is not None
    assert resp.inputs["__owner"] == PropertyValue(owner_from_urn(MODEL_URN))  # computed from the URN

    preview = props(name="openai/gpt-4o", display_name=ENGINE_UNKNOWN)
    preview["provider_config"] = PropertyValue({"api_key": pv("sk", secret=True)})
    resp = arun(provider.check(CheckRequest(MODEL_URN, {}, preview, b"")))
    assert resp.inputs is not None and resp.inputs["display_name"].value == ENGINE_UNKNOWN
    pc = resp.inputs["provider_config"].value
    assert isinstance(pc, Mapping) and pc["api_key"].is_secret


def test_diff_is_detailed_per_field_with_replace_kinds(runtime: Runtime) -> None:
    provider = WxoProvider(runtime)
    olds = props(
        name="virtual-model/openai/gpt-4o",
        display_name="GPT",
        description="virtual-model/openai/gpt-4o",
        tags=[],
        model_type="chat",
        provider_config={"api_key": "k"},
        config={},
    )
    news = props(name="openai/gpt-4o-mini", display_name="GPT", provider_config={"api_key": "k"}, tags=["t"])
    resp = arun(provider.diff(DiffRequest(MODEL_URN, "id-1", olds, news, [])))
    assert resp.changes and resp.replaces == ["name"]
    assert resp.detailed_diff["name"].kind == PropertyDiffKind.UPDATE_REPLACE
    assert resp.detailed_diff["tags"].kind == PropertyDiffKind.ADD
    assert "display_name" not in resp.detailed_diff and resp.delete_before_replace is False


def test_diff_response_kinds() -> None:
    outcome = DiffOutcome(["description", "config", "instance"], ["instance"])
    resp = diff_response(outcome, {"description": "d", "config": {}}, {"config": {"seed": 1}})
    assert resp.detailed_diff["description"].kind == PropertyDiffKind.DELETE
    assert resp.detailed_diff["config"].kind == PropertyDiffKind.ADD
    assert resp.detailed_diff["instance"].kind == PropertyDiffKind.UPDATE_REPLACE
    assert resp.detailed_diff["instance"].input_diff is False  # a move is no input's change


def test_a_lifecycle_error_becomes_one_line_naming_the_resource(runtime: Runtime) -> None:
    provider = WxoProvider(runtime)
    request = CreateRequest(
        MODEL_URN, props(name="openai/gpt-4o", provider_config={"api_key": "k"}), 60, False
    )
    with pytest.raises(PluginError) as info:
        arun(provider.create(request))
    assert str(info.value).startswith("Model 'gpt': ")
    assert "wxo:url" in str(info.value)


def test_an_unknown_type_is_refused(runtime: Runtime) -> None:
    with pytest.raises(PluginError, match="unknown resource type 'wxo:index:Nope'"):
        arun(WxoProvider(runtime).check(CheckRequest("urn:pulumi:s::p::wxo:index:Nope::x", {}, {}, b"")))


def test_calls_run_side_by_side_up_to_the_engines_parallelism(runtime: Runtime) -> None:
    """Eight calls (the engine's default --parallel) are all in flight at once.

    Each waits at a barrier of eight: with fewer threads than calls the barrier never fills
    and breaks (the timeout only ends a failing run; it is not a measurement).
    """
    provider = WxoProvider(runtime)
    barrier = threading.Barrier(8, timeout=30)

    async def many() -> list[int]:
        return await asyncio.gather(*(provider._call(MODEL_URN, barrier.wait) for _ in range(8)))

    assert sorted(arun(many())) == list(range(8))
    assert WORKERS >= 16


def test_preview_create_and_update_answer_without_a_request(runtime: Runtime) -> None:
    """No settings at all: a request would fail, so these prove none is made."""
    provider = WxoProvider(runtime)
    news = props(name="openai/gpt-4o", provider_config={"api_key": "k"}, owner="0123456789abcdef")
    created = arun(provider.create(CreateRequest(MODEL_URN, news, 60, True)))
    outs = created.properties
    assert created.resource_id == ""
    assert outs["model_id"].value == ENGINE_UNKNOWN and outs["instance"].value == ENGINE_UNKNOWN
    assert outs["display_name"].value == "virtual-model/openai/gpt-4o"  # the server's default, known
    assert outs["provider"].value == "openai" and "owner" not in outs
    pc = outs["provider_config"].value
    assert isinstance(pc, Mapping) and pc["api_key"].is_secret

    olds = props(
        name="virtual-model/openai/gpt-4o",
        model_id="id-1",
        provider="openai",
        instance={"url": "https://x", "tenant": None},
        owner_tag="pulumi-wxo-owner:0123456789abcdef:01234567",
    )
    changed = props(name="openai/gpt-4o", display_name="GPT", provider_config={"api_key": "k"})
    updated = arun(provider.update(UpdateRequest(MODEL_URN, "id-1", olds, changed, 60, [], True)))
    outs = updated.properties
    assert outs["model_id"].value == "id-1" and outs["display_name"].value == "GPT"
    assert outs["owner_tag"] == olds["owner_tag"] and outs["instance"] == olds["instance"]

    policy = props(name="route", strategy={"mode": "single"}, targets=[{"model_name": "openai/gpt-4o"}])
    policy_urn = "urn:pulumi:dev::proj::wxo:index:ModelPolicy::route"
    outs = arun(provider.create(CreateRequest(policy_urn, policy, 60, True))).properties
    assert outs["name"].value == "virtual-policy/route" and outs["policy_id"].value == ENGINE_UNKNOWN


def test_an_owner_other_than_the_urns_is_refused_and_never_used(runtime: Runtime) -> None:
    provider = WxoProvider(runtime)
    own = owner_from_urn(MODEL_URN)
    other = owner_id(project="proj", stack="prod", type_token="wxo:index:Model", resource_name="gpt")
    news = props(name="openai/gpt-4o", provider_config={"api_key": "k"}, owner=other)
    resp = arun(provider.check(CheckRequest(MODEL_URN, {}, news, b"")))
    [failure] = [f for f in resp.failures if f.property == "owner"]
    assert "computed from the resource's URN" in failure.reason and "adopt=True" in failure.reason
    assert resp.inputs is not None and resp.inputs["__owner"] == PropertyValue(own)
    # The SDK's own value (and an old state's inputs, which hold it) pass.
    resp = arun(provider.check(CheckRequest(MODEL_URN, {"owner": pv(own)}, {**news, "owner": pv(own)}, b"")))
    assert not [f for f in resp.failures if f.property == "owner"]


def test_a_checks_notes_go_to_the_engine_on_the_resource_and_the_stack_is_the_urns() -> None:
    from tests.support.tenant import Tenant, tenant_runtime

    found = {
        "id": "m-9",
        "name": "virtual-model/openai/gpt-4o",
        "tags": [],
        "provider_config": {},
        "config": {},
    }
    provider = WxoProvider(tenant_runtime(Tenant(found)))
    said: list[tuple[str, str]] = []
    provider.engine = lambda urn, message: said.append((urn, message))
    news = props(name="openai/gpt-4o", provider_config={"api_key": "k"}, adopt=True)
    resp = arun(provider.check(CheckRequest(MODEL_URN, {}, news, b"")))
    assert resp.failures == []
    note = "will adopt the existing model 'virtual-model/openai/gpt-4o' (id m-9): nothing is created"
    assert said == [(MODEL_URN, note)]
    assert resp.inputs is not None and resp.inputs["__owner_stack"] == PropertyValue("proj/dev")


def test_the_engines_address_is_the_last_argument_after_the_flags() -> None:
    from pulumi_wxo._engine_log import engine_address

    argv = ["--logtostderr", "-v=9", "--tracing", "http://127.0.0.1:9411", "127.0.0.1:4567"]
    assert engine_address(argv) == "127.0.0.1:4567"
    assert engine_address(["--logflow"]) is None
