"""Upgrade contract: a stack that v0.1.0 wrote keeps working with the code of every later commit.

``tests/data/golden/`` holds what ``record.py`` captured from ``pulumi up`` of ``program.py``
at v0.1.0: the ``pulumi stack export`` (secrets encrypted with a fixed passphrase), the stack
settings with their encryption salt, and the server's objects. Here the stack is imported
into a fresh backend, the server is loaded into a fresh emulator, and the same program runs
with today's code. The pickled provider class paths (``pulumi_wxo._provider.ModelProvider``,
``...ModelPolicyProvider``) and the type tokens in that state must still resolve. The stack
and its emulator are the fixtures ``golden_stack`` and ``golden_emulator`` (tests/e2e/conftest.py).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from pulumi import automation as auto

from pulumi_wxo.emulator import EmulatorThread
from tests.data.golden.program import program
from tests.support.golden import GOLDEN, SECRETS, STACK
from tests.support.golden import changes as _changes


def _server(emu: EmulatorThread) -> dict[str, list[dict[str, Any]]]:
    return emu.control.state()


def test_golden_files_are_what_v0_1_0_wrote() -> None:
    """The recording is a real one: both type tokens, and no secret in plaintext."""
    text = (GOLDEN / "state.json").read_text()
    resources = json.loads(text)["resources"]
    types = sorted({r["type"] for r in resources if r["type"].startswith("pulumi-python:")})
    assert types == ["pulumi-python:dynamic/wxo:Model", "pulumi-python:dynamic/wxo:ModelPolicy"]
    for secret in SECRETS:
        assert secret not in text
        assert secret not in (GOLDEN / f"Pulumi.{STACK}.yaml").read_text()


def _pickled_class_paths(stack: auto.Stack) -> set[bytes]:
    """The provider classes the state refers to (``__provider`` is a secret: decrypted here)."""
    found: set[bytes] = set()
    for r in stack.export_stack().deployment["resources"]:
        blob = (r.get("inputs") or {}).get("__provider")
        if isinstance(blob, dict):
            blob = json.loads(blob["plaintext"])
        if isinstance(blob, str):
            raw = base64.b64decode(blob)
            found |= {
                c
                for c in (b"ModelProvider", b"ModelPolicyProvider")
                if b"pulumi_wxo._provider" in raw and c in raw
            }
    return found


def test_golden_stack_replays_preview_refresh_edit_destroy(
    golden_stack: auto.Stack, golden_emulator: EmulatorThread
) -> None:
    out: list[str] = []
    assert _pickled_class_paths(golden_stack) == {b"ModelProvider", b"ModelPolicyProvider"}
    before = {m["name"]: m["id"] for m in _server(golden_emulator)["models"]}

    prev = golden_stack.preview(diff=True, color="never", on_output=out.append)
    assert _changes(prev.change_summary) == {}, "\n".join(out)

    ref = golden_stack.refresh(color="never", on_output=out.append)
    assert _changes(ref.summary.resource_changes) == {}, "\n".join(out)
    assert _changes(golden_stack.preview(color="never").change_summary) == {}

    golden_emulator.control.clear_requests()
    up = golden_stack.up(program=lambda: program(edited=True), color="never", on_output=out.append)
    assert _changes(up.summary.resource_changes) == {"update": 1}, "\n".join(out)
    writes = [r for r in golden_emulator.control.requests() if r["method"] in ("POST", "PUT", "DELETE")]
    assert [(r["method"], r["status"]) for r in writes] == [("PUT", 200)], writes
    after = {m["name"]: m for m in _server(golden_emulator)["models"]}
    assert {n: m["id"] for n, m in after.items()} == before  # nothing replaced
    assert after["virtual-model/openai/gpt-4o"]["display_name"] == "GPT-4o (golden)"

    text = "\n".join(out)
    for secret in SECRETS:
        assert secret not in text

    golden_stack.destroy(color="never", on_output=out.append)
    assert _server(golden_emulator)["models"] == []
    assert _server(golden_emulator)["policies"] == []
