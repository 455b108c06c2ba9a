"""Running the emulator (emulator/__main__.py, emulator/server.py) and what it may import."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

import pulumi_wxo.emulator as package
from pulumi_wxo.emulator import EmulatorSettings, Switches
from pulumi_wxo.emulator.__main__ import build_parser, settings_from_args

pytestmark = pytest.mark.emulator


# ---------------------------------------------------------------------------------------------
# Command line


def test_parser_maps_every_option_to_settings() -> None:
    args = build_parser().parse_args(
        [
            "--db", "x.db", "--token", "tok", "--token-ttl", "60", "--api-key", "k1", "--api-key", "k2",
            "--duplicates", "reject", "--create-response", "id", "--secrets", "mask", "--empty-list", "404",
            "--mcsp-v1", "off", "--username", "u", "--password", "p", "--tenant-id", "tid",
        ]
    )  # fmt: skip
    assert settings_from_args(args) == EmulatorSettings(
        db="x.db",
        token="tok",
        api_keys=("k1", "k2"),
        username="u",
        password="p",
        tenant_id="tid",
        switches=Switches(
            token_ttl=60,
            duplicates="reject",
            create_response="id",
            secrets="mask",
            empty_list="404",
            mcsp_v1="off",
        ),
    )
    assert settings_from_args(build_parser().parse_args([])) == EmulatorSettings()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--secrets", "sometimes"])


def test_python_dash_m_prints_where_it_listens(tmp_path: Any) -> None:
    command = [
        sys.executable, "-m", "pulumi_wxo.emulator", "--port", "0", "--db", str(tmp_path / "cli.db"),
        "--token", "cli-token",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.fullmatch(
                r"wxO emulator listening on (http://127\.0\.0\.1:\d+) \(db: .*cli\.db\)\n", line
            )
            assert match, line
            response = httpx.get(f"{match.group(1)}/v1/models", headers={"Authorization": "Bearer cli-token"})
            assert (response.status_code, response.json()) == (200, [])
        finally:
            process.terminate()
            process.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# Package boundary (docs/layout.md: written from the contract only)


def test_emulator_imports_nothing_from_the_provider() -> None:
    """The emulator is written from the contract only (docs/layout.md): no pulumi_wxo import outside it."""
    offenders = []
    for source in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
                if node.level > 1:
                    offenders.append(f"{source.name}: relative import beyond the package")
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            offenders += [
                f"{source.name}: {name}"
                for name in names
                if name.startswith("pulumi_wxo") and not name.startswith("pulumi_wxo.emulator")
            ]
    assert offenders == []
