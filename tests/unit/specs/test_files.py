"""specs.files: regular files only, never a FIFO or a device opened, at most cap + 1 bytes read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pulumi_wxo.specs.files import Unreadable, decode_text, read_bounded

pytestmark = pytest.mark.unit


@pytest.mark.timeout(10)  # a guard: opening a FIFO for reading would block for ever
def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    got = read_bounded(str(fifo), 1024)
    assert got == Unreadable("is a FIFO (named pipe), not a regular file; not read", cause="kind")


@pytest.mark.timeout(10)  # a guard: /dev/zero never ends
def test_a_device_behind_a_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    got = read_bounded(str(link), 1024)
    assert isinstance(got, Unreadable) and got.reason.startswith("is a character device")
    # Asked not to follow a symlink (the caller resolved the path), the link itself is refused.
    assert read_bounded(str(link), 1024, follow_symlinks=False) == Unreadable(
        "is a symlink, not a regular file; not read", cause="kind"
    )


def test_at_most_the_cap_is_read_and_the_line_where_it_stopped_is_named(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * 30)  # 150 bytes
    assert read_bounded(str(path), 150) == b"a: 1\n" * 30
    got = read_bounded(str(path), 149)
    assert got == Unreadable("is larger than 149 bytes", 30, "size")
    assert read_bounded(str(tmp_path / "missing.yaml"), 10) == Unreadable(
        "No such file or directory", cause="os"
    )
    assert read_bounded(str(tmp_path) + "/\0.yaml", 10) == Unreadable(
        "the path holds a NUL character", cause="os"
    )
    assert read_bounded(str(tmp_path), 10) == Unreadable(
        "is a directory, not a regular file; not read", cause="kind"
    )


def test_text_must_be_utf8_and_the_bad_line_is_named() -> None:
    assert decode_text("é\n".encode()) == "é\n"
    assert decode_text(b"a: 1\nb: \xff\n") == Unreadable("is not UTF-8 text", 2, "text")
