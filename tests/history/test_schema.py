"""Migrations: a new store is created at head, an older store is upgraded and still read, the schema matches."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from assessor.history import open_store
from assessor.history import schema as tables
from assessor.history.store import MIGRATIONS
from tests.history.builders import S, assessment

FIRST = "0001_initial"


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _head() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _revision(url: str) -> str | None:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_migrations_are_a_single_line_with_more_than_one_step() -> None:
    """The shipped migrations have one head and the first revision is not the head (upgrades are exercised)."""
    script = ScriptDirectory.from_config(_config())
    assert len(script.get_heads()) == 1
    revisions = [r.revision for r in script.walk_revisions()]
    assert revisions[-1] == FIRST and len(revisions) >= 2


def test_the_quick_open_knows_the_real_head() -> None:
    """store.HEAD_REVISION (used to open an up-to-date store without loading Alembic) is Alembic's head."""
    from assessor.history.store import HEAD_REVISION

    assert ScriptDirectory.from_config(_config()).get_current_head() == HEAD_REVISION


def test_opening_an_up_to_date_store_does_not_load_alembic(tmp_path: Path) -> None:
    """A second open of a store at head imports no Alembic module (the quick path `diff` and `history list` take)."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'h.db'}"
    code = ("import sys; from assessor.history import open_store; open_store(sys.argv[1]).close(); "
            "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))")
    first = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "True" and second.stdout.strip() == "False"


def test_new_store_is_created_at_head_and_matches_the_code(store_url: str) -> None:
    """Opening an empty database creates every table at head, and the migrated schema equals schema.py."""
    open_store(store_url).close()
    assert _revision(store_url) == _head()
    engine = _engine(store_url)
    try:
        with engine.connect() as conn:
            found = set(sa.inspect(conn).get_table_names())
            drift = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    finally:
        engine.dispose()
    assert found == {"runs", "domain_scores", "control_results", "findings", "alembic_version"}
    assert drift == []


def test_store_from_an_older_version_is_upgraded_and_its_runs_read(store_url: str) -> None:
    """A store written at the first revision (no scope index) is migrated on open and its old run reads back."""
    engine = _engine(store_url)
    try:
        with engine.begin() as conn:
            cfg = _config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, FIRST)
            # What the older version wrote: plain rows in the first schema.
            run_id = conn.execute(sa.text(
                "INSERT INTO runs (recorded_at, generated_at, scope_key, scope, organization, readiness_index, "
                "maturity, confidence, tool_version, assessment_format_version, inputs, status_counts) VALUES "
                "(:rec, :gen, 'abcdefabcdefabcd', :scope, 'Old Org', 55.5, 'Defined', 0.9, '0.0.1', 1, '[]', "
                ":counts) RETURNING id"),
                {"rec": datetime(2025, 1, 2, 3, 4, tzinfo=UTC), "gen": datetime(2025, 1, 2, 3, 0, tzinfo=UTC),
                 "scope": '["aws:111111111111"]', "counts": '{"fail": 1}'}).scalar_one()
            conn.execute(sa.text("INSERT INTO domain_scores (run_id, domain, score) VALUES (:r, 'LC', 0.5)"),
                         {"r": run_id})
            conn.execute(sa.text("INSERT INTO control_results (run_id, control_id, status, score, title, severity, "
                                 "domain) VALUES (:r, 'LC-01', 'fail', 0.0, 'Old title', 'high', 'LC')"),
                         {"r": run_id})
            conn.execute(sa.text("INSERT INTO findings (run_id, check_id, control_id, provider, account_id, "
                                 "region, resource_id, status, message, reason) VALUES (:r, 'aws.x.y', 'LC-01', "
                                 "'aws', '111111111111', NULL, 'arn:1', 'fail', 'old message', NULL)"),
                         {"r": run_id})
            before_indexes = {i["name"] for i in sa.inspect(conn).get_indexes("runs")}
    finally:
        engine.dispose()
    assert _revision(store_url) == FIRST
    assert "ix_runs_scope_key_id" not in before_indexes

    with open_store(store_url) as store:
        old = store.run(run_id)
        newer = store.record(assessment({"LC-01": S.PASS}))
    assert _revision(store_url) == _head()
    engine = _engine(store_url)
    try:
        with engine.connect() as conn:
            assert "ix_runs_scope_key_id" in {i["name"] for i in sa.inspect(conn).get_indexes("runs")}
    finally:
        engine.dispose()
    assert old.summary.organization == "Old Org" and old.summary.readiness_index == pytest.approx(55.5)
    assert old.summary.scope == ["aws:111111111111"] and old.summary.status_counts == {"fail": 1}
    assert old.summary.generated_at == datetime(2025, 1, 2, 3, 0, tzinfo=UTC)
    assert old.domains == {"LC": 0.5}
    assert old.controls["LC-01"].title == "Old title"
    assert [f.message for f in old.findings] == ["old message"]
    assert newer.run_id > run_id


def test_wheel_ships_every_migration_file() -> None:
    """pyproject's packages and package-data cover every file Alembic needs, so an installed tool can migrate."""
    import fnmatch
    import tomllib

    root = MIGRATIONS.parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert {"assessor.history", "assessor.history.migrations"} <= set(config["packages"])
    patterns = config["package-data"]["assessor.history.migrations"]
    shipped = [p for p in MIGRATIONS.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    data = [p.relative_to(MIGRATIONS).as_posix() for p in shipped if p.parent != MIGRATIONS or p.suffix != ".py"]
    assert "script.py.mako" in data and any(d.startswith("versions/") for d in data)
    assert [d for d in data if not any(fnmatch.fnmatch(d, pat) for pat in patterns)] == []
