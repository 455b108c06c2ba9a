"""Preview documents read into steps: both hosts, the digest and the event stream, and every
wrong shape refused with the document and the JSON path named."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.review import ReviewError, parse_preview
from tests.unit.review.support import captured, digest, step

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
    events = [
        {"sequence": 0, "preludeEvent": {"config": {}}},
        {
            "sequence": 1,
            "policyEvent": {
                "resourceUrn": "urn:pulumi:dev::p::wxo:index:Model::gpt",
                "message": "inline credential",
                "color": "never",
                "policyName": "credentials-through-connection",
                "policyPackName": "wxo-guardrails",
                "policyPackVersion": "0.1.0",
                "policyPackVersionTag": "0.1.0",
                "enforcementLevel": "mandatory",
            },
        },
    ]
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
