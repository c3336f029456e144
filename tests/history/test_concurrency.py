"""Two real processes writing to one store at the same time: every run lands with all of its findings."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor.history import open_store
from assessor.history.store import HEAD_REVISION
from tests.history.builders import organisation
from tests.history.writer import open_when_told

ROOT = Path(__file__).resolve().parents[2]
RUNS_EACH = 4


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_processes_recording_at_once_both_land(database: str, tmp_path: Path,
                                                   request: pytest.FixtureRequest) -> None:
    """Both writers start together on a store that does not exist yet; all their runs and findings are there."""
    url = f"sqlite:///{tmp_path / 'shared.db'}" if database == "sqlite" else request.getfixturevalue("pg_url")
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    writers = [subprocess.Popen([sys.executable, "-m", "tests.history.writer", url, tag, str(RUNS_EACH), str(go)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for tag in ("writer-a", "writer-b")]
    go.touch()
    outputs = [w.communicate(timeout=180) for w in writers]
    for w, (_out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0, err
    got_ids = sorted(int(i) for out, _ in outputs for i in out.split())
    assert len(got_ids) == 2 * RUNS_EACH == len(set(got_ids))

    expected = {day: sum(len(c.findings) for c in organisation(10, day=day).controls) for day in range(RUNS_EACH)}
    with open_store(url) as store:
        runs = store.runs()
        assert sorted(r.run_id for r in runs) == got_ids
        assert sorted(r.organization for r in runs) == ["writer-a"] * RUNS_EACH + ["writer-b"] * RUNS_EACH
        for summary in runs:
            stored = store.run(summary.run_id)
            day = (summary.generated_at - organisation(1).generated_at).days
            assert len(stored.findings) == expected[day]
            assert len(stored.controls) == 64


def test_many_processes_creating_one_new_sqlite_store_at_once_all_open_it(tmp_path: Path) -> None:
    """Six processes open the same new file together, twelve times over: none is refused with 'database is locked'.

    Switching a new file to WAL from several connections at once can deadlock, and SQLite then fails at once rather
    than wait; before the store retried that switch, about half of these rounds had a process refused.
    """
    processes, rounds = 6, 12
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for round_no in range(rounds):
            db, go = tmp_path / f"new-{round_no}.db", tmp_path / f"go-{round_no}"
            pending = pool.starmap_async(open_when_told, [(f"sqlite:///{db}", str(go))] * processes)
            time.sleep(0.05)  # let every worker reach its wait loop
            go.touch()
            assert pending.get(timeout=120) == ["opened"] * processes, f"round {round_no}"
            with sqlite3.connect(db) as conn:
                assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
                assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]
