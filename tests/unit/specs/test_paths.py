"""specs.paths: field paths <-> tuples, and the line of a path or of its closest parent."""

from __future__ import annotations

import pytest

from pulumi_wxo.specs.paths import join_path, line_for, split_path

pytestmark = pytest.mark.unit


def test_split_and_join_round_trip() -> None:
    assert split_path("targets[0].targets[12].weight") == ("targets", 0, "targets", 12, "weight")
    assert split_path("targets.0.weight") == ("targets", 0, "weight")
    assert split_path("") == ()
    assert join_path(("targets", 0, "targets", 12, "weight")) == "targets[0].targets[12].weight"
    assert join_path(("provider_config", "api_key")) == "provider_config.api_key"


def test_line_for_parents_aliases_and_the_policy_form() -> None:
    lines = {(): 1, ("provider_config",): 4, ("provider_config", "customHost"): 5, ("config",): 7}
    assert line_for(lines, ("config",), False, 99) == 7
    assert line_for(lines, ("config", "temperature"), False, 99) == 7  # absent: the parent's line
    assert line_for(lines, ("provider_config", "custom_host"), False, 99) == 5  # camelCase alias
    assert line_for(lines, ("display_name",), False, 99) == 1  # the document's line
    assert line_for({}, ("display_name",), False, 99) == 99
    lifted = {(): 1, ("policy",): 3, ("policy", "targets"): 5, ("policy", "targets", 1): 7}
    assert line_for(lifted, ("targets", 1, "weight"), True, 99) == 7  # written under policy:
    assert line_for(lifted, ("targets", 1, "weight"), False, 99) == 1


def test_only_ascii_digits_are_indexes() -> None:
    # "²".isdigit() is True and int("²") raises: such a key is a name, not an index.
    assert split_path("config.\u00b2") == ("config", "\u00b2")
    assert split_path("config.\u0663.x[\u00b2]") == ("config", "\u0663", "x", "\u00b2")
    assert split_path("targets.12") == ("targets", 12)
