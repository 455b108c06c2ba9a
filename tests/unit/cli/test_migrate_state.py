"""``pulumi-wxo migrate-state``: the file written whole or not at all, and clear refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from pulumi_wxo.native.migration import default_provider_name
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


# ---------------------------------------------------------------------------------------------
# Hostile input: every refusal names the file and the field, never a traceback

SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def _golden() -> dict[str, Any]:
    state: dict[str, Any] = json.loads((DATA / "golden" / "state.json").read_text())
    return state


def _refused(capsys: pytest.CaptureFixture[str], source: Path, target: Path) -> str:
    code, out, err = run(capsys, "migrate-state", str(source), "-o", str(target))
    assert (code, out) == (1, ""), err
    assert "Traceback" not in err and "nothing was written" in err and not target.exists()
    return err


def test_two_stacks_default_providers_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = _golden()
    resources = state["resources"]
    provider = next(r for r in resources if r["type"] == "pulumi:providers:pulumi-python")
    other = {**provider, "urn": provider["urn"].replace("urn:pulumi:golden::", "urn:pulumi:other::")}
    model = next(r for r in resources if r["type"].endswith("Model"))
    moved = {**model, "urn": model["urn"] + "-other", "provider": f"{other['urn']}::{provider['id']}"}
    resources += [other, moved]
    err = _refused(capsys, _export(tmp_path, state), tmp_path / "s2.json")
    assert "deployment.resources: its pulumi-wxo resources use 2 default pulumi-python providers" in err
    assert "urn:pulumi:other::wxo-golden::pulumi:providers:pulumi-python::default" in err


def test_pending_operations_that_are_no_list_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = _golden()
    state["pending_operations"] = 5
    err = _refused(capsys, _export(tmp_path, state), tmp_path / "s2.json")
    assert "deployment.pending_operations: is not a list of operations" in err


def test_a_number_too_long_to_read_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = _export(tmp_path)
    text = json.dumps(json.loads(source.read_text()), indent=1).replace(
        '"max_tokens": 1024', '"max_tokens": ' + "9" * 5000, 1
    )
    source.write_text(text)
    line = text[: text.index("9" * 5000)].count("\n") + 1
    err = _refused(capsys, source, tmp_path / "s2.json")
    assert f"{source}:{line}: a number of 5,000 digits is too long (at most 100)" in err


def test_a_file_that_is_not_utf8_names_the_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "s.json"
    source.write_bytes(b'{\n  "version": 3,\n  "x": "\xff\xfe"\n}\n')
    err = _refused(capsys, source, tmp_path / "s2.json")
    assert f"{source}:3: is not UTF-8 text" in err


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_being_opened(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "s.json"
    os.mkfifo(source)  # nobody writes to it: reading it would block forever
    err = _refused(capsys, source, tmp_path / "s2.json")
    assert f"{source}: is a FIFO (named pipe), not a regular file; not read" in err


@pytest.mark.timeout(10)
def test_a_symlink_to_a_device_is_refused_without_reading_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "s.json"
    source.symlink_to("/dev/zero")  # st_size 0, endless: read whole, it fills memory
    err = _refused(capsys, source, tmp_path / "s2.json")
    assert f"{source}: is a character device, not a regular file; not read" in err


def test_plaintext_secrets_are_carried_with_a_warning_that_names_them_not_their_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = _golden()  # as `pulumi stack export --show-secrets` writes it
    model = next(r for r in state["resources"] if r["urn"].endswith("Model::gpt-4o"))
    for key in ("inputs", "outputs"):
        model[key]["provider_config"]["api_key"] = {**SIG, "plaintext": '"sk-PLAIN-0042"'}
    target = tmp_path / "s2.json"
    code, _, err = run(capsys, "migrate-state", str(_export(tmp_path, state)), "-o", str(target))
    assert code == 0, err
    urn = "urn:pulumi:golden::wxo-golden::wxo:index:Model::gpt-4o"
    for key in ("inputs", "outputs"):
        assert (
            f"warning: {urn}: {key}.provider_config.api_key: a secret in plaintext (the export was made"
            in err
        )
    assert err.count("a secret in plaintext") == 2 and "sk-PLAIN" not in err
    assert "sk-PLAIN-0042" in target.read_text()  # carried over as it was


def test_stdout_holds_no_workflow_command_and_reads_back_the_same(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = _golden()
    model = next(r for r in state["resources"] if r["urn"].endswith("Model::gpt-4o"))
    model["outputs"]["description"] = "##[error]x\n::error::y"
    code, out, err = run(capsys, "migrate-state", str(_export(tmp_path, state)), "-o", "-")
    assert code == 0, err
    assert "##[" not in out and "\n::" not in out
    moved = next(r for r in json.loads(out)["deployment"]["resources"] if r["urn"].endswith("Model::gpt-4o"))
    assert moved["outputs"]["description"] == "##[error]x\n::error::y"
