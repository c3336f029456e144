"""AWS options of the live commands (`collect aws`, `scan aws`, `permissions aws`; the flow is in cli_live).

The AWS SDK is only imported by the collector, when a command needs it; `permissions aws` works without it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assessor.errors import InputError

if TYPE_CHECKING:
    from assessor.cli_live import OnJobs
    from assessor.collectors.aws.collector import AwsScanConfig
    from assessor.models import Snapshot

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")  # an IAM role name, without path or wildcard
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


PROVIDER = "aws"
UNITS = "AWS account(s)"
UNIT_ID = "account"
PERMISSIONS_HELP = "print the IAM policy (JSON) for the collecting principal"


def add_permissions_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--org-role", metavar="NAME", help="also allow sts:AssumeRole on this role name in every account")


def permissions_document(args: argparse.Namespace) -> str:
    from assessor.collectors.aws.policy import policy_json

    return policy_json(_role_name(args.org_role))


def collector_for(args: argparse.Namespace) -> Callable[[OnJobs], list[Snapshot]]:
    """Validate the options now; the returned function does the collection."""
    config = _scan_config(args)

    def run(on_jobs: OnJobs) -> list[Snapshot]:
        from assessor.collectors.aws.collector import collect

        return collect(config, progress=on_jobs)

    return run


def add_collect_options(p: argparse.ArgumentParser) -> None:
    _aws_options(p)


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
    from assessor.cli_live import shard_of

    return AwsScanConfig(
        shard=shard_of(args),
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
