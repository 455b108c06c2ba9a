"""docs/reference is generated from the schema and must be current (as terraform-plugin-docs checks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_wxo import _docs
from pulumi_wxo.schema import SECRET_FIELDS, ModelConfig, PolicyStrategy, ProviderConfig

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def test_reference_docs_match_the_schema() -> None:
    assert _docs.stale(ROOT) == [], "run `python -m pulumi_wxo._docs` and commit docs/reference"


def test_every_field_is_documented_with_secret_and_change_kind() -> None:
    page = _docs.render_model()
    rows = {line.split("|")[1].strip(): line for line in page.splitlines() if line.startswith("| `")}
    for name in [*ProviderConfig.model_fields, *ModelConfig.model_fields]:
        assert f"`{name}`" in rows, name
    for name in SECRET_FIELDS:
        cells = [c.strip() for c in rows[f"`{name}`"].split("|")]
        assert "yes" in cells, name
    assert "| replace |" in rows["`name`"]
    assert "`resourceName`" in rows["`azure_resource_name`"]
    assert "<= 2" in rows["`temperature`"]
    policy = _docs.render_policy()
    for name in PolicyStrategy.model_fields:
        assert f"| `{name}` |" in policy


def test_check_mode_reports_stale_pages(tmp_path: Path) -> None:
    assert _docs.main(["--root", str(tmp_path), "--check"]) == 1
    assert _docs.main(["--root", str(tmp_path)]) == 0
    assert _docs.main(["--root", str(tmp_path), "--check"]) == 0
    (tmp_path / "docs" / "reference" / "model.md").write_text("edited by hand", encoding="utf-8")
    assert _docs.stale(tmp_path) == [str(Path("docs") / "reference" / "model.md")]
