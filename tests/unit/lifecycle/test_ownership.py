"""lifecycle.ownership: the owner tag: stable per resource, distinct per stack, never a user's tag;
the platform's tags: never a user's either, and kept for the next PUT; and the object at a
state's id: updated, deleted or refreshed only when it is the one the state recorded."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_wxo.lifecycle import ModelLifecycle, PolicyLifecycle
from pulumi_wxo.lifecycle.ownership import (
    ForeignObjectError,
    OwnerTag,
    is_owner_id,
    is_owner_tag,
    owner_id,
    owner_of,
    platform_tags,
    split_tags,
    verify_at_id,
)
from tests.support.tenant import Tenant, tenant_runtime

pytestmark = pytest.mark.unit

MODEL = "pulumi-python:dynamic/wxo:Model"


def test_owner_is_stable_per_resource_and_distinct_elsewhere() -> None:
    a = owner_id(project="p", stack="dev", type_token=MODEL, resource_name="gpt")
    assert a == owner_id(project="p", stack="dev", type_token=MODEL, resource_name="gpt")
    others = {
        owner_id(project="p", stack="prod", type_token=MODEL, resource_name="gpt"),
        owner_id(project="q", stack="dev", type_token=MODEL, resource_name="gpt"),
        owner_id(project="p", stack="dev", type_token=MODEL, resource_name="gpt2"),
        owner_id(
            project="p", stack="dev", type_token="pulumi-python:dynamic/wxo:ModelPolicy", resource_name="gpt"
        ),
        # No ambiguity from joining: ("p", "dev/x") is not ("p/dev", "x").
        owner_id(project="p/dev", stack="x", type_token=MODEL, resource_name="gpt"),
    }
    assert a not in others and len(others) == 5
    assert is_owner_id(a) and not is_owner_id("xyz") and not is_owner_id(None)


def test_tags_round_trip_and_nonces_differ() -> None:
    owner = owner_id(project="p", stack="dev", type_token=MODEL, resource_name="gpt")
    one, two = OwnerTag.new(owner), OwnerTag.new(owner)
    assert one.owner == two.owner == owner and one.nonce != two.nonce
    assert OwnerTag.parse(str(one)) == one
    assert str(one).startswith("pulumi-wxo-owner:") and len(str(one)) == len("pulumi-wxo-owner:") + 16 + 1 + 8


@pytest.mark.parametrize(
    "tag",
    [
        "pulumi-wxo-owner:XYZ",
        "pulumi-wxo-owner:0123456789abcdef",
        "pulumi-wxo-owner:0123456789abcdef:0123456",
        "pulumi-wxo-owner:0123456789ABCDEF:01234567",
        "pulumi-wxo-owner:0123456789abcdef:01234567:extra",
    ],
)
def test_malformed_owner_tags_are_not_evidence_but_never_user_tags(tag: str) -> None:
    assert OwnerTag.parse(tag) is None
    assert is_owner_tag(tag)
    assert split_tags(["team-a", tag]) == (["team-a"], None)


def test_split_tags_and_owner_of_a_server_object() -> None:
    tag = OwnerTag("0123456789abcdef", "01234567")
    assert split_tags(["a", str(tag), "b"]) == (["a", "b"], tag)
    assert owner_of({"tags": ["x", str(tag)]}) == tag
    assert owner_of({"tags": ["x"]}) is None
    assert owner_of({"tags": 5}) is None and owner_of({}) is None and owner_of("nope") is None


# -- the platform's tags (api-contract §12.7): server-owned like the owner tag ----------------

DENY = "wxo-reserved-tag-admin-disallowed"


def test_platform_tags_are_never_user_tags_and_are_picked_out_for_a_put() -> None:
    owner = OwnerTag.new(owner_id(project="p", stack="dev", type_token=MODEL, resource_name="gpt"))
    tags = ["team-a", DENY, str(owner), "third party", "wxo-reserved-tag-premier", DENY]

    assert split_tags(tags) == (["team-a"], owner)
    assert platform_tags({"tags": tags}) == [DENY, "third party", "wxo-reserved-tag-premier"]
    assert platform_tags({"tags": "not a list"}) == [] and platform_tags(None) == []
    # look-alikes stay the user's
    assert split_tags(["wxo-reserved", "reserved-tag-x", "third-party"])[0] == [
        "wxo-reserved",
        "reserved-tag-x",
        "third-party",
    ]


# ---------------------------------------------------------------- the object at a state's id

OURS = "pulumi-wxo-owner:0123456789abcdef:01234567"
THEIRS = "pulumi-wxo-owner:fedcba9876543210:89abcdef"
MINE, VICTIM = "virtual-model/openai/mine", "virtual-model/openai/victim"
STATE: dict[str, Any] = {
    "name": MINE,
    "display_name": MINE,
    "description": MINE,
    "tags": [],
    "model_type": "chat",
    "connection_id": None,
    "provider_config": {"api_key": "sk-unit-mine"},
    "config": {},
    "model_id": "m-victim",  # edited: the victim's id
    "owner_tag": OURS,
}
NEWS: dict[str, Any] = {"name": "openai/mine", "provider_config": {"api_key": "sk-unit-mine"}}


def _victim(**over: Any) -> dict[str, Any]:
    return {**STATE, "id": "m-victim", "name": VICTIM, "tags": [], "connection_id": "conn-1", **over}


@pytest.mark.parametrize(
    ("server", "found"),
    [
        (_victim(), f"'{VICTIM}' without an owner tag"),  # a person's model
        (_victim(tags=[THEIRS]), f"'{VICTIM}' with owner tag {THEIRS}"),  # another stack's
        (_victim(name=MINE, tags=[THEIRS]), f"'{MINE}' with owner tag {THEIRS}"),  # same name, not ours
        (_victim(name=MINE), f"'{MINE}' without an owner tag"),  # same name, a person's duplicate
    ],
)
@pytest.mark.parametrize("op", ["update", "delete", "read"])
def test_no_write_delete_or_refresh_on_an_object_the_state_cannot_prove_is_its_own(
    server: dict[str, Any], found: str, op: str
) -> None:
    tenant = Tenant(server)
    lc = ModelLifecycle(tenant_runtime(tenant))
    with pytest.raises(ForeignObjectError) as info:
        if op == "update":
            lc.update("m-victim", STATE, {**NEWS, "owner": "0123456789abcdef"})
        elif op == "delete":
            lc.delete("m-victim", STATE)
        else:
            lc.read("m-victim", STATE)
    msg = str(info.value)
    assert tenant.writes == []
    verb = {"read": "refresh"}.get(op, op)
    assert msg.startswith(f"{verb} model '"), msg
    assert f"the state records model id m-victim as '{MINE}' with owner tag {OURS}" in msg, msg
    assert f"on the server is {found}; nothing was changed or deleted" in msg, msg
    assert "pulumi state delete" in msg and "pulumi stack import" in msg and "docs/guide/recovery.md" in msg
    assert "sk-unit-mine" not in msg


@pytest.mark.parametrize(
    ("recorded", "tags"),
    [
        (OURS, [OURS]),
        (OURS, ["pulumi-wxo-owner:0123456789abcdef:ffffffff"]),  # our owner, another run's nonce
        (None, []),  # a state from before owner tags, an untagged model
        (None, [OURS]),  # an update wrote the tag, the state did not record it yet
    ],
)
def test_the_object_the_state_recorded_is_updated_and_deleted(recorded: str | None, tags: list[str]) -> None:
    state = {**STATE, "owner_tag": recorded}
    tenant = Tenant({**STATE, "id": "m-1", "tags": tags})
    lc = ModelLifecycle(tenant_runtime(tenant))
    lc.update("m-1", state, {**NEWS, "owner": "0123456789abcdef"})
    assert lc.read("m-1", {**state, "owner": "0123456789abcdef"}).id == "m-1"
    lc.delete("m-1", {**state, "owner": "0123456789abcdef"})
    assert tenant.writes == [("PUT", "m-1"), ("DELETE", "m-1")]


def test_a_state_that_recorded_a_tag_refuses_an_untagged_object_of_the_same_name() -> None:
    with pytest.raises(ForeignObjectError, match="without an owner tag"):
        verify_at_id(
            kind="model", id_="m-1", server={"name": MINE}, recorded=STATE, action="delete model 'x'"
        )


def test_a_read_without_state_compares_nothing() -> None:
    tenant = Tenant(_victim(tags=[THEIRS]))
    outcome = ModelLifecycle(tenant_runtime(tenant)).read("m-victim", {})
    assert outcome.id == "m-victim" and outcome.outputs["name"] == VICTIM


@pytest.mark.parametrize("op", ["update", "delete", "read"])
def test_a_policy_at_the_state_id_must_have_the_recorded_name(op: str) -> None:
    recorded = {"name": "virtual-policy/mine", "policy_id": "p-victim", "strategy": {"mode": "fallback"}}
    server = {"id": "p-victim", "name": "virtual-policy/victim", "policy": {"strategy": {"mode": "fallback"}}}
    tenant = Tenant(server)
    lc = PolicyLifecycle(tenant_runtime(tenant))
    lc.before_write = lambda *_a: None  # type: ignore[method-assign]
    news = {
        "name": "virtual-policy/mine",
        "strategy": {"mode": "fallback"},
        "targets": [{"model_name": "openai/a"}, {"model_name": "openai/b"}],
    }
    with pytest.raises(ForeignObjectError) as info:
        if op == "update":
            lc.update("p-victim", recorded, news)
        elif op == "delete":
            lc.delete("p-victim", recorded)
        else:
            lc.read("p-victim", recorded)
    assert "the state records policy id p-victim as 'virtual-policy/mine', but the policy" in str(info.value)
    assert "is 'virtual-policy/victim'; nothing was changed or deleted" in str(info.value)
    assert tenant.writes == []
