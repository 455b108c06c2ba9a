"""``pulumi-wxo validate``: exit codes, every problem printed, JSON, overrides, a light import, and
hostile spec and overrides files (what a pull request can make the runner read or spend)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pulumi_wxo
from pulumi_wxo.specs import read_specs
from tests.unit.cli.support import DATA, EXAMPLES, ROOT, run
from tests.unit.specs.support import EXFIL, write

pytestmark = pytest.mark.unit


def test_validate_clean_specs_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(EXAMPLES))
    assert (code, out, err) == (0, "", "7 valid specs in 6 files: 0 errors, 0 warnings\n")
    good = (f"{DATA}/specs-good/**/*.y*ml", str(DATA / "specs-good/vertex.json"))
    code, out, err = run(capsys, "validate", "--secret-namespace", "shared", *good)
    # A flat policy without a description is fine here; the ADK would refuse it (a warning).
    route = DATA / "specs-good/nested/route.yaml"
    assert (code, err) == (0, "5 valid specs in 4 files: 0 errors, 2 warnings\n")
    assert out.splitlines() == [
        f"{route}:3: name: warning: the ADK requires description for a policy "
        "(`models policy import` fails with 'description Field required'); write it",
        f"{route}:5: strategy: warning: the ADK reads a policy only in its form, under policy: "
        "(strategy, retry, targets); move these keys there",
    ]
    # The same model in two places is a duplicate, whichever directories it comes from.
    code, out, _ = run(capsys, "validate", str(EXAMPLES), str(DATA / "specs-good"))
    assert code == 1 and "'virtual-model/openai/gpt-4o' is declared twice" in out


def test_validate_broken_specs_prints_every_problem_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(DATA / "broken-specs"))
    assert code == 1
    _, problems = read_specs(DATA / "broken-specs")
    assert out.splitlines() == [str(p) for p in problems]
    assert len(problems) == 43
    for line in out.splitlines():
        file, lineno, rest = line.split(":", 2)
        assert Path(file).is_file() and int(lineno) > 0 and rest.startswith(" ")
    assert err.endswith(": 31 errors, 12 warnings\n")
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
    assert json.loads(out)[2:] == [
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
        loaded = ("pulumi", "httpx", "rich", "grpc", "confusable_homoglyphs")  # ASCII names: no data
        heavy = sorted(m for m in loaded if m in sys.modules)
        print(code, heavy)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "0 []", proc.stderr


SECRET = "wxo-runner-secret-5f1e2d"


def test_server_cert_file_cannot_read_the_runners_files(tmp_path: Path) -> None:
    # validate runs on pull requests, where the runner holds credentials in its environment.
    (tmp_path / "secret.env").write_text(f"WXO_API_KEY={SECRET}\n")
    specs = tmp_path / "specs"
    specs.mkdir()
    for i, cert_file in enumerate(
        ["/proc/self/environ", "../secret.env", "../../../../../../proc/self/environ"]
    ):
        (specs / f"m{i}.yaml").write_text(
            f"spec_version: v1\nname: openai/m{i}\nprovider_config:\n"
            f"  api_key: ${{secret:k}}\n  server_cert_file: {cert_file}\n"
        )
    package = Path(pulumi_wxo.__file__).resolve().parents[1]  # the package under test
    env = {**os.environ, "WXO_API_KEY": SECRET, "PYTHONPATH": str(package)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pulumi_wxo.cli import main; sys.exit(main())",
            "validate",
            str(specs),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert [line.split(": ", 2)[:2] for line in proc.stdout.splitlines()] == [
        [f"{specs}/m{i}.yaml:5", "provider_config.server_cert_file"] for i in range(3)
    ]
    assert SECRET not in proc.stdout + proc.stderr
    assert proc.stderr.endswith("0 valid specs in 3 files: 3 errors, 0 warnings\n")


def test_base_dir_lets_a_certificate_live_beside_the_spec_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "certs").mkdir()
    der = base64.b64encode(b"\x30\x03\x02\x01\x01").decode()
    (tmp_path / "certs" / "ca.pem").write_text(
        f"-----BEGIN CERTIFICATE-----\n{der}\n-----END CERTIFICATE-----\n"
    )
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.yaml").write_text(
        "spec_version: v1\nname: openai/m\nconnection_id: c\n"
        "provider_config:\n  server_cert_file: ../certs/ca.pem\n"
    )
    code, out, _ = run(capsys, "validate", str(tmp_path / "models"))
    assert code == 1 and "leads outside the spec's folder (through ..)" in out
    code, out, err = run(capsys, "validate", str(tmp_path / "models"), "--base-dir", str(tmp_path))
    # The ADK would read the path from the working directory, another file (a warning).
    assert (code, out.count("\n")) == (0, 1), err
    assert "server_cert_file: warning: the ADK reads this path from the directory" in out
    code, _, err = run(capsys, "validate", str(tmp_path / "models"), "--base-dir", str(tmp_path / "nope"))
    assert code == 2 and "--base-dir" in err and "not a directory" in err


def overrides_bomb() -> str:
    levels = ["openai/gpt-4o:", "  config:", "    a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [
        f"    {n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]"
        for p, n in zip("abcdefghi", "bcdefghij", strict=True)
    ]
    return "\n".join(levels) + "\n"


@pytest.mark.timeout(20)  # a guard only: today's main spends 40 s and gigabytes on the bomb
@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (overrides_bomb(), 8, "openai/gpt-4o.config.f[0]", "expands to more than 100,000 nodes"),
        ("openai/gpt-4o: &o\n  config: *o\n", 2, "openai/gpt-4o.config", "a recursive alias"),
        (
            "openai/gpt-4o:\n  config:\n    max_tokens: " + "9" * 5000 + "\n",
            3,
            "openai/gpt-4o.config.max_tokens",
            "too long",
        ),
        (
            "openai/gpt-4o: " + "[" * 100 + "]" * 100 + "\n",
            1,
            "openai/gpt-4o[0]",
            "nested more than 64 levels",
        ),
        ("config:\n  wxo-specs:overrides: [1, 2]\n", 2, "", "expected a mapping of spec name -> fields"),
        (f"openai/gpt-4o: {{api_key: {SECRET}\n", 2, "", "invalid YAML"),
    ],
)
def test_a_hostile_overrides_file_is_a_problem_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    path = tmp_path / "Pulumi.pr.yaml"
    path.write_text(text)
    code, out, err = run(capsys, "validate", str(EXAMPLES), "--overrides", str(path), "--format", "json")
    assert code == 1, err
    [problem] = json.loads(out)
    assert (problem["file"], problem["line"], problem["field"]) == (str(path), line, field)
    assert words in problem["message"] and SECRET not in out + err


@pytest.mark.timeout(10)  # a guard: opening a FIFO for reading blocks until a writer comes
def test_an_overrides_fifo_is_not_opened(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "Pulumi.pr.yaml")
    code, out, err = run(capsys, "validate", str(EXAMPLES), "--overrides", str(tmp_path / "Pulumi.pr.yaml"))
    assert (code, out) == (2, "")
    assert "is a FIFO (named pipe), not a regular file; not read" in err


def test_adk_turns_the_adks_stricter_rules_into_errors(capsys: pytest.CaptureFixture[str]) -> None:
    route = DATA / "specs-good" / "nested" / "route.yaml"
    code, out, err = run(capsys, "validate", str(route))
    assert code == 0 and out.count(": warning: the ADK ") == 2, out
    code, out, err = run(capsys, "validate", "--adk", str(route))
    assert code == 1 and err.endswith("1 valid spec in 1 file: 2 errors, 3 warnings\n"), err
    assert f"{route}:3: name: the ADK requires description for a policy" in out
    assert f"{route}:5: strategy: the ADK reads a policy only in its form, under policy:" in out
    # A file for pulumi-wxo (${secret:...}) is clean by default, refused for the ADK.
    code, out, _ = run(capsys, "validate", "--adk", str(EXAMPLES / "watsonx-granite.yaml"))
    assert code == 1 and "provider_config.api_key: the ADK would store the text ${secret:...}" in out


def test_a_spec_cannot_read_the_providers_own_token(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A pull request adds a model whose key is the pipeline's Orchestrate token, sent to its
    # author's host. validate refuses it at the reference's line.
    spec = write(tmp_path, "exfil.yaml", EXFIL.format(key="wxo:token"))
    # No stack can allow it.
    code, _, err = run(capsys, "validate", "--secret-namespace", "wxo", str(spec))
    assert code == 2 and "--secret-namespace: 'wxo' cannot be allowed" in err
    code, out, err = run(capsys, "validate", str(spec))
    assert code == 1
    assert out == (
        f"{spec}:6: provider_config.api_key: 'wxo' is the provider's own configuration (its "
        "credentials); a spec file cannot read it. Store the value in the project's namespace "
        "with `pulumi config set --secret token <value>` and write ${secret:token}\n"
    )
    assert err == "0 valid specs in 1 file: 1 error, 0 warnings\n"


def test_other_namespaces_need_the_stacks_allow_list(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = write(tmp_path, "team.yaml", EXFIL.format(key="team:openaiKey"))
    code, out, _ = run(capsys, "validate", str(spec))
    assert code == 1 and f"{spec}:6: provider_config.api_key: reads the stack config namespace 'team'" in out
    assert run(capsys, "validate", "--secret-namespace", "team", str(spec))[0] == 0
    # The stack file's wxo-specs:secretNamespaces, as `pulumi config set --path` writes it.
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text("config:\n  wxo-specs:secretNamespaces:\n    - team\n")
    assert run(capsys, "validate", "--overrides", str(stack), str(spec))[0] == 0
    stack.write_text("config:\n  wxo-specs:secretNamespaces: [team, wxo]\n")
    code, out, _ = run(capsys, "validate", "--overrides", str(stack), str(spec))
    assert code == 1 and out == (
        f"{stack}:2: wxo-specs:secretNamespaces: 'wxo' cannot be allowed: it is the provider's "
        "own configuration\n"
    )


def test_an_ambiguous_override_key_fails_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # `openai-gpt-4o` is the model virtual-model/openai/gpt-4o's resource name and the policy
    # virtual-policy/openai-gpt-4o's short name: it used to patch the model silently.
    (tmp_path / "twin.yaml").write_text(
        "spec_version: v1\nkind: model\nname: virtual-policy/openai-gpt-4o\ndisplay_name: P\ndescription: p\n"
        "policy:\n  strategy: {mode: fallback}\n  targets:\n"
        "    - model_name: virtual-model/openai/gpt-4o\n    - model_name: virtual-model/azure-openai/gpt-4o\n"
    )
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text("config:\n  wxo-specs:overrides:\n    openai-gpt-4o:\n      config: {max_tokens: 1}\n")
    code, out, _ = run(
        capsys, "validate", str(EXAMPLES), str(tmp_path / "twin.yaml"), "--overrides", str(stack)
    )
    assert code == 1
    assert out == (
        f'{stack}: wxo-specs:overrides["openai-gpt-4o"]: names '
        f"'virtual-model/openai/gpt-4o' ({EXAMPLES / 'openai.yaml'}:6) and "
        f"'virtual-policy/openai-gpt-4o' ({tmp_path / 'twin.yaml'}:3); write the full name of the "
        "one you mean (nothing is overridden)\n"
    )


def test_lookalike_names_fail_validate_strict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Three names, three models: a reviewer sees one.
    for i, name in enumerate(["openai/gpt-4o", "openai/gpt-4\u043e", "openai/GPT-4o"]):
        (tmp_path / f"m{i}.yaml").write_text(
            f"spec_version: v1\nname: {name}\nprovider_config:\n  api_key: ${{secret:openaiKey}}\n",
            encoding="utf-8",
        )
    code, out, err = run(capsys, "validate", "--strict", str(tmp_path))
    assert code == 1 and err == "3 valid specs in 3 files: 0 errors, 2 warnings (--strict: warnings fail)\n"
    first = f"'virtual-model/openai/gpt-4o' ({tmp_path / 'm0.yaml'}:2)"
    lines = out.splitlines()
    at = f"{tmp_path / 'm1.yaml'}:2: name: warning: "
    assert lines[0].startswith(f"{at}'virtual-model/openai/gpt-4\u043e' looks the same as {first}")
    at = f"{tmp_path / 'm2.yaml'}:2: name: warning: "
    assert lines[1].startswith(f"{at}'virtual-model/openai/GPT-4o' differs only in case from {first}")


def test_a_models_app_id_counts_as_its_connection_for_the_guardrails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(
        tmp_path, "specs/openai-platform.yaml", (ROOT / "examples/ci/specs/openai-platform.yaml").read_text()
    )
    write(tmp_path, "specs/gpt.yaml", "spec_version: v1\nname: openai/gpt-4o\napp_id: openai-platform\n")
    write(tmp_path, "specs/mini.yaml", "spec_version: v1\nname: openai/gpt-4o-mini\nconnection_id: c-1\n")
    policy = write(
        tmp_path,
        "policy.json",
        json.dumps(
            {
                "wxo-credentials-in-connection": {
                    "enforcementLevel": "mandatory",
                    "require_connection_id": True,
                }
            }
        ),
    )
    code, out, err = run(capsys, "validate", str(tmp_path / "specs"), "--policy-config", str(policy))
    assert (code, out) == (0, ""), out + err
    assert err == "3 valid specs in 3 files: 0 errors, 0 warnings\n"
    write(
        tmp_path,
        "specs/bare.yaml",
        "spec_version: v1\nname: groq/llama\nprovider_config:\n  api_key: ${secret:k}\n",
    )
    code, out, _ = run(capsys, "validate", str(tmp_path / "specs"), "--policy-config", str(policy))
    assert code == 1 and "bare.yaml:1: connection_id: [wxo-credentials-in-connection]" in out, out
    assert "gpt.yaml" not in out
