"""docs/reference is generated from the declarations (tools/gen_docs.py); tests/unit/test_generated.py
checks it is current, as terraform-plugin-docs checks in CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools import gen_docs, generate

from pulumi_wxo.resources import MODEL, POLICY
from pulumi_wxo.schema import SECRET_FIELDS, ModelConfig, PolicyStrategy, ProviderConfig

pytestmark = pytest.mark.unit


def test_every_field_is_documented_with_secret_and_change_kind() -> None:
    page = gen_docs.render_resource(MODEL)
    rows = {line.split("|")[1].strip(): line for line in page.splitlines() if line.startswith("| `")}
    for name in [*ProviderConfig.model_fields, *ModelConfig.model_fields]:
        assert f"`{name}`" in rows, name
    for name in SECRET_FIELDS:
        cells = [c.strip() for c in rows[f"`{name}`"].split("|")]
        assert "yes" in cells, name
    assert "| replace |" in rows["`name`"]
    assert "`resourceName`" in rows["`azure_resource_name`"]
    assert "<= 2" in rows["`temperature`"]
    policy = gen_docs.render_resource(POLICY)
    for name in PolicyStrategy.model_fields:
        assert f"| `{name}` |" in policy


def test_the_signature_line_is_the_classes_signature() -> None:
    page = gen_docs.render_resource(MODEL)
    assert gen_docs.signature(MODEL) in " ".join(page.split())
    assert 'model_type="chat"' in gen_docs.signature(MODEL) and "adopt=False" in gen_docs.signature(MODEL)


def test_check_mode_reports_stale_pages(tmp_path: Path) -> None:
    assert generate.main(["--root", str(tmp_path), "--check"]) == 1
    assert generate.main(["--root", str(tmp_path)]) == 0
    assert generate.main(["--root", str(tmp_path), "--check"]) == 0
    (tmp_path / "docs" / "reference" / "model.md").write_text("edited by hand", encoding="utf-8")
    assert generate.stale(tmp_path) == [str(Path("docs") / "reference" / "model.md")]
