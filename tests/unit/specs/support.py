"""Paths and helpers shared by the spec package's unit tests."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from pulumi_wxo.specs import read_specs

DATA = Path(__file__).resolve().parents[2] / "data"
GOOD = DATA / "specs-good"
BROKEN = DATA / "broken-specs"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "specs"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def by_name(paths: Any, **kw: Any) -> dict[str, Any]:
    specs, problems = read_specs(paths, **kw)
    assert [p for p in problems if p.is_error] == []
    return {s.name: s for s in specs}
