"""Live-collection commands: `collect aws`, `scan aws` (collect then assess) and `permissions aws`.

Each command takes the provider as a sub-command so Azure and GCP can be added beside AWS. The AWS SDK is only
imported by the collector, when a command needs it; `permissions aws` works without it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor.errors import InputError

if TYPE_CHECKING:
    from assessor.collectors.aws.collector import AwsScanConfig
    from assessor.models import Snapshot

PROVIDER_COMMANDS = ("collect", "scan", "permissions")

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")  # an IAM role name, without path or wildcard
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


def add_provider_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add the collect, scan and permissions commands to the top-level sub-parsers."""
    collect = sub.add_parser("collect", help="collect live snapshots (read-only API calls)")
    collect_aws = collect.add_subparsers(dest="provider", required=True, parser_class=parser_class).add_parser(
        "aws", help="collect AWS accounts into snapshots")
    _aws_options(collect_aws)
    collect_aws.add_argument("--out", type=Path, required=True, metavar="DIR",
                             help="folder for the snapshots (aws-<account>.json)")
    collect_aws.add_argument("--quiet", action="store_true", help="no progress bar, no summary")

    scan = sub.add_parser("scan", help="collect live snapshots, then assess them like `assess`")
    scan_aws = scan.add_subparsers(dest="provider", required=True, parser_class=parser_class).add_parser(
        "aws", help="collect AWS accounts and assess them")
    _aws_options(scan_aws)
    scan_aws.add_argument("--answers", type=Path, required=True, metavar="FILE", help="answers file (YAML)")
    scan_aws.add_argument("--out", type=Path, required=True, metavar="DIR",
                          help="output folder; snapshots go to DIR/snapshots/")
    scan_aws.add_argument("--format", default="html,pdf,json,csv", help="comma-separated: html,pdf,json,csv")
    scan_aws.add_argument("--generated-at", metavar="ISO8601",
                          help="assessment time (default now); fixes dates for reproducible output")
    scan_aws.add_argument("--fail-under", type=float, metavar="N",
                          help="exit 3 when the readiness index is below N")
    scan_aws.add_argument("--quiet", action="store_true", help="no progress bar, no summary")

    permissions = sub.add_parser("permissions", help="print the least-privilege policy collection needs")
    permissions_aws = permissions.add_subparsers(dest="provider", required=True,
                                                 parser_class=parser_class).add_parser(
        "aws", help="print the IAM policy (JSON) for the collecting principal")
    permissions_aws.add_argument("--org-role", metavar="NAME",
                                 help="also allow sts:AssumeRole on this role name in every account")


def _aws_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", metavar="P", help="AWS profile (default: the standard credential chain)")
    p.add_argument("--regions", metavar="R,...", help="regions to sweep (default: the account's enabled regions)")
    p.add_argument("--org-role", metavar="NAME",
                   help="assume this role in every member account of the organisation (or of --accounts)")
    p.add_argument("--external-id", metavar="X", help="external id the --org-role trust policy requires")
    p.add_argument("--accounts", metavar="FILE|ID,...",
                   help="account ids, comma-separated or a file with one per line; default: the caller's account, "
                        "or every active account of the organisation with --org-role")
    p.add_argument("--max-workers", type=int, default=16, metavar="N",
                   help="concurrent API calls across all accounts (default 16)")
    p.add_argument("--read-timeout", type=float, default=20.0, metavar="SECONDS",
                   help="seconds to wait for an API response before recording a timeout (default 20)")
    p.add_argument("--max-attempts", type=int, default=8, metavar="N",
                   help="attempts per API call, with adaptive back-off on throttling (default 8)")


def run_provider_command(args: argparse.Namespace) -> int:
    if args.command == "permissions":
        return _permissions(args)
    if args.command == "collect":
        return _collect(args)
    return _scan(args)


def _permissions(args: argparse.Namespace) -> int:
    from assessor.collectors.aws.policy import policy_json

    sys.stdout.write(policy_json(_role_name(args.org_role)))
    return 0


def _collect(args: argparse.Namespace) -> int:
    _collect_into(args.out, _scan_config(args), quiet=args.quiet)
    return 0


def _scan(args: argparse.Namespace) -> int:
    from assessor.catalogue import load_catalogue
    from assessor.cli import assess_and_report, check_report_options
    from assessor.questionnaire import load_answers

    # Bad options or a bad answers file fail now, not after minutes of API calls.
    _, generated_at = check_report_options(args)
    load_answers(args.answers, load_catalogue(), generated_at.date(), strict_expiry=False)
    snapshots_dir = args.out / "snapshots"
    written = _collect_into(snapshots_dir, _scan_config(args), quiet=args.quiet)
    # Assess exactly what this run collected: snapshots left in the folder by an earlier scan (an account since
    # closed or outside today's --accounts) must not be reported as if they were current.
    stale = sorted(set(snapshots_dir.glob("*.json")) - set(written))
    if stale and not args.quiet:
        print(f"ir-assessor: note: {len(stale)} older snapshot(s) in {snapshots_dir} are not part of this scan "
              "and are left out of the report", file=sys.stderr)
    return assess_and_report(written or [snapshots_dir], args)


