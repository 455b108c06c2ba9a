"""What the commands share: messages on stderr, counted words, name patterns, and the shape
of a subcommand's parser (help, description, examples)."""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi_wxo._text import inert, visible


def err(*lines: str) -> None:
    """Each of ``lines`` on stderr as one line, made inert (``pulumi_wxo._text``): messages quote
    what a server or a file said, so a line break in it is shown as ``\x0a``, no control
    character reaches the terminal and no line is a CI workflow command."""
    for line in lines:
        print(inert(visible(line)), file=sys.stderr)


def count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def name_matches(name: str, patterns: Sequence[str]) -> bool:
    """True when ``name`` matches one of the shell-style ``patterns`` (none: everything).

    A pattern without the ``virtual-model/`` / ``virtual-policy/`` prefix matches as if the
    prefix were there, so ``--name 'openai/*'`` finds ``virtual-model/openai/gpt-4o``.
    """
    if not patterns:
        return True
    short = name.split("/", 1)[1] if name.startswith(("virtual-model/", "virtual-policy/")) else name
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(short, p) for p in patterns)


def add_command(
    sub: Any, name: str, help_text: str, description: str, example: str
) -> argparse.ArgumentParser:
    """A subcommand's parser: ``help_text`` is its line in the command list, ``description``
    heads its --help, and ``example`` is shown under ``example:`` (``examples:``) at the end."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=f"example{'s' if example.count(chr(10)) else ''}:\n{example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def write_files(files: Mapping[Path, str]) -> None:
    """Write every file whole or none of them: each text is encoded first (a text that is not
    UTF-8, a lone surrogate, is a ``ValueError`` before anything is written), written to a
    temporary file beside its target, and only when all are written are they renamed over
    their targets."""
    data = {path: text.encode("utf-8") for path, text in files.items()}
    written: dict[Path, str] = {}
    try:
        for path, payload in data.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pulumi-wxo.", suffix=".tmp")
            written[path] = tmp
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
        for path, tmp in written.items():
            os.replace(tmp, path)
    except BaseException:
        for tmp in written.values():
            Path(tmp).unlink(missing_ok=True)
        raise
