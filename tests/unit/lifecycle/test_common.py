"""lifecycle.common: the rules both resources share, each on its own (no sockets: an httpx
MockTransport answers where a client is needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_wxo.api.errors import ApiError, InvalidInputError, NotFoundError, TransportError, WxoError
from pulumi_wxo.lifecycle import UNKNOWN, Runtime
from pulumi_wxo.lifecycle.common import (
    bool_failures,
    declared_fields,
    from_snapshot,
    gone,
    kept_stamp,
    name_taken,
    placement,
    previewed,
    read_inputs,
    stamp,
    unknown_inputs,
    validated_or_raise,
)
from pulumi_wxo.lifecycle.instance import ALIASES_KEY, MOVE_KEY, Instance, InstanceMismatchError
from pulumi_wxo.schema import Failure
from pulumi_wxo.version import __version__

pytestmark = pytest.mark.unit

URL = "https://wxo.example.test"
HERE = {"instance": {"url": URL, "tenant": None}}
ELSEWHERE = {"instance": {"url": "https://old.example.test", "tenant": None}}


def configured(
    runtime: Runtime, handler: Callable[[httpx.Request], httpx.Response] | None = None, **extra: str
) -> Runtime:
    def refuse(request: httpx.Request) -> httpx.Response:
        pytest.fail(f"unexpected request {request.url}")

    runtime.transport = httpx.MockTransport(handler or refuse)
    runtime.configure({"wxo:url": URL, "wxo:token": "unit-token", "wxo:maxRetries": "0", **extra}.get, {})
    return runtime


# --------------------------------------------------------------------------- placement and moves


def test_an_object_without_a_recorded_instance_is_here(runtime: Runtime) -> None:
    assert placement(configured(runtime), {}, action="update model 'm'") == "here"
    assert placement(configured(runtime), {"instance": "garbage"}, action="update model 'm'") == "here"


def test_the_recorded_instance_is_here(runtime: Runtime) -> None:
    assert placement(configured(runtime), HERE, action="a") == "here"


def test_without_settings_the_guard_leaves_it_to_the_first_call(runtime: Runtime) -> None:
    runtime.configure(lambda _k: None, {})
    assert placement(runtime, ELSEWHERE, action="a") == "here"


def test_an_alias_of_the_recorded_instance_is_here(runtime: Runtime) -> None:
    configured(runtime, **{ALIASES_KEY: "https://other.example.test, https://OLD.example.test/"})
    assert placement(runtime, ELSEWHERE, action="a") == "here"


def test_another_instance_is_a_move_when_the_user_opted_in(runtime: Runtime) -> None:
    configured(runtime, **{MOVE_KEY: "true"})
    assert placement(runtime, ELSEWHERE, action="a") == "move"


def test_another_instance_is_refused_naming_both(runtime: Runtime) -> None:
    with pytest.raises(InstanceMismatchError) as info:
        placement(configured(runtime), ELSEWHERE, action="delete model 'm'")
    assert info.value.recorded == Instance("https://old.example.test")
    assert info.value.current == Instance(URL)
    assert str(info.value).startswith("delete model 'm': ")


def test_stamp_records_the_configured_instance_and_this_version(runtime: Runtime) -> None:
    assert stamp(configured(runtime)) == {**HERE, "provider_version": __version__}


def test_a_read_keeps_the_last_write_s_stamp_and_adds_none() -> None:
    assert kept_stamp({**ELSEWHERE, "provider_version": "0.1.0", "name": "m"}) == {
        **ELSEWHERE,
        "provider_version": "0.1.0",
    }
    assert kept_stamp({"name": "m"}) == {}


# --------------------------------------------------------------------------- read_inputs, previewed


def test_read_inputs_drops_computed_fields_server_defaults_and_empties() -> None:
    outs = {
        "name": "m",
        "display_name": "m",  # defaults to the name: a user who never set it must not see it removed
        "description": "a model",
        "tags": [],
        "config": {},
        "model_id": "id-1",
        "provider_config": {"api_key": "sk-x"},
        "extra": None,
    }
    got = read_inputs(outs, defaults_to_name=("display_name",), computed=("model_id",))
    assert got == {"name": "m", "description": "a model", "provider_config": {"api_key": "sk-x"}}


def test_read_inputs_keeps_a_display_name_that_differs_from_the_name() -> None:
    got = read_inputs({"name": "m", "display_name": "M"}, defaults_to_name=("display_name",), computed=())
    assert got == {"name": "m", "display_name": "M"}


def test_previewed_keeps_what_a_write_never_changes_and_leaves_the_rest_unknown() -> None:
    olds = {"model_id": "id-1", "instance": HERE["instance"], "owner": "o", "provider_version": "0.1.0"}
    got = previewed(
        {"name": "m"},
        olds,
        kept=("model_id", "instance", "owner"),
        computed=("model_id", "instance", "created"),
    )
    assert got == {
        "name": "m",
        "model_id": "id-1",
        "instance": HERE["instance"],
        "created": UNKNOWN,
        "provider_version": __version__,
    }


def test_previewed_for_a_create_knows_no_computed_output() -> None:
    got = previewed({"name": "m"}, {}, kept=("model_id",), computed=("model_id",))
    assert got == {"name": "m", "model_id": UNKNOWN, "provider_version": __version__}


# --------------------------------------------------------------------------- gone, name_taken


def test_gone_says_the_object_was_deleted_outside_pulumi_and_how_to_recover() -> None:
    err = NotFoundError(status=404, method="PUT", path="/v1/orchestrate/models/id-1", detail="Not Found")
    got = gone(err, kind="model", name="m", id_="id-1")
    assert isinstance(got, NotFoundError) and got.status == 404
    assert (got.method, got.path, got.action) == ("PUT", "/v1/orchestrate/models/id-1", "update model 'm'")
    assert "(id id-1) was deleted outside Pulumi" in str(got) and "pulumi refresh" in str(got)


def test_a_taken_name_is_refused_naming_the_ids_and_adopt() -> None:
    [fail] = name_taken("model", "m", lambda: [{"id": "a"}, {"id": "b"}])
    assert fail.path == "name" and "(id a, b)" in str(fail) and "adopt=True" in str(fail)


def test_a_free_name_or_an_unreachable_server_refuses_nothing() -> None:
    def unreachable() -> list[dict[str, Any]]:
        raise TransportError(method="GET", path="/", reason="down", may_have_reached_server=False)

    assert name_taken("model", "m", list) == []
    assert name_taken("model", "m", unreachable) == []


# --------------------------------------------------------------------------- inputs


def test_declared_fields_leaves_out_none_and_undeclared_keys() -> None:
    assert declared_fields({"a": 1, "b": None, "c": 3}, ("a", "b")) == {"a": 1}


def test_bool_failures_name_each_non_boolean_once() -> None:
    got = bool_failures(
        {"adopt": "yes", "protect": True, "x": 1, "y": UNKNOWN}, ("y", "x", "protect", "adopt")
    )
    assert [(f.path, f.reason) for f in got] == [
        ("adopt", "must be true or false"),
        ("x", "must be true or false"),
    ]


def test_unknown_inputs_are_named() -> None:
    assert [f.path for f in unknown_inputs({"name": "m", "nmae": "m"}, ("name",))] == ["nmae"]


def test_validated_or_raise_lists_every_failure_under_the_resource_name() -> None:
    def validate(props: Any) -> tuple[None, list[Failure]]:
        return None, [Failure("a", "bad"), Failure("b", "worse")]

    with pytest.raises(InvalidInputError) as info:
        validated_or_raise(
            {"name": "m", "a": 1}, fields=("a",), validate=validate, kind="model", verb="create"
        )
    assert "create model 'm'" in str(info.value) and "bad" in str(info.value) and "worse" in str(info.value)
    with pytest.raises(InvalidInputError, match="create model '\\?'"):
        validated_or_raise({"name": 7}, fields=(), validate=validate, kind="model", verb="create")


def test_validated_or_raise_returns_the_spec_of_the_declared_fields() -> None:
    seen: list[Any] = []

    def validate(props: Any) -> tuple[str, list[Failure]]:
        seen.append(dict(props))
        return "spec", []

    assert (
        validated_or_raise(
            {"a": 1, "b": None, "z": 2}, fields=("a", "b"), validate=validate, kind="k", verb="v"
        )
        == "spec"
    )
    assert seen == [{"a": 1}]


# --------------------------------------------------------------------------- from_snapshot


def test_a_list_that_cannot_be_fetched_falls_back_to_asking_per_object(runtime: Runtime) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    configured(runtime, down)
    assert from_snapshot(runtime, "models", lambda snap: snap.objects(), lambda: ["fallback"]) == ["fallback"]


def test_a_list_the_server_refused_propagates(runtime: Runtime) -> None:
    configured(runtime, lambda r: httpx.Response(403, json={"detail": "Forbidden"}))
    with pytest.raises(ApiError) as info:
        from_snapshot(runtime, "models", lambda snap: snap.objects(), lambda: pytest.fail("no fallback"))
    assert info.value.status == 403


def test_a_fetched_list_answers_without_the_fallback(runtime: Runtime) -> None:
    configured(runtime, lambda r: httpx.Response(200, json=[{"id": "a", "name": "m"}]))
    got = from_snapshot(runtime, "models", lambda snap: [o["id"] for o in snap.objects()], lambda: [])
    assert got == ["a"]


def test_missing_settings_propagate_from_from_snapshot(runtime: Runtime) -> None:
    runtime.configure(lambda _k: None, {})
    with pytest.raises(WxoError, match="wxo:url"):
        from_snapshot(runtime, "models", lambda snap: snap.objects(), lambda: [])
