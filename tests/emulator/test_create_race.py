"""Racing creates of one name from N processes leave no orphan (issue: hostile input, point 15).

Each process is a different stack creating the same model name at the same moment, through
the lifecycle and the real client against the emulator (which accepts duplicate names: only
the server could refuse them). Every model left on the server must belong to a process that
reported success; a process that lost the race deleted the copy it made and said why.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import EMULATOR_TOKEN

pytestmark = pytest.mark.emulator

PROCESSES = 8
NAME = "virtual-model/openai/raced"
RACER = """
import json, sys
from pulumi_wxo.lifecycle import ModelLifecycle, Runtime
from pulumi_wxo.lifecycle.ownership import owner_id
url, token, index = sys.argv[1], sys.argv[2], int(sys.argv[3])
runtime = Runtime()
runtime.configure({"wxo:url": url, "wxo:token": token, "wxo:maxRetries": "0"}.get, {})
props = {
    "name": "openai/raced",
    "provider_config": {"api_key": "sk-race"},
    "owner": owner_id(project="race", stack=f"s{index}", type_token="t", resource_name="m"),
}
print("ready", flush=True)
sys.stdin.readline()  # the start signal: every process is up before any of them asks
try:
    created = ModelLifecycle(runtime).create(props)
    print(json.dumps({"id": created.id}))
except Exception as err:  # the message is the point of the test
    print(json.dumps({"error": type(err).__name__, "message": str(err)}))
"""


def race(emulator: EmulatorThread, tmp_path: Path) -> list[dict[str, str]]:
    """Start the processes, wait until each has imported everything and says so, then release
    them all at once (a barrier, not a clock: on a busy machine starting 8 interpreters can
    take longer than any fixed head start)."""
    script = tmp_path / "racer.py"
    script.write_text(RACER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), emulator.url, EMULATOR_TOKEN, str(i)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.parametrize("create_response", ["object", "empty"])
def test_racing_creates_leave_no_orphan(
    emulator: EmulatorThread, tmp_path: Path, create_response: str
) -> None:
    emulator.control.settings(create_response=create_response)
    # Every POST is held 1 s: each process's name check (one list, not delayed) happens while
    # the others' POSTs are still in flight, so they all race.
    emulator.control.add_fault(method="POST", path="/models$", delay=1.0)
    results = race(emulator, tmp_path)
    winners = sorted(r["id"] for r in results if "id" in r)
    on_server = sorted(m["id"] for m in emulator.control.state()["models"] if m["name"] == NAME)
    assert on_server == winners  # each model left is one that a process knows it owns
    losers = [r for r in results if "error" in r]
    for lost in losers:
        assert lost["error"] == "ConcurrentCreateError", lost
        assert "another process created a model of the same name at the same time" in lost["message"]
    if create_response == "object":
        # Each answer carried its id: no lookup, every process has its own model (the server
        # accepts duplicate names; only it could refuse them).
        assert len(winners) == PROCESSES
    else:
        # No id in the answers: each looked its model up by name, saw the others, and the
        # losers deleted their own copies.
        assert losers, results
