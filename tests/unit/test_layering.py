"""The import graph of ``provider/pulumi_wxo``, read with ``ast``: no cycle, every arrow down.

The floors are docs/dev/layout.md's ("Floors"): a module imports only from its own room, from
rooms on its own floor, and from lower floors. Every import counts, including those inside
functions and under ``TYPE_CHECKING``: an arrow drawn only for the type checker is still an
arrow a reader follows. The module maps (each package's ``__init__`` docstring and
docs/dev/layout.md) must name exactly the modules that exist.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "provider" / "pulumi_wxo"
# docs/dev/layout.md (found wherever the docs folder files it)
LAYOUT = next(ROOT.glob("docs/**/layout.md"))

# Bottom to top, as docs/dev/layout.md draws them. A room is a folder or a module at the root.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("errors", "redaction", "version", "_text", "emulator"),
    ("schema",),
    ("resources", "api"),
    ("lifecycle",),
    ("inputs", "sdk", "provider_resource", "_engine_log"),
    ("dynamic", "native", "terraform"),
    ("_provider", "model", "model_policy", "connection", "lookup"),
    ("specs",),
    ("policy", "review"),
    ("cli",),
    ("__init__",),
)
FLOOR_OF = {room: level for level, rooms in enumerate(FLOORS) for room in rooms}


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (a package is its ``__init__``)."""
    out: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in its file."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join([*here[: len(here) - node.level + 1], node.module or ""]).rstrip(".")
            else:
                base = node.module or ""
            if base not in modules:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    found.discard(name)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = _modules(package)
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def upward_arrows(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{src} -> {dst}"
        for src, targets in graph.items()
        for dst in targets
        if FLOOR_OF[room(dst)] > FLOOR_OF[room(src)]
    )


GRAPH = import_graph()


def test_every_room_of_the_package_is_on_a_floor() -> None:
    assert {room(m) for m in GRAPH} == set(FLOOR_OF)


def test_no_module_imports_from_a_floor_above_it() -> None:
    assert upward_arrows(GRAPH) == []


def test_there_is_no_import_cycle() -> None:
    assert find_cycle(GRAPH) is None


def test_the_checks_see_an_arrow_up_and_a_cycle(tmp_path: Path) -> None:
    """The walker itself: a relative import, an import inside a function and one under
    TYPE_CHECKING are all arrows."""
    pkg = tmp_path / "pulumi_wxo"
    (pkg / "schema").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "errors.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    from . import version\n")
    (pkg / "version.py").write_text("def f():\n    from pulumi_wxo.errors import X\n")
    (pkg / "schema" / "__init__.py").write_text("")
    (pkg / "schema" / "model.py").write_text("from ..version import v\n")
    (pkg / "api.py").write_text("")
    (pkg / "_text.py").write_text("import pulumi_wxo.schema.model\n")
    graph = import_graph(pkg)
    assert graph["pulumi_wxo.schema.model"] == {"pulumi_wxo.version"}
    assert find_cycle(graph) == ["pulumi_wxo.version", "pulumi_wxo.errors", "pulumi_wxo.version"]
    assert upward_arrows(graph) == ["pulumi_wxo._text -> pulumi_wxo.schema.model"]


def test_the_native_sdk_does_not_load_the_dynamic_host() -> None:
    code = (
        "import sys, pulumi_wxo.native as n; n.Model, n.ModelPolicy, n.ModelArgs, n.ModelPolicyArgs; "
        "print(sorted(m for m in sys.modules if m.startswith(('pulumi_wxo.dynamic', 'pulumi_wxo._provider', "
        "'pulumi_wxo.model'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------------------ module maps


def _module_map(docstring: str) -> list[str]:
    """The modules listed under a package docstring's ``Modules:`` heading: the block after
    it, one name per line (bare or in double backquotes), two spaces, what it holds; lines
    indented deeper continue a description."""
    lines = docstring.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"Modules\b.*:$", line))
    block = lines[start + 1 :]
    while block and not block[0].strip():
        block.pop(0)
    indent = len(block[0]) - len(block[0].lstrip()) if block else 0
    names: list[str] = []
    for line in block:
        if not line.strip():
            break
        if len(line) - len(line.lstrip()) == indent:
            entry = re.match(r"\s*(``)?(\w+)(``)?\s{2,}\S", line)
            assert entry, f"not a module map entry: {line!r}"
            names.append(entry[2])
    return names


PACKAGES = sorted(p.parent for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_a_package_docstring_lists_exactly_its_modules(package: Path) -> None:
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    listed = _module_map(docstring)
    present = sorted(p.stem for p in package.glob("*.py") if p.stem != "__init__")
    present += sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
    assert sorted(listed) == sorted(present)
    assert len(listed) == len(set(listed))


def layout_floors(text: str) -> list[tuple[str, ...]]:
    """docs/dev/layout.md's floors, bottom first: the numbered lines of its "Floors" drawing."""
    section = text.split("### Floors", 1)[1].split("```", 2)[1]
    rows = [re.match(r"\s*(\d+)\s+(.*)", line) for line in section.splitlines()]
    floors = sorted((int(m[1]), m[2]) for m in rows if m)
    return [
        tuple(m[1] for word in rest.split() if (m := re.fullmatch(r"(\w+)(/|\.py)", word)))
        for _, rest in floors
    ]


def test_layout_md_draws_the_floors_of_this_test() -> None:
    assert layout_floors(LAYOUT.read_text(encoding="utf-8")) == list(FLOORS)


def test_layout_md_has_a_section_for_every_package() -> None:
    text = LAYOUT.read_text(encoding="utf-8")
    sections = set(re.findall(r"^### `(\w+)/`", text, flags=re.MULTILINE))
    assert sections == {p.name for p in PACKAGES}
