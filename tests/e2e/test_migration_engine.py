"""Migration through the real engine: the golden v0.1.0 stack moves from the dynamic host to the
native plugin with `pulumi stack export` -> `pulumi-wxo migrate-state` -> `pulumi stack import`,
and the same program with only its import switched to ``pulumi_wxo.native`` then previews clean.

The native program is ``tests/data/golden/program.py`` itself, loaded with its one import line
changed: what a user does, and proof that nothing else needs to change. The stack and its
emulator are the fixtures ``golden_stack`` and ``golden_emulator`` (tests/e2e/conftest.py).
"""

from __future__ import annotations

import json
import os
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pulumi_wxo.cli import main
from pulumi_wxo.emulator import EmulatorThread
from tests.support.golden import GOLDEN, SECRETS
from tests.support.golden import changes as _changes
from tests.support.native import export, install_plugin
from tests.support.process import run

DYNAMIC_IMPORT = "import pulumi_wxo as wxo\n"
NATIVE_IMPORT = "import pulumi_wxo.native as wxo\n"


def native_program() -> Callable[..., None]:
    source = (GOLDEN / "program.py").read_text()
    assert source.count(DYNAMIC_IMPORT) == 1
    module = types.ModuleType("golden_program_native")
    exec(
        compile(source.replace(DYNAMIC_IMPORT, NATIVE_IMPORT), str(GOLDEN / "program.py"), "exec"),
        module.__dict__,
    )
    program: Callable[..., None] = module.program
    return program


def _pulumi(cli: str, cwd: Path, env: dict[str, str], *args: str) -> None:
    proc = run([cli, *args, "--stack", "golden", "--non-interactive"], cwd=cwd, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr


def _ciphertexts(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["ciphertext"]} if isinstance(value.get("ciphertext"), str) else set()
        return found.union(*(_ciphertexts(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_ciphertexts(v) for v in value))
    return set()


def _ids(deployment: dict[str, Any]) -> dict[str, str]:
    """Resource name -> id of the models and policies."""
    return {
        r["urn"].rsplit("::", 1)[1]: r["id"]
        for r in deployment["resources"]
        if r["type"].split(":")[-1] in ("Model", "ModelPolicy")
    }


def test_golden_stack_migrates_to_the_plugin_previews_clean_then_updates_and_destroys(
    golden_stack: auto.Stack,
    golden_emulator: EmulatorThread,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    install_plugin(tmp_path / "pulumi-home")  # the PULUMI_HOME of golden_stack
    out: list[str] = []
    # The recipe as documented, with the CLI: the Automation API's export_stack would decrypt.
    cli = golden_stack.workspace.pulumi_command.command
    env = {**os.environ, **golden_stack.workspace.env_vars}
    work = Path(golden_stack.workspace.work_dir)
    s1, s2 = tmp_path / "s.json", tmp_path / "s2.json"
    _pulumi(cli, work, env, "stack", "export", "--file", str(s1))
    assert main(["migrate-state", str(s1), "-o", str(s2)]) == 0
    capsys.readouterr()
    before = json.loads(s1.read_text())["deployment"]
    migrated = json.loads(s2.read_text())["deployment"]
    # Secrets stayed ciphertext, the very same objects: nothing was decrypted on the way.
    assert "plaintext" not in s2.read_text()
    assert _ciphertexts(migrated) <= _ciphertexts(before) and _ciphertexts(migrated)
    _pulumi(cli, work, env, "stack", "import", "--file", str(s2))

    program = native_program()
    golden_emulator.control.clear_requests()
    prev = golden_stack.preview(program=program, diff=True, color="never", on_output=out.append)
    assert _changes(prev.change_summary) == {}, "\n".join(out)
    methods = {r["method"] for r in golden_emulator.control.requests()}
    assert methods <= {"GET"}, golden_emulator.control.requests()

    after = export(cli, work, env, "golden")["deployment"]
    assert _ids(after) == _ids(before) and len(_ids(after)) == 5
    assert {r["type"] for r in after["resources"]} >= {"wxo:index:Model", "wxo:index:ModelPolicy"}
    assert "pulumi-python" not in json.dumps(after)

    [provider] = [r for r in migrated["resources"] if r["type"] == "pulumi:providers:wxo"]
    server_ids = {m["name"]: m["id"] for m in golden_emulator.control.state()["models"]}
    golden_emulator.control.clear_requests()
    up = golden_stack.up(program=lambda: program(edited=True), color="never", on_output=out.append)
    assert _changes(up.summary.resource_changes) == {"update": 1}, "\n".join(out)
    writes = [r for r in golden_emulator.control.requests() if r["method"] in ("POST", "PUT", "DELETE")]
    assert [(r["method"], r["status"]) for r in writes] == [("PUT", 200)], writes
    models = {m["name"]: m for m in golden_emulator.control.state()["models"]}
    assert {n: m["id"] for n, m in models.items()} == server_ids
    assert models["virtual-model/openai/gpt-4o"]["display_name"] == "GPT-4o (golden)"

    # The engine kept the provider resource as migrate-state wrote it: same URN, id and inputs.
    state = export(cli, work, env, "golden")
    [kept] = [r for r in state["deployment"]["resources"] if r["type"] == "pulumi:providers:wxo"]
    assert (kept["urn"], kept["id"], sorted(kept["inputs"])) == (
        provider["urn"],
        provider["id"],
        sorted(provider["inputs"]),
    )
    text = "\n".join(out) + json.dumps(state)
    for secret in SECRETS:
        assert secret not in text

    golden_stack.destroy(color="never", on_output=out.append)
    server = golden_emulator.control.state()
    assert (server["models"], server["policies"]) == ([], [])
