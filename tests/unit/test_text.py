"""pulumi_wxo._text: server text made inert, and the escaped forms read back as the same text."""

from __future__ import annotations

import ast
import json

import pytest
import yaml

from pulumi_wxo._text import inert, inert_json, inert_literal, is_inert, visible

pytestmark = pytest.mark.unit


def test_controls_bidi_and_lone_surrogates_become_visible_escapes() -> None:
    assert visible("a\x1b[2J\x07\x85\u202e\u2028\ud800b") == "a\\x1b[2J\\x07\\x85\\u202e\\u2028\\ud800b"
    assert visible("caf\u00e9 \U0001f600") == "caf\u00e9 \U0001f600"  # printable text is left alone


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("::error title=x::y", "\\x3a:error title=x::y"),
        ("  ::add-mask::z", "  \\x3a:add-mask::z"),
        ("ok\n::warning::w", "ok\n\\x3a:warning::w"),  # each line of a message
        ("a ##[error]b ##vso[task.setvariable]c", "a \\x23#[error]b \\x23#vso[task.setvariable]c"),
        ("a :: b # c", "a :: b # c"),
    ],
)
def test_no_line_is_a_workflow_command(text: str, shown: str) -> None:
    assert inert(text) == shown
    assert is_inert(shown) and is_inert(text) is (text == shown)


def test_escaped_literals_read_back_as_the_same_text() -> None:
    text = "##[error]x ##vso[y]"
    assert json.loads(inert_json(json.dumps({"k": text}))) == {"k": text}
    assert ast.literal_eval(inert_literal(json.dumps(text))) == text
    assert ast.literal_eval(inert_literal(repr(text + "\x1b"))) == text + "\x1b"
    assert yaml.safe_load(inert_literal(json.dumps(text))) == text
