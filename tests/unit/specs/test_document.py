"""specs.document: what an ADK export leaves in a file is accepted (with warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.schema import ModelSpec
from pulumi_wxo.specs import read_specs
from tests.unit.specs.support import DATA, write

pytestmark = pytest.mark.unit


def test_adk_export_files_are_accepted(tmp_path: Path) -> None:
    specs, problems = read_specs(DATA / "adk-export")
    assert [(Path(p.file).name, p.line, p.field, p.severity) for p in problems] == [
        ("claude.yaml", 4, "id", "warning"),
        ("groq.yaml", 4, "provider", "warning"),
    ]
    assert "'openai' is ignored: the provider comes from the name ('groq')" in problems[1].message
    claude = {s.name: s for s in specs}["virtual-model/anthropic/claude-3-7-sonnet-latest"].spec
    assert isinstance(claude, ModelSpec) and claude.provider_config is not None
    # server_cert_file (ADK 2.19) is read relative to the spec file, into server_cert
    assert claude.provider_config.server_cert == (DATA / "adk-export" / "certs" / "gateway.pem").read_text()

    write(
        tmp_path,
        "m.yaml",
        """
        spec_version: v1
        name: openai/gpt-4o
        provider_config:
          api_key: ${secret:k}
          server_cert_file: missing.pem
        """,
    )
    _, [problem] = read_specs(tmp_path)
    assert (problem.line, problem.field) == (5, "provider_config.server_cert_file")
    assert problem.message.startswith(f"cannot read {tmp_path / 'missing.pem'}")
