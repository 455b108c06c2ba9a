"""specs.results: how a problem is rendered."""

from __future__ import annotations

import pytest

from pulumi_wxo.specs import Problem

pytestmark = pytest.mark.unit


def test_problem_rendering() -> None:
    assert str(Problem("a.yaml", 3, "config.top_p", "too big")) == "a.yaml:3: config.top_p: too big"
    assert str(Problem("a.yaml", None, "", "unreadable")) == "a.yaml: unreadable"
    assert str(Problem("a.yaml", 1, "x", "hm", "warning")) == "a.yaml:1: x: warning: hm"


def test_a_problem_is_printed_on_one_line_whatever_the_file_holds() -> None:
    # A name with a newline must not start a line of its own in a CI log (workflow commands).
    problem = Problem("specs/x.yaml", 3, "name", "'a\n::add-mask::x\r\x1b[2J\u2028' is not a name")
    assert str(problem) == "specs/x.yaml:3: name: 'a\\n::add-mask::x\\r\\x1b[2J\\u2028' is not a name"
    assert str(Problem("f.yaml", 1, "config.\u00b2", "é")) == "f.yaml:1: config.\u00b2: é"
