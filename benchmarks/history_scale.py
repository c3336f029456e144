"""History-store benchmark: a year of daily runs of a many-account organisation, then `diff`, the report's
"Since last assessment" section and `history list` on that store.

Usage: python benchmarks/history_scale.py [--runs 365] [--accounts 50] [--resources 5000]
                                          [--url sqlite:///path.db | postgresql://...] [--postgres] [--keep DIR]

One assessment of a synthetic estate (built as benchmarks/assess_scale.py builds it) goes through the real
pipeline once; each day then flips a few findings' statuses and one control's status (deterministically, from a
seeded generator) and moves generated_at by a day, so consecutive runs differ and every diff has work to do.
--postgres starts a throwaway PostgreSQL cluster on 127.0.0.1 (initdb + pg_ctl, as tests/history/conftest.py
does) and measures there instead of SQLite. Nothing is fetched from the network.
Targets: `diff` and the trend section under 1 s each on a store of 365 runs.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from assess_scale import generate_estate  # noqa: E402 - needs the path set above

from assessor.models import Assessment, ControlResult, Finding, Status  # noqa: E402

TARGET_S = 1.0
TREND_RUNS = 30
REPEATS = 5  # timed repetitions of each read-side measurement; the median and the worst are printed
FLIP = {Status.PASS: Status.FAIL, Status.FAIL: Status.PASS, Status.PARTIAL: Status.PASS}
CONTROL_SWING = {Status.PASS: Status.PARTIAL, Status.PARTIAL: Status.FAIL, Status.FAIL: Status.PASS}


# --------------------------------------------------------------------------- synthetic days


def day_variant(base: Assessment, day: int, flips: int) -> Assessment:
    """The assessment of day `day`: `flips` findings and one control change status, the index drifts a little.
    Each day is derived from the base run with its own seed, so two consecutive days differ in both directions
    (what one day broke the next may have fixed) and the result does not depend on the order of generation."""
    rng = random.Random(day)  # reproducible test data
    flippable = [(ci, fi) for ci, c in enumerate(base.controls) for fi, f in enumerate(c.findings) if f.status in FLIP]
    chosen: dict[int, set[int]] = {}
    for ci, fi in rng.sample(flippable, min(flips, len(flippable))):
        chosen.setdefault(ci, set()).add(fi)
    swing = [i for i, c in enumerate(base.controls) if c.status in CONTROL_SWING]
    swung = rng.choice(swing) if swing and day else None
    controls: list[ControlResult] = []
    for ci, control in enumerate(base.controls):
        if ci not in chosen and ci != swung:
            controls.append(control)
            continue
        update: dict[str, Any] = {}
        if ci in chosen:
            update["findings"] = [f.model_copy(update={"status": FLIP[f.status]}) if fi in chosen[ci] else f
                                  for fi, f in enumerate(control.findings)]
        if ci == swung:
            update["status"] = CONTROL_SWING[control.status]
            update["score"] = {Status.PASS: 1.0, Status.PARTIAL: 0.5, Status.FAIL: 0.0}[update["status"]]
        controls.append(control.model_copy(update=update))
    index = base.readiness_index
    if index is not None:
        index = max(0.0, min(100.0, index + 4.0 * rng.random() - 2.0 + (day % 60) / 30.0))
    return base.model_copy(update={"controls": controls, "readiness_index": index,
                                   "generated_at": base.generated_at + timedelta(days=day)})


def _findings(assessment: Assessment) -> list[Finding]:
    return [f for c in assessment.controls for f in c.findings]


# --------------------------------------------------------------------------- timing helpers


def _timed(fn: Callable[[], Any], repeats: int = REPEATS) -> tuple[list[float], Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def _stats(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"min {min(ms):.0f} ms, median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms (n={len(ms)})"


def _verdict(seconds: float) -> str:
    return "OK" if seconds < TARGET_S else f"OVER the {TARGET_S:.0f} s target"


def _cli() -> list[str]:
    """The installed `ir-assessor` next to this interpreter, else `python -m assessor`."""
    exe = Path(sys.executable).with_name("ir-assessor")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "assessor"]


def _run_cli(args: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    t0 = time.perf_counter()
    done = subprocess.run([*_cli(), *args], capture_output=True, cwd=REPO, check=False, timeout=300)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"`ir-assessor {' '.join(args)}` exited {done.returncode}: "
                         f"{done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed, done


# --------------------------------------------------------------------------- store size


def _store_size(url: str) -> str:
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        parts = {p.name: p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()}
        total = sum(parts.values())
        listed = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in parts.items())
        return f"{total / 1e6:.1f} MB on disk ({listed})"
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            total = int(conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one())
            rows = conn.execute(sa.text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC")).all()
    finally:
        engine.dispose()
    listed = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in rows)
    return f"database {total / 1e6:.1f} MB (tables with indexes and TOAST: {listed})"


# --------------------------------------------------------------------------- throwaway PostgreSQL


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster on 127.0.0.1 (tests/pg_cluster.py); yields the URL of a new database in it.

    Durable (fsync on): the figures should be what a real server gives, not a tuned-off one."""
    import psycopg

    from tests.pg_cluster import ClusterError, throwaway_cluster

    try:
        with throwaway_cluster(durable=True) as admin:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute('CREATE DATABASE "ir_history_bench"')
            yield admin.rsplit("/", 1)[0] + "/ir_history_bench"
    except ClusterError as exc:
        raise SystemExit(f"--postgres: {exc}") from None


