"""Reading a file that a pull request may have planted: regular files only, a bounded number of
bytes, never a FIFO or a device opened.

``Path.read_text`` would block forever on a FIFO named ``x.yaml``, read a symlink to
``/dev/zero`` until memory runs out, and trust ``st_size``, which is 0 for ``/proc`` files. Here
the file is ``stat``-ed first and opened only when it is a regular file; the open is
non-blocking and re-checked with ``fstat`` (the same inode, still regular), and at most
``cap + 1`` bytes are read, so "larger than the cap" is known without reading the rest.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Literal

from pulumi_wxo.specs.limits import size_text

__all__ = ["Cause", "Unreadable", "decode_text", "file_kind", "read_bounded"]

_CHUNK = 64 * 1024
# Absent on some platforms (Windows has neither O_NONBLOCK nor O_NOFOLLOW): 0 leaves them out.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


Cause = Literal["os", "kind", "size", "text", "content"]


@dataclass(frozen=True)
class Unreadable:
    """Why a file was not read (or not accepted): a message fragment such as ``is a FIFO
    (named pipe), not a regular file``, the line it concerns when there is one, and its cause
    (``os``: the system's error, ``kind``: not a regular file, ``size``: over the cap,
    ``text``: not UTF-8, ``content``: read but refused)."""

    reason: str
    line: int | None = None
    cause: Cause = "content"


def file_kind(mode: int) -> str:
    """What a non-regular file is, for a message."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _oserror(err: OSError) -> Unreadable:
    return Unreadable(err.strerror or type(err).__name__, cause="os")


def read_bounded(path: str, cap: int, *, follow_symlinks: bool = True) -> bytes | Unreadable:
    """At most ``cap`` bytes of the regular file ``path``, or why not.

    ``follow_symlinks=False`` refuses a symlink as the last component (``O_NOFOLLOW``): the
    caller has resolved the path and checked where it leads.
    """
    try:
        st = os.stat(path, follow_symlinks=follow_symlinks)
    except OSError as err:
        return _oserror(err)
    except ValueError:  # a NUL character in the path
        return Unreadable("the path holds a NUL character", cause="os")
    if not stat.S_ISREG(st.st_mode):
        what = "a symlink" if stat.S_ISLNK(st.st_mode) else file_kind(st.st_mode)
        return Unreadable(f"is {what}, not a regular file; not read", cause="kind")
    flags = _OPEN_FLAGS | (0 if follow_symlinks else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as err:
        return _oserror(err)
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            return Unreadable("changed while it was being opened; not read", cause="kind")
        chunks: list[bytes] = []
        total = 0
        while total <= cap:
            chunk = os.read(fd, min(_CHUNK, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as err:
        return _oserror(err)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > cap:
        # The line reading stopped at: where to start splitting the file.
        return Unreadable(f"is larger than {size_text(cap)}", data[:cap].count(b"\n") + 1, "size")
    return data


def decode_text(data: bytes) -> str | Unreadable:
    """UTF-8 text, or the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        return Unreadable("is not UTF-8 text", data[: err.start].count(b"\n") + 1, "text")
