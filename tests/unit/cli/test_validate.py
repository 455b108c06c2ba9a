"""``pulumi-wxo validate``: exit codes, every problem printed, JSON, overrides, a light import."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pulumi_wxo.specs import read_specs
from tests.unit.cli.support import DATA, EXAMPLES, ROOT, run

pytestmark = pytest.mark.unit


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
        from pulumi_wxo.cli import main
        code = main(["validate", "--quiet", {str(EXAMPLES)!r}])
        heavy = sorted(m for m in ("pulumi", "httpx", "rich", "grpc") if m in sys.modules)
        print(code, heavy)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "0 []", proc.stderr
