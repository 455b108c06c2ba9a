"""Preview documents read into steps: both hosts, the digest and the event stream, and every
wrong shape refused with the document and the JSON path named."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_wxo.review import ReviewError, parse_preview
from tests.unit.review.support import captured, digest, policy_event, policy_events, step

pytestmark = pytest.mark.unit


def _actions(document: Any) -> dict[str, str]:
    got = parse_preview(document, "x.json")
    return {s.name: s.action for s in got.steps if s.kind}


@pytest.mark.parametrize("name", ["dynamic-preview", "native-preview", "dynamic-stream", "native-stream"])
def test_captured_documents_read_alike(name: str) -> None:
    got = parse_preview(captured(name), f"{name}.json")
    assert (got.stack, got.project) == ("s", "wxo-review")
    assert _actions(captured(name)) == {
        "gpt": "update",
        "mini": "replace",  # one step, though the stream reports three events for it
        "existing": "adopt",
        "fresh": "create",
        "route": "update",
        "old": "delete",
    }
    mini = next(s for s in got.steps if s.name == "mini")
    assert mini.replace_keys == ("name",)
    assert mini.resource_id and mini.old and mini.old["name"] == "virtual-model/ollama/mini"
    assert got.changed


def test_the_native_host_names_its_diff_keys_and_the_dynamic_host_does_not() -> None:
    native = {s.name: s for s in parse_preview(captured("native-preview"), "n").steps}
    dynamic = {s.name: s for s in parse_preview(captured("dynamic-preview"), "d").steps}
    assert set(native["gpt"].diff_keys or ()) == {"display_name", "provider_config", "config"}
    assert dynamic["gpt"].diff_keys is None


def test_adopt_takeover_and_create_are_told_apart() -> None:
    doc = digest(
        step("create", "a", new={"name": "virtual-model/x/a", "adopt": True}),
        step("create", "b", new={"name": "virtual-model/x/b", "adopt": "takeover"}),
        step("create", "c", new={"name": "virtual-model/x/c", "adopt": False}),
        step("create", "d", new={"name": "virtual-model/x/d", "adopt": "true"}),  # not a boolean: a create
        step("same", "e", old={"name": "virtual-model/x/e"}, new={"name": "virtual-model/x/e"}),
    )
    assert _actions(doc) == {"a": "adopt", "b": "takeover", "c": "create", "d": "create", "e": "same"}


def test_nothing_changes_when_every_step_is_same() -> None:
    doc = digest(step("same", "a", old={"name": "n"}, new={"name": "n"}))
    assert not parse_preview(doc, "x").changed
    assert not parse_preview({"config": {}}, "x").changed


def test_policy_events_of_the_stream_are_read() -> None:
    urn = "urn:pulumi:dev::p::wxo:index:Model::gpt"
    versions = {"policyPackVersion": "0.1.0", "policyPackVersionTag": "0.1.0"}
    event = policy_event("credentials-through-connection", "mandatory", "inline credential", **versions)
    events = policy_events({**event, "resourceUrn": urn, "color": "never"})
    [violation] = parse_preview(events, "x").violations
    assert (violation.pack, violation.policy, violation.level) == (
        "wxo-guardrails",
        "credentials-through-connection",
        "mandatory",
    )
    assert violation.urn.endswith("::gpt")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "event 1: expected an object, found a number"),
        ([{"a": 1}], "a list, but not the event stream"),
        ([], "a list, but not the event stream"),
        ("text", "expected a JSON object (a preview), found a string"),
        (None, "found null"),
        ({"version": 3, "deployment": {}}, "not the output of `pulumi preview --json`"),
        ({"steps": {}}, "steps: expected a list, found an object"),
        ({"steps": [7]}, "steps[0]: expected an object, found a number"),
        ({"steps": [{"op": "create"}]}, "steps[0].urn: expected a string, found null"),
        ({"steps": [{"op": 1, "urn": "u"}]}, "steps[0].op: expected a string, found a number"),
        ({"steps": [{"op": "update", "urn": "u", "newState": []}]}, "steps[0].newState: expected an object"),
        (
            {"steps": [{"op": "update", "urn": "u", "newState": {"inputs": "x"}}]},
            "steps[0].newState.inputs: expected an object, found a string",
        ),
        (
            {"steps": [{"op": "update", "urn": "u", "diffReasons": [1]}]},
            "steps[0].diffReasons: expected a list",
        ),
        (
            [{"sequence": 1, "resourcePreEvent": {"metadata": {"op": "create", "urn": "u", "new": 5}}}],
            "event 1.resourcePreEvent.metadata.new: expected an object, found a number",
        ),
        ([{"sequence": 1, "policyEvent": {"message": 5}}], "event 1.policyEvent.message: expected a string"),
    ],
)
def test_wrong_shapes_are_refused_naming_the_document_and_the_path(document: Any, message: str) -> None:
    with pytest.raises(ReviewError) as info:
        parse_preview(document, "stack.json")
    assert str(info.value).startswith("stack.json: ")
    assert message in str(info.value)


def test_other_providers_resources_are_kept_without_a_kind() -> None:
    doc = digest(
        {
            "op": "create",
            "urn": "urn:pulumi:dev::p::random:index:RandomId::r",
            "newState": {"type": "random:index:RandomId", "inputs": {}},
        }
    )
    [got] = parse_preview(doc, "x").steps
    assert got.kind is None and got.action == "create"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
STEP_KEYS = (
    "op",
    "urn",
    "type",
    "oldState",
    "newState",
    "old",
    "new",
    "inputs",
    "diffReasons",
    "replaceReasons",
)


def _shaped(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), JSON_VALUES, max_size=len(keys))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries({"steps": st.lists(_shaped(STEP_KEYS) | JSON_VALUES, max_size=4)}),
        st.lists(
            st.fixed_dictionaries(
                {"sequence": st.integers()},
                optional={
                    "resourcePreEvent": st.fixed_dictionaries({"metadata": _shaped(STEP_KEYS)}) | JSON_VALUES,
                    "policyEvent": JSON_VALUES,
                    "diagnosticEvent": JSON_VALUES,
                },
            ),
            max_size=4,
        ),
    )
)
def test_any_json_value_is_reviewed_or_refused_with_a_review_error(value: Any) -> None:
    """Whatever a document holds, the reader and the renderer raise nothing but ReviewError."""
    from pulumi_wxo.review import render
    from pulumi_wxo.schema import is_secret_key

    try:
        got = parse_preview(value, "fuzz.json")
    except ReviewError:
        return
    render([got], is_secret_key=is_secret_key, max_bytes=4096)


INPUT_KEYS = ("name", "targets", "strategy", "provider_config", "adopt", "force_delete", "config", "tags")
TARGET = st.fixed_dictionaries(
    {}, optional={"model_name": JSON_VALUES, "weight": JSON_VALUES, "targets": JSON_VALUES}
)
INPUTS = st.dictionaries(
    st.sampled_from(INPUT_KEYS),
    JSON_VALUES | st.lists(TARGET | JSON_VALUES, max_size=3),
    max_size=len(INPUT_KEYS),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "op": st.sampled_from(["create", "update", "replace", "delete", "same", "import", "read"]),
                "urn": st.text(max_size=30).map(lambda s: f"urn:pulumi:dev::p::t::{s}"),
                "type": st.sampled_from(["wxo:index:Model", "wxo:index:ModelPolicy", "random:index:X"]),
            },
            optional={
                "oldState": st.fixed_dictionaries({"inputs": INPUTS, "id": JSON_VALUES}),
                "newState": st.fixed_dictionaries({"inputs": INPUTS}),
                "diffReasons": st.lists(st.sampled_from(INPUT_KEYS)),
                "replaceReasons": st.lists(st.sampled_from(INPUT_KEYS)),
            },
        ),
        max_size=5,
    )
)
def test_any_inputs_of_a_well_formed_step_render(steps: list[dict[str, Any]]) -> None:
    from pulumi_wxo.review import render
    from pulumi_wxo.schema import is_secret_key

    got = render([parse_preview({"steps": steps}, "fuzz.json")], is_secret_key=is_secret_key, max_bytes=4096)
    assert all(len(part.encode()) <= 4096 for part in got.parts)
