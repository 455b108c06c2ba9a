"""The command line: ``main([...])`` with captured stdout/stderr, exit codes, help texts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pulumi_wxo._cli import build_parser, export_objects, main, name_matches, secrets_summary
from pulumi_wxo.specs import read_specs, spec_json_schema

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples" / "specs"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- validate


def test_validate_clean_specs_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(EXAMPLES))
    assert (code, out, err) == (0, "", "6 valid specs in 5 files: 0 errors, 0 warnings\n")
    code, out, err = run(
        capsys, "validate", f"{DATA}/specs-good/**/*.y*ml", str(DATA / "specs-good/vertex.json")
    )
    assert (code, out, err) == (0, "", "5 valid specs in 4 files: 0 errors, 0 warnings\n")
    # The same model in two places is a duplicate, whichever directories it comes from.
    code, out, _ = run(capsys, "validate", str(EXAMPLES), str(DATA / "specs-good"))
    assert code == 1 and "'virtual-model/openai/gpt-4o' is declared twice" in out


def test_validate_broken_specs_prints_every_problem_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(DATA / "broken-specs"))
    assert code == 1
    _, problems = read_specs(DATA / "broken-specs")
    assert out.splitlines() == [str(p) for p in problems]
    assert len(problems) == 21
    for line in out.splitlines():
        file, lineno, rest = line.split(":", 2)
        assert Path(file).is_file() and int(lineno) > 0 and rest.startswith(" ")
    assert err.endswith(": 19 errors, 2 warnings\n")
    assert "LITERAL" not in out + err


def test_warnings_alone_pass_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "broken-specs" / "undeclared-target.yaml")
    code, out, _ = run(capsys, "validate", path)
    assert code == 0 and "warning: 'virtual-model/google/gemini-2.0-flash' is not declared here" in out
    code, _, err = run(capsys, "validate", "--strict", path)
    assert code == 1 and "(--strict: warnings fail)" in err
    code, out, err = run(capsys, "validate", "--quiet", path)
    assert (code, out, err) == (0, "", "")


def test_validate_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--format", "json", str(DATA / "broken-specs" / "policy.json"))
    assert code == 1
    assert json.loads(out) == [
        {
            "file": str(DATA / "broken-specs" / "policy.json"),
            "line": 7,
            "field": "targets",
            "message": "a fallback needs at least two targets (got 1)",
            "severity": "error",
        }
    ]


def test_validate_with_a_stacks_overrides(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text(
        textwrap.dedent(
            """
            config:
              wxo-specs:overrides:
                virtual-model/openai/gpt-4o:
                  config:
                    temperature: 7
              specs-program:openaiKey:
                secure: AAABAHx2
            """
        )
    )
    code, out, _ = run(capsys, "validate", str(EXAMPLES), "--overrides", str(stack))
    assert code == 1
    assert out == (
        f'{stack}: wxo-specs:overrides["virtual-model/openai/gpt-4o"]: config.temperature: '
        "Input should be less than or equal to 2\n"
    )
    plain = tmp_path / "o.yaml"
    plain.write_text("openai/gpt-4o:\n  config:\n    temperature: 1\n")
    assert run(capsys, "validate", str(EXAMPLES), "--overrides", str(plain))[0] == 0
    code, _, err = run(capsys, "validate", str(EXAMPLES), "--overrides", str(tmp_path / "missing.yaml"))
    assert code == 2 and f"read overrides from {tmp_path / 'missing.yaml'}" in err


def test_validate_missing_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "validate", str(tmp_path / "nothing-here"))
    assert code == 1 and out == f"{tmp_path / 'nothing-here'}: no such file or directory\n"
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == 1 and "the directory holds no .yaml, .yml or .json files" in out


def test_validate_path_does_not_import_pulumi_httpx_or_rich() -> None:
    # Measured on the validate path alone (the package's __init__ re-exports resources, which
    # import pulumi; the pre-commit hook pays for that only through __init__).
    script = textwrap.dedent(
        f"""
        import sys, types
        pkg = types.ModuleType("pulumi_wxo")
        pkg.__path__ = [{str(ROOT / "provider" / "pulumi_wxo")!r}]
        sys.modules["pulumi_wxo"] = pkg
        from pulumi_wxo._cli import main
        code = main(["validate", "--quiet", {str(EXAMPLES)!r}])
        heavy = sorted(m for m in ("pulumi", "httpx", "rich", "grpc") if m in sys.modules)
        print(code, heavy)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "0 []", proc.stderr


# --------------------------------------------------------------------------- schema


def test_schema_to_stdout_and_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out) == spec_json_schema()
    target = tmp_path / "sub" / "spec.schema.json"
    code, out, err = run(capsys, "schema", "--output", str(target))
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    assert json.loads(target.read_text()) == spec_json_schema()


# --------------------------------------------------------------------------- help and usage


@pytest.mark.parametrize("command", ["validate", "schema", "export", "list"])
def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "example" in out and f"pulumi-wxo {command}" in out.split("example", 1)[1]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate")
    assert code == 2 and "the following arguments are required: PATH" in err
    code, out, _ = run(capsys)
    assert code == 2 and "validate" in out and "export" in out
    assert build_parser().prog == "pulumi-wxo"


def test_export_without_settings_is_a_settings_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WXO_URL", raising=False)
    code, _, err = run(capsys, "export")
    assert code == 2 and "pulumi-wxo export: no Orchestrate instance URL" in err


# --------------------------------------------------------------------------- export helpers


def test_name_patterns() -> None:
    assert name_matches("virtual-model/openai/gpt-4o", [])
    assert name_matches("virtual-model/openai/gpt-4o", ["openai/*"])
    assert name_matches("virtual-model/openai/gpt-4o", ["virtual-model/*/gpt-4o"])
    assert name_matches("virtual-policy/anygem", ["anygem"])
    assert not name_matches("virtual-model/openai/gpt-4o", ["openai/gpt-4", "anthropic/*"])


def test_export_objects_filters_dedupes_and_summarises_secrets() -> None:
    models = [
        {"id": "1", "name": "virtual-model/openai/gpt-4o", "provider_config": {"api_key": "sk-x"}},
        {"id": "2", "name": "virtual-model/openai/gpt-4o"},
        # "apiKey" is no API alias (contract §3.1), but it still must never be written out
        {"id": "3", "name": "virtual-model/openai/o3", "provider_config": {"apiKey": "sk-camel-echo"}},
        {"id": "4", "name": "virtual-model/anthropic/c", "connection_id": "conn"},
    ]
    policies = [
        {
            "id": "p",
            "name": "virtual-policy/mix",
            "policy": {
                "strategy": {"mode": "single"},
                "targets": [{"model_name": "virtual-model/openai/o3"}],
            },
        }
    ]
    exported, notes = export_objects(models, policies, ["openai/*", "mix"])
    assert [(e.kind, e.name) for e in exported] == [
        ("model", "virtual-model/openai/gpt-4o"),
        ("model", "virtual-model/openai/o3"),
        ("policy", "virtual-policy/mix"),
    ]
    assert notes == [
        "the server holds 2 models named 'virtual-model/openai/gpt-4o' (ids 1, 2); exported the first "
        "only: delete the others before adopting it"
    ]
    assert "sk-" not in json.dumps([e.document for e in exported])
    assert secrets_summary(exported) == [
        "  pulumi config set --secret openaiApiKey <value>   # "
        "virtual-model/openai/gpt-4o provider_config.api_key; virtual-model/openai/o3 provider_config.api_key"
    ]
