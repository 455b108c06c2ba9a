"""The repository stands on its own: no machine paths, no files outside it, no dangling § citations,
and the docs cite only paths that exist.

Every tracked text file (``git ls-files``; binary files and symlinks skipped) is scanned; the
README and docs/ are also checked for the repository paths and relative links they cite. A
failure names each offending ``file:line``.

Each pattern has one letter in brackets (``/hom[e]/``) so that the pattern's own text does not
match it and this file passes its own scan.
"""

from __future__ import annotations

import functools
import posixpath
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = "docs/dev/api-contract.md"

# An absolute path that only exists on one machine.
MACHINE_PATHS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a path under /work", re.compile(r"/wor[k]/")),
    ("a path under /root", re.compile(r"/roo[t]/")),
    ("a home directory", re.compile(r"/hom[e]/[A-Za-z_][\w.-]*")),
    ("a macOS home directory", re.compile(r"/User[s]/")),
    ("a Windows home directory", re.compile(r"[A-Za-z]:\\{1,2}User[s]\b")),
)

# A file that is not in the repository: the notes the project was started from.
OUTSIDE_FILES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("the shared reference notes", re.compile(r"shared/referenc[e]")),
    ("a sibling directory of the repository", re.compile(r"\.\./share[d]\b")),
    ("the API reference note (cite docs/dev/api-contract.md)", re.compile(r"wxo-models-ap[i]\.md")),
    ("the Pulumi research note", re.compile(r"pulumi-dynamic-provider[s]\.md")),
    ("a design note kept outside the repository", re.compile(r"\b(?:DESIG[N]|STYL[E])\.md\b")),
)

