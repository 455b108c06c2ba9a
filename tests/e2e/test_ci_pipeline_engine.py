"""The pull-request pipeline of examples/ci, run as CI runs it: through its one script, on a copy
of the example project, against the emulator, with the real engine and the policy pack.

Two stacks (dev, prod) on the file backend, each on its own instance (two emulators), each
instance's API key only in ``WXO_API_KEY`` (as the workflow passes it from the secret store).
A pull request adds a model from a provider that prod's guardrails do not allow: ``validate``
and ``preview prod`` fail naming the policy, ``preview dev`` passes, and ``review`` posts a
comment (through a stand-in ``gh``) that lists every planned change and prod's violation, and
labels the pull request. Fixed, both previews pass; ``up`` deploys each stack; the next
previews show no change, the review says so and the label goes. A second test reads the
workflow file: every ``run:`` step calls the script with a subcommand that the first test runs,
so the example cannot drift from what is tested.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread
from tests.support.emulator import EMULATOR_API_KEY
from tests.support.gfm import headings, tables
from tests.support.native import ROOT, install_plugin
from tests.support.project import ProjectCli, project_env

EXAMPLE = ROOT / "examples" / "ci"
SCRIPT = "./wxo-ci.sh"
STACKS = ("dev", "prod")
RAN = {"install", "validate", "preview", "review", "up"}  # the subcommands the pipeline test runs
PROD_KEY = "prod-api-key-KNOWN-4242"
KEYS = {"dev": EMULATOR_API_KEY, "prod": PROD_KEY}
# The openai-platform connection's key: each stack file's encrypted stand-in (passphrase `project`).
OPENAI_KEYS = {"dev": "sk-ci-dev-EXAMPLE-not-a-key", "prod": "sk-ci-prod-EXAMPLE-not-a-key"}
PR = "17"
LABEL = "wxo-changes"
OUTSIDE = """\
spec_version: v1
kind: model
name: virtual-model/ollama/llama-3
display_name: Llama 3
description: A local model, fine for dev only.
tags: [team-platform]
provider_config:
  custom_host: http://ollama:11434
"""
FAKE_GH = """#!/bin/sh
# Records each call; `gh pr comment N --body-file FILE` also keeps the body it would post.
printf '%s\\n' "$*" >> "$GH_LOG"
if [ "$1 $2" = "pr comment" ]; then
  cat "$5" >> "$GH_LOG.bodies"
  printf '\\n<!-- end -->\\n' >> "$GH_LOG.bodies"
