"""Scheduled-scan commands and options: `--history`, `--fail-on-regression`, `--summary-json`, `--notify-webhook` on
`assess` and `scan`, and the `history list` and `diff` commands over a history store.

The store (SQLite or PostgreSQL) is only imported when one of these is used, so an offline assessment needs no
database driver.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor.errors import InputError

if TYPE_CHECKING:
    from assessor.history import RunDiff, TrendPoint
    from assessor.models import Assessment

EXIT_REGRESSION = 4
HISTORY_COMMANDS = ("history", "diff")
TREND_RUNS = 30  # runs shown in the report's trend chart


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options of `assess` and `scan` for unattended runs."""
    p.add_argument("--history", metavar="URL",
                   help="record this run in a history store: sqlite:///path/history.db (created on first use) or "
                        "postgresql://user@host/db; the report then shows what changed since the last run")
    p.add_argument("--fail-on-regression", action="store_true",
                   help=f"exit {EXIT_REGRESSION} when any control is worse than in the last run of the same scope "
                        "(needs --history)")
    p.add_argument("--summary-json", type=Path, metavar="FILE",
                   help="also write a one-line JSON summary (index, counts, regressions, outputs) for schedulers")
    p.add_argument("--notify-webhook", metavar="URL",
                   help="post a short summary (Slack-compatible JSON) when the index drops or a control regresses "
                        "(needs --history); retried, never blocks the report, never carries secrets")


def check_run_options(args: argparse.Namespace) -> None:
    """Refuse option combinations that cannot work, before any work is done."""
    if args.fail_on_regression and not args.history:
        raise InputError("--fail-on-regression needs --history URL (a regression is a change since the last run)")
    if args.notify_webhook and not args.history:
        raise InputError("--notify-webhook needs --history URL (it reports changes since the last run)")
    if args.notify_webhook and not str(args.notify_webhook).startswith(("https://", "http://")):
        raise InputError("--notify-webhook must be an http(s) URL")
    if args.history:
        from assessor.history import open_store

        # Opened (created or migrated) now, not after minutes of collection and assessment: a missing folder, a
        # corrupt or foreign store or an unreachable server stops the run before any work.
        open_store(args.history).close()


@dataclass
class RunHistory:
    """What the history store says about this run: its id, the diff with the previous run, the trend."""

    run_id: int
    diff: RunDiff | None  # None for the first run of its scope
    trend: list[TrendPoint]


def record(url: str, assessment: Assessment) -> RunHistory:
    """Record the run and read back what the report needs."""
    from assessor.history import diff, open_store

    with open_store(url) as store:
        summary = store.record(assessment)
        current = store.run(summary.run_id)
        previous = store.previous(summary.run_id)
        trend = store.trend(summary.scope_key, limit=TREND_RUNS, up_to=summary.run_id)
    return RunHistory(summary.run_id, diff(previous, current) if previous else None, trend)


def finish(args: argparse.Namespace, assessment: Assessment, history: RunHistory | None,
           written: list[Path]) -> int | None:
    """After the reports are written: summary file, webhook, and the regression exit code (None: no verdict)."""
    from assessor.inputs import atomic_write

    diff = history.diff if history else None
    if args.summary_json:
        from assessor.report.summary import summary_json

        outputs = {p.name: str(p) for p in written}
        text = summary_json(assessment, diff, outputs, run_id=history.run_id if history else None)
        atomic_write(args.summary_json, text + "\n")
    if args.notify_webhook and diff is not None:
        from assessor.notify import build_message, notify_webhook, should_notify

        if should_notify(diff):
            result = notify_webhook(args.notify_webhook, build_message(assessment, diff))
            if not result.ok:
                print(f"ir-assessor: warning: the webhook was not delivered after {result.attempts} attempt(s) "
                      f"({result.detail}); the report is complete", file=sys.stderr)
    if diff is not None and not args.quiet:
        change = "n/a" if diff.index_change is None else f"{diff.index_change:+.1f}"
        print(f"Since run {diff.before.run_id}: index {change}, {len(diff.regressions)} regression(s), "
              f"{len(diff.new_failures)} new failure(s), {len(diff.fixed)} fixed, "
              f"{len(diff.new_unknowns)} control(s) and {diff.new_unknown_findings_total} finding(s) newly unknown.")
    if args.fail_on_regression and diff is not None and diff.regressions:
        names = ", ".join(c.control_id for c in diff.regressions[:10])
        print(f"ir-assessor: {len(diff.regressions)} control(s) worse than run {diff.before.run_id}: {names}",
              file=sys.stderr)
        return EXIT_REGRESSION
    return None


