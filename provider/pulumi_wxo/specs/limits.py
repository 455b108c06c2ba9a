"""The bounds on what spec files (and ``--overrides`` files) may cost to read, in one place.

Spec files are untrusted input: ``pulumi-wxo validate`` and ``pulumi preview`` run on pull
requests, on CI runners that hold credentials. Every number here turns a file that would
otherwise take unbounded memory, time or file access into a ``file:line`` problem. A real spec
is a few hundred bytes and a few dozen nodes, so each bound is far above what a reviewed file
needs. docs/guide/specs.md ("Untrusted spec files") explains each one to users; keep it in step.
"""

from __future__ import annotations

__all__ = [
    "MAX_CERT_BYTES",
    "MAX_DEPTH",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_FILE_NODES",
    "MAX_NUMBER_CHARS",
    "MAX_TOTAL_NODES",
    "MAX_WALK_ENTRIES",
    "size_text",
]

# One spec or overrides file: read at most this many bytes (one more, to know it is larger).
MAX_FILE_BYTES = 1024 * 1024
# Nodes (mappings, lists, scalars) one file may expand to, each alias counted as the whole
# node it repeats: nine aliases per level make 9**n nodes out of a few hundred bytes.
MAX_FILE_NODES = 100_000
# The same, summed over every file one read_specs / declare call reads.
MAX_TOTAL_NODES = 1_000_000
# Nesting of mappings and lists (aliases included); the deepest real spec is a policy with a
# nested rule, about 6 levels. Parsers and the line walk recurse once per level. The schema
# then refuses inputs deeper than its own schema.bounds.MAX_DEPTH (32), by field path: this
# bound only keeps the parser safe, so it sits above that one.
MAX_DEPTH = 64
# Characters of one number (int or float). int() of a long digit string is quadratic, and
# Python refuses more than 4300 digits with a ValueError instead of a parse error.
MAX_NUMBER_CHARS = 100
# provider_config.server_cert_file: a PEM bundle of certificates.
MAX_CERT_BYTES = 64 * 1024
# Directory entries one path argument (a directory or a glob) may make the walk look at, and
# spec files one read may name: a symlinked tree or a huge checkout ends with a problem.
MAX_WALK_ENTRIES = 100_000
MAX_FILES = 10_000


def size_text(n: int) -> str:
    """``1048576`` -> ``1 MiB``; ``65536`` -> ``64 KiB`` (for messages)."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"
