"""schema.bounds: the iterative walk that refuses NaN, infinities and deep nesting by path."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pulumi_wxo.schema.bounds import (
    MAX_DEPTH,
    NOT_FINITE,
    OUT_OF_BOUNDS,
    TOO_DEEP,
    format_path,
    input_failures,
    readable,
    refused_fields,
    split_bounded,
    under,
    within_bounds,
)
from pulumi_wxo.schema.failures import Failure

pytestmark = pytest.mark.unit


def nested(depth: int, leaf: Any = "x") -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def test_paths_in_either_style() -> None:
    assert format_path(("targets", 0, "weight")) == "targets.0.weight"
    assert format_path(("targets", 0, "targets", 1), "bracket") == "targets[0].targets[1]"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_every_non_finite_number_is_named_by_its_path(bad: float) -> None:
    props = {"config": {"logit_bias": {"50256": bad, "1": 2.0}, "stop": ["a", bad]}, "tags": (bad,)}
    assert input_failures(props) == [
        Failure("config.logit_bias.50256", NOT_FINITE),
        Failure("config.stop.1", NOT_FINITE),
        Failure("tags.0", NOT_FINITE),
    ]
    assert input_failures({"targets": [{"weight": bad}]}, index="bracket") == [
        Failure("targets[0].weight", NOT_FINITE)
    ]


def test_finite_numbers_strings_and_empty_containers_pass() -> None:
    assert input_failures({"a": 1e308, "b": -0.0, "c": "nan", "d": [], "e": {}, "f": 10**400}) == []


def test_the_depth_limit_is_on_the_number_of_keys_to_a_value() -> None:
    # nested(n) under a top-level key puts "x" at n + 1 keys from the top.
    assert input_failures({"f": nested(MAX_DEPTH - 1)}) == []
    assert input_failures({"f": nested(MAX_DEPTH - 1, leaf={})}) == []  # an empty container holds nothing
    [fail] = input_failures({"f": nested(MAX_DEPTH)})
    assert fail == Failure("f" + ".a" * (MAX_DEPTH - 1), TOO_DEEP)


@pytest.mark.parametrize("depth", [330, 5000, 100_000])
def test_any_depth_is_walked_without_recursion_and_reported_once(depth: int) -> None:
    [fail] = input_failures({"f": nested(depth, leaf=math.nan)})
    assert fail.reason == TOO_DEEP and fail.path.count(".") == MAX_DEPTH - 1
    assert not within_bounds(nested(depth))


def test_a_cycle_is_reported_as_too_deep() -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    assert [f.reason for f in input_failures({"f": loop})] == [TOO_DEEP]


def test_split_keeps_the_rest_and_indices_and_copies_only_what_it_changes() -> None:
    untouched = {"k": [1, 2]}
    props = {"a": [1.0, math.nan, 3.0], "b": untouched, "c": {"d": nested(MAX_DEPTH)}}
    clean, fails, paths = split_bounded(props)
    assert clean["a"] == [1.0, None, 3.0] and props["a"][1] != props["a"][1]  # the input is unchanged
    assert clean["b"] is untouched
    assert [f.reason for f in fails] == [NOT_FINITE, TOO_DEEP]
    assert paths == {"a.1", "c.d" + ".a" * (MAX_DEPTH - 2)}
    assert input_failures(clean) == []


def test_under_matches_a_path_and_what_is_inside_it() -> None:
    paths = frozenset({"targets[0].weight", "config.x"})
    assert under("config.x", paths) and under("config.x.y", paths) and under("targets[0].weight", paths)
    assert not under("config.xy", paths) and not under("config", paths) and not under("a", frozenset())


def test_diff_helpers() -> None:
    news = {"config": {"a": math.inf}, "tags": ["a"], "name": nested(MAX_DEPTH)}
    assert refused_fields(news, ["config", "tags", "name", "absent"]) == {"config", "name"}
    old = readable({"config": nested(400), "tags": ["a"]})
    assert old == {"config": OUT_OF_BOUNDS, "tags": ["a"]}
    assert OUT_OF_BOUNDS != {} and repr(OUT_OF_BOUNDS) == "<out of bounds>"
