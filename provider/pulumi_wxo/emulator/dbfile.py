"""The SQLite file holds secrets in clear: :func:`prepare_private_file` makes sure only its owner
can read it, before sqlite3 opens it.

sqlite3 would create a new file 0644 (less the umask): readable by every user of the machine,
a shared CI runner included. So the file is created here first, 0600 with ``O_NOFOLLOW`` (a
symbolic link planted at the path is refused, not followed), and an existing one is checked: a
regular file, owned by this user, its group and other bits cleared. SQLite gives its rollback
journal and WAL files the database file's mode; existing ones (``-journal``, ``-wal``, ``-shm``)
get the same check.
"""

from __future__ import annotations

import os
import stat

__all__ = ["SIDE_FILES", "DatabaseFileError", "prepare_private_file"]

SIDE_FILES = ("-journal", "-wal", "-shm")


class DatabaseFileError(Exception):
    """The database file cannot be made private; the message names the file and what to do."""


def _is_file_path(path: str) -> bool:
    # ":memory:" and "" are SQLite's in-memory and temporary databases, not files.
    return path not in ("", ":memory:")


def _check(fd: int, path: str) -> None:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise DatabaseFileError(f"the database {path} is not a regular file")
    getuid = getattr(os, "getuid", None)
    if getuid is not None and st.st_uid != getuid():
        raise DatabaseFileError(
            f"the database {path} belongs to another user (uid {st.st_uid}), who could read its "
            "secrets: use a file of your own"
        )
    if st.st_mode & 0o077:
        # Tighten a file an older version (or sqlite3) created 0644; it is ours, so we may.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        else:  # pragma: no cover - Windows has no fchmod before Python 3.13
            os.chmod(path, 0o600)


def _open(path: str, flags: int) -> int:
    flags |= os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise DatabaseFileError(
                f"the database {path} is a symbolic link: give the real path (a link could point "
                "into another user's file)"
            ) from None
        raise DatabaseFileError(f"cannot open the database {path}: {exc.strerror}") from None


def prepare_private_file(path: str) -> None:
    """Create ``path`` 0600 if it is missing, else check it (and its journal files) as the module
    docstring says; :class:`DatabaseFileError` when that is not possible."""
    if not _is_file_path(path):
        return
    for name, flags in ((path, os.O_CREAT), *((path + side, 0) for side in SIDE_FILES)):
        if name != path and not os.path.lexists(name):
            continue
        fd = _open(name, flags)
        try:
            _check(fd, name)
        finally:
            os.close(fd)
