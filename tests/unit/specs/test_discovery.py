"""specs.discovery: files, directories and globs; hidden entries and schemas skipped; symlink
loops, FIFOs and devices end in problems, never in a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pulumi_wxo.specs import find_spec_files, read_specs
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


def hostile_tree(tmp_path: Path) -> Path:
    """x/ with a spec, symlink loops, a FIFO and a /dev/zero link named like specs."""
    root = tmp_path / "x"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "m.yaml").write_text("spec_version: v1\nname: openai/gpt-4o\nconnection_id: c\n")
    (root / "sub" / "loop").symlink_to("..")  # x/sub/loop/sub/loop/... for ever, to glob
    (root / "sub" / "again").symlink_to("../sub")
    (root / "up").symlink_to("../..")  # leads out of x/
    (root / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "fifo.yaml")
    (tmp_path / "secret.yaml").write_text("name: leaked\n")
    (root / "leak.yaml").symlink_to(tmp_path / "secret.yaml")
    return root


@pytest.mark.timeout(10)  # a guard: today's glob follows the loop for ever
@pytest.mark.parametrize("pattern", ["{root}", "{root}/**/*.yaml", "{root}/**", "{root}/*/*.yaml"])
def test_symlink_loops_fifos_and_devices_end_in_problems(tmp_path: Path, pattern: str) -> None:
    root = hostile_tree(tmp_path)
    files, problems = find_spec_files(pattern.format(root=root))
    assert files == [str(root / "sub" / "m.yaml")]  # each folder once: not via loop/ or again/
    got = {(Path(p.file).relative_to(root).as_posix(), p.message, p.severity) for p in problems}
    refused = {
        ("fifo.yaml", "is a FIFO (named pipe), not a regular file; not read", "error"),
        ("zero.yaml", f"is a symlink that leads outside {root}; not read", "error"),
        ("leak.yaml", f"is a symlink that leads outside {root}; not read", "error"),
        ("up", f"is a symlink that leads outside {root}; not followed", "warning"),
    }
    if pattern.endswith("}/*/*.yaml"):
        refused = {r for r in refused if r[0] == "up"}  # the only folder at that level
    assert got == refused
    # read_specs opens none of them: it ends, with the spec valid and every problem listed.
    specs, read_problems = read_specs(pattern.format(root=root))
    assert [s.name for s in specs] == ["virtual-model/openai/gpt-4o"]
    assert sorted(map(str, read_problems)) == sorted(map(str, problems))


@pytest.mark.timeout(10)
def test_a_fifo_or_device_named_directly_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    _, problems = read_specs([tmp_path / "fifo.yaml", tmp_path / "zero.json"])
    assert [(Path(p.file).name, p.message) for p in problems] == [
        ("fifo.yaml", "is a FIFO (named pipe), not a regular file; not read"),
        ("zero.json", "is a character device, not a regular file; not read"),
    ]


def test_a_symlinked_folder_inside_the_root_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.yaml").write_text("x: 1\n")
    (tmp_path / "alias").symlink_to("real")
    files, problems = find_spec_files(tmp_path)
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["alias/a.yaml"]
    assert problems == []


def test_a_glob_starting_with_dot_slash_finds_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text("x: 1\n")
    monkeypatch.chdir(tmp_path)
    assert find_spec_files("./specs/*.yaml") == (["./specs/a.yaml"], [])
    assert find_spec_files("*/*.yaml") == (["specs/a.yaml"], [])


def test_the_walk_stops_after_max_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pulumi_wxo.specs import discovery

    monkeypatch.setattr(discovery, "MAX_WALK_ENTRIES", 5)
    for i in range(8):
        (tmp_path / f"m{i}.yaml").write_text("x: 1\n")
    for arg in (str(tmp_path), f"{tmp_path}/**/*.yaml"):
        files, problems = find_spec_files(arg)
        assert files == []
        assert problems[0].message == (
            "the walk looked at more than 5 entries and stopped; name the spec folder itself"
        )
    monkeypatch.setattr(discovery, "MAX_FILES", 3)
    files, [problem] = find_spec_files([tmp_path / f"m{i}.yaml" for i in range(8)])
    assert len(files) == 3 and problem.message == "more than 3 spec files are named; check fewer at once"


def test_a_broken_symlink_named_like_a_spec_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "gone-folder").symlink_to(tmp_path / "nowhere")
    (tmp_path / "self.yaml").symlink_to("self.yaml")
    for arg in (tmp_path, f"{tmp_path}/*"):
        _, problems = find_spec_files(arg)
        assert [(Path(p.file).name, p.message) for p in problems][:2] == [
            ("gone.yaml", "cannot be read: No such file or directory"),
            ("self.yaml", "cannot be read: Too many levels of symbolic links"),
        ]