# --------------------------------------------------------------------------- history list / diff


def add_history_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    h = sub.add_parser("history", help="runs recorded in a history store")
    hsub = h.add_subparsers(dest="action", required=True, parser_class=parser_class)
    listing = hsub.add_parser("list", help="list recorded runs, newest first")
    listing.add_argument("--history", required=True, metavar="URL", help="the history store")
    listing.add_argument("--scope", metavar="KEY", help="only runs of this scope key")
    listing.add_argument("--limit", type=int, default=20, metavar="N", help="at most N runs (default 20)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    d = sub.add_parser("diff", help="what changed between two recorded runs (default: the last two of a scope)")
    d.add_argument("runs", nargs="*", type=int, metavar="RUN", help="RUN_A RUN_B, or one RUN (compared with the "
                                                                      "run before it), or none (the newest run)")
    d.add_argument("--history", required=True, metavar="URL", help="the history store")
    d.add_argument("--json", action="store_true", help="machine-readable output")
    d.add_argument("--fail-on-regression", action="store_true",
                   help=f"exit {EXIT_REGRESSION} when the later run has any regression")


def run_history_command(args: argparse.Namespace) -> int:
    from assessor.history import diff, open_store
    from assessor.history.models import as_json

    if args.command == "history":
        if args.limit < 1:
            raise InputError("--limit must be at least 1")
        with open_store(args.history) as store:
            runs = store.runs(scope_key=args.scope, limit=args.limit)
        if args.json:
            sys.stdout.write(json.dumps(as_json(runs), indent=2, ensure_ascii=False) + "\n")
            return 0
        if not runs:
            print("no run recorded")
        for r in runs:
            index = "n/a" if r.readiness_index is None else f"{r.readiness_index:.1f}"
            print(f"{r.run_id:>6}  {r.generated_at:%Y-%m-%d %H:%M}  scope {r.scope_key}  index {index:>5}  "
                  f"{len(r.scope)} account(s)  {r.organization[:40]}")
        return 0
    if len(args.runs) > 2:
        raise InputError("diff takes at most two run ids")
    with open_store(args.history) as store:
        if len(args.runs) == 2:
            before, after = store.run(args.runs[0]), store.run(args.runs[1])
        else:
            if args.runs:
                after = store.run(args.runs[0])
            else:
                newest = store.runs(limit=1)
                if not newest:
                    raise InputError("no run recorded in this store yet", path=None)
                after = store.run(newest[0].run_id)
            found = store.previous(after.summary.run_id)
            if found is None:
                raise InputError(f"run {after.summary.run_id} is the first of its scope "
                                 f"({after.summary.scope_key}); there is nothing to compare it with")
            before = found
    change = diff(before, after)
    if args.json:
        sys.stdout.write(json.dumps(as_json(change), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_diff(change)
    return EXIT_REGRESSION if args.fail_on_regression and change.regressions else 0


def _print_diff(change: RunDiff) -> None:
    def index(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}"

    print(f"run {change.before.run_id} ({change.before.generated_at:%Y-%m-%d %H:%M}) -> run {change.after.run_id} "
          f"({change.after.generated_at:%Y-%m-%d %H:%M}), scope {change.after.scope_key}")
    delta = "" if change.index_change is None else f" ({change.index_change:+.1f})"
    print(f"readiness index {index(change.before.readiness_index)} -> {index(change.after.readiness_index)}{delta}")
    for title, items in (("regressions", change.regressions), ("new failures", change.new_failures),
                         ("fixed", change.fixed), ("newly unknown (visibility lost)", change.new_unknowns)):
        print(f"{title}: {len(items)}")
        for c in items[:25]:
            print(f"  {c.control_id:<6} {c.before_status or '-':>14} -> {c.after_status:<14} {c.title[:60]}")
    print(f"findings newly unknown: {change.new_unknown_findings_total}")
    for f in change.new_unknown_findings[:25]:
        print(f"  {f.control_id:<6} {f.check_id} {f.account_id or ''} {(f.resource_id or '')[:60]}")
    if change.domain_changes:
        print("domain scores:")
        for d in change.domain_changes:
            before = "n/a" if d.before is None else f"{d.before * 100:.0f}%"
            after = "n/a" if d.after is None else f"{d.after * 100:.0f}%"
            print(f"  {d.domain:<4} {before} -> {after}")
