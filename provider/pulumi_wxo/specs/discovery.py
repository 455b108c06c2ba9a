"""Which files are spec files: paths, directories (recursive) and globs -> a sorted file list.

The tree is untrusted too (a pull request can add symlinks and special files), so the walk is
ours rather than ``glob`` / ``os.walk``, which follow a symlink loop for ever:

* each directory is listed once per pattern position, known by ``(st_dev, st_ino)``;
* a symlink is followed only while its target stays inside the walked root (the directory
  argument, or a glob's fixed leading part); a spec file outside is an error and is not read,
  a folder outside is a warning and is not walked;
* only regular files are spec files: a FIFO or a device named ``x.yaml`` is a problem and is
  never opened;
* one argument may make the walk look at ``MAX_WALK_ENTRIES`` entries, and one read may name
  ``MAX_FILES`` spec files (:mod:`~pulumi_wxo.specs.limits`).
"""

from __future__ import annotations

import fnmatch
import glob
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field

from pulumi_wxo.specs.files import file_kind
from pulumi_wxo.specs.limits import MAX_FILES, MAX_WALK_ENTRIES
from pulumi_wxo.specs.results import Problem
from pulumi_wxo.specs.syntax import SKIPPED_SUFFIX, SPEC_SUFFIXES

PathsArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def as_list(paths: PathsArg) -> list[str]:
    if isinstance(paths, str | os.PathLike):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _is_spec_name(name: str) -> bool:
    base = os.path.basename(name)
    lowered = base.lower()
    return (
        lowered.endswith(SPEC_SUFFIXES) and not lowered.endswith(SKIPPED_SUFFIX) and not base.startswith(".")
    )


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([root, path]) == root
    except ValueError:  # another drive (Windows)
        return False


@dataclass
class _Walk:
    """One directory or glob argument being walked: its root, budget and problems."""

    label: str
    root: str  # realpath of the walked root
    problems: list[Problem]
    entries: int = 0
    visited: set[tuple[int, int, int]] = field(default_factory=set)
    full: bool = False

    def listing(self, directory: str) -> list[str]:
        """Sorted entry names of ``directory``, counted against ``MAX_WALK_ENTRIES``."""
        if self.full:
            return []
        try:
            names = sorted(os.listdir(directory))
        except OSError as err:
            self.problems.append(Problem(directory, None, "", f"cannot be listed: {err.strerror or err}"))
            return []
        self.entries += len(names)
        if self.entries > MAX_WALK_ENTRIES:
            self.full = True
            self.problems.append(
                Problem(
                    self.label,
                    None,
                    "",
                    f"the walk looked at more than {MAX_WALK_ENTRIES:,} entries and stopped; "
                    "name the spec folder itself",
                )
            )
            return []
        return names

    def inspect(self, path: str, *, file_ok: bool = True, dir_ok: bool = True) -> os.stat_result | None:
        """The target's stat when ``path`` may be followed; else None, and a problem when the
        walk wanted it (a spec file where ``file_ok``, a folder where ``dir_ok``)."""
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                st = os.stat(path)  # stat only: nothing is opened
                if not _inside(os.path.realpath(path), self.root):
                    # A folder outside is left out (os.walk never followed one either); a
                    # spec file that is not read must not pass silently.
                    folder = stat.S_ISDIR(st.st_mode)
                    if (dir_ok and folder) or (file_ok and not folder and _is_spec_name(path)):
                        self.problems.append(
                            Problem(
                                path,
                                None,
                                "",
                                f"is a symlink that leads outside {self.label}; not "
                                + ("followed" if folder else "read"),
                                "warning" if folder else "error",
                            )
                        )
                    return None
        except OSError as err:  # a broken symlink, a loop of them, a file gone meanwhile
            if file_ok and _is_spec_name(path):
                self.problems.append(Problem(path, None, "", f"cannot be read: {err.strerror or err}"))
            return None
        return st

    def first_visit(self, st: os.stat_result, position: int) -> bool:
        key = (st.st_dev, st.st_ino, position)
        if key in self.visited:
            return False
        self.visited.add(key)
        return True


def _not_regular(path: str, st: os.stat_result) -> Problem:
    return Problem(path, None, "", f"is {file_kind(st.st_mode)}, not a regular file; not read")


def _walk_dir(raw: str, problems: list[Problem]) -> list[str]:
    """Spec files under the directory ``raw``, depth first, each directory's files sorted."""
    walk = _Walk(raw, os.path.realpath(raw), problems)
    found: list[str] = []
    st = walk.inspect(raw)
    stack = [raw] if st is not None and walk.first_visit(st, 0) else []
    while stack:
        directory = stack.pop()
        subdirs: list[str] = []
        for name in walk.listing(directory):
            if name.startswith("."):
                continue
            path = os.path.join(directory, name)
            if not _is_spec_name(name) and not os.path.isdir(path):
                continue  # neither a spec file nor a folder: not even looked at
            target = walk.inspect(path)
            if target is None:
                continue
            if stat.S_ISDIR(target.st_mode):
                if walk.first_visit(target, 0):
                    subdirs.append(path)
            elif not _is_spec_name(name):
                continue
            elif stat.S_ISREG(target.st_mode):
                found.append(path)
            else:
                problems.append(_not_regular(path, target))
        stack += reversed(subdirs)
    return found


