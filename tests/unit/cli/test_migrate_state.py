"""``pulumi-wxo migrate-state``: the file written whole or not at all, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_wxo._migration import default_provider_name
from pulumi_wxo.native.schema import package_version
from tests.unit.cli.support import DATA, run

pytestmark = pytest.mark.unit


def _export(tmp_path: Path, deployment: object | None = None) -> Path:
    state = json.loads((DATA / "golden" / "state.json").read_text()) if deployment is None else deployment
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"version": 3, "deployment": state}))
    return path


def test_migrates_the_golden_export_into_a_new_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = _export(tmp_path)
    target = tmp_path / "s2.json"
    code, _, err = run(capsys, "migrate-state", str(source), "-o", str(target))
    assert code == 0, err
    types = [r["type"] for r in json.loads(target.read_text())["deployment"]["resources"]]
    assert types == [
        "pulumi:pulumi:Stack",
        "pulumi:providers:wxo",
        *["wxo:index:Model"] * 4,
        "wxo:index:ModelPolicy",
    ]
    # The native SDK pins this package's version, so the engine names its default provider so.
    name = default_provider_name(package_version())
    assert f"moved 5 resources to urn:pulumi:golden::wxo-golden::pulumi:providers:wxo::{name}" in err
    assert "pulumi stack import --file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "s2.json"]  # no temporary file left
    code, _, _ = run(capsys, "migrate-state", str(source), "-o", str(target), "--force")
    ids = {
        r["id"] for r in json.loads(target.read_text())["deployment"]["resources"] if "providers" in r["type"]
    }
    assert code == 0 and len(ids) == 1


def test_a_refused_state_writes_nothing_and_says_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = json.loads((DATA / "golden" / "state.json").read_text())
    state["pending_operations"] = [{"type": "updating", "resource": {}}]
    source = _export(tmp_path, state)
    target = tmp_path / "s2.json"
    code, out, err = run(capsys, "migrate-state", str(source), "-o", str(target))
    assert code == 1 and out == "" and not target.exists()
    assert f"pulumi-wxo migrate-state: {source}: deployment.pending_operations: the stack has 1" in err
    assert "nothing was written" in err and "Traceback" not in err


def test_not_json_names_file_line_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "s.json"
    source.write_text('{\n  "version": 3,\n  oops\n}')
    code, _, err = run(capsys, "migrate-state", str(source), "-o", "-")
    assert code == 1 and f"pulumi-wxo migrate-state: {source}:3:3: not JSON" in err
    source.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run(capsys, "migrate-state", str(source), "-o", "-")
    assert code == 1 and "nested too deeply" in err


def test_an_existing_output_needs_force_and_stdout_works(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = _export(tmp_path)
    target = tmp_path / "s2.json"
    target.write_text("keep me")
    code, _, err = run(capsys, "migrate-state", str(source), "-o", str(target))
    assert code == 2 and "already exists; pass --force" in err and target.read_text() == "keep me"
    code, out, _ = run(capsys, "migrate-state", str(source), "-o", "-")
    assert code == 0 and json.loads(out)["version"] == 3
    code, _, err = run(capsys, "migrate-state", str(tmp_path / "missing.json"), "-o", "-")
    assert code == 2 and "missing.json" in err
