"""specs.load: every problem class in tests/data/broken-specs with file, line and field, and
``load_specs`` raising every error and logging warnings."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pulumi_wxo.specs import SpecError, load_specs, read_specs
from tests.unit.specs.support import BROKEN

pytestmark = pytest.mark.unit

# (file, line, field, words in the message, severity) for every problem in broken-specs/
BROKEN_EXPECTED = [
    ("app-id.yaml", 5, "app_id", "set connection_id", "warning"),
    ("app-id.yaml", 6, "provider_config.api_key", "is required for provider 'watsonx'", "error"),
    ("duplicates.yaml", 8, "config.max_tokens", "duplicate key (also on line 7)", "error"),
    ("kinds.yaml", 2, "kind", "'agent' is not a model spec", "error"),
    ("kinds.yaml", 5, "", "a spec must be a mapping", "error"),
    ("kinds.yaml", 6, "", "a spec must be a mapping", "error"),
    ("kinds.yaml", 8, "spec_version", "'v2' is not supported", "error"),
    ("multi.yaml", 4, "name", "declared twice (also in {BROKEN}/duplicates.yaml:3)", "error"),
    ("multi.yaml", 10, "spec_version", "is required", "error"),
    ("multi.yaml", 17, "name", "unknown provider 'openia'", "error"),
    ("multi.yaml", 19, "config.temperature", "less than or equal to 2", "error"),
    ("multi.yaml", 20, "config.max_tokens", "greater than 0", "error"),
    ("nested.yaml", 14, "targets[1].targets[1].weight", "greater than 0", "error"),
    ("policy.json", 7, "targets", "a fallback needs at least two targets (got 1)", "error"),
    ("references.yaml", 4, "display_name", "resolved in provider_config only", "error"),
    ("references.yaml", 6, "provider_config.api_key", "malformed secret reference", "error"),
    ("secret-literal.yaml", 6, "provider_config.api_key", "${secret:openaiApiKey}", "error"),
    ("syntax.yaml", 4, "", "invalid YAML: did not find expected ','", "error"),
    ("undeclared-target.yaml", 8, "targets[1].model_name", "not declared here", "warning"),
    ("unknown-field.yaml", 4, "display_nmae", "did you mean 'display_name'", "error"),
    ("unknown-field.yaml", 7, "provider_config.api_kye", "did you mean 'api_key'", "error"),
]


def test_every_problem_in_broken_specs_has_file_line_and_field() -> None:
    _, problems = read_specs(BROKEN)
    got = [(Path(p.file).name, p.line, p.field, p.severity) for p in problems]
    assert got == [(f, line, field, sev) for f, line, field, _, sev in BROKEN_EXPECTED]
    for p, (_, _, _, words, _) in zip(problems, BROKEN_EXPECTED, strict=True):
        assert words.replace("{BROKEN}", str(BROKEN)) in p.message, p
    # The literal key is reported by field, never repeated.
    assert not [p for p in problems if "LITERAL" in str(p)]


def test_load_specs_raises_every_error_and_logs_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(SpecError) as info:
        load_specs(BROKEN)
    assert len(info.value.problems) == sum(1 for e in BROKEN_EXPECTED if e[4] == "error")
    assert str(info.value).startswith("19 problems in spec files:\n  ")
    caplog.set_level(logging.WARNING, logger="pulumi_wxo")
    specs = load_specs(BROKEN / "undeclared-target.yaml")
    assert [s.name for s in specs] == ["virtual-policy/balanced"]
    assert "not declared here; make sure it exists on the server" in caplog.text
