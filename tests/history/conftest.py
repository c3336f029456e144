"""A throwaway PostgreSQL cluster for the history tests, and a `store_url` fixture run on SQLite and PostgreSQL.

The cluster is made with `initdb` + `pg_ctl` on 127.0.0.1 (free port, socket in a temp folder, trust auth). If the
binaries are missing the PostgreSQL tests FAIL, unless IR_SKIP_POSTGRES=1 asks to skip them: never a silent skip.
IR_TEST_POSTGRES_URL=postgresql://user@host:port/db uses a running server instead (each test gets a new database).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

SKIP_VAR = "IR_SKIP_POSTGRES"
EXTERNAL_VAR = "IR_TEST_POSTGRES_URL"


def _pg_bindir() -> Path | None:
    candidates = [os.path.dirname(p) for p in (shutil.which("pg_ctl"),) if p]
    candidates += ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if all(os.access(os.path.join(folder, exe), os.X_OK) for exe in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    admin_url: str  # postgresql://user@host:port/postgres

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = f"irh_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # name is ours: hex only
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)


def _run_as(user: str | None, args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, user=user, check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if os.environ.get(SKIP_VAR) == "1":
        pytest.skip(f"{SKIP_VAR}=1: PostgreSQL tests skipped on request")
    external = os.environ.get(EXTERNAL_VAR)
    if external:
        yield PgServer(external)
        return
    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL binaries (initdb, pg_ctl, postgres) not found on PATH, in /usr/local/bin or "
                    f"/usr/lib/postgresql/*/bin: install postgresql, or set {SKIP_VAR}=1 to skip these tests "
                    "explicitly")
    # PostgreSQL refuses to run as root; in a root container run it as an unprivileged account.
    user: str | None = None
    if os.geteuid() == 0:
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                user = name
                break
    base = Path(tempfile.mkdtemp(prefix="ir-history-pg-"))
    if user is not None:
        os.chown(base, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    data, port = base / "data", _free_port()
    try:
        _run_as(user, [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                       "--no-sync"])
        _run_as(user, [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
                       "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                             "-c max_connections=60", "start"])
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        log = base / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"could not start a throwaway PostgreSQL from {bindir}: {exc}\n{tail}")
    try:
        yield PgServer(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    finally:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            _run_as(user, [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    return pg_server.new_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for a new, empty store, once per database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()
