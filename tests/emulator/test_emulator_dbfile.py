"""The SQLite file holds secrets in clear (emulator/dbfile.py): created 0600 whatever the umask,
an existing one (and its journal files) tightened, a link or another user's file refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_wxo.emulator import DatabaseFileError, EmulatorSettings, EmulatorThread
from pulumi_wxo.emulator.__main__ import main
from pulumi_wxo.emulator.dbfile import SIDE_FILES, prepare_private_file
from pulumi_wxo.emulator.store import Store
from tests.support.emulator import EMULATOR_TOKEN as TOKEN
from tests.support.emulator import granite

pytestmark = pytest.mark.emulator


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: a file the emulator leaves to the default would be 0644 or 0666."""
    old = os.umask(0)
    yield
    os.umask(old)


def store(path: Path) -> Store:
    return Store(str(path), tenant_id="t", tenant_name="n", created_by="u")


def test_a_new_database_file_is_private_and_stays_so(open_umask: None, tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with EmulatorThread(EmulatorSettings(db=str(db), token=TOKEN)) as emu:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        response = httpx.post(f"{emu.url}/v1/models", json=granite(), headers=auth)
        assert response.status_code == 201
        assert mode(db) == 0o600
    assert b"sk-very-secret" in db.read_bytes()  # what the mode protects
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emulator.db"]
    assert mode(db) == 0o600


def test_sqlite_gives_its_journal_files_the_database_files_mode(open_umask: None, tmp_path: Path) -> None:
    db = tmp_path / "wal.db"
    s = store(db)
    try:
        s._conn.execute("PRAGMA journal_mode=WAL")  # a WAL and a shared-memory file appear
        s.reset()
        assert {p.name: mode(p) for p in tmp_path.iterdir()} == {
            "wal.db": 0o600,
            "wal.db-wal": 0o600,
            "wal.db-shm": 0o600,
        }
    finally:
        s.close()


def test_an_existing_readable_file_and_its_journals_are_tightened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    s = store(db)
    secret = s.jwt_secret()
    s.close()
    db.chmod(0o644)  # as sqlite3 made it before
    for side in SIDE_FILES:
        (tmp_path / f"old.db{side}").touch()
        (tmp_path / f"old.db{side}").chmod(0o666)
    prepare_private_file(str(db))  # what Store() does first
    assert {p.name: mode(p) for p in tmp_path.iterdir()} == dict.fromkeys(
        ["old.db", *(f"old.db{side}" for side in SIDE_FILES)], 0o600
    )
    s = store(db)
    try:
        assert s.jwt_secret() == secret  # the same database, only its mode changed
    finally:
        s.close()
    assert mode(db) == 0o600


def test_a_symbolic_link_is_refused_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.db"
    target.write_bytes(b"")
    target.chmod(0o644)
    link = tmp_path / "emulator.db"
    link.symlink_to(target)
    with pytest.raises(DatabaseFileError) as info:
        store(link)
    assert str(info.value) == (
        f"the database {link} is a symbolic link: give the real path (a link could point into "
        "another user's file)"
    )
    assert mode(target) == 0o644 and target.read_bytes() == b""
    (tmp_path / "emulator.db-journal").symlink_to(target)
    link.unlink()
    with pytest.raises(DatabaseFileError, match=r"emulator\.db-journal is a symbolic link"):
        store(link)


def test_another_users_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "theirs.db"
    db.write_bytes(b"")
    db.chmod(0o644)
    owner = db.stat().st_uid
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    with pytest.raises(DatabaseFileError) as info:
        prepare_private_file(str(db))
    assert str(info.value) == (
        f"the database {db} belongs to another user (uid {owner}), who could read its secrets: "
        "use a file of your own"
    )
    assert mode(db) == 0o644  # not touched


def test_what_is_no_file_is_refused_and_memory_is_left_alone(tmp_path: Path) -> None:
    with pytest.raises(DatabaseFileError, match=f"cannot open the database {tmp_path}: Is a directory"):
        prepare_private_file(str(tmp_path))
    missing = tmp_path / "missing" / "x.db"
    with pytest.raises(
        DatabaseFileError, match=r"cannot open the database .*x\.db: No such file or directory"
    ):
        prepare_private_file(str(missing))
    prepare_private_file(":memory:")
    prepare_private_file("")
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_says_what_is_wrong_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing" / "x.db"
    assert main(["--db", str(missing), "--port", "0"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"python -m pulumi_wxo.emulator: cannot open the database {missing}: {os.strerror(2)}\n"
