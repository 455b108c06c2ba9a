"""IBM's ADK CLI (the ``orchestrate`` console script) against an HTTPS emulator: helpers for the
tests that run it (tests/emulator/test_orchestrate_cli.py, and any test that wants the ADK in
the loop).

    with serve_tls(folder) as emu:             # the emulator over HTTPS, a test CA in folder
        cli = make_cli(home, emu.ca)           # the CLI with its own HOME, trusting that CA
        login(cli, emu)                        # env add + env activate (MCSP by default)
        ok(cli("models", "list"))              # exit 0, no traceback -> the output

Why HTTPS: the ADK accepts ``http://`` only for a local Developer Edition, and it sends that
login to ``http://localhost:4321`` whatever the URL says (api-contract §7.3). A test that needs
port 4321 collides with any other emulator or Developer Edition on the machine, so the helpers
use remote-style environments (``https://127.0.0.1:<free port>/instances/<tenant>``), which the
ADK accepts on any port, with a test CA (trustme) that ``REQUESTS_CA_BUNDLE`` makes it trust.
The ADK keeps its environments in ``~/.config/orchestrate`` and its tokens in
``~/.cache/orchestrate``, so a ``HOME`` of its own isolates each CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme

from pulumi_wxo.emulator import EmulatorSettings, EmulatorThread, TLSFiles
from tests.support.process import run

__all__ = ["API_KEY", "Cli", "Emu", "fails", "login", "make_cli", "ok", "serve_tls"]

API_KEY = "cli-api-key"
USERNAME, PASSWORD = "wxo.archer@ibm.com", "watsonx"
ORCHESTRATE = Path(sys.executable).parent / "orchestrate"
# The ADK's own environment variables would override what `env add` stored.
_ADK_VARIABLES = (
    "WXO_URL",
    "USER_ACCESS_TOKEN",
    "RUNTIME_ENV_ACCESS_TOKEN_FILE",
    "WXO_CLIENT_VERIFY_REQUESTS",
)

Cli = Callable[..., subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class Emu:
    server: EmulatorThread
    ca: Path

    @property
    def instance(self) -> str:
        return f"{self.server.url}/instances/{self.server.settings.tenant_id}"

    def calls(self) -> list[tuple[str, str, int]]:
        """(method, path after the instance's /v1/orchestrate, status) of every API request."""
        prefix = f"/instances/{self.server.settings.tenant_id}/v1/orchestrate"
        return [
            (r["method"], r["path"].removeprefix(prefix), r["status"]) for r in self.server.control.requests()
        ]

    def state(self) -> dict[str, list[dict[str, Any]]]:
        return self.server.control.state()


@contextmanager
def serve_tls(folder: Path) -> Iterator[Emu]:
    """An emulator over HTTPS on a free loopback port, its CA and certificate written to ``folder``."""
    if not ORCHESTRATE.exists():
        pytest.fail(f"{ORCHESTRATE} is missing: install the dev extra (ibm-watsonx-orchestrate)")
    ca = trustme.CA()
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(
        folder / "server.pem"
    )
    ca.cert_pem.write_to_path(folder / "ca.pem")
    tls = TLSFiles(str(folder / "server.pem"), str(folder / "server.pem"), str(folder / "ca.pem"))
    settings = EmulatorSettings(db=str(folder / "emulator.db"), api_keys=(API_KEY,))
    with EmulatorThread(settings, tls=tls) as server:
        yield Emu(server, folder / "ca.pem")


def make_cli(home: Path, ca: Path) -> Cli:
    env = {k: v for k, v in os.environ.items() if k not in _ADK_VARIABLES}
    env.update(HOME=str(home), REQUESTS_CA_BUNDLE=str(ca), COLUMNS="200", NO_COLOR="1", TERM="dumb")

    def orchestrate(*args: str) -> subprocess.CompletedProcess[str]:
        return run([ORCHESTRATE, *args], cwd=home, env=env, timeout=120)

    return orchestrate


def ok(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    return output


def fails(result: subprocess.CompletedProcess[str], message: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert message in output, output


def login(cli: Cli, emu: Emu, auth_type: str = "mcsp") -> str:
    iam_url = f"{emu.server.url}/icp4d-api" if auth_type == "cpd" else emu.server.url
    ok(cli("env", "add", "-n", "emu", "-u", emu.instance, "--type", auth_type, "--iam-url", iam_url))
    secret = (
        ["--username", USERNAME, "--password", PASSWORD] if auth_type == "cpd" else ["--api-key", API_KEY]
    )
    return ok(cli("env", "activate", "emu", *secret))
