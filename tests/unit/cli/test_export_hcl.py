"""``pulumi-wxo export --format hcl`` offline: where it writes, what it says, what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hcl import imports, resources
from tests.unit.cli.support import run, serve

pytestmark = pytest.mark.unit

GPT = "virtual-model/openai/gpt-4o"
MODELS = [
    {"id": "m-1", "name": GPT, "provider_config": {"api_key": "sk-server-echo"}},
    {"id": "m-2", "name": GPT},  # a duplicate name: the first is exported
    {"id": "m-3", "name": "virtual-model/anthropic/c", "connection_id": "elsewhere"},
]
POLICIES = [
    {
        "id": "p-1",
        "name": "virtual-policy/mix",
        "policy": {"strategy": {"mode": "single"}, "targets": [{"model_name": GPT}]},
    }
]


def test_to_stdout_with_the_variables_to_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, MODELS, POLICIES)
    code, out, err = run(capsys, "export", "--format", "hcl")
    assert code == 0, err
    assert imports(out) == {
        "wxo_model.anthropic-c": "m-3",
        "wxo_model.openai-gpt-4o": "m-1",
        "wxo_model_policy.mix": "p-1",
    }
    assert resources(out)["wxo_model_policy.mix"]["targets"] == [
        {"model_name": "wxo_model.openai-gpt-4o.name"}
    ]
    assert "sk-server-echo" not in out + err
    assert "export TF_VAR_openai_api_key=<value>" in err
    assert "the server holds 2 models named 'virtual-model/openai/gpt-4o'" in err
    assert "pulumi config set" not in err and "${secret:" not in err  # the Pulumi words are not for tofu


def test_output_a_directory_or_a_tf_file_and_never_overwrite_unasked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, MODELS, POLICIES)
    code, out, err = run(capsys, "export", "--format", "hcl", "-o", str(tmp_path / "tf"))
    written = tmp_path / "tf" / "wxo.tf"
    assert code == 0 and out == "" and f"wrote 3 resources with import blocks to {written}" in err
    first = written.read_text(encoding="utf-8")
    assert len(imports(first)) == 3

    written.write_text("# mine\n", encoding="utf-8")
    code, _, err = run(capsys, "export", "--format", "hcl", "-o", str(tmp_path / "tf"))
    assert code == 2 and "already exists; pass --force" in err
    assert written.read_text(encoding="utf-8") == "# mine\n"
    assert run(capsys, "export", "--format", "hcl", "-o", str(tmp_path / "tf"), "--force")[0] == 0
    assert written.read_text(encoding="utf-8") == first

    named = tmp_path / "other" / "tenant.tf"
    assert run(capsys, "export", "--format", "hcl", "-o", str(named))[0] == 0
    assert named.read_text(encoding="utf-8") == first


def test_names_filter_and_nothing_to_export(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, MODELS, POLICIES)
    code, out, _ = run(capsys, "export", "--format", "hcl", "--name", "anthropic/*")
    assert code == 0 and list(imports(out)) == ["wxo_model.anthropic-c"]
    code, _, err = run(capsys, "export", "--format", "hcl", "--name", "nothing*")
    assert code == 1 and "nothing to export (no name matched --name)" in err


def test_hcl_is_not_for_the_adk_and_names_no_host(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, MODELS, POLICIES)
    code, _, err = run(capsys, "export", "--format", "hcl", "--for", "adk")
    assert code == 2 and "--format hcl is not for the ADK" in err
    code, _, err = run(capsys, "export", "--format", "hcl", "--host", "native")
    assert code == 2 and "--host is for --format python" in err
