"""The repository stands on its own: no machine paths, no files outside it, no dangling § citations.

Every tracked text file (``git ls-files``; binary files and symlinks skipped) is scanned. A
failure names each offending ``file:line``.

Each pattern has one letter in brackets (``/hom[e]/``) so that the pattern's own text does not
match it and this file passes its own scan.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = "docs/api-contract.md"

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
    ("the API reference note (cite docs/api-contract.md)", re.compile(r"wxo-models-ap[i]\.md")),
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
def tracked_text_files() -> tuple[tuple[str, str], ...]:
    """``(path, text)`` of every tracked file that is UTF-8 text, in ``git ls-files`` order."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"git ls-files failed in {ROOT}: {error}")
    files = []
    for rel in listing.decode("utf-8").split("\0"):
        path = ROOT / rel
        if not rel or path.is_symlink() or not path.is_file():
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