fi
"""


def _pipeline(command: str, tmp_path: Path, urls: dict[str, str]) -> tuple[ProjectCli, Path]:
    """The example copied into tmp_path, each stack pointed at its instance (``urls``), and a
    stand-in ``gh`` on PATH; returns the runner and the log of ``gh`` calls."""
    work = tmp_path / "project"
    shutil.copytree(EXAMPLE, work)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    install_plugin(tmp_path / "pulumi-home")
    env = project_env(command, tmp_path)
    env.update(
        PATH=f"{bin_dir}:{env['PATH']}",
        GH_LOG=str(tmp_path / "gh.log"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        PIP_NO_INDEX="1",  # `install` finds everything installed already; never the network
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        WXO_CI_PR=PR,
    )
    for name in ("WXO_CI_PROJECT", "WXO_CI_SPECS", "WXO_CI_POLICY_CONFIG", "WXO_CI_OUT", "WXO_CI_LABEL"):
        env.pop(name, None)
    cli = ProjectCli(command, work, env, secrets=[*KEYS.values(), *OPENAI_KEYS.values()])
    for stack, url in urls.items():  # what a platform team does once per stack
        cli.ok("stack", "init", stack)
        cli.ok("config", "set", "--stack", stack, "wxo:url", url)
        cli.ok("config", "set", "--stack", stack, "wxo:authType", "ibm_iam")
        cli.ok("config", "set", "--stack", stack, "wxo:iamUrl", url)
    return cli, tmp_path / "gh.log"


def _step(cli: ProjectCli, *args: str) -> subprocess.CompletedProcess[str]:
    """A step of the workflow; a stack's step gets that stack's key, as the matrix gives it."""
    key = KEYS[args[1]] if len(args) > 1 else ""
    proc = cli.call(SCRIPT, *args, env={"WXO_API_KEY": key})
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _passes(cli: ProjectCli, *args: str) -> str:
    proc = _step(cli, *args)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def _posted(gh_log: Path) -> tuple[list[str], list[str]]:
    """(the ``gh`` calls, the comment bodies posted), and the log emptied for the next run."""
    calls = gh_log.read_text().splitlines()
    bodies = Path(f"{gh_log}.bodies")
    posted = [b for b in bodies.read_text().split("\n<!-- end -->\n") if b.strip()] if bodies.exists() else []
    gh_log.unlink()
    bodies.unlink(missing_ok=True)
    return calls, posted


def _rows(markdown: str, heading: str) -> list[list[str]]:
    """The rows of every table under ``heading`` (one per stack), in order."""
    return [row for t in tables(markdown) if t.heading == heading for row in t.rows]


@pytest.fixture
def instances(emulator: EmulatorThread, tmp_path: Path) -> Iterator[dict[str, EmulatorThread]]:
    """dev on the tests' emulator, prod on one of its own that accepts only prod's key."""
    settings = EmulatorSettings(db=str(tmp_path / "prod.db"), token=PROD_KEY, api_keys=(PROD_KEY,))
    with EmulatorThread(settings) as prod:
        yield {"dev": emulator, "prod": prod}


def _names(instance: EmulatorThread) -> list[str]:
    return sorted(m["name"] for m in instance.control.state()["models"])


def test_the_pipeline_through_its_script(
    pulumi_cli: auto.PulumiCommand, instances: dict[str, EmulatorThread], tmp_path: Path
) -> None:
    cli, gh_log = _pipeline(pulumi_cli.command, tmp_path, {s: i.url for s, i in instances.items()})
    _passes(cli, "install")
    outside = cli.work / "specs" / "llama.yaml"
    outside.write_text(OUTSIDE)  # the pull request

    # validate: offline, per stack; only prod's guardrails refuse the provider.
    checked = _step(cli, "validate")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    [refused] = [line for line in checked.stdout.splitlines() if "[wxo-allowed-providers]" in line]
    assert refused.startswith("specs/llama.yaml:") and "'ollama'" in refused, refused
    assert checked.stdout.index("== stack prod") < checked.stdout.index(refused)

    # preview per stack with the pack: dev passes, prod fails naming the policy and the model.
    dev = _passes(cli, "preview", "dev")
    assert "**5 to create**" in dev, dev  # the job log shows the review of the preview
    prod = _step(cli, "preview", "prod")
    assert prod.returncode != 0
    assert "the preview of stack 'prod' failed" in prod.stderr
    assert "wxo-allowed-providers" in prod.stdout and "virtual-model/ollama/llama-3" in prod.stdout
    assert [_names(i) for i in instances.values()] == [[], []]  # a preview creates nothing

    # review: one comment per part, every planned change, prod's violation, the label.
    _passes(cli, "review")
    calls, posted = _posted(gh_log)
    assert calls[0] == f"pr comment {PR} --body-file .wxo-ci/review/review-1.md", calls
    assert calls[1:] == [
        f"label create {LABEL} --force --color FBCA04 --description pulumi-wxo: the preview changes models",
        f"pr edit {PR} --add-label {LABEL}",
    ]
    [comment] = posted
    assert (tmp_path / "summary.md").read_text() == comment
    assert headings(comment) == [
        "pulumi-wxo review",
        "Stack dev (project wxo-models)",
        "Create connection openai-platform",
        "Create model ollama-llama-3",
        "Create model openai-gpt-4o",
        "Create model openai-gpt-4o-mini",
        "Create policy chat",
        "Stack prod (project wxo-models)",
        "❌ The preview reported 1 error",
        "Create connection openai-platform",
        "Create model ollama-llama-3",
        "Create model openai-gpt-4o",
        "Create model openai-gpt-4o-mini",
        "Create policy chat",
        "Policy violations (1)",
    ], comment
    [violation] = _rows(comment, "Policy violations (1)")
    assert violation[0] == "❌ mandatory" and violation[2:4] == ["wxo-allowed-providers", "ollama-llama-3"], (
        violation
    )
    assert "'ollama'" in violation[4]
    max_tokens = [
        row for row in _rows(comment, "Create model openai-gpt-4o") if row[0] == "config.max_tokens"
    ]
    assert max_tokens == [["config.max_tokens", "—", "256"], ["config.max_tokens", "—", "4096"]]

    # The fix: the model leaves the pull request; both stacks pass, then deploy on merge.
    outside.unlink()
    _passes(cli, "validate")
    for stack in STACKS:
        _passes(cli, "preview", stack)
    for stack in STACKS:
        _passes(cli, "up", stack)
    for stack, instance in instances.items():
        assert _names(instance) == ["virtual-model/openai/gpt-4o", "virtual-model/openai/gpt-4o-mini"]
        [gpt] = [m for m in instance.control.state()["models"] if m["name"].endswith("gpt-4o")]
        assert gpt["config"]["max_tokens"] == {"dev": 256, "prod": 4096}[stack]
        # The models' app_id: the connection of specs/openai-platform.yaml, with the stack's key.
        [conn] = instance.control.state()["connections"]
        assert conn["app_id"] == "openai-platform" and OPENAI_KEYS[stack] in json.dumps(conn)
        assert {m["connection_id"] for m in instance.control.state()["models"]} == {conn["connection_id"]}

    # The next pull request changes nothing: the review says so and the label goes.
    for stack in STACKS:
        _passes(cli, "preview", stack)
    _passes(cli, "review")
    calls, [comment] = _posted(gh_log)
    assert calls[-1] == f"pr edit {PR} --remove-label {LABEL}", calls
    assert "nothing changes" in comment and "to create" not in comment


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


def test_the_workflow_only_calls_the_script() -> None:
    workflow = yaml.safe_load((EXAMPLE / "models.yml").read_text())
    jobs: dict[str, dict[str, Any]] = workflow["jobs"]
    runs = [step["run"] for _, step in _steps(workflow) if "run" in step]
    assert runs and all(run.startswith(f"{SCRIPT} ") and "\n" not in run.strip() for run in runs), runs
    assert {run.split()[1] for run in runs} == RAN  # every subcommand is one the pipeline test runs
    for run in runs:  # a stack comes from the matrix; nothing else is passed
        assert run.split()[2:] in ([], ["${{", "matrix.stack", "}}"]), run
    # Secrets reach the script only as environment variables of a job, never on a command line,
    # and the job that runs for forks has none.
    for name, step in _steps(workflow):
        assert "secrets" not in str(step), (name, step)
    from_secrets = {
        key for job in jobs.values() for key, v in (job.get("env") or {}).items() if "secrets" in v
    }
    assert from_secrets == {"WXO_API_KEY", "PULUMI_CONFIG_PASSPHRASE"}
    assert "secrets" not in str(jobs["validate"]) and "if" not in jobs["validate"]
    # preview and up run once per stack of the example project.
    stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in EXAMPLE.glob("Pulumi.*.yaml"))
    assert stacks == sorted(STACKS)
    for name in ("preview", "up"):
        assert sorted(jobs[name]["strategy"]["matrix"]["stack"]) == stacks
