"""``pulumi-wxo review``: ``pulumi preview --json`` documents into a pull-request comment.

Reads each document with the spec files' bounded readers (a regular file, at most
``MAX_PREVIEW_BYTES``, nesting and values counted before ``json.loads``); the renderer
(``pulumi_wxo.review``) is pure. Exit status (docs/guide/cli.md, "review"): 0 when nothing changes,
:data:`EXIT_CHANGES` when something does, 1 when a document cannot be read or is not a
preview, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from pulumi_wxo.cli.common import add_command, count, err
from pulumi_wxo.cli.console import visible

__all__ = ["EXIT_CHANGES", "MAX_PREVIEW_BYTES", "MAX_PREVIEW_NODES", "add_parser", "run"]

#: The exit status when the previews change something, or report an error (0: nothing changes;
#: 1: bad input; 2: usage, as for every command).
EXIT_CHANGES = 3
#: One preview document: a stack of thousands of models previews in a few MiB.
MAX_PREVIEW_BYTES = 256 * 1024 * 1024
#: JSON values one document may hold (counted on the text, before it is parsed).
MAX_PREVIEW_NODES = 20_000_000
GITHUB_COMMENT_LIMIT = 65536


_SUMMARY = "write a pull-request comment (Markdown) from `pulumi preview --json` output"
_DESCRIPTION = (
    "Read one `pulumi preview --json` document per stack (either host; the plain "
    "output or PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1's event stream) and write GitHub-flavoured "
    "Markdown for a pull-request comment: a summary per stack, each changed model and policy with "
    "its fields before and after, adoptions, replacements and deletions with their reasons, a "
    "policy's targets and weights, and policy-pack violations. Secrets are never shown. Exit 0 "
    f"when nothing changes, {EXIT_CHANGES} when something does, 1 when a document cannot be read."
)
_EXAMPLES = """\
  pulumi preview --json --stack dev > dev.json
  pulumi-wxo review dev.json prod.json --output-dir review/   # review/review-1.md, ...
  pulumi preview --json | pulumi-wxo review > comment.md"""


def add_parser(sub: Any) -> None:
    parser = add_command(sub, "review", _SUMMARY, _DESCRIPTION, _EXAMPLES)
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="preview documents, one per stack ('-' or none: stdin)"
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        help="write review-1.md, review-2.md, ... (one per comment) into DIR instead of stdout",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=GITHUB_COMMENT_LIMIT,
        metavar="N",
        help=f"the largest part, in bytes (default {GITHUB_COMMENT_LIMIT:,}: GitHub's comment limit)",
    )


class _Unreadable(Exception):
    pass


def _read(name: str) -> bytes:
    from pulumi_wxo.specs.files import Unreadable, read_bounded
    from pulumi_wxo.specs.limits import size_text

    if name == "-":
        data = sys.stdin.buffer.read(MAX_PREVIEW_BYTES + 1)
        if len(data) > MAX_PREVIEW_BYTES:
            raise _Unreadable(f"is larger than {size_text(MAX_PREVIEW_BYTES)}")
        return data
    got = read_bounded(name, MAX_PREVIEW_BYTES)
    if isinstance(got, Unreadable):
        raise _Unreadable(got.reason)
    return got


def _loads(text: str) -> Any:
    """One JSON document, or the event stream (one JSON object per line) as a list."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as first:
        if first.msg != "Extra data" or not text.lstrip().startswith("{"):
            raise _Unreadable(f"line {first.lineno} column {first.colno}: not JSON ({first.msg})") from None
    events = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError as bad:
                raise _Unreadable(f"line {number}: not a JSON event ({bad.msg})") from None
    return events


def load_document(name: str) -> Any:
    """The JSON value of the document ``name`` ('-': stdin); _Unreadable says why not."""
    from pulumi_wxo.specs.bounded import scan_json
    from pulumi_wxo.specs.files import Unreadable, decode_text

    text = decode_text(_read(name))
    if isinstance(text, Unreadable):
        raise _Unreadable(f"line {text.line}: {text.reason}")
    _, crossed = scan_json(text, MAX_PREVIEW_NODES)
    if crossed is not None:
        line, why = crossed
        raise _Unreadable(f"line {line}: {why or f'holds more than {MAX_PREVIEW_NODES:,} values'}")
    return _loads(text)


def _write(parts: list[str], output_dir: str | None) -> None:
    if output_dir is None:
        sys.stdout.write("\n---\n\n".join(parts))
        return
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("review-*.md"):
        stale.unlink()
    for i, part in enumerate(parts, 1):
        path = folder / f"review-{i}.md"
        path.write_text(part, encoding="utf-8")
        print(path)


def run(args: argparse.Namespace) -> int:
    from pulumi_wxo.review import MIN_PART_BYTES, ReviewError, parse_preview, render
    from pulumi_wxo.schema import is_secret_key

    if args.max_bytes < MIN_PART_BYTES:
        err(f"pulumi-wxo review: --max-bytes must be at least {MIN_PART_BYTES}")
        return 2
    names = list(args.files) or ["-"]
    if names.count("-") > 1:
        err("pulumi-wxo review: stdin ('-') can be read only once")
        return 2
    previews = []
    for name in names:
        label = "<stdin>" if name == "-" else name
        try:
            previews.append(parse_preview(load_document(name), os.path.basename(label)))
        except _Unreadable as why:
            err(visible(f"pulumi-wxo review: {label}: {why}"))
            return 1
        except ReviewError as bad:
            err(visible(f"pulumi-wxo review: {label}: {bad.where + ': ' if bad.where else ''}{bad.message}"))
            return 1
    review = render(previews, is_secret_key=is_secret_key, max_bytes=args.max_bytes)
    _write(review.parts, args.output_dir)
    attention = review.changed or review.errors
    found = ("changes" if review.changed else "no changes") + (
        f", {count(review.errors, 'preview error')}" if review.errors else ""
    )
    err(
        f"pulumi-wxo review: {count(len(previews), 'stack')}, {count(len(review.parts), 'part')}; "
        f"{found}: exit {EXIT_CHANGES if attention else 0}"
    )
    return EXIT_CHANGES if attention else 0
