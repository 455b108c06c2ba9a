"""specs.document: what an ADK export leaves in a file is accepted (with warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo.schema import ModelSpec
from pulumi_wxo.specs import read_specs
from tests.unit.specs.support import DATA, gpt4o, write

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

    write(tmp_path, "m.yaml", gpt4o("api_key: ${secret:k}", "server_cert_file: missing.pem"))
    _, [problem] = read_specs(tmp_path)
    assert (problem.line, problem.field) == (5, "provider_config.server_cert_file")
    assert problem.message.startswith(f"cannot read {tmp_path / 'missing.pem'}")


def test_server_fields_masks_and_the_marker_are_dropped_with_their_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "exported.yaml",
        """
        name: virtual-model/openai/gpt-4o
        provider: openai
        provider_config:
          provider: openai
          api_key: '********'
          custom_host: https://h
        model_name: gpt-4o
        created_by: someone@example.com
        spec_version: v1
        kind: model
        """,
    )
    specs, problems = read_specs(tmp_path)
    assert [(p.line, p.field, p.severity) for p in problems] == [
        (5, "provider_config.api_key", "warning"),  # the mask: no value
        (5, "provider_config.api_key", "warning"),  # so the server omitted it (rules.validate)
        (7, "model_name", "warning"),
        (8, "created_by", "warning"),
    ]
    assert problems[0].message == "is the server's mask, not a value (an export wrote it); ignored"
    assert problems[2].message == "is set by the server (an export wrote it); ignored"
    [spec] = specs
    assert isinstance(spec.spec, ModelSpec) and spec.spec.provider_config is not None
    assert spec.spec.provider_config.api_key is None and spec.spec.provider_config.custom_host == "https://h"

    # A hand-written spec (no server fields) without its credential stays an error.
    write(tmp_path, "exported.yaml", "spec_version: v1\nname: openai/gpt-4o\n")
    _, [problem] = read_specs(tmp_path)
    assert (problem.line, problem.field, problem.severity) == (1, "provider_config.api_key", "error")


def test_the_marker_is_accepted_and_never_sent(tmp_path: Path) -> None:
    write(tmp_path, "m.yaml", gpt4o("secrets_resolved_by: pulumi-wxo", "api_key: ${secret:k}"))
    [spec], problems = read_specs(tmp_path)
    assert problems == [] and "secrets_resolved_by" not in spec.data["provider_config"]


def test_the_platforms_tags_in_an_export_are_dropped_with_their_line(tmp_path: Path) -> None:
    text = (
        "spec_version: v1\nname: openai/gpt-4o\nconnection_id: c\n"
        "tags: [team, third party, wxo-reserved-tag-admin-disallowed]\n"
    )
    write(tmp_path, "m.yaml", text + "model_name: gpt-4o\n")
    [spec], problems = read_specs(tmp_path)
    assert [(p.line, p.field, p.message) for p in problems if p.field.startswith("tags")] == [
        (4, "tags[1]", "'third party' is set by the platform (an export wrote it); ignored"),
        (
            4,
            "tags[2]",
            "'wxo-reserved-tag-admin-disallowed' is set by the platform (an export wrote it); ignored",
        ),
    ]
    assert isinstance(spec.spec, ModelSpec) and spec.spec.tags == ["team"]
    # Written by hand (no server-set field), a platform tag stays the schema's error.
    write(tmp_path, "m.yaml", text)
    _, problems = read_specs(tmp_path)
    assert [p.is_error for p in problems if p.field.startswith("tags")] == [True]
