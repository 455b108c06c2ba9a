"""What the commands share: messages on stderr, counted words, name patterns, and the shape
of a subcommand's parser (help, description, examples)."""

from __future__ import annotations

import argparse
import fnmatch
import sys
from collections.abc import Sequence
from typing import Any


def err(text: str) -> None:
    print(text, file=sys.stderr)


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
    sub: Any, name: str, *, help_text: str, description: str, example: str
) -> argparse.ArgumentParser:
    """A subcommand's parser; ``example`` is shown under ``example:`` (``examples:``) in --help."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=f"example{'s' if example.count(chr(10)) else ''}:\n{example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser
