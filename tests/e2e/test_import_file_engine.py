"""`pulumi-wxo export --format pulumi-import` through the real engine: the file it writes is taken
by `pulumi import --file` with the native plugin, every object lands in the stack under its id,
and a native program declaring the same objects then previews clean."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_wxo.native as wxo
from pulumi_wxo.cli import main
from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN, by_hand, hand_policy
from tests.support.engine import engine_env
from tests.support.native import export, install_plugin

GRANITE = "virtual-model/watsonx/ibm/granite-3-3-8b-instruct"
# A dot in the name: the import file names it as every export format does (anthropic-claude-3.7-sonnet).
CLAUDE = "virtual-model/anthropic/claude-3.7-sonnet"


def _seed(emulator: EmulatorThread) -> None:
    """A tenant made elsewhere: two models on connections (no secret to re-declare), one policy."""
    weights = {GRANITE: 0.5, CLAUDE: 0.5}
    mix = hand_policy("virtual-policy/mix", "loadbalance", weights, "mix", "Half and half")
    with by_hand(emulator) as c:
        for name, conn in ((GRANITE, "conn-wx"), (CLAUDE, "conn-anthropic")):
            c.post(
                "/models", json={"name": name, "display_name": "d", "connection_id": conn}
            ).raise_for_status()
        c.post("/model_policy", json=mix).raise_for_status()


def program() -> None:
    granite = wxo.Model(
        "watsonx-ibm-granite-3-3-8b-instruct",
        name="watsonx/ibm/granite-3-3-8b-instruct",
        display_name="d",
        connection_id="conn-wx",
    )
    claude = wxo.Model(
        "anthropic-claude-3.7-sonnet",
        name="anthropic/claude-3.7-sonnet",
        display_name="d",
        connection_id="conn-anthropic",
    )
    wxo.ModelPolicy(
        "mix",
        name="mix",
        display_name="mix",
        description="Half and half",
        strategy="loadbalance",
        targets=[{"model": granite, "weight": 0.5}, {"model": claude, "weight": 0.5}],
    )
    pulumi.export("n", 3)


def test_the_exported_file_imports_a_whole_tenant_then_the_program_previews_clean(
    pulumi_cli: auto.PulumiCommand,
    emulator: EmulatorThread,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _seed(emulator)
    monkeypatch.setenv("WXO_TOKEN", EMULATOR_TOKEN)  # the documented way: never on the command line
    tenant = tmp_path / "tenant.json"
    assert (
        main(
            [
                "export",
                "--url",
                emulator.url,
                "--format",
                "pulumi-import",
                "-o",
                str(tenant),
            ]
        )
        == 0
    )
    capsys.readouterr()

    install_plugin(tmp_path / "pulumi-home")
    env = engine_env(tmp_path, passphrase="import-passphrase")
    work = tmp_path / "work"
    work.mkdir()
    stack = auto.create_stack(
        "imported",
        project_name="wxo-import",
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(work),
            env_vars=env,
            pulumi_command=pulumi_cli,
            project_settings=auto.ProjectSettings(name="wxo-import", runtime="python"),
        ),
    )
    stack.set_all_config(
        {
            "wxo:url": auto.ConfigValue(emulator.url),
            "wxo:token": auto.ConfigValue(EMULATOR_TOKEN, secret=True),
        }
    )
    emulator.control.clear_requests()
    proc = subprocess.run(
        [
            pulumi_cli.command,
            "import",
            "--file",
            str(tenant),
            "--yes",
            "--generate-code=false",
            "--stack",
            "imported",
        ],
        cwd=work,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {r["method"] for r in emulator.control.requests()} <= {"GET"}  # import only reads

    state = export(pulumi_cli.command, work, {**os.environ, **env}, "imported")["deployment"]["resources"]
    server = {
        o["name"]: o["id"] for o in emulator.control.state()["models"] + emulator.control.state()["policies"]
    }
    got = {
        r["urn"].rsplit("::", 1)[1]: (r["type"], r["id"]) for r in state if r["type"].startswith("wxo:index:")
    }
    assert got == {
        "watsonx-ibm-granite-3-3-8b-instruct": ("wxo:index:Model", server[GRANITE]),
        "anthropic-claude-3.7-sonnet": ("wxo:index:Model", server[CLAUDE]),
        "mix": ("wxo:index:ModelPolicy", server["virtual-policy/mix"]),
    }

    out: list[str] = []
    prev = stack.preview(diff=True, color="never", on_output=out.append)
    assert {k: v for k, v in prev.change_summary.items() if k != "same"} == {}, "\n".join(out)
    # `pulumi import` protects what it imports; the first `up` of the program (which does not)
    # lifts that, without touching the server.
    emulator.control.clear_requests()
    up = stack.up(color="never", on_output=out.append)
    assert {k: v for k, v in (up.summary.resource_changes or {}).items() if k != "same"} == {}, "\n".join(out)
    assert {r["method"] for r in emulator.control.requests()} <= {"GET"}
    stack.destroy(color="never")
    assert emulator.control.state()["models"] == []
