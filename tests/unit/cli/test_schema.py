"""``pulumi-wxo schema``: to stdout and to a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_wxo.specs import spec_json_schema
from tests.unit.cli.support import run

pytestmark = pytest.mark.unit


def test_schema_to_stdout_and_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out) == spec_json_schema()
    target = tmp_path / "sub" / "spec.schema.json"
    code, out, err = run(capsys, "schema", "--output", str(target))
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    assert json.loads(target.read_text()) == spec_json_schema()