def _split_pattern(raw: str) -> tuple[str, list[str]]:
    """``specs/**/*.yaml`` -> (``specs``, [``**``, ``*.yaml``]): the fixed leading part and
    the components from the first one with a wildcard."""
    seps = os.sep + (os.altsep or "")
    parts: list[str] = []
    current = ""
    for char in raw:
        if char in seps:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    lead: list[str] = []
    while parts and not glob.has_magic(parts[0]):
        lead.append(parts.pop(0))
    prefix = os.sep.join(lead) if lead != [""] else os.sep
    return prefix, [p for p in parts if p]


def _matches(name: str, component: str) -> bool:
    # As glob: a wildcard does not match a hidden name unless the pattern starts with a dot.
    if name.startswith(".") and not component.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, component)


def _glob(raw: str, problems: list[Problem]) -> list[str]:
    """Spec files matching the glob ``raw`` (``**`` is any number of folders)."""
    prefix, parts = _split_pattern(raw)
    start = prefix or os.curdir
    walk = _Walk(prefix or os.curdir, os.path.realpath(start), problems)
    found: list[str] = []
    st = walk.inspect(start) if os.path.lexists(start) else None
    if st is None or not stat.S_ISDIR(st.st_mode) or not parts:
        return found
    # (folder, index of the pattern component to match in it, the folder's stat)
    stack: list[tuple[str, int, os.stat_result]] = []

    def push(path: str, position: int, st: os.stat_result) -> None:
        if walk.first_visit(st, position):
            stack.append((path, position, st))

    def visit(path: str, position: int, *, file_ok: bool, dir_ok: bool) -> None:
        target = walk.inspect(path, file_ok=file_ok, dir_ok=dir_ok)
        if target is None:
            return
        if stat.S_ISDIR(target.st_mode):
            if dir_ok:
                push(path, position, target)
        elif file_ok and _is_spec_name(path):
            if stat.S_ISREG(target.st_mode):
                found.append(path)
            else:
                problems.append(_not_regular(path, target))

    push(prefix, 0, st)
    while stack:
        directory, position, here = stack.pop()
        component = parts[position]
        last = position == len(parts) - 1
        listed = directory or os.curdir
        if component == "**":
            if not last:
                push(directory, position + 1, here)  # zero folders
            for name in walk.listing(listed):
                path = os.path.join(directory, name)
                # One more folder for **; when ** ends the pattern, files under it match too.
                if not name.startswith(".") and ((last and _is_spec_name(name)) or os.path.isdir(path)):
                    visit(path, position, file_ok=last, dir_ok=True)
        elif glob.has_magic(component):
            for name in walk.listing(listed):
                if _matches(name, component):
                    visit(os.path.join(directory, name), position + 1, file_ok=last, dir_ok=not last)
        elif os.path.lexists(path := os.path.join(directory, component)):
            visit(path, position + 1, file_ok=last, dir_ok=not last)
    return sorted(set(found))


def _explicit(raw: str, problems: list[Problem]) -> list[str]:
    """A path that names one file."""
    if raw.lower().endswith(".py"):
        problems.append(Problem(raw, None, "", "Python spec files are not supported; write the spec as YAML"))
        return []
    if not raw.lower().endswith(SPEC_SUFFIXES):
        problems.append(Problem(raw, None, "", "not a spec file (.yaml, .yml or .json)"))
        return []
    try:
        st = os.stat(raw)
    except OSError as err:
        problems.append(Problem(raw, None, "", f"cannot be read: {err.strerror or err}"))
        return []
    if not stat.S_ISREG(st.st_mode):
        problems.append(_not_regular(raw, st))
        return []
    return [raw]


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
            found = _glob(raw, problems)
            if not found:
                problems.append(Problem(raw, None, "", "no spec files match this pattern"))
        elif os.path.isdir(raw):
            found = _walk_dir(raw, problems)
            if not found:
                problems.append(Problem(raw, None, "", "the directory holds no .yaml, .yml or .json files"))
        elif os.path.lexists(raw):
            found = _explicit(raw, problems)
        else:
            problems.append(Problem(raw, None, "", "no such file or directory"))
            continue
        files += [f for f in found if f not in seen]
        seen.update(found)
        if len(files) > MAX_FILES:
            problems.append(
                Problem(raw, None, "", f"more than {MAX_FILES:,} spec files are named; check fewer at once")
            )
            return files[:MAX_FILES], problems
    return files, problems
