"""policy.pack and ``pulumi-wxo policy-pack``: the files of a ready pack (the engine runs it in
tests/e2e/test_policy_pack_engine.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from pulumi_wxo.policy import parse_pack_config
from pulumi_wxo.policy.pack import LAUNCHER
from tests.unit.cli.support import run

pytestmark = pytest.mark.unit


def test_the_cli_writes_a_ready_pack(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "nested" / "policy"
    code, stdout, err = run(capsys, "policy-pack", "--output", str(out), "--python", "/opt/py env/bin/python")
    assert (code, stdout) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["PulumiPolicy.yaml", "__main__.py", "requirements.txt", LAUNCHER, "policy-config.json"]
    )
    assert f"pulumi preview --policy-pack {out} --policy-pack-config {out}/policy-config.json" in err
    assert f"pulumi preview --policy-pack {out / LAUNCHER}" in err
    project = yaml.safe_load((out / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == "python" and project["version"]
    assert (out / "requirements.txt").read_text().startswith("pulumi-wxo[policy]==")
    launcher = out / LAUNCHER
    assert os.access(launcher, os.X_OK)
    # The chosen interpreter, quoted for the shell; the pack's __main__.py beside the launcher.
    last = launcher.read_text().splitlines()[-1]
    assert last == 'exec \'/opt/py env/bin/python\' "$(dirname "$0")/__main__.py" "$@"'
    # The example configuration is one the pack accepts.
    parse_pack_config(json.loads((out / "policy-config.json").read_text()))


def test_the_output_must_be_a_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    code, _, err = run(capsys, "policy-pack", "--output", str(tmp_path / "f"))
    assert code == 2 and f"--output {tmp_path / 'f'}: exists and is not a directory" in err
