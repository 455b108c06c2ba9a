"""Write every artifact derived from the declarations: ``python -m tools.generate [--check]``.

``make generate`` runs it. The artifacts are the Python modules of ``provider/pulumi_wxo/sdk/``
that carry each resource's fields (:mod:`tools.gen_python`), the plugin's package schema
(``native/schema.json``, :mod:`tools.gen_schema`) and the reference pages (``docs/reference/``,
:mod:`tools.gen_docs`). ``--check`` exits 1 when a committed file differs from what the
declarations generate (``tests/unit/test_generated.py`` runs the same comparison).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pulumi_wxo.resources import RESOURCES, Resource
from tools import gen_docs, gen_python, gen_schema

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path("provider") / "pulumi_wxo"
REFERENCE = Path("docs") / "reference"

#: Generated Python module (relative to the repository) -> its renderer.
PYTHON: dict[Path, Callable[[Sequence[Resource]], str]] = {
    PACKAGE / "sdk" / "nested.py": gen_python.render_nested,
    PACKAGE / "sdk" / "outputs.py": gen_python.render_outputs,
    PACKAGE / "sdk" / "declared.py": gen_python.render_declared,
    PACKAGE / "sdk" / "info.py": gen_python.render_info,
}
SCHEMA = PACKAGE / "native" / "schema.json"


def format_python(text: str, path: Path) -> str:
    """``text`` as ``ruff format`` writes it (the repository's settings)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return done.stdout


def artifacts(resources: Sequence[Resource] = RESOURCES) -> dict[Path, str]:
    """Every generated file (relative to the repository) -> its text."""
    out = {path: format_python(render(resources), path) for path, render in PYTHON.items()}
    out[SCHEMA] = gen_schema.render_schema(resources)
    out.update({REFERENCE / page: text for page, text in gen_docs.render_pages(resources).items()})
    return out


def stale(root: Path = ROOT, resources: Sequence[Resource] = RESOURCES) -> list[str]:
    """Generated files under ``root`` that differ from what the declarations generate."""
    return [
        str(path)
        for path, text in artifacts(resources).items()
        if not (root / path).exists() or (root / path).read_text(encoding="utf-8") != text
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is stale")
    parser.add_argument("--root", default=str(ROOT), help="repository root (default: this clone)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if args.check:
        bad = stale(root)
        for name in bad:
            print(f"{name} is stale: run `make generate`", file=sys.stderr)
        return 1 if bad else 0
    for path, text in artifacts().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        if not (root / path).exists() or (root / path).read_text(encoding="utf-8") != text:
            (root / path).write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
