"""specs.results: how a problem is rendered."""

from __future__ import annotations

import pytest

from pulumi_wxo.specs import Problem

pytestmark = pytest.mark.unit


def test_problem_rendering() -> None:
    assert str(Problem("a.yaml", 3, "config.top_p", "too big")) == "a.yaml:3: config.top_p: too big"
    assert str(Problem("a.yaml", None, "", "unreadable")) == "a.yaml: unreadable"
    assert str(Problem("a.yaml", 1, "x", "hm", "warning")) == "a.yaml:1: x: warning: hm"
