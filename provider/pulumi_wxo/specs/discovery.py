"""Which files are spec files: paths, directories (recursive) and globs -> a sorted file list."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable

from pulumi_wxo.specs.results import Problem
from pulumi_wxo.specs.syntax import SKIPPED_SUFFIX, SPEC_SUFFIXES

PathsArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def as_list(paths: PathsArg) -> list[str]:
    if isinstance(paths, str | os.PathLike):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _is_spec_name(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered.endswith(SPEC_SUFFIXES) and not lowered.endswith(SKIPPED_SUFFIX) and not name.startswith(".")
    )


def find_spec_files(paths: PathsArg) -> tuple[list[str], list[Problem]]:
    """The spec files named by ``paths``: files, directories (searched recursively for
    ``*.yaml``, ``*.yml``, ``*.json``; hidden entries and ``*.schema.json`` skipped) or globs
    (``specs/**/*.yaml``). Each file once, in sorted order per argument."""
    files: list[str] = []
    seen: set[str] = set()
    problems: list[Problem] = []
    for raw in as_list(paths):
        found: list[str]
        if glob.has_magic(raw):
            found = sorted(
                f for f in glob.glob(raw, recursive=True) if os.path.isfile(f) and _is_spec_name(f)
            )
            if not found:
                problems.append(Problem(raw, None, "", "no spec files match this pattern"))
        elif os.path.isdir(raw):
            found = []
            for root, dirs, names in os.walk(raw):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(root, n) for n in sorted(names) if _is_spec_name(n)]
            if not found:
                problems.append(Problem(raw, None, "", "the directory holds no .yaml, .yml or .json files"))
        elif os.path.isfile(raw):
            if raw.lower().endswith(".py"):
                problems.append(
                    Problem(raw, None, "", "Python spec files are not supported; write the spec as YAML")
                )
                continue
            if not raw.lower().endswith(SPEC_SUFFIXES):
                problems.append(Problem(raw, None, "", "not a spec file (.yaml, .yml or .json)"))
                continue
            found = [raw]
        else:
            problems.append(Problem(raw, None, "", "no such file or directory"))
            continue
        files += [f for f in found if f not in seen]
        seen.update(found)
    return files, problems
