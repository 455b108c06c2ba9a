"""``pulumi-wxo review``: files and stdin, exit status 0 / 3 / 1 / 2, parts written to a folder,
and hostile documents refused with the file named, never a traceback."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pulumi_wxo.cli.review import EXIT_CHANGES
from tests.unit.cli.support import DATA, run

pytestmark = pytest.mark.unit

CAPTURED = DATA / "review"
SAME = {"config": {}, "steps": [{"op": "same", "urn": "urn:pulumi:dev::p::wxo:index:Model::m"}]}


def _write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value))
    return str(path)


def test_changes_exit_3_and_print_the_comment(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "review", str(CAPTURED / "native-preview.json"), str(CAPTURED / "dynamic-stream.json")
    )
    assert code == EXIT_CHANGES == 3, err
    assert out.startswith("## pulumi-wxo review\n") and out.count("### Stack") == 2
    assert "2 stacks, 1 part; changes: exit 3" in err


def test_no_changes_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "review", _write(tmp_path, "dev.json", SAME))
    assert code == 0, err
    assert "nothing changes" in out and "no changes" in err


def test_stdin_is_read_when_no_file_is_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = (CAPTURED / "native-stream.json").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stream)))
    code, out, _ = run(capsys, "review")
    assert code == EXIT_CHANGES and "Update policy <code>route</code>" in out


def test_parts_go_to_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "review-9.md").write_text("stale")
    files = [str(CAPTURED / f"{h}-preview.json") for h in ("native", "dynamic")] * 3
    code, out, _ = run(capsys, "review", *files, "--output-dir", str(out_dir), "--max-bytes", "4096")
    assert code == EXIT_CHANGES
    written = sorted(out_dir.iterdir())
    assert len(written) > 1 and out.split() == [str(p) for p in written]
    assert all(p.stat().st_size <= 4096 for p in written)
    assert not (out_dir / "review-9.md").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "line 1 column 2: not JSON"),
        ("", "line 1 column 1: not JSON (Expecting value)"),
        ('{"sequence": 1}\n{"sequence": 2\n', "line 2: not a JSON event"),
        ("[" * 100 + "]" * 100, "line 1: is nested more than 64 levels deep"),
        (b"\xff\xfe", "line 1: is not UTF-8 text"),
        ('{"version": 3, "deployment": {}}', "not the output of `pulumi preview --json`"),
        (
            '{"steps": [{"op": "create", "urn": "u", "newState": {"inputs": []}}]}',
            "steps[0].newState.inputs: expected an object",
        ),
    ],
)
def test_hostile_documents_exit_1_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "evil.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, out, err = run(capsys, "review", str(CAPTURED / "native-preview.json"), str(path))
    assert code == 1 and out == ""
    assert err.startswith(f"pulumi-wxo review: {path}: ") and message in err, err
    assert "Traceback" not in err


def test_a_document_over_the_byte_cap_is_not_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pulumi_wxo.cli.review.MAX_PREVIEW_BYTES", 1024)
    code, _, err = run(capsys, "review", _write(tmp_path, "big.json", {"config": {"x": "y" * 2000}}))
    assert code == 1 and "is larger than 1 KiB" in err


def test_a_document_with_too_many_values_is_not_parsed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pulumi_wxo.cli.review.MAX_PREVIEW_NODES", 100)
    code, _, err = run(
        capsys, "review", _write(tmp_path, "many.json", {"config": {str(i): i for i in range(200)}})
    )
    assert code == 1 and "holds more than 100 values" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_never_opened(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = tmp_path / "p.json"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "review", str(fifo))
    assert code == 1 and "is a FIFO (named pipe), not a regular file" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "review", "--max-bytes", "100", str(CAPTURED / "native-preview.json"))
    assert code == 2 and "--max-bytes must be at least 4096" in err
    code, _, err = run(capsys, "review", "-", "-")
    assert code == 2 and "stdin" in err
    code, _, err = run(capsys, "review", str(tmp_path / "missing.json"))
    assert code == 1 and "missing.json: No such file or directory" in err


def test_a_preview_that_reported_an_error_exits_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    failed = {**SAME, "diagnostics": [{"message": "boom", "severity": "error"}]}
    code, out, err = run(capsys, "review", _write(tmp_path, "dev.json", failed))
    assert code == EXIT_CHANGES and "boom" in out
    assert "no changes, 1 preview error: exit 3" in err
