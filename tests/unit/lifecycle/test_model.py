"""lifecycle.model: check and diff on hostile inputs (no sockets; no connection settings).

NaN, infinities and deep nesting are refused at check with the field's path and never reach
a recursive step; diff never raises, whatever the inputs or the old outputs hold. The
create/read/update/delete paths run against the emulator in tests/emulator.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import pytest

from pulumi_wxo.lifecycle import UNKNOWN, ModelLifecycle, Runtime
from pulumi_wxo.lifecycle.model import program_list
from pulumi_wxo.lifecycle.model_values import UNDECLARED_SECRET, model_outputs
from pulumi_wxo.lifecycle.snapshot import Snapshot
from pulumi_wxo.schema.bounds import MAX_DEPTH
from tests.support.strategies import (
    nest,
)

pytestmark = pytest.mark.unit

GPT: dict[str, Any] = {"name": "openai/gpt-4o", "provider_config": {"api_key": "sk-unit-1"}}
OUTPUTS: dict[str, Any] = {
    "name": "virtual-model/openai/gpt-4o",
    "display_name": "virtual-model/openai/gpt-4o",
    "description": "virtual-model/openai/gpt-4o",
    "tags": [],
    "model_type": "chat",
    "connection_id": None,
    "provider_config": {"api_key": "sk-unit-1"},
    "config": {},
}


def offline() -> ModelLifecycle:
    """A lifecycle without connection settings: the server checks of check are skipped."""
    runtime = Runtime()
    runtime.configure(lambda _key: None, {})
    return ModelLifecycle(runtime)


def failures(news: dict[str, Any]) -> dict[str, str]:
    return {f.path: f.reason for f in offline().check({}, news).failures}


def test_a_non_finite_number_leaves_the_other_problems_reported() -> None:
    got = failures({**GPT, "config": {"logit_bias": {"50256": math.nan}, "temperature": 7.0}, "x": 1})
    assert got == {
        "config.logit_bias.50256": "must be a finite number",
        "config.temperature": "Input should be less than or equal to 2",
        "x": "unknown input",
    }


def test_nan_in_a_name_is_one_failure_not_also_a_missing_name() -> None:
    assert failures({**GPT, "name": math.nan}) == {"name": "must be a finite number"}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 330, 5000])
@pytest.mark.parametrize("field", ["config", "provider_config", "tags", "adopt", "stray", "name"])
def test_deep_nesting_is_refused_at_check_naming_where_the_limit_was_passed(field: str, depth: int) -> None:
    value = nest("x", depth, "mixed")
    got = failures({**GPT, field: value})
    deep = [p for p, r in got.items() if r == f"nested deeper than {MAX_DEPTH} levels"]
    assert len(deep) == 1
    assert deep[0].startswith(field) and deep[0].count(".") == MAX_DEPTH - 1


def test_deep_nesting_with_unknowns_and_nan_inside_is_still_refused() -> None:
    value = {"a": nest({"u": UNKNOWN, "n": math.nan}, 400, "dict"), "b": math.inf}
    got = failures({**GPT, "config": {"response_format": value}})
    assert got["config.response_format.b"] == "must be a finite number"
    assert list(got.values()).count(f"nested deeper than {MAX_DEPTH} levels") == 1


def test_at_the_bound_is_accepted_one_more_level_is_not() -> None:
    # "config" and "response_format" are two levels, each container one more: the innermost
    # of MAX_DEPTH - 2 containers sits at MAX_DEPTH - 1 and holds "x" at MAX_DEPTH.
    ok = {**GPT, "config": {"response_format": nest("x", MAX_DEPTH - 2, "dict")}}
    assert failures(ok) == {}
    too_deep = {**GPT, "config": {"response_format": nest("x", MAX_DEPTH - 1, "dict")}}
    assert list(failures(too_deep).values()) == [f"nested deeper than {MAX_DEPTH} levels"]


@pytest.mark.parametrize("depth", [330, 5000])
def test_diff_of_deep_inputs_or_outputs_is_a_change_and_never_raises(depth: int) -> None:
    deep = nest(1.0, depth, "list")
    lc = offline()
    news = {**GPT, "config": {"response_format": deep}}
    assert "config" in lc.diff(OUTPUTS, news).changed
    olds = {**OUTPUTS, "config": {"response_format": deep}}
    assert lc.diff(olds, dict(GPT)).changed == ["config"]
    assert lc.diff({**OUTPUTS, "name": deep}, dict(GPT)).replaces == ["name"]


def test_diff_of_a_nan_is_a_change() -> None:
    news = {**GPT, "config": {"logit_bias": {"1": math.nan}}}
    assert offline().diff(OUTPUTS, news).changed == ["config"]


@pytest.mark.parametrize(
    "olds",
    [
        {**OUTPUTS, "config": "not a mapping"},
        {**OUTPUTS, "provider_config": ["a"]},
        {**OUTPUTS, "tags": 5},
        {**OUTPUTS, "tags": {"a": 1}},
    ],
)
def test_diff_against_old_outputs_of_another_shape_is_a_change(olds: dict[str, Any]) -> None:
    assert offline().diff(olds, dict(GPT)).changes


# -- tags the server owns: the owner tag and the platform's (api-contract §12.7) ---------------

DENY = "wxo-reserved-tag-admin-disallowed"


@pytest.mark.parametrize(
    "tag", [DENY, "wxo-reserved-tag-premier", "wxo-reserved-tag-anything", "third party"]
)
def test_a_user_tag_the_platform_owns_is_refused_at_check(tag: str) -> None:
    reason = failures({**GPT, "tags": ["team-a", tag]})["tags"]
    assert f"tag '{tag}' is set by the platform, not by users" in reason
    assert "remove it" in reason


def test_platform_tags_in_the_state_or_on_the_server_are_no_drift() -> None:
    server = {
        "id": "m1",
        **OUTPUTS,
        "tags": ["team-a", DENY, "pulumi-wxo-owner:0123456789abcdef:01234567"],
        "provider_config": {"provider": "openai"},
    }
    outs = model_outputs(OUTPUTS, server, adopt=False)
    assert outs["tags"] == ["team-a"]
    assert outs["owner_tag"] == "pulumi-wxo-owner:0123456789abcdef:01234567"
    # an older state that recorded the deny tag among the user's tags: not a change either
    assert offline().diff({**OUTPUTS, "tags": ["team-a", DENY]}, {**GPT, "tags": ["team-a"]}).changed == []


class _Server:
    """The two calls an update makes, recorded (no sockets)."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        self.current = current
        self.puts: list[dict[str, Any]] = []

    def get_model(self, model_id: str, *, name: str | None = None) -> dict[str, Any] | None:
        return self.current

    def update_model(self, model_id: str, body: dict[str, Any], *, name: str | None = None) -> None:
        self.puts.append(body)

    def collection(self, _name: str) -> _Server:
        return self  # the models collection: ``get`` and ``update``

    get = get_model
    update = update_model


