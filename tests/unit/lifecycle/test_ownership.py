"""lifecycle.ownership: the owner tag: stable per resource, distinct per stack, never a user's tag;
the platform's tags: never a user's either, and kept for the next PUT."""

from __future__ import annotations

import pytest

from pulumi_wxo.lifecycle.ownership import (
    OwnerTag,
    is_owner_id,
    is_owner_tag,
    owner_id,
    owner_of,
    platform_tags,
    split_tags,
)

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
