"""The ModelPolicy resource under pulumi.runtime.set_mocks: one policy name, one resource.

Mocks never run provider code; they show what the program registers with the engine.
"""

from __future__ import annotations

from collections.abc import Iterator

import pulumi
import pytest

import pulumi_wxo as wxo
from pulumi_wxo.model import DuplicateNameError
from tests.support.mocks import Recorder, mocked, registered

pytestmark = pytest.mark.unit


@pytest.fixture
def mocks() -> Iterator[Recorder]:
    yield from mocked(preview=True)


def route(resource_name: str, name: pulumi.Input[str], gpt: wxo.Model) -> wxo.ModelPolicy:
    return wxo.ModelPolicy(resource_name, name=name, strategy="single", targets=[{"model": gpt}])


def test_the_same_policy_name_twice_is_refused_naming_both_resources(mocks: Recorder) -> None:
    def program() -> None:
        gpt = wxo.Model("gpt", name="openai/gpt-4o", connection_id="c")
        route("route-a", "route", gpt)
        route("route-b", " virtual-policy/route", gpt)

    err = registered(program)
    assert isinstance(err, DuplicateNameError) and isinstance(err, pulumi.RunError)
    assert str(err) == (
        "ModelPolicy 'route-b': 'virtual-policy/route' is declared twice (also by ModelPolicy 'route-a'); "
        "keep one of them"
    )
    assert sorted(mocks.resources) == ["gpt", "route-a"]


def test_a_policy_name_from_an_output_is_checked_when_it_resolves(mocks: Recorder) -> None:
    def program() -> None:
        gpt = wxo.Model("gpt", name="openai/gpt-4o", connection_id="c")
        route("route-a", pulumi.Output.from_input("route"), gpt)
        route("route-b", "route", gpt)

    err = registered(program)
    assert isinstance(err, DuplicateNameError)
    # The plain name is claimed at construction, the Output's when it resolves: later.
    assert str(err).startswith("ModelPolicy 'route-a': 'virtual-policy/route' is declared twice")
    assert "(also by ModelPolicy 'route-b')" in str(err)


def test_a_policy_and_a_model_may_share_a_name_and_distinct_policies_pass(mocks: Recorder) -> None:
    def program() -> None:
        gpt = wxo.Model("gpt", name="openai/gpt-4o", connection_id="c")
        route("route-a", "route", gpt)
        route("route-b", "route-b", gpt)
        route("gpt-4o", "openai/gpt-4o", gpt)  # policy names live apart from model names

    assert registered(program) is None
    assert sorted(mocks.resources) == ["gpt", "gpt-4o", "route-a", "route-b"]
