"""Secrets, unknowns and escaping of single values."""

from __future__ import annotations

import pytest

from pulumi_wxo.review._values import SECRET, UNKNOWN, cell, escape, flatten, mask, mermaid_label
from pulumi_wxo.schema import is_secret_key
from tests.support.gfm import tables

pytestmark = pytest.mark.unit

SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}


def test_mask_hides_marked_secrets_and_credential_keys_at_any_depth() -> None:
    value = {
        "a": "[secret]",
        "b": SIG,
        "provider_config": {"api_key": "plain", "awsSecretAccessKey": "plain", "custom_host": "h"},
        "list": [{"api_key": "plain"}],
        "u": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "none_key": {"api_key": None},
    }
    got = mask(value, is_secret_key)
    assert got["a"] is SECRET and got["b"] is SECRET and got["u"] is UNKNOWN
    assert got["provider_config"] == {"api_key": SECRET, "awsSecretAccessKey": SECRET, "custom_host": "h"}
    assert got["list"] == [{"api_key": SECRET}]
    assert got["none_key"] == {"api_key": None}  # nothing to hide


def test_mask_stops_at_depth() -> None:
    deep: object = "leaf"
    for _ in range(100):
        deep = {"k": deep}
    flat = flatten(mask(deep, is_secret_key))
    [(path, leaf)] = flat.items()
    assert path.count(".") < 30 and "nested too deep" in cell(leaf)


def test_flatten_walks_objects_and_keeps_lists_whole() -> None:
    assert flatten({"a": {"b": 1, "c": {}}, "t": [1, 2], "e": {}}) == {
        "a.b": 1,
        "a.c": {},
        "t": [1, 2],
        "e": {},
    }
    assert flatten({}) == {}


@pytest.mark.parametrize(
    "raw",
    [
        "a|b",
        "`x`",
        "<script>alert(1)</script>",
        "[l](https://e.example)",
        "*b* _i_ ~~s~~",
        "\\|",
        "a\nb",
        "&amp;",
        "$x$",
    ],
)
def test_escaped_text_reads_back_as_itself_inside_a_table_cell(raw: str) -> None:
    md = f"| h |\n| --- |\n| {cell(raw)} |\n"
    [table] = tables(md)
    assert table.rows == [[raw]]


def test_escape_caps_long_text_and_drops_control_characters() -> None:
    assert escape("x" * 1000).endswith("…") and len(escape("x" * 1000)) == 160
    assert "\x1b" not in escape("a\x1b[31mred")


def test_mermaid_labels_cannot_close_the_label_or_the_block() -> None:
    label = mermaid_label('a"] --> X["b` ```\nnew line')
    assert not any(c in label for c in '"[]`\n<>')
    assert label.startswith("a#34;#93; --#62; X#91;#34;b#96; ")
