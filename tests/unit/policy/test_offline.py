"""policy.offline: ``pulumi-wxo validate --policy-config`` gives spec files the pack's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_wxo.policy import Resource, evaluate, parse_pack_config
from pulumi_wxo.specs import read_specs
from tests.unit.cli.support import EXAMPLES, run
from tests.unit.policy.support import SECRET
from tests.unit.specs.support import write

pytestmark = pytest.mark.unit

MODEL = """\
spec_version: v1
kind: model
name: openai/team-gpt
tags: [e2e]
provider_config:
  api_key: ${secret:openaiKey}
  custom_host: https://llm.example
"""
POLICY = """\
spec_version: v1
kind: model
name: virtual-policy/split
description: split
policy:
  strategy: {mode: loadbalance}
  targets:
    - model_name: openai/team-gpt
      weight: 0.7
    - model_name: openai/elsewhere
      weight: 0.7
"""
CONFIG = {
    "wxo-credentials-in-connection": "mandatory",
    "wxo-required-tags": {"enforcementLevel": "advisory", "tags": ["team-*"]},
    "wxo-required-guardrails": {"enforcementLevel": "mandatory", "output": True, "stacks": ["prod"]},
}


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    write(tmp_path, "specs/model.yaml", MODEL)
    write(tmp_path, "specs/split.yaml", POLICY)
    (tmp_path / "policy.json").write_text(json.dumps(CONFIG))
    return tmp_path


def test_violations_are_problems_at_the_field(capsys: pytest.CaptureFixture[str], specs: Path) -> None:
    code, out, err = run(
        capsys, "validate", str(specs / "specs"), "--policy-config", str(specs / "policy.json")
    )
    model, split = specs / "specs/model.yaml", specs / "specs/split.yaml"
    assert code == 1  # a mandatory violation
    assert f"{model}:6: provider_config.api_key: [wxo-credentials-in-connection] model " in out
    assert (
        f"{model}:4: tags: warning: [wxo-required-tags] model 'virtual-model/openai/team-gpt': no tag " in out
    )
    # Offline without --stack, a stack-scoped policy is checked as on every stack.
    assert f"{model}:5: provider_config.default_output_guardrails: [wxo-required-guardrails]" in out
    assert f"{split}:10: targets[1].model_name: warning: [wxo-policy-targets-exist] policy " in out
    assert f"{split}:7: targets: warning: [wxo-loadbalance-weights]" in out
    assert SECRET not in out and "openaiKey" not in out
    assert "2 errors" in err


def test_the_stack_chooses_the_scoped_policies(capsys: pytest.CaptureFixture[str], specs: Path) -> None:
    args = ("validate", str(specs / "specs"), "--policy-config", str(specs / "policy.json"))
    _, dev, _ = run(capsys, *args, "--stack", "dev")
    _, prod, _ = run(capsys, *args, "--stack", "prod")
    assert "wxo-required-guardrails" not in dev and "wxo-required-guardrails" in prod


def test_the_same_verdict_as_the_pack(specs: Path) -> None:
    """A spec file and the engine's view of the program it declares give the same violations."""
    cfg = parse_pack_config(CONFIG)
    found, _ = read_specs(specs / "specs")
    from pulumi_wxo.policy.offline import spec_problems

    offline = sorted(p.message.split("] ", 1)[1] for p in spec_problems(cfg, found, "prod"))
    engine = [
        Resource("model", "openai-team-gpt", {
            "name": "openai/team-gpt", "tags": ["e2e"], "adopt": False,
            "provider_config": {"api_key": SECRET, "custom_host": "https://llm.example"},
        }, "prod"),
        Resource("policy", "split", {
            "name": "virtual-policy/split", "description": "split", "strategy": {"mode": "loadbalance"},
            "targets": [{"model_name": "virtual-model/openai/team-gpt", "weight": 0.7},
                        {"model_name": "openai/elsewhere", "weight": 0.7}],
        }, "prod"),
    ]  # fmt: skip
    assert offline == sorted(v.message for v in evaluate(engine, cfg))
    assert len(offline) == 5


def test_clean_specs_pass(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "policy.json"
    cfg.write_text(json.dumps({"all": "mandatory", "wxo-credentials-in-connection": "disabled"}))
    code, out, _ = run(capsys, "validate", str(EXAMPLES), "--policy-config", str(cfg))
    assert (code, out) == (0, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"wxo-required-tags": {"tag": []}}', "policy-pack config: wxo-required-tags: tag: unknown key"),
        ('{"wxo-required-tags": \n  nope}', "read policy config {file}:2: not JSON"),
    ],
)
def test_a_bad_config_file_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    cfg = tmp_path / "policy.json"
    cfg.write_text(text)
    code, _, err = run(capsys, "validate", str(EXAMPLES), "--policy-config", str(cfg))
    assert code == 2 and message.format(file=cfg) in err
    code, _, err = run(capsys, "validate", str(EXAMPLES), "--policy-config", str(tmp_path / "missing.json"))
    assert code == 2 and f"read policy config {tmp_path / 'missing.json'}: No such file or directory" in err


def test_the_offline_rules_import_neither_pulumi_nor_pulumi_policy() -> None:
    """``validate --policy-config`` stays a fast pre-commit hook (docs/guide/cli.md, How fast)."""
    import subprocess
    import sys

    code = (
        "import sys; import pulumi_wxo.policy.offline, pulumi_wxo.cli.policy_pack; "
        "print('pulumi' in sys.modules, 'pulumi_policy' in sys.modules, 'httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