def _updated(current: dict[str, Any] | None, olds: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    runtime = Runtime()
    settings = {"wxo:url": "https://wxo.example", "wxo:token": "unit-token"}
    runtime.configure(settings.get, {})
    lc = ModelLifecycle(runtime)
    server = _Server(current)
    lc.runtime.client = lambda: server  # type: ignore[method-assign]
    lc.runtime.snapshot = lambda _kind: Snapshot(lambda: [], max_age=60)  # type: ignore[method-assign]
    outs = lc.update("m1", olds, {**GPT, "tags": ["team-b"], "owner": "0123456789abcdef"})
    [body] = server.puts
    return body, outs


def test_an_update_keeps_the_platform_tags_the_server_has_now() -> None:
    owner = "pulumi-wxo-owner:0123456789abcdef:01234567"
    current = {"id": "m1", **OUTPUTS, "tags": ["team-a", DENY, "third party", owner]}
    olds = {**OUTPUTS, "tags": ["team-a"], "owner_tag": owner}  # the state never saw the deny

    body, outs = _updated(current, olds)

    assert body["tags"] == ["team-b", DENY, "third party", owner]
    assert outs["tags"] == ["team-b"] and outs["owner_tag"] == owner


def test_an_update_drops_platform_tags_the_server_no_longer_has() -> None:
    # an administrator lifted the deny after the state recorded it: the server decides
    current = {"id": "m1", **OUTPUTS, "tags": ["team-a"]}
    body, _outs = _updated(current, {**OUTPUTS, "tags": ["team-a", DENY]})
    assert DENY not in body["tags"]


# ------------------------------------------------------------------ drift on every key (lifecycle.md)

DRIFTED: dict[str, Any] = {
    "id": "m1",
    **OUTPUTS,
    "provider_config": {"provider": "openai", "customHost": "https://collector.invalid/v1"},
    "config": {"max_tokens": 1},
}


def test_keys_added_on_the_server_are_tracked_and_are_drift() -> None:
    outs = model_outputs(OUTPUTS, DRIFTED, adopt=False)
    # the declared secret stays (the server omitted it); the derived ``provider`` is the server's
    assert outs["provider_config"] == {"api_key": "sk-unit-1", "custom_host": "https://collector.invalid/v1"}
    assert outs["config"] == {"max_tokens": 1}
    assert offline().diff(outs, GPT).changed == ["provider_config", "config"]
    # the same server object without the additions: no drift, whatever the host's number types
    clean = model_outputs(
        OUTPUTS, {**DRIFTED, "provider_config": {"provider": "openai"}, "config": {}}, adopt=False
    )
    assert offline().diff(clean, GPT).changed == []


@pytest.mark.parametrize("shown", ["sk-SERVER-side-9931", "********"])
def test_an_undeclared_secret_on_the_server_is_drift_without_its_value(shown: str) -> None:
    server = {**DRIFTED, "provider_config": {"provider": "openai", "awsSecretAccessKey": shown}, "config": {}}
    outs = model_outputs(OUTPUTS, server, adopt=False)
    assert outs["provider_config"] == {"api_key": "sk-unit-1", "aws_secret_access_key": UNDECLARED_SECRET}
    assert shown not in repr(outs)
    assert offline().diff(outs, GPT).changed == ["provider_config"]
    # a read without state (Model.get, import) leaves secrets out, as before
    assert (
        "aws_secret_access_key"
        not in model_outputs({}, server, adopt=False, undeclared_secrets=False)["provider_config"]
    )


@pytest.mark.parametrize("shown", [None, "********", "****1234"])
def test_a_declared_secret_omitted_or_masked_is_no_drift(shown: str | None) -> None:
    pc = {"provider": "openai", **({"api_key": shown} if shown is not None else {})}
    outs = model_outputs(OUTPUTS, {**DRIFTED, "provider_config": pc, "config": {}}, adopt=False)
    assert outs["provider_config"] == {"api_key": "sk-unit-1"}
    assert offline().diff(outs, GPT).changed == []


def test_an_update_records_what_the_full_put_leaves_not_the_keys_it_removed() -> None:
    current = {**DRIFTED, "connection_id": "conn-added-by-hand"}
    body, outs = _updated(current, OUTPUTS)
    assert "config" not in body and "connection_id" not in body  # omitted: the PUT resets them
    assert body["provider_config"] == {"provider": "openai", "api_key": "sk-unit-1"}
    assert outs["config"] == {} and outs["connection_id"] is None
    assert outs["provider_config"] == {"api_key": "sk-unit-1"}


@pytest.mark.parametrize("call", ["check", "diff", "preview", "create", "read", "update", "delete"])
def test_the_old_inputs_and_outputs_are_registered_for_redaction_in_every_call(call: str) -> None:
    from pulumi_wxo.api.errors import WxoError
    from pulumi_wxo.api.redaction import redact

    old = f"sk-unit-OLD-{call}-7731"
    olds = {**OUTPUTS, "provider_config": {"api_key": old}}
    lc = offline()
    args: dict[str, tuple[Any, ...]] = {
        "check": (olds, GPT),
        "diff": (olds, GPT),
        "preview": (olds, GPT),
        "create": (olds,),
        "read": ("m1", olds),
        "update": ("m1", olds, GPT),
        "delete": ("m1", olds),
    }
    with contextlib.suppress(WxoError):  # no connection settings: what was registered before counts
        getattr(lc, call)(*args[call])
    assert redact(f"the stored key {old} is still active") == "the stored key *** is still active"


def test_a_secret_name_is_never_quoted_in_a_failure_and_is_kept_secret_in_outputs() -> None:
    hidden = "virtual-model/openai/unit-hidden-5150"
    runtime = Runtime()
    runtime.configure({"wxo:url": "https://wxo.example", "wxo:token": "unit-token"}.get, {})
    taken = {**OUTPUTS, "id": "m-9", "name": hidden}
    runtime.snapshot = lambda _kind: Snapshot(lambda: [taken], max_age=60)  # type: ignore[method-assign]
    news = {**GPT, "name": "openai/unit-hidden-5150", "secret_name": True}
    reasons = [f.reason for f in ModelLifecycle(runtime).check({}, news).failures]
    assert any("a model named a secret name already exists" in r for r in reasons), reasons
    assert not any("unit-hidden-5150" in r for r in reasons), reasons
    assert ModelLifecycle(runtime).preview({}, news)["secret_name"] is True


@pytest.mark.parametrize(
    ("sent", "listed"),
    [
        (
            '[{"name": "virtual-model/openai/a", "adopt": false}]',
            [{"name": "virtual-model/openai/a", "adopt": False}],
        ),
        ([{"name": "x"}], [{"name": "x"}]),  # a list, as a state or an older SDK sends it
        ("[" * 100_000 + "]" * 100_000, []),  # nested past the parser's depth: no list, no error
        ("[" + '"a",' * 100_000 + '"a"]', []),  # longer than any list the SDK sends
        ("not json", []),
        ({"name": "x"}, []),
    ],
    ids=["text", "list", "deep", "long", "not-json", "mapping"],
)
def test_the_program_list_is_read_from_its_text_within_bounds(sent: Any, listed: list[Any]) -> None:
    assert program_list(sent) == listed