# "contract §2.1", "Contract §8", "the contract's §5", "api-contract §6",
# "docs/api-contract.md §7.2", "contract section 7.2": the start of a citation. Every
# section number after it on the same line is part of it ("contract §2, §10 item 4",
# "contract §7.1/§7.2", 'contract §2 "Create", §11').
CITATION = re.compile(r"\bcontract(?:\.md)?(?:'s)?\s*(?:§|sections?\s+(?=\d))", re.IGNORECASE)
SECTION_NUMBER = re.compile(r"(?:§|sections?\s+)(\d+(?:\.\d+)*)", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+§(\d+(?:\.\d+)*)\s")


@functools.cache
def ls_files() -> tuple[str, ...]:
    """Every tracked path (``git ls-files``), in its order."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"git ls-files failed in {ROOT}: {error}")
    return tuple(rel for rel in listing.decode("utf-8").split("\0") if rel)


@functools.cache
def tracked_text_files() -> tuple[tuple[str, str], ...]:
    """``(path, text)`` of every tracked file that is UTF-8 text, in ``git ls-files`` order."""
    files = []
    for rel in ls_files():
        path = ROOT / rel
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        try:
            files.append((rel, data.decode("utf-8")))
        except UnicodeDecodeError:
            continue  # not text
    return tuple(files)


def find(patterns: tuple[tuple[str, re.Pattern[str]], ...], files: tuple[tuple[str, str], ...]) -> list[str]:
    """``file:line: <what> 'match'`` for every pattern hit."""
    hits = []
    for rel, text in files:
        for number, line in enumerate(text.splitlines(), 1):
            for what, pattern in patterns:
                for match in pattern.finditer(line):
                    hits.append(f"{rel}:{number}: {what} {match.group(0)!r}")
    return hits


def cited_sections(files: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """``(file:line, section)`` for every contract section cited."""
    cited = []
    for rel, text in files:
        for number, line in enumerate(text.splitlines(), 1):
            start = CITATION.search(line)
            if start is None:
                continue
            for section in SECTION_NUMBER.finditer(line, start.start()):
                cited.append((f"{rel}:{number}", section.group(1)))
    return cited


def contract_sections() -> set[str]:
    path = ROOT / CONTRACT
    assert path.is_file(), f"{CONTRACT} is missing"
    return {m.group(1) for line in path.read_text("utf-8").splitlines() if (m := HEADING.match(line))}


def test_the_scanner_sees_the_repository() -> None:
    rels = {rel for rel, _ in tracked_text_files()}
    assert {"README.md", CONTRACT, "tests/unit/test_repo.py"} <= rels
    assert "LICENSE" in rels


def test_the_patterns_catch_what_they_are_for() -> None:
    samples = (
        ("a.md", "export PYTHON=" + "/wo" + "rk/main/.venv/bin/python\n"),
        ("b.py", "# see " + "/ho" + "me/alice/notes.txt and C:" + "\\" + "Users\\bob\n"),
        ("c.md", "from `" + "../sha" + "red/refer" + "ence/wxo-models-" + "api.md` §3\n"),
    )
    machine = find(MACHINE_PATHS, samples)
    outside = find(OUTSIDE_FILES, samples)
    assert [hit.split(": ")[0] for hit in machine] == ["a.md:1", "b.py:1", "b.py:1"]
    assert [hit.split(": ")[0] for hit in outside] == ["c.md:1", "c.md:1", "c.md:1"]
    assert find(MACHINE_PATHS, (("d.md", "run <repo>/.venv/bin/pytest and $PWD/.venv\n"),)) == []
    trace = '  "sourcePosition": "project:///../../../' + "ro" + 'ot/.pyenv/lib/threading.py#1002"\n'
    assert len(find(MACHINE_PATHS, (("tests/data/golden/state.json", trace),))) == 1


def test_no_absolute_path_of_a_particular_machine() -> None:
    hits = find(MACHINE_PATHS, tracked_text_files())
    assert not hits, "machine-specific paths (use <repo>/..., $PWD/... or a relative path):\n" + "\n".join(
        hits
    )


def test_no_reference_to_files_outside_the_repository() -> None:
    hits = find(OUTSIDE_FILES, tracked_text_files())
    assert not hits, "references to files outside the repository (cite docs/ instead):\n" + "\n".join(hits)


def test_citation_parsing() -> None:
    samples = (
        ("x.py", "# contract §2.1/§11: secrets; see also §8\n"),
        ("y.py", '"""(contract §2 "Create", §10 item 4)."""\n'),
        ("z.md", "the contract's §3.1 table, api-contract.md §6, Contract section 7.2\n"),
        ("w.md", "§5 alone is no citation; the contracts are signed\n"),
    )
    assert cited_sections(samples) == [
        ("x.py:1", "2.1"),
        ("x.py:1", "11"),
        ("x.py:1", "8"),
        ("y.py:1", "2"),
        ("y.py:1", "10"),
        ("z.md:1", "3.1"),
        ("z.md:1", "6"),
        ("z.md:1", "7.2"),
    ]


def test_every_cited_contract_section_exists() -> None:
    sections = contract_sections()
    assert {"1", "2", "2.1", "7.2", "11"} <= sections, f"{CONTRACT} headings: {sorted(sections)}"
    cited = cited_sections(tracked_text_files())
    assert len(cited) > 10, "no contract citations found: is the pattern still right?"
    missing = [f"{where}: §{section}" for where, section in cited if section not in sections]
    assert not missing, f"sections cited but not headings of {CONTRACT}:\n" + "\n".join(missing)


# --------------------------------------------------------------------------- cited paths

# The prose that cites repository paths: the README, CONTRIBUTING.md and docs/.
DOC_FILES = re.compile(r"^(?:README\.md|CONTRIBUTING\.md|docs/.+\.md)$")

# A repository path as the docs write it, backticked (`tests/unit/api/test_client.py`), as a
# link target ([guide](docs/client.md)) or in plain prose: it starts with a top-level folder,
# not inside a URL, another path or a shell variable (`$CACHE/...`, `~/.cache/...`).
CITED_PATH = re.compile(r"(?<![\w./~$-])(?:provider|tests|examples|scripts|bench|docs|\.ci)/[\w./*<>{}-]*")
# Only a path that names a file (an extension) or a folder (a trailing slash) is a citation;
# `tests/unit` in a sentence is the tier, not a claim about a path.
FILE_OR_FOLDER = re.compile(r"(?:/|\.\w+)$")
# Globs and placeholders (`tests/unit/api/test_*.py`, `test_<module>.py`) name no one path.
PATTERN_CHARS = frozenset("*<>{}")

# A relative Markdown link: [text](target), not a URL, an e-mail or an anchor on the page.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
NOT_RELATIVE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)


@functools.cache
def tracked_paths() -> frozenset[str]:
    """Every tracked path, symlinks included, and every folder holding one."""
    return known_paths(ls_files())


def known_paths(files: Iterable[str]) -> frozenset[str]:
    """The files, and each folder above one as ``folder/``."""
    known: set[str] = set()
    for rel in files:
        known.add(rel)
        parts = rel.split("/")
        known.update("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
    return frozenset(known)


def exists(path: str, known: frozenset[str]) -> bool:
    return path in known or path.rstrip("/") + "/" in known


def git_ignored(paths: Iterable[str]) -> set[str]:
    """The paths the repository's ignore rules exclude: outputs (``bench/results/``), never tracked."""
    given = sorted(set(paths))
    if not given:
        return set()
    proc = subprocess.run(
        ["git", "check-ignore", "--stdin", "-z"],
        cwd=ROOT,
        input="\0".join(given).encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=60,
    )
    if proc.returncode not in (0, 1):  # 1: none ignored
        pytest.fail(f"git check-ignore failed in {ROOT}: {proc.stderr.decode('utf-8', 'replace')}")
    return {p for p in proc.stdout.decode("utf-8").split("\0") if p}


def doc_files() -> tuple[tuple[str, str], ...]:
    return tuple((rel, text) for rel, text in tracked_text_files() if DOC_FILES.match(rel))


def cited_paths(files: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(file:line, path)`` for every repository path the docs cite (root-relative)."""
    cited = []
    for rel, text in files:
        for number, line in enumerate(text.splitlines(), 1):
            for match in CITED_PATH.finditer(line):
                path = match.group(0).rstrip(".,")
                if PATTERN_CHARS.intersection(path) or not FILE_OR_FOLDER.search(path):
                    continue
                cited.append((f"{rel}:{number}", path))
    return cited


def linked_paths(files: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """``(file:line, target, path)`` for every relative link, resolved against its file's folder."""
    linked = []
    for rel, text in files:
        folder = posixpath.dirname(rel)
        for number, line in enumerate(text.splitlines(), 1):
            for match in LINK.finditer(line):
                target = match.group(1)
                if NOT_RELATIVE.match(target):
                    continue
                bare = target.split("#", 1)[0]
                path = posixpath.normpath(posixpath.join(folder, bare))
                linked.append((f"{rel}:{number}", target, path + "/" if bare.endswith("/") else path))
    return linked


def test_the_path_scanner_finds_citations_and_only_them() -> None:
    samples = (
        (
            "a.md",
            "see `tests/unit/api/test_client.py::test_retry` and [the guide](docs/client.md).\n"
            "(tests/e2e/test_secrets_engine.py, tests/unit/test_resource.py[mock])\n"
            "results in `bench/results/`, links from examples/catalogue/.venv\n",
        ),
        (
            "b.md",
            "`tests/unit/api/test_*.py` and `tests/unit/specs/test_<module>.py` are patterns\n"
            "tests/unit runs first; https://example.org/x/docs/a.md, $CACHE/tests/b.py, ~/.cache/docs/c.md\n"
            "`provider/pulumi_wxo/_provider.py`; mypy checks examples/ too\n",
        ),
    )
    assert cited_paths(samples) == [
        ("a.md:1", "tests/unit/api/test_client.py"),
        ("a.md:1", "docs/client.md"),
        ("a.md:2", "tests/e2e/test_secrets_engine.py"),
        ("a.md:2", "tests/unit/test_resource.py"),
        ("a.md:3", "bench/results/"),
        ("a.md:3", "examples/catalogue/.venv"),
        ("b.md:3", "provider/pulumi_wxo/_provider.py"),
        ("b.md:3", "examples/"),
    ]
    known = known_paths(["tests/unit/api/test_client.py", "docs/client.md", "examples/catalogue/.venv"])
    assert exists("tests/unit/api/test_client.py", known)
    assert exists("tests/unit/api/", known) and exists("tests/unit/api", known) and exists("examples/", known)
    assert not exists("tests/unit/test_client.py", known)
    assert not exists("tests/unit/api/test_client", known)  # a prefix of a name is no folder


def test_the_link_scanner_resolves_against_the_linking_file() -> None:
    samples = (
        (
            "docs/a.md",
            "[contract](api-contract.md#2-models), [ref](reference/), [up](../README.md)\n"
            "[wrong](docs/b.md), [web](https://example.org/x.md), [here](#retries)\n",
        ),
        ("README.md", "[guide](docs/pulumi-cli.md), [mail](mailto:a@example.org)\n"),
    )
    assert [(where, path) for where, _, path in linked_paths(samples)] == [
        ("docs/a.md:1", "docs/api-contract.md"),
        ("docs/a.md:1", "docs/reference/"),
        ("docs/a.md:1", "README.md"),
        ("docs/a.md:2", "docs/docs/b.md"),
        ("README.md:1", "docs/pulumi-cli.md"),
    ]


def test_every_repository_path_cited_in_the_docs_exists() -> None:
    """A file or folder the docs name is in ``git ls-files``, or is an output git ignores.

    The one kind of untracked path a doc may name is what a command writes and the ignore rules
    keep out of the repository (``bench/results/latest.json``); anything else is stale.
    """
    files = doc_files()
    assert {"README.md", "docs/dev/lifecycle.md"} <= {rel for rel, _ in files}
    cited = cited_paths(files)
    assert len(cited) > 20, "no cited paths found: is the pattern still right?"
    known = tracked_paths()
    absent = [(where, path) for where, path in cited if not exists(path, known)]
    outputs = git_ignored(path for _, path in absent)
    missing = [f"{where}: {path}" for where, path in absent if path not in outputs]
    assert not missing, (
        "paths cited in the docs that are not in `git ls-files` (moved or deleted? cite the file "
        "as it is now):\n" + "\n".join(missing)
    )


def test_every_relative_link_in_the_docs_resolves() -> None:
    linked = linked_paths(doc_files())
    assert len(linked) > 10, "no relative links found: is the pattern still right?"
    known = tracked_paths()
    broken = [f"{where}: ({target}) -> {path}" for where, target, path in linked if not exists(path, known)]
    assert not broken, "relative links in the docs that lead to no tracked file:\n" + "\n".join(broken)
