"""specs.rules: rules across documents (one resource name for two specs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.specs import read_specs
from tests.unit.specs.support import write

pytestmark = pytest.mark.unit


def test_resource_name_collisions_name_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "spec_version: v1\nname: openai/a/b\nconnection_id: c\n")
    write(tmp_path, "b.yaml", "spec_version: v1\n\nname: openai/a-b\nconnection_id: c\n")
    _, [problem] = read_specs(tmp_path)
    assert (Path(problem.file).name, problem.line, problem.field) == ("b.yaml", 3, "name")
    assert f"({tmp_path}/a.yaml:2) both get the resource name 'openai-a-b'" in problem.message


def test_loadbalance_weights_that_do_not_sum_to_1_are_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "m.yaml", "spec_version: v1\nname: openai/a\nconnection_id: c\n---\n"
          "spec_version: v1\nname: openai/b\nconnection_id: c\n---\n"
          "spec_version: v1\nname: openai/c\nconnection_id: c\n")  # fmt: skip
    write(
        tmp_path,
        "p.yaml",
        """
        spec_version: v1
        name: virtual-policy/split
        strategy: loadbalance
        targets:
          - model_name: openai/a
            weight: 0.7
          - strategy: loadbalance
            targets:
              - {model_name: openai/a, weight: 0.1}
              - {model_name: openai/b, weight: 0.2}
              - {model_name: openai/c, weight: 0.7}
        """,
    )
    write(
        tmp_path,
        "q.yaml",
        """
        spec_version: v1
        name: virtual-policy/rounded
        strategy: loadbalance
        targets: [{model_name: openai/a, weight: 0.1}, {model_name: openai/b, weight: 0.9000001}]
        """,
    )
    _, problems = read_specs(tmp_path)
    weights = [p for p in problems if "weights" in p.message]
    assert [(Path(p.file).name, p.line, p.field, p.severity) for p in weights] == [
        ("p.yaml", 4, "targets", "warning")
    ]  # the nested rule's 0.1 + 0.2 + 0.7 and q's rounding are within the tolerance
    assert weights[0].message == "load-balance weights sum to 0.7, not 1; traffic shares must add up to 1"
