"""specs.discovery: files, directories and globs; hidden entries and schemas skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.specs import find_spec_files
from tests.unit.specs.support import GOOD

pytestmark = pytest.mark.unit


def test_hidden_schema_and_other_files_are_skipped() -> None:
    files, problems = find_spec_files(GOOD)
    names = sorted(Path(f).name for f in files)
    assert names == ["claude.yml", "models.yaml", "route.yaml", "vertex.json"]
    assert problems == []


def test_globs_files_and_missing_paths(tmp_path: Path) -> None:
    files, problems = find_spec_files(f"{GOOD}/**/*.yaml")
    assert sorted(Path(f).name for f in files) == ["models.yaml", "route.yaml"]
    assert problems == []
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "models.py").write_text("x = 1")
    _, problems = find_spec_files(
        [tmp_path / "notes.txt", tmp_path / "models.py", tmp_path / "nope.yaml", f"{tmp_path}/*.yaml"]
    )
    assert [(Path(p.file).name, p.message) for p in problems] == [
        ("notes.txt", "not a spec file (.yaml, .yml or .json)"),
        ("models.py", "Python spec files are not supported; write the spec as YAML"),
        ("nope.yaml", "no such file or directory"),
        ("*.yaml", "no spec files match this pattern"),
    ]


def test_a_file_named_twice_is_read_once() -> None:
    files, _ = find_spec_files([GOOD, GOOD / "models.yaml", f"{GOOD}/*.yaml"])
    assert len(files) == len(set(files)) == 4
