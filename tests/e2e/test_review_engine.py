"""``pulumi-wxo review`` on ``pulumi preview --json`` output captured through the real engine, on
both hosts, in both of the engine's JSON shapes.

One stack of tests/data/review-project is brought up, a model is made on the server by hand,
and the program then changes: an update with a secret rotation, a rename (a replace that the
policy routes to), a delete, an adoption, a create, and a policy's weights. The review of the
preview is read back with a GFM parser (tests/support/gfm.py): its headings, the rows and columns of
its tables and its Mermaid diagram are checked, and it is compared with the golden Markdown in
tests/data/review (ids normalised; ``PULUMI_WXO_WRITE_GOLDEN=1`` rewrites it after a deliberate
change of the comment). Neither api key ever appears.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_wxo.cli import main
from pulumi_wxo.cli.review import EXIT_CHANGES
from pulumi_wxo.emulator import EmulatorThread
from tests.support.emulator import post_by_hand
from tests.support.gfm import code_blocks, headings, tables
from tests.support.native import ROOT
from tests.support.project import ProjectCli, project_cli
from tests.support.review_project import CHANGE_HEADINGS, CHANGE_SUMMARY

PROJECT = ROOT / "tests" / "data" / "review-project"
GOLDEN = ROOT / "tests" / "data" / "review"
KEYS = ("sk-review-ORIGINAL-1111", "sk-review-ROTATED-2222")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _review(capsys: pytest.CaptureFixture[str], *files: Path) -> str:
    capsys.readouterr()
    code = main(["review", *map(str, files)])
    out, err = capsys.readouterr()
    assert code == EXIT_CHANGES, err
    return out


def _fields(markdown: str, heading: str, first: str = "Field") -> dict[str, list[str]]:
    [table] = [t for t in tables(markdown) if t.heading.endswith(heading) and t.header[0] == first]
    assert all(len(row) == len(table.header) for row in table.rows), table
    return {row[0]: row[1:] for row in table.rows}


@pytest.fixture
def changed_stack(
    pulumi_cli: auto.PulumiCommand, emulator: EmulatorThread, tmp_path: Path
) -> Callable[[str], ProjectCli]:
    def make(host: str) -> ProjectCli:
        cli = project_cli(pulumi_cli.command, PROJECT, tmp_path, url=emulator.url, secrets=KEYS)
        cli.ok("config", "set", "host", host)
        cli.ok("config", "set", "step", "base")
        cli.ok("up", "--yes", "--skip-preview")
        existing = {
            "name": "virtual-model/ollama/existing",
            "display_name": "Existing",
            "description": "made by hand",
            "provider_config": {"custom_host": "http://ollama:11434"},
        }
        post_by_hand(emulator, "/models", existing)
        cli.ok("config", "set", "step", "change")
        return cli

    return make


@pytest.mark.parametrize("host", ["dynamic", "native"])
def test_review_of_a_real_preview(
    host: str, changed_stack: Callable[[str], ProjectCli], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli = changed_stack(host)
    digest = tmp_path / "digest.json"
    digest.write_text(cli.ok("preview", "--json"))
    stream = tmp_path / "stream.json"
    streaming = {"PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "1"}
    stream.write_text(cli.ok("preview", "--json", env=streaming, stdout_checked=False))
    # The stream carries the engine's debug diagnostics too (the plugin's shutdown noise among
    # them); nothing a user sees may hold a traceback.
    events = [json.loads(line) for line in stream.read_text().splitlines() if line.strip()]
    shown = [e for e in events if e.get("diagnosticEvent", {}).get("severity") != "debug"]
    assert "Traceback" not in json.dumps(shown)
    for document in (digest, stream):
        text = document.read_text()
        assert "[secret]" in text and not any(k in text for k in KEYS)

    md = _review(capsys, digest)
    assert _review(capsys, stream) == md  # the event stream reads as the digest does
    assert not any(k in md for k in KEYS)
    assert headings(md) == ["pulumi-wxo review", "Stack ci (project wxo-review)", *CHANGE_HEADINGS]
    assert CHANGE_SUMMARY in md

    gpt = _fields(md, "Update model gpt")
    assert gpt["display_name"] == ["GPT", "GPT v2"] and gpt["config.max_tokens"] == ["512", "1024"]
    rotated = "(changed)" if host == "native" else "(may change: the preview does not compare secrets)"
    assert gpt["provider_config.api_key"] == ["[secret]", f"[secret] {rotated}"]
    assert set(gpt) == {"display_name", "config.max_tokens", "provider_config.api_key"}  # no internal field
    assert _fields(md, "Replace model mini") == {
        "name": ["virtual-model/ollama/mini", "virtual-model/ollama/mini-2"]
    }
    assert "Policies that route to it: <code>route</code>." in md
    assert _fields(md, "Adopt model existing")["name"] == ["—", "virtual-model/ollama/existing"]
    assert "nothing is created" in md
    assert _fields(md, "Update policy route", "Target") == {
        "virtual-model/openai/gpt": ["0.5", "0.7"],
        "virtual-model/ollama/mini-2": ["—", "0.3 (added)"],
        "virtual-model/ollama/mini": ["0.5", "removed"],
    }
    [(info, diagram)] = code_blocks(md)
    assert (
        info == "mermaid" and '-->|"0.5 to 0.7"|' in diagram and '-.->|"removed #40;was 0.5#41;"|' in diagram
    )

    golden = GOLDEN / f"golden-{host}.md"
    if os.environ.get("PULUMI_WXO_WRITE_GOLDEN") == "1":
        golden.write_text(_UUID.sub("<id>", md))
    assert _UUID.sub("<id>", md) == golden.read_text(), f"{golden} differs"


def test_no_change_exits_0(
    changed_stack: Callable[[str], ProjectCli], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli = changed_stack("native")
    cli.ok("config", "set", "step", "base")
    doc = tmp_path / "same.json"
    doc.write_text(cli.ok("preview", "--json"))
    capsys.readouterr()
    assert main(["review", str(doc)]) == 0
    assert "nothing changes" in capsys.readouterr().out