def _collect_into(out: Path, config: AwsScanConfig, *, quiet: bool) -> list[Path]:
    """Collect, write one snapshot per account, print the summary."""
    from assessor.collectors.aws.collector import collect
    from assessor.inputs import atomic_write
    from assessor.progress import ProgressBar

    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder", path=str(out))
    bars: list[ProgressBar] = []

    def on_jobs(total: int) -> ProgressBar:
        bars.append(ProgressBar("Collecting", total, enabled=not quiet))
        return bars[-1]

    try:
        snapshots = collect(config, progress=on_jobs)
    finally:
        for bar in bars:
            bar.close()
    written = []
    for snapshot in snapshots:
        path = out / f"aws-{snapshot.account_id}.json"
        atomic_write(path, snapshot_json(snapshot))
        written.append(path)
    errors = sum(len(s.errors) for s in snapshots)
    if not quiet:
        calls = sum(c.count for s in snapshots for c in s.api_calls)
        print(f"Collected {len(snapshots)} AWS account(s): {calls} API calls, {errors} collection error(s).")
        for snapshot, path in zip(snapshots, written, strict=True):
            name = f" ({_printable(snapshot.account_name)})" if snapshot.account_name else ""
            print(f"  {path}{name}: {len(snapshot.regions)} region(s), "
                  f"{sum(len(r) for r in snapshot.resources.values())} resources, "
                  f"{sum(c.count for c in snapshot.api_calls)} calls, {len(snapshot.errors)} errors")
    if errors:
        # Errors make checks unknown, never pass: say so where an unattended run's log will show it.
        codes = Counter(e.code for s in snapshots for e in s.errors)
        missing = sorted({e.permission for s in snapshots for e in s.errors
                          if e.permission and ("denied" in e.code.lower() or "unauthorized" in e.code.lower())})
        print(f"ir-assessor: warning: {errors} API call(s) failed ("
              + ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
              + "); the checks that need their data are unknown"
              + (f"; missing permissions: {', '.join(missing)}" if missing else ""), file=sys.stderr)
    return written


def _printable(text: str, limit: int = 64) -> str:
    """An account name fit for a terminal: no control or bidi-override characters, bounded length."""
    import unicodedata

    clean = "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else "?" for c in text)
    return clean if len(clean) <= limit else clean[:limit - 3] + "..."


def snapshot_json(snapshot: Snapshot) -> str:
    """A snapshot as stable JSON: sorted keys, so two collections of the same account diff cleanly."""
    return json.dumps(snapshot.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _scan_config(args: argparse.Namespace) -> AwsScanConfig:
    from assessor.collectors.aws.collector import AwsScanConfig

    if args.max_workers < 1:
        raise InputError("--max-workers must be at least 1")
    if args.read_timeout <= 0:
        raise InputError("--read-timeout must be positive")
    if args.max_attempts < 1:
        raise InputError("--max-attempts must be at least 1")
    if args.external_id is not None and not args.org_role:
        raise InputError("--external-id needs --org-role (it is passed when assuming that role)")
    if args.external_id is not None and not _EXTERNAL_ID.match(args.external_id):
        raise InputError("--external-id: 2 to 1224 characters of letters, digits and +=,.@:/-")
    return AwsScanConfig(
        profile=args.profile, regions=_regions(args.regions), org_role=_role_name(args.org_role),
        external_id=args.external_id, accounts=_accounts(args.accounts), max_workers=args.max_workers,
        read_timeout=args.read_timeout, max_attempts=args.max_attempts,
    )


def _role_name(text: str | None) -> str | None:
    if text is None:
        return None
    if not _ROLE_NAME.match(text):
        raise InputError(f"--org-role: {text!r} is not an IAM role name (letters, digits and +=,.@_-, "
                         "at most 64, no path or wildcard)")
    return text


def _regions(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    regions = sorted({r.strip() for r in text.split(",") if r.strip()})
    bad = [r for r in regions if not _REGION.match(r)]
    if bad or not regions:
        raise InputError(f"--regions: not region names: {', '.join(bad) or '(none)'} (e.g. eu-west-1,us-east-1)")
    return tuple(regions)


def _accounts(text: str | None) -> tuple[str, ...]:
    """Comma-separated ids, or a file with ids separated by lines, commas or spaces (# starts a comment)."""
    if text is None:
        return ()
    path = Path(text)
    source = text
    if path.is_file():
        from assessor.inputs import _read_text

        lines = _read_text(path, 1 << 20).splitlines()
        source = ",".join(line.split("#", 1)[0] for line in lines)
    ids = sorted({a.strip() for a in re.split(r"[,\s]+", source) if a.strip()})
    bad = [a for a in ids if not _ACCOUNT_ID.match(a)]
    if bad or not ids:
        shown = ", ".join(repr(b[:20]) for b in bad[:5]) or "(none)"
        raise InputError(f"--accounts: not 12-digit AWS account ids: {shown}",
                         path=str(path) if source is not text else None)
    return tuple(ids)
