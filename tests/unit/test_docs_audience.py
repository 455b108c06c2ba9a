"""Docs by audience: user pages speak to users, and docs/README.md lists every page.

User pages are the README, ``docs/guide/`` and ``templates/``. Which test proves a behaviour,
how a number was measured and anything about the project's own machines belong on the pages
for contributors (``docs/dev/``, CONTRIBUTING.md). A failure names each ``file:line``.

Each pattern has one character in brackets (``machine kin[d]``), as in test_repo.py, so that a
scan of this file's own text would not match it.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
INDEX = "docs/README.md"

USER_PAGES = re.compile(r"^(?:README\.md|docs/guide/.+|templates/.+)$")

# Wording written for the project's developers, with what to do instead.
DEVELOPER_WORDING: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a build machine",
        re.compile(
            r"\b(?:machine kin[d]|build machin[e]|CI machin[e]|development machin[e]|this machin[e])\b", re.I
        ),
    ),
    ("a machine's core count", re.compile(r"\b\d+[-\s](?:cor[e]s?|vCP[U]s?)\b", re.I)),
    (
        "other people's work",
        re.compile(r"\bother (?:engineer[s]|job[s]|session[s]|helper[s]|team[s]'? test)", re.I),
    ),
    (
        "an issue or a session",
        re.compile(r"\b(?:issu[e]|sessio[n]) #?\d+\b|\bissu[e] [\"\u201c]|\bfiled b[y]\b", re.I),
    ),
    ("a test module", re.compile(r"\btest_\w+\.p[y]\b|\bconftes[t]\b")),
    ("a test folder", re.compile(r"\btests/(?:uni[t]|emulato[r]|e2[e])\b")),
    ("the test runner", re.compile(r"\bpytes[t]\b")),
)

LINK = re.compile(r"\[[^\]]*\]\(([^)\s#]+)(?:#[^)\s]*)?\)")


def tracked(pattern: re.Pattern[str]) -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
    return [rel for rel in listing.stdout.decode("utf-8").split("\0") if rel and pattern.match(rel)]


def read_text(rel: str) -> str | None:
    path = ROOT / rel
    if path.is_symlink() or not path.is_file():
        return None
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def developer_wording(files: list[tuple[str, str]]) -> list[str]:
    """``file:line: <what> 'match'`` for each phrase of ``DEVELOPER_WORDING``."""
    hits = []
    for rel, text in files:
        for number, line in enumerate(text.splitlines(), 1):
            for what, pattern in DEVELOPER_WORDING:
                hits += [f"{rel}:{number}: {what} {m.group(0)!r}" for m in pattern.finditer(line)]
    return hits


def test_the_guard_catches_each_phrase_and_only_them() -> None:
    bad = (
        "Measured on this project's " + "2-core machine kind, on a quiet machine.\n"
        "Measured on this machine: 2 cores, shared with other engineers' test runs.\n"
        "see issue 19; tested by `tests/e2e/test_model_engine.py::test_x` under pytest\n"
        '(issue "one request per model")\n'
        "the fixtures of tests/conftest.py, on a 2-vCPU runner\n"
    )
    hits = developer_wording([("README.md", bad)])
    assert [hit.split(": ", 1)[1] for hit in hits] == [
        "a build machine 'machine kind'",
        "a machine's core count '2-core'",
        "a build machine 'this machine'",
        "a machine's core count '2 cores'",
        "other people's work 'other engineers'",
        "an issue or a session 'issue 19'",
        "a test module 'test_model_engine.py'",
        "a test folder 'tests/e2e'",
        "the test runner 'pytest'",
        "an issue or a session 'issue \"'",
        "a machine's core count '2-vCPU'",
        "a test module 'conftest'",
    ]
    fine = (
        "write the pack on the machine (or in the CI job) that runs it\n"
        "`aws_session_token`, the `issues: write` permission, `pulumi-wxo validate`\n"
        "tests/data is not cited; `scripts/sdks.sh` is a script\n"
        "runs on every core; the model test-model; `pulumi preview` tests nothing\n"
    )
    assert developer_wording([("docs/guide/x.md", fine)]) == []


def test_user_pages_carry_no_developer_wording() -> None:
    files = [(rel, text) for rel in tracked(USER_PAGES) if (text := read_text(rel)) is not None]
    assert {"README.md", "docs/guide/getting-started.md"} <= {rel for rel, _ in files}
    hits = developer_wording(files)
    assert not hits, (
        "wording for the project's developers on user pages (move it to docs/dev/, e.g. "
        "docs/dev/guide-evidence.md, or CONTRIBUTING.md):\n" + "\n".join(hits)
    )


def test_the_docs_index_lists_every_page() -> None:
    pages = set(tracked(re.compile(r"^docs/.+\.md$"))) - {INDEX}
    assert {"docs/guide/cli.md", "docs/dev/api-contract.md", "docs/reference/model.md"} <= pages
    text = read_text(INDEX)
    assert text is not None, f"{INDEX} is missing"
    linked = {posixpath.normpath(posixpath.join("docs", m.group(1))) for m in LINK.finditer(text)}
    missing = sorted(pages - linked)
    assert not missing, f"pages that {INDEX} does not list (add a line for each):\n" + "\n".join(missing)


def test_every_page_is_in_an_audience_folder() -> None:
    loose = [rel for rel in tracked(re.compile(r"^docs/[^/]+$")) if rel != INDEX]
    assert not loose, (
        "pages directly under docs/ (put each in docs/guide/ for users, docs/dev/ for "
        "contributors, or generate it into docs/reference/):\n" + "\n".join(loose)
    )


# A command that installs the package from an index, which does not hold it yet (the pages give
# a wheel, a path or a Git URL instead). Prose that says so ("`pip install pulumi-wxo` does not
# work yet") is not a command: the closing backtick follows the name.
INDEX_INSTALL = re.compile(r"pip install ['\"]?pulumi-wx[o](?:\[[^\]]*\])?['\"]?[ \t]*(?:$|#|&&|;)", re.M)


def test_the_guard_catches_an_index_install_and_only_it() -> None:
    bad = "python -m venv v && v/bin/pip install pulumi-wxo\npip install 'pulumi-wxo[emulator]'  # x\n"
    assert len(INDEX_INSTALL.findall(bad)) == 2
    fine = (
        "`pip install pulumi-wxo` does not work yet\n"
        "becomes `pip install 'pulumi-wxo[emulator]'` (the extra)\n"
        "pip install '/path/to/pulumi-wxo[emulator]'\n"
        "pip install 'pulumi-wxo[emulator] @ git+https://github.com/pulumi-wxo/pulumi-wxo'\n"
    )
    assert INDEX_INSTALL.findall(fine) == []


def test_user_pages_give_no_install_from_an_index() -> None:
    hits = [
        f"{rel}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0).strip()!r}"
        for rel in tracked(USER_PAGES)
        if (text := read_text(rel)) is not None
        for m in INDEX_INSTALL.finditer(text)
    ]
    assert not hits, (
        "the package is on no index yet; install from a wheel, a path or a Git URL:\n" + "\n".join(hits)
    )
