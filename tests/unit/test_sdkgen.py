"""The SDK generator's pins agree with each other and with the schema (docs/dev/sdks.md).

The generator (sdkgen/), the Go test program (examples/go-automation) and the CLI
(scripts/pulumi-cli.sh) name one Pulumi version; the Go module the test program requires is
the one the schema tells the Go generator to write; and nothing generated is committed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from pulumi_wxo.native.schema import schema_json

ROOT = Path(__file__).resolve().parents[2]
SDKGEN = ROOT / "sdkgen"
GO_PROGRAM = ROOT / "examples" / "go-automation"


def _cli_version() -> str:
    text = (ROOT / "scripts" / "pulumi-cli.sh").read_text()
    match = re.search(r"^readonly DEFAULT_VERSION=(\S+)$", text, re.MULTILINE)
    assert match, "scripts/pulumi-cli.sh has no DEFAULT_VERSION"
    return match.group(1)


def _requires(go_mod: Path) -> dict[str, str]:
    """``module -> version`` of every require line (block or single) of a go.mod."""
    line = re.compile(r"^\s*(?:require\s+)?([\w./-]+)\s+(v\S+)(?:\s*//.*)?$", re.MULTILINE)
    return dict(line.findall(go_mod.read_text()))


def test_generator_and_go_program_use_the_cli_version_of_pulumi() -> None:
    version = f"v{_cli_version()}"
    gen = _requires(SDKGEN / "go.mod")
    assert gen["github.com/pulumi/pulumi/pkg/v3"] == version
    assert gen["github.com/pulumi/pulumi/sdk/v3"] == version
    assert _requires(GO_PROGRAM / "go.mod")["github.com/pulumi/pulumi/sdk/v3"] == version


def test_go_program_requires_the_module_the_schema_generates() -> None:
    go = json.loads(schema_json())["language"]["go"]
    module, package = go["importBasePath"].rsplit("/", 1)
    assert _requires(GO_PROGRAM / "go.mod")[module] == "v0.0.0"
    assert f'"{module}/{package}"' in (GO_PROGRAM / "main.go").read_text()
    # The generator's defaults (used when a schema names no settings) are the same ones.
    main = (SDKGEN / "main.go").read_text()
    assert re.search(rf'goModule\s*=\s*"{re.escape(module)}"', main)
    npm = json.loads(schema_json())["language"]["nodejs"]["packageName"]
    assert re.search(rf'npmPackage\s*=\s*"{re.escape(npm)}"', main)


def test_no_generated_sdk_is_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    generated = [p for p in tracked if p.endswith(("pulumiTypes.go", "pulumi-plugin.json", "utilities.ts"))]
    assert generated == []
    sources = [p for p in tracked if p.startswith("sdkgen/")]
    assert sources == ["sdkgen/go.mod", "sdkgen/go.sum", "sdkgen/main.go"]