# --------------------------------------------------------------------------- the benchmark


def benchmark(url: str, work: Path, args: argparse.Namespace) -> None:
    from assessor.history import diff, open_store
    from assessor.pipeline import run_assessment
    from assessor.report import render_outputs
    from assessor.report.since import HistoryContext, build_since
    from assessor.report.view import HTML_LIMITS

    t0 = time.perf_counter()
    answers = generate_estate(work / "estate", args.accounts, args.resources)
    run = run_assessment([work / "estate" / "snapshots"], answers, datetime(2025, 11, 26, 6, tzinfo=UTC))
    base = run.assessment
    print(f"one assessment through the pipeline: {args.accounts} accounts, {len(_findings(base))} findings, "
          f"{len(base.controls)} controls in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    days = [day_variant(base, d, args.flips) for d in range(args.runs)]
    changed = [sum(a.status != b.status for a, b in zip(_findings(days[d - 1]), _findings(days[d]), strict=True))
               for d in range(1, min(args.runs, 8))]
    print(f"{args.runs} daily variants built in {time.perf_counter() - t0:.1f} s (not part of the timings below); "
          f"findings changed between consecutive days: {changed[:7]}")

    print(f"store: {url}")
    per_record: list[float] = []
    t_all = time.perf_counter()
    with open_store(url) as store:
        for assessment in days:
            t0 = time.perf_counter()
            last = store.record(assessment)
            per_record.append(time.perf_counter() - t0)
    recording_s = time.perf_counter() - t_all
    print(f"recording {args.runs} runs (one open store): {recording_s:.1f} s wall; per record {_stats(per_record)}")
    print(f"store size after {args.runs} runs: {_store_size(url)}")

    # (a) diff: the command a user runs, then the same work in process.
    print("\n(a) diff of the two newest runs")
    _run_cli(["diff", "--history", url, "--json"])  # warm the OS cache once, as a scheduler's second run would
    cli_times: list[float] = []
    out = b""
    for _ in range(REPEATS):
        elapsed, done = _run_cli(["diff", "--history", url, "--json"])
        cli_times.append(elapsed)
        out = done.stdout
    parsed = json.loads(out)
    startup, _ = _timed(lambda: _run_cli(["--version"]), 3)
    print(f"  `ir-assessor diff --history URL --json` subprocess: {_stats(cli_times)} -> "
          f"{_verdict(statistics.median(cli_times))}; {len(out) / 1e3:.0f} kB JSON, "
          f"{parsed['new_failing_findings_total']} new failing / {parsed['fixed_findings_total']} fixed findings, "
          f"{len(parsed['regressions'])} regression(s)")
    imports, _ = _timed(lambda: subprocess.run([sys.executable, "-c", "import assessor.cli, assessor.history"],
                                               cwd=REPO, check=True, timeout=120), 3)
    print(f"  (for scale, fixed costs of any run: `ir-assessor --version` subprocess {_stats(startup)}; "
          f"python importing assessor.cli + assessor.history {_stats(imports)})")

    def in_process() -> Any:
        with open_store(url) as s:
            after = s.run(s.runs(limit=1)[0].run_id)
            before = s.previous(after.summary.run_id)
            assert before is not None
            return diff(before, after)

    times, change = _timed(in_process)
    print(f"  in process, open_store + runs + run + previous + diff: {_stats(times)} -> "
          f"{_verdict(statistics.median(times))}")
    with open_store(url) as store:
        opened, _ = _timed(lambda: open_store(url).close())
        read_run, current = _timed(lambda: store.run(last.run_id))
        read_prev, previous = _timed(lambda: store.previous(last.run_id))
        diff_only, _ = _timed(lambda: diff(previous, current))
        print(f"    of which open_store {_stats(opened)}; run {_stats(read_run)}; previous {_stats(read_prev)}; "
              f"diff {_stats(diff_only)}")

        # (b) the report section: store reads, view building and the HTML render with and without it.
        print(f"\n(b) \"Since last assessment\" with a {TREND_RUNS}-run trend, newest run")
        trend_t, trend = _timed(lambda: store.trend(last.scope_key, limit=TREND_RUNS, up_to=last.run_id))

    history = HistoryContext(run_id=last.run_id, diff=change, trend=trend)
    since_t, view = _timed(lambda: build_since(history, row_limit=HTML_LIMITS.rows))
    newest = days[-1]
    # Warm both paths first (template compilation, caches), then alternate so drift hits both alike.
    plain = render_outputs(newest, run.catalogue, ["html"])
    withh = render_outputs(newest, run.catalogue, ["html"], history=history)
    plain_t: list[float] = []
    with_t: list[float] = []
    for i in range(2 * REPEATS):  # swap the order each time: on a busy machine the order itself shows
        pair: list[tuple[list[float], HistoryContext | None]] = [(plain_t, None), (with_t, history)]
        for times_list, ctx in pair if i % 2 else pair[::-1]:
            gc.collect()
            t0 = time.perf_counter()
            render_outputs(newest, run.catalogue, ["html"], history=ctx)
            times_list.append(time.perf_counter() - t0)
    extra_render = min(with_t) - min(plain_t)  # the fastest of each: the least disturbed; < 0 is noise
    section_s = statistics.median(trend_t) + statistics.median(since_t) + max(0.0, extra_render)
    print(f"  store.trend(limit={TREND_RUNS}): {_stats(trend_t)} ({len(trend)} points)")
    print(f"  build_since: {_stats(since_t)} ({len(view.rows)} change rows, chart {'yes' if view.chart else 'no'})")
    print(f"  render_outputs html without history: {_stats(plain_t)}, report.html "
          f"{len(plain['report.html']) / 1e6:.2f} MB")
    print(f"  render_outputs html with history:    {_stats(with_t)}, report.html "
          f"{len(withh['report.html']) / 1e6:.2f} MB")
    print(f"  render difference with - without (fastest of each): {extra_render * 1000:+.0f} ms")
    print(f"  section's own cost (trend read + build medians + render difference): {section_s * 1000:.0f} ms -> "
          f"{_verdict(section_s)}; with the diff reads above (what `--history` adds to a run after recording): "
          f"{(section_s + statistics.median(times)) * 1000:.0f} ms")

    # (c) history list
    print("\n(c) history list")
    list_times, _ = _timed(lambda: _run_cli(["history", "list", "--history", url]))
    all_times, _ = _timed(lambda: _run_cli(["history", "list", "--history", url, "--limit", str(args.runs),
                                            "--json"]))
    with open_store(url) as store:
        runs_t, _ = _timed(lambda: store.runs(limit=20))
        runs_all_t, listed = _timed(lambda: store.runs(limit=args.runs))
    print(f"  `ir-assessor history list --history URL` (20 newest) subprocess: {_stats(list_times)}")
    print(f"  `ir-assessor history list --limit {args.runs} --json` subprocess: {_stats(all_times)}")
    print(f"  in process store.runs(limit=20): {_stats(runs_t)}; store.runs(limit={args.runs}): {_stats(runs_all_t)} "
          f"({len(listed)} runs)")
    print(f"\nstore size: {_store_size(url)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=365, help="daily runs to record (default 365)")
    parser.add_argument("--accounts", type=int, default=50, help="accounts in the organisation (default 50)")
    parser.add_argument("--resources", type=int, default=5000, help="resources over all accounts (default 5000)")
    parser.add_argument("--flips", type=int, default=12, help="findings whose status flips each day (default 12)")
    parser.add_argument("--url", help="history store URL (default: sqlite file in a temp folder); a "
                                      "postgresql:// URL must name an empty database")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL on 127.0.0.1 and "
                                                                "measure there")
    parser.add_argument("--keep", type=Path, help="keep the estate (and an SQLite store) in this folder")
    args = parser.parse_args()
    if args.runs < 2:
        parser.error("--runs must be at least 2 (a diff needs two runs)")
    if args.postgres and args.url:
        parser.error("--postgres starts its own server; do not give --url as well")

    work = args.keep or Path(tempfile.mkdtemp(prefix="ir-history-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.postgres:
            with throwaway_postgres() as url:
                benchmark(url, work, args)
        else:
            benchmark(args.url or f"sqlite:///{work / 'history.db'}", work, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
