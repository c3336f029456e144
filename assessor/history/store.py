"""Open, migrate and use a history store: SQLite for one machine, PostgreSQL for a team, one code path.

Opening a store brings its schema to this version's head (Alembic) inside one locked transaction, so two processes
opening a new store at once do not both create it. What cannot be read safely is refused with an InputError (exit
2) that names the store with its password masked: a file that is not SQLite, another application's database, a
store written by a newer version, a server that cannot be reached.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from assessor.errors import InputError
from assessor.history import schema
from assessor.history.models import ControlState, RunInput, RunSummary, StoredFinding, StoredRun, TrendPoint

if TYPE_CHECKING:
    from assessor.models import Assessment

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions (a test checks it is Alembic's head). A store already there is opened
# without loading Alembic, which costs about 0.3 s of imports: `diff` and `history list` stay quick.
HEAD_REVISION = "0002_runs_scope_index"
SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_BUSY_TIMEOUT_MS = 60_000  # a writer waits this long for another process's transaction
PG_CONNECT_TIMEOUT_S = 10
PG_MIGRATION_LOCK = 0x1A55E5502  # pg_advisory_xact_lock key: only one process migrates a database at a time
WRITE = "ir_history_write"  # execution option marking a transaction that will write


def scope_key(assessment: Assessment) -> str:
    """Stable key of what was assessed: the same accounts give the same key, whatever their order."""
    return hashlib.sha256("\n".join(_scope(assessment)).encode()).hexdigest()[:16]


def _scope(assessment: Assessment) -> list[str]:
    return sorted({f"{s.provider}:{s.account_id}" for s in assessment.scopes})


def _utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive (we store UTC); PostgreSQL in the session's zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _masked(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _first_line(exc: BaseException, url: URL) -> str:
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if url.password:  # drivers rarely echo it, but never let one through
        text = text.replace(str(url.password), "***")
    return text


def _parse(url_text: str) -> tuple[URL, str]:
    """The URL to connect with (psycopg 3 driver for PostgreSQL) and the URL to show (as given, password masked)."""
    try:
        url = make_url(url_text)
    except ArgumentError:
        raise InputError("not a database URL; use sqlite:///path/history.db or postgresql://user@host/db",
                         key="--history") from None
    shown = _masked(url)
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg"), shown
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        if not url.database or url.database == ":memory:":
            raise InputError(f"{shown}: a history store needs a file path, e.g. sqlite:///history.db",
                             key="--history")
        parent = Path(url.database).expanduser().resolve().parent
        if not parent.is_dir():
            raise InputError(f"{shown}: folder {parent} does not exist; create it first", key="--history")
        return url.set(drivername="sqlite+pysqlite"), shown
    raise InputError(f"{shown}: unsupported database {url.drivername!r}; use sqlite:///path or postgresql://...",
                     key="--history")


def _sqlite_file_check(url: URL, shown: str) -> None:
    """Refuse a file that is not SQLite before SQLite tries (and fails obscurely, or writes a WAL beside it)."""
    path = Path(str(url.database)).expanduser()
    if path.is_dir():
        raise InputError(f"{shown}: {path} is a folder, not a database file", key="--history")
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
        if head != SQLITE_MAGIC:
            raise InputError(f"{shown}: {path} is not an SQLite database (corrupted, or another kind of "
                             "file); point --history at a new file", key="--history")


def _switch_to_wal(cursor: Any) -> None:
    """Put the file in WAL mode, riding out the race of several processes creating one new store.

    Two connections switching a new file to WAL at the same moment can deadlock on its locks; SQLite then answers
    "database is locked" at once instead of calling the busy handler. One of them wins, so the others retry (with
    jittered backoff, up to the busy timeout) and find the file already in WAL mode.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            contended = "locked" in str(exc) or "busy" in str(exc)
            if not contended or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.25)


