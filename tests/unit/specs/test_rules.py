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
