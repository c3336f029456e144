"""Command-line layer: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 done, 1 unexpected error, 2 bad input or usage, 3 readiness index below --fail-under.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from assessor import __version__
from assessor.cli_history import HISTORY_COMMANDS, add_history_commands, run_history_command
from assessor.cli_live import (
    IMPORT_COMMAND,
    PROVIDER_COMMANDS,
    add_import_commands,
    add_provider_commands,
    add_report_options,
    run_import_command,
    run_provider_command,
)
from assessor.errors import AssessorError, InputError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BELOW_THRESHOLD = 0, 1, 2, 3
FORMATS = ("html", "pdf", "json", "csv", "junit", "ocsf")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ir-assessor", description="Cloud incident-response readiness assessor.")
    parser.add_argument("--version", action="version", version=f"ir-assessor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("assess", help="assess saved snapshots and an answers file; write the report")
    p.add_argument("--snapshots", nargs="+", type=Path, required=True, metavar="PATH",
                   help="snapshot files or folders of *.json snapshots")
    p.add_argument("--answers", type=Path, required=True, metavar="FILE", help="answers file (YAML)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    add_report_options(p)

    q = sub.add_parser("questionnaire", help="answers file template and validation")
    qsub = q.add_subparsers(dest="action", required=True, parser_class=_Parser)
    qi = qsub.add_parser("init", help="write a commented answers template holding every question")
    qi.add_argument("--out", type=Path, metavar="FILE", help="file to write (default: standard output)")
    qi.add_argument("--force", action="store_true", help="overwrite an existing file")
    qv = qsub.add_parser("validate", help="validate an answers file")
    qv.add_argument("file", type=Path)
    qv.add_argument("--today", metavar="YYYY-MM-DD", help="date used for expiry (default today)")

    s = sub.add_parser("schema", help="print a JSON Schema")
    s.add_argument("which", choices=("answers", "snapshot", "assessment"))

    for name, what in (("checks", "registered checks"), ("controls", "catalogue controls")):
        c = sub.add_parser(name, help=f"list {what}")
        csub = c.add_subparsers(dest="action", required=True, parser_class=_Parser)
        cl = csub.add_parser("list", help=f"list {what}")
        cl.add_argument("--json", action="store_true", help="machine-readable output")
    add_provider_commands(sub, _Parser)
    add_import_commands(sub, _Parser)
    add_history_commands(sub, _Parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except AssessorError as exc:
        if args.debug:
            raise
        print(f"ir-assessor: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not turn this into a traceback
        print("ir-assessor: interrupted; no half-written file was left (an interrupted run has no manifest.json)",
              file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"ir-assessor: unexpected error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
              file=sys.stderr)
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "assess":
        return assess_and_report(args.snapshots, args)
    if args.command in PROVIDER_COMMANDS:
        return run_provider_command(args)
    if args.command == IMPORT_COMMAND:
        return run_import_command(args)
    if args.command in HISTORY_COMMANDS:
        return run_history_command(args)
    if args.command == "questionnaire":
        return _questionnaire(args)
    if args.command == "schema":
        return _schema(args.which)
    if args.command == "checks":
        return _list_checks(args.json)
    return _list_controls(args.json)


def _parse_time(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--generated-at: not an ISO 8601 date-time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _formats(text: str) -> list[str]:
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown or not chosen:
        raise InputError(f"--format: unknown format(s) {', '.join(unknown) or '(none)'}; choose from "
                         + ",".join(FORMATS))
    return chosen


def check_report_options(args: argparse.Namespace) -> tuple[list[str], datetime]:
    """The report options of `assess` and `scan`, validated: formats, assessment time, output folder, history."""
    from assessor.cli_history import check_run_options

    if args.out.exists() and not args.out.is_dir():
        raise InputError("--out must be a folder", path=str(args.out))
    check_run_options(args)
    return _formats(args.format), _parse_time(args.generated_at)


def assess_and_report(snapshot_paths: Sequence[Path], args: argparse.Namespace) -> int:
    """Assess snapshots with `args.answers` and write the reports: the shared tail of `assess` and `scan`."""
    from assessor.pipeline import run_assessment
    from assessor.progress import ProgressBar
    from assessor.report import write_reports

    formats, generated_at = check_report_options(args)
    bars: list[ProgressBar] = []

    def on_snapshots(total: int) -> ProgressBar:
        bars.append(ProgressBar("Evaluating", total, enabled=not args.quiet))
        return bars[-1]

    try:
        run = run_assessment(snapshot_paths, args.answers, generated_at, on_snapshots=on_snapshots)
    finally:
        for bar in bars:
            bar.close()
    for warning in run.warnings:
        print(f"ir-assessor: warning: {warning}", file=sys.stderr)
    history = None
    context = None
    if args.history:
        from assessor.cli_history import record
        from assessor.report.since import HistoryContext

        history = record(args.history, run.assessment)
        context = HistoryContext(run_id=history.run_id, diff=history.diff, trend=history.trend)
    written = write_reports(run.assessment, run.catalogue, args.out, formats, context)
    index = run.assessment.readiness_index
    if not args.quiet:
        from assessor.report.view import format_percent

        shown = "n/a" if index is None else format_percent(index / 100.0)
        print(f"Readiness index {shown}/100 ({run.assessment.maturity}); "
              f"{sum(1 for g in run.assessment.gaps if g.dark_spot)} dark spots.")
        for path in written:
            print(f"  wrote {path}")
    from assessor.cli_history import finish

    verdict = finish(args, run.assessment, history, written)
    if verdict is not None:
        return verdict
    if args.fail_under is not None and (index is None or index < args.fail_under):
        print(f"ir-assessor: readiness index {'n/a' if index is None else f'{index:.1f}'} is below "
              f"--fail-under {args.fail_under:g}", file=sys.stderr)
        return EXIT_BELOW_THRESHOLD
    return EXIT_OK


def _questionnaire(args: argparse.Namespace) -> int:
    from assessor.catalogue import load_catalogue
    from assessor.inputs import atomic_write
    from assessor.questionnaire import answers_template, load_answers

    catalogue = load_catalogue()
    if args.action == "init":
        text = answers_template(catalogue)
        if args.out is None:
            sys.stdout.write(text)
            return EXIT_OK
        if args.out.exists() and not args.force:
            raise InputError("already exists; pass --force to overwrite", path=str(args.out))
        atomic_write(args.out, text)
        print(f"wrote {args.out} ({len(catalogue.questions)} questions)")
        return EXIT_OK
    today = _parse_time(args.today + "T00:00:00" if args.today else None).date()
    loaded = load_answers(args.file, catalogue, today, strict_expiry=True)
    answered = sum(1 for a in loaded.answers.answers.values() if a.value is not None)
    print(f"{args.file}: valid; {answered} of {len(catalogue.questions)} questions answered, "
          f"{len(loaded.answers.risk_acceptances)} risk acceptance(s)")
    return EXIT_OK


def _schema(which: str) -> int:
    from assessor.models import Snapshot
    from assessor.questionnaire import answers_json_schema, dump_schema
    from assessor.report import assessment_json_schema

    if which == "answers":
        schema = answers_json_schema()
    elif which == "snapshot":
        schema = Snapshot.model_json_schema()
        schema["title"] = "ir-assessor snapshot"
    else:
        schema = assessment_json_schema()
    sys.stdout.write(dump_schema(schema))
    return EXIT_OK


def _list_checks(as_json: bool) -> int:
    from assessor.catalogue import load_catalogue
    from assessor.plugins import load_checks

    checks = load_checks(load_catalogue())
    if as_json:
        rows = [{"id": c.spec.id, "title": c.spec.title, "control": c.spec.control, "provider": c.spec.provider,
                 "severity": c.spec.severity, "needs": list(c.spec.needs), "plugin": c.plugin,
                 "distribution": c.distribution, "rationale": c.spec.rationale} for c in checks]
        print(json.dumps(rows, indent=2, sort_keys=True))
        return EXIT_OK
    for c in checks:
        print(f"{c.spec.id:<48} {c.spec.control}  {c.spec.severity:<8} {c.spec.title}")
    print(f"{len(checks)} checks")
    return EXIT_OK


def _list_controls(as_json: bool) -> int:
    from assessor.catalogue import load_catalogue
    from assessor.plugins import load_checks

    catalogue = load_catalogue()
    checks = load_checks(catalogue)
    rows = []
    for control in catalogue.controls:
        ids = sorted(c.spec.id for c in checks if c.spec.control == control.id)
        rows.append({"id": control.id, "title": control.title, "domain": control.domain,
                     "severity": control.severity, "service_models": control.service_models,
                     "capability": control.capability, "checks": ids, "questions": control.questions,
                     "references": [r.model_dump() for r in control.references]})
    if as_json:
        print(json.dumps(rows, indent=2, sort_keys=True))
        return EXIT_OK
    for row in rows:
        how = ", ".join(filter(None, [f"{len(row['checks'])} checks" if row["checks"] else "",
                                      f"{len(row['questions'])} questions" if row["questions"] else ""]))
        print(f"{row['id']}  {row['severity']:<8} {row['title']}  [{how or 'not verifiable'}]")
    print(f"{len(rows)} controls")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
