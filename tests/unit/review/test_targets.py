"""A policy's targets before and after: matched by model name within their rule, nested rules
indented, and drawn as a Mermaid flowchart."""

from __future__ import annotations

import pytest

from pulumi_wxo.review._targets import mermaid, target_rows, target_table
from tests.support.gfm import tables

pytestmark = pytest.mark.unit

A, B, C = (f"virtual-model/openai/{x}" for x in "abc")


def _table(before: object, after: object) -> list[list[str]]:
    header, body = target_table(target_rows(before, after))
    [table] = tables("\n".join((*header, *body)) + "\n")
    return table.rows


def test_weights_before_and_after_matched_by_model_name() -> None:
    before = [{"model_name": A, "weight": 0.5}, {"model_name": B, "weight": 0.5}]
    after = [{"model_name": B, "weight": 0.25}, {"model_name": C, "weight": 0.75}]
    assert _table(before, after) == [
        [B, "0.5", "0.25"],
        [C, "—", "0.75 (added)"],
        [A, "0.5", "removed"],
    ]


def test_nested_rules_are_indented_under_their_rule() -> None:
    after = [
        {"model_name": A},
        {
            "strategy": {"mode": "loadbalance"},
            "targets": [{"model_name": B, "weight": 0.4}, {"model_name": C, "weight": 0.6}],
        },
    ]
    assert _table(None, after) == [
        [A, "—", "— (added)"],
        ["rule targets[1] (loadbalance)", "—", "— (added)"],
        [f"↳ {B}", "—", "0.4 (added)"],
        [f"↳ {C}", "—", "0.6 (added)"],
    ]
    diagram = "\n".join(mermaid("virtual-policy/p", "fallback", target_rows(None, after)) or ())
    assert 'P ==>|"added"| T1["rule targets#91;1#93; #40;loadbalance#41;"]' in diagram
    assert f'T1 ==>|"added 0.4"| T2["{B}"]' in diagram


def test_unknown_model_names_read_as_known_after_apply() -> None:
    from pulumi_wxo.review._values import UNKNOWN

    assert _table(None, [{"model_name": UNKNOWN}]) == [["(known after apply)", "—", "— (added)"]]


def test_an_unchanged_target_is_a_plain_edge() -> None:
    same = [{"model_name": A, "weight": 1}]
    diagram = mermaid("p", "single", target_rows(same, same)) or ()
    assert f'  P -->|"1"| T0["{A}"]' in diagram
    assert mermaid("p", "single", target_rows(None, [{"model_name": f"m{i}"} for i in range(201)])) is None
