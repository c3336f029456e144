"""Live-collection commands shared by every cloud: `collect PROVIDER`, `scan PROVIDER` and `permissions PROVIDER`.

A provider module (`cli_aws`, `cli_gcp`) adds its own options and turns parsed arguments into snapshots; this
module owns what is the same for all of them: writing snapshots, the summary and warnings, and `scan` (collect,
then assess exactly what this run collected). Cloud SDKs are only imported by the collectors, when a command
needs them; `permissions` works without them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from assessor.cli_history import add_run_options
from assessor.errors import InputError

if TYPE_CHECKING:
    from assessor.models import Snapshot
    from assessor.progress import ProgressBar

PROVIDER_COMMANDS = ("collect", "scan", "permissions")
IMPORT_COMMAND = "import"
OnJobs = Callable[[int], Callable[[int], None]]


def _providers() -> dict[str, ModuleType]:
    from assessor import cli_aws, cli_azure, cli_gcp

    return {"aws": cli_aws, "azure": cli_azure, "gcp": cli_gcp}


def _import_sources() -> dict[str, ModuleType]:
    return {m.IMPORT_SOURCE: m for m in _providers().values() if hasattr(m, "IMPORT_SOURCE")}


def add_import_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`import SOURCE FILE... --out DIR`: offline exports into snapshots, no credentials needed."""
    imp = sub.add_parser(IMPORT_COMMAND, help="turn offline exports into snapshots (no credentials needed)")
    sources = imp.add_subparsers(dest="source", required=True, parser_class=parser_class)
    for name, module in sorted(_import_sources().items()):
        p = sources.add_parser(name, help=module.IMPORT_HELP)
        module.add_import_options(p)
        p.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help=f"folder for the snapshots ({module.PROVIDER}-<{module.UNIT_ID}>.json)")
        p.add_argument("--quiet", action="store_true", help="no summary")


def run_import_command(args: argparse.Namespace) -> int:
    from assessor.inputs import atomic_write

    module = _import_sources()[args.source]
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder", path=str(out))
    snapshots = module.import_snapshots(args)  # reads and checks every input before anything is written
    for snapshot in snapshots:
        atomic_write(out / f"{snapshot.provider}-{snapshot.account_id}.json", snapshot_json(snapshot))
    if not args.quiet:
        print(f"ir-assessor: {len(snapshots)} {module.UNITS} written to {out}", file=sys.stderr)
    return 0


