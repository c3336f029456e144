"""What must not be used as a history store is refused with a clear InputError (exit 2), password masked."""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from assessor.errors import InputError
from assessor.history import open_store
from tests.history.builders import S, assessment


def refused(url: str) -> InputError:
    with pytest.raises(InputError) as caught:
        open_store(url)
    assert caught.value.exit_code == 2
    return caught.value


def test_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """Another application's SQLite file is named as such; no table of ours is added to it."""
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers (name) VALUES ('Ada')")
    db.close()
    error = refused(f"sqlite:///{path}")
    assert "not an ir-assessor history store" in str(error) and "customers" in str(error)
    assert str(path) in str(error)
    with sqlite3.connect(path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert names == {"customers"}


def test_foreign_postgresql_database_is_refused(pg_url: str) -> None:
    """A PostgreSQL database that holds another application's tables is refused the same way."""
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id integer primary key)"))
    engine.dispose()
    assert "invoices" in str(refused(pg_url))


def test_random_bytes_file_is_refused(tmp_path: Path) -> None:
    """A corrupted file (random bytes) is reported as not an SQLite database, not a traceback."""
    path = tmp_path / "history.db"
    path.write_bytes(os.urandom(8192))
    error = refused(f"sqlite:///{path}")
    assert "not an SQLite database" in str(error)


def test_damaged_sqlite_file_is_refused(tmp_path: Path) -> None:
    """A file with an SQLite header but a damaged body fails with the database's own reason, as an InputError."""
    path = tmp_path / "history.db"
    with open_store(f"sqlite:///{path}") as store:
        store.record(assessment({"LC-01": S.PASS}))
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    data[16:len(data)] = os.urandom(len(data) - 16)
    path.write_bytes(bytes(data))
    error = refused(f"sqlite:///{path}")
    assert "cannot use the history store" in str(error) or "not an SQLite database" in str(error)


def test_store_from_a_newer_version_is_refused(store_url: str) -> None:
    """A store stamped with a revision this version does not know is never read or downgraded."""
    with open_store(store_url) as store:
        store.record(assessment({"LC-01": S.PASS}))
    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    error = refused(store_url)
    assert "0099_from_the_future" in str(error) and "newer version" in str(error)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_postgresql_is_refused_with_password_masked() -> None:
    """A server nobody listens on is an InputError naming the URL, never showing the password."""
    url = f"postgresql://alice:S3cret-Pa55@127.0.0.1:{_closed_port()}/history"
    error = refused(url)
    text = str(error)
    assert "S3cret-Pa55" not in text
    assert "postgresql://alice:***@127.0.0.1" in text
    assert "cannot use the history store" in text


def test_missing_postgresql_database_is_refused(pg_url: str) -> None:
    """A reachable server without the named database says so."""
    url = pg_url.rsplit("/", 1)[0] + "/no_such_history_db"
    assert "no_such_history_db" in str(refused(url))


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://user@host/db", "unsupported database"),
    ("sqlite://", "needs a file path"),
    ("sqlite:///:memory:", "needs a file path"),
    ("not a url", "not a database URL"),
])
def test_unusable_urls_are_refused(url: str, message: str) -> None:
    """URLs that cannot hold a history store are refused before anything is created."""
    assert message in str(refused(url))


def test_missing_parent_folder_is_refused(tmp_path: Path) -> None:
    """The SQLite file is created on first use, but its folder must exist (a typo is not silently made)."""
    error = refused(f"sqlite:///{tmp_path / 'nope' / 'history.db'}")
    assert "does not exist" in str(error)
    assert not (tmp_path / "nope").exists()


def test_folder_instead_of_file_is_refused(tmp_path: Path) -> None:
    """Pointing at a folder is a clear error."""
    assert "is a folder" in str(refused(f"sqlite:///{tmp_path}"))