def _engine(url: URL, shown: str) -> Engine:
    if url.get_backend_name() == "sqlite":
        _sqlite_file_check(url, shown)
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # We issue BEGIN ourselves (below); the driver's own implicit transactions would start deferred.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _switch_to_wal(cursor)  # readers never block the writer, nor it them
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # A writer takes the write lock up front (IMMEDIATE), so a second writer waits out the busy timeout
            # instead of failing when both started by reading; readers start deferred and never wait (WAL).
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

        return engine
    return sa.create_engine(url, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S}, pool_pre_ping=True)


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _migrate(conn: Connection, shown: str) -> None:
    """Bring the schema to head, or refuse a database we must not touch. Runs inside the caller's transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" in tables:
        stamped = {row[0] for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
        if stamped == {HEAD_REVISION}:
            return  # already at this version's head: nothing to check further
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    cfg = _alembic_config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    if "alembic_version" not in tables:
        if tables:
            listed = ", ".join(sorted(tables)[:8])
            raise InputError(f"{shown}: not an ir-assessor history store (it holds other tables: {listed}); "
                             "point --history at a new file or an empty database", key="--history")
    else:
        current = MigrationContext.configure(conn).get_current_heads()
        for revision in current:
            try:
                known = script.get_revision(revision)
            except CommandError:
                known = None
            if known is None:
                raise InputError(f"{shown}: the store is at schema revision {revision!r}, unknown to this "
                                 f"ir-assessor (which knows up to {head!r}); it was written by a newer version or "
                                 "another application: upgrade ir-assessor or use another store", key="--history")
        if tuple(current) == (head,):
            return
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def open_store(url: str) -> HistoryStore:
    """Open (creating or migrating as needed) the history store at `url`."""
    parsed, shown = _parse(url)
    engine = _engine(parsed, shown)
    try:
        with engine.execution_options(**{WRITE: True}).begin() as conn:
            _migrate(conn, shown)
    except InputError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise InputError(f"{shown}: cannot use the history store: {_first_line(exc, parsed)}",
                         key="--history") from None
    return HistoryStore(engine, shown)


class HistoryStore:
    """Runs recorded in one database. Each `record` is one transaction; use as a context manager or close()."""

    def __init__(self, engine: Engine, shown_url: str) -> None:
        self._engine = engine
        self.url = shown_url  # password masked: safe in messages

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    # ------------------------------------------------------------------ writing

    def record(self, assessment: Assessment) -> RunSummary:
        recorded_at = datetime.now(UTC)
        run_row: dict[str, Any] = {
            "recorded_at": recorded_at,
            "generated_at": _utc(assessment.generated_at),
            "scope_key": scope_key(assessment),
            "scope": _scope(assessment),
            "organization": assessment.organization,
            "readiness_index": assessment.readiness_index,
            "maturity": assessment.maturity,
            "confidence": assessment.confidence,
            "tool_version": assessment.tool_version,
            "assessment_format_version": assessment.format_version,
            "inputs": [i.model_dump(mode="json") for i in assessment.inputs],
            "status_counts": {str(k): v for k, v in assessment.status_counts.items()},
        }
        with self._engine.execution_options(**{WRITE: True}).begin() as conn:
            run_id = int(conn.execute(schema.runs.insert().returning(schema.runs.c.id), run_row).scalar_one())
            if assessment.domains:
                conn.execute(schema.domain_scores.insert(), [
                    {"run_id": run_id, "domain": d.domain, "score": d.score} for d in assessment.domains])
            if assessment.controls:
                conn.execute(schema.control_results.insert(), [
                    {"run_id": run_id, "control_id": c.control_id, "status": c.status.value, "score": c.score,
                     "title": c.title, "severity": c.severity, "domain": c.domain} for c in assessment.controls])
            rows = [
                {"run_id": run_id, "check_id": f.check_id, "control_id": f.control_id, "provider": f.provider,
                 "account_id": f.account_id, "region": f.region, "resource_id": f.resource_id,
                 "status": f.status.value, "message": f.message, "reason": f.reason}
                for c in assessment.controls for f in c.findings
            ]
            if rows:
                conn.execute(schema.findings.insert(), rows)
        return self._summary({**run_row, "id": run_id})

    # ------------------------------------------------------------------ reading

    def runs(self, *, scope_key: str | None = None, limit: int | None = None) -> list[RunSummary]:
        """Recorded runs, newest (highest run id) first."""
        query = sa.select(schema.runs).order_by(schema.runs.c.id.desc())
        if scope_key is not None:
            query = query.where(schema.runs.c.scope_key == scope_key)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.connect() as conn:
            return [self._summary(row._mapping) for row in conn.execute(query)]

    def run(self, run_id: int) -> StoredRun:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(schema.runs).where(schema.runs.c.id == run_id)).first()
            if row is None:
                raise InputError(f"{self.url}: no run {run_id} in this history store "
                                 "(see `ir-assessor history list`)")
            domains = conn.execute(
                sa.select(schema.domain_scores.c.domain, schema.domain_scores.c.score)
                .where(schema.domain_scores.c.run_id == run_id).order_by(schema.domain_scores.c.domain))
            controls = conn.execute(
                sa.select(schema.control_results).where(schema.control_results.c.run_id == run_id)
                .order_by(schema.control_results.c.control_id))
            f = schema.findings.c
            found = conn.execute(
                sa.select(f.check_id, f.control_id, f.provider, f.account_id, f.region, f.resource_id, f.status,
                          f.message, f.reason).where(f.run_id == run_id).order_by(f.id))
            return StoredRun(
                summary=self._summary(row._mapping),
                domains={d.domain: d.score for d in domains},
                controls={c.control_id: ControlState(status=c.status, score=c.score, title=c.title,
                                                     severity=c.severity, domain=c.domain) for c in controls},
                findings=[StoredFinding(**r._mapping) for r in found],
            )

    def previous(self, run_id: int) -> StoredRun | None:
        """The latest run recorded before `run_id` with the same scope key, or None if it is the first."""
        with self._engine.connect() as conn:
            key = conn.execute(sa.select(schema.runs.c.scope_key).where(schema.runs.c.id == run_id)).scalar()
            if key is None:
                raise InputError(f"{self.url}: no run {run_id} in this history store "
                                 "(see `ir-assessor history list`)")
            earlier = conn.execute(
                sa.select(schema.runs.c.id)
                .where(schema.runs.c.scope_key == key, schema.runs.c.id < run_id)
                .order_by(schema.runs.c.id.desc()).limit(1)).scalar()
        return None if earlier is None else self.run(int(earlier))

    def trend(self, scope_key: str, *, limit: int = 30, up_to: int | None = None) -> list[TrendPoint]:
        """The readiness index of the last `limit` runs of a scope (up to run `up_to`), oldest first."""
        r = schema.runs.c
        query = sa.select(r.id, r.generated_at, r.readiness_index).where(r.scope_key == scope_key)
        if up_to is not None:
            query = query.where(r.id <= up_to)
        query = query.order_by(r.id.desc()).limit(limit)
        with self._engine.connect() as conn:
            points = [TrendPoint(run_id=row.id, generated_at=_utc(row.generated_at),
                                 readiness_index=row.readiness_index) for row in conn.execute(query)]
        return points[::-1]

    @staticmethod
    def _summary(row: Any) -> RunSummary:
        inputs: Iterable[dict[str, Any]] = row["inputs"]
        return RunSummary(
            run_id=row["id"], recorded_at=_utc(row["recorded_at"]), generated_at=_utc(row["generated_at"]),
            scope_key=row["scope_key"], scope=list(row["scope"]), organization=row["organization"],
            readiness_index=row["readiness_index"], maturity=row["maturity"], confidence=row["confidence"],
            tool_version=row["tool_version"], assessment_format_version=row["assessment_format_version"],
            inputs=[RunInput(**i) for i in inputs], status_counts=dict(row["status_counts"]),
        )