def add_provider_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add the collect, scan and permissions commands, with one sub-command per cloud, to the top-level parsers."""
    collect = sub.add_parser("collect", help="collect live snapshots (read-only API calls)")
    scan = sub.add_parser("scan", help="collect live snapshots, then assess them like `assess`")
    permissions = sub.add_parser("permissions", help="print the least-privilege policy collection needs")
    collect_sub = collect.add_subparsers(dest="provider", required=True, parser_class=parser_class)
    scan_sub = scan.add_subparsers(dest="provider", required=True, parser_class=parser_class)
    permissions_sub = permissions.add_subparsers(dest="provider", required=True, parser_class=parser_class)
    for name, module in _providers().items():
        p = collect_sub.add_parser(name, help=f"collect {module.UNITS} into snapshots")
        module.add_collect_options(p)
        _shard_option(p, module)
        p.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help=f"folder for the snapshots ({name}-<{module.UNIT_ID}>.json)")
        p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")

        p = scan_sub.add_parser(name, help=f"collect {module.UNITS} and assess them")
        module.add_collect_options(p)
        _shard_option(p, module)
        p.add_argument("--answers", type=Path, required=True, metavar="FILE", help="answers file (YAML)")
        p.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help="output folder; snapshots go to DIR/snapshots/")
        add_report_options(p)

        p = permissions_sub.add_parser(name, help=module.PERMISSIONS_HELP)
        module.add_permissions_options(p)


def add_report_options(p: argparse.ArgumentParser) -> None:
    """The report options `assess` and every `scan` share, the scheduled-run ones included."""
    p.add_argument("--format", default="html,pdf,json,csv",
                   help="comma-separated: html,pdf,json,csv,junit,ocsf (default html,pdf,json,csv)")
    p.add_argument("--generated-at", metavar="ISO8601",
                   help="assessment time (default now); fixes dates for reproducible output")
    p.add_argument("--fail-under", type=float, metavar="N", help="exit 3 when the readiness index is below N")
    add_run_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def _shard_option(p: argparse.ArgumentParser, module: ModuleType) -> None:
    p.add_argument("--shard", metavar="I/N", help=f"collect only shard I of N (1-based): the {module.UNITS} are split "
                                                  "deterministically by id, so N runs with I = 1..N cover each once")


def shard_of(args: argparse.Namespace) -> tuple[int, int] | None:
    """The parsed --shard option, or None."""
    from assessor.shard import parse_shard

    return parse_shard(args.shard) if getattr(args, "shard", None) else None


def run_provider_command(args: argparse.Namespace) -> int:
    module = _providers()[args.provider]
    if args.command == "permissions":
        sys.stdout.write(module.permissions_document(args))
        return 0
    # Bad options fail now, not after minutes of API calls.
    collector = module.collector_for(args)
    if args.command == "collect":
        collect_into(args.out, collector, module, quiet=args.quiet)
        return 0
    return _scan(args, collector, module)


def _scan(args: argparse.Namespace, collector: Callable[[OnJobs], list[Snapshot]], module: ModuleType) -> int:
    from assessor.catalogue import load_catalogue
    from assessor.cli import assess_and_report, check_report_options
    from assessor.questionnaire import load_answers

    # Bad report options or a bad answers file fail now, not after minutes of API calls.
    _, generated_at = check_report_options(args)
    load_answers(args.answers, load_catalogue(), generated_at.date(), strict_expiry=False)
    snapshots_dir = args.out / "snapshots"
    written = collect_into(snapshots_dir, collector, module, quiet=args.quiet)
    # Assess exactly what this run collected: snapshots left in the folder by an earlier scan (an account since
    # closed or outside today's scope) must not be reported as if they were current.
    stale = sorted(set(snapshots_dir.glob("*.json")) - set(written))
    if stale and not args.quiet:
        print(f"ir-assessor: note: {len(stale)} older snapshot(s) in {snapshots_dir} are not part of this scan "
              "and are left out of the report", file=sys.stderr)
    return assess_and_report(written or [snapshots_dir], args)


def collect_into(out: Path, collector: Callable[[OnJobs], list[Snapshot]], module: ModuleType, *,
                 quiet: bool) -> list[Path]:
    """Collect, write one snapshot per account / project / subscription, print the summary."""
    from assessor.inputs import atomic_write
    from assessor.progress import ProgressBar

    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder", path=str(out))
    bars: list[ProgressBar] = []

    def on_jobs(total: int) -> Callable[[int], None]:
        bars.append(ProgressBar("Collecting", total, enabled=not quiet))
        return bars[-1]

    try:
        snapshots = collector(on_jobs)
    finally:
        for bar in bars:
            bar.close()
    out.mkdir(parents=True, exist_ok=True)  # even empty (a shard may hold no account): the folder is the result
    written = []
    for snapshot in snapshots:
        path = out / f"{snapshot.provider}-{snapshot.account_id}.json"
        atomic_write(path, snapshot_json(snapshot))
        written.append(path)
    errors = sum(len(s.errors) for s in snapshots)
    if not quiet:
        calls = sum(c.count for s in snapshots for c in s.api_calls)
        print(f"Collected {len(snapshots)} {module.UNITS}: {calls} API calls, {errors} collection error(s).")
        for snapshot, path in zip(snapshots, written, strict=True):
            name = f" ({printable(snapshot.account_name)})" if snapshot.account_name else ""
            print(f"  {path}{name}: {len(snapshot.regions)} region(s), "
                  f"{sum(len(r) for r in snapshot.resources.values())} resources, "
                  f"{sum(c.count for c in snapshot.api_calls)} calls, {len(snapshot.errors)} errors")
    if errors:
        # Errors make checks unknown, never pass: say so where an unattended run's log will show it.
        codes = Counter(e.code for s in snapshots for e in s.errors)
        missing = sorted({e.permission for s in snapshots for e in s.errors if e.permission and any(
            word in e.code.lower() for word in ("denied", "unauthorized", "forbidden", "authorizationfailed"))})
        print(f"ir-assessor: warning: {errors} collection error(s) ("
              + ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
              + "); the checks that need their data are unknown"
              + (f"; missing permissions: {', '.join(missing)}" if missing else ""), file=sys.stderr)
    return written


def printable(text: str, limit: int = 64) -> str:
    """A name fit for a terminal: no control or bidi-override characters, bounded length."""
    import unicodedata

    clean = "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else "?" for c in text)
    return clean if len(clean) <= limit else clean[:limit - 3] + "..."


def snapshot_json(snapshot: Snapshot) -> str:
    """A snapshot as stable JSON: sorted keys, so two collections of the same account diff cleanly."""
    return json.dumps(snapshot.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
