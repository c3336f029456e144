"""A throwaway PostgreSQL cluster for the history tests, and a `store_url` fixture run on SQLite and PostgreSQL.

The cluster is made with `initdb` + `pg_ctl` on 127.0.0.1 (free port, socket in a temp folder, trust auth). If the
binaries are missing the PostgreSQL tests FAIL, unless IR_SKIP_POSTGRES=1 asks to skip them: never a silent skip.
IR_TEST_POSTGRES_URL=postgresql://user@host:port/db uses a running server instead (each test gets a new database).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.pg_cluster import ClusterError, throwaway_cluster

SKIP_VAR = "IR_SKIP_POSTGRES"
EXTERNAL_VAR = "IR_TEST_POSTGRES_URL"


@dataclass
class PgServer:
    admin_url: str  # postgresql://user@host:port/postgres

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = f"irh_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # name is ours: hex only
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if os.environ.get(SKIP_VAR) == "1":
        pytest.skip(f"{SKIP_VAR}=1: PostgreSQL tests skipped on request")
    external = os.environ.get(EXTERNAL_VAR)
    if external:
        yield PgServer(external)
        return
    with contextlib.ExitStack() as stack:
        try:
            admin = stack.enter_context(throwaway_cluster(settings=("max_connections=60",)))
        except ClusterError as exc:
            pytest.fail(f"{exc}; install postgresql, or set {SKIP_VAR}=1 to skip these tests explicitly")
        yield PgServer(admin)


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
