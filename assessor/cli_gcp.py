"""GCP commands: `import gcp-asset-export FILE... --out DIR` (exports into snapshots) and the GCP options of the
live commands `collect gcp`, `scan gcp` and `permissions gcp` (their shared flow is in cli_live)."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor.errors import InputError

if TYPE_CHECKING:
    from assessor.cli_live import OnJobs
    from assessor.models import Snapshot

IMPORT_SOURCE = "gcp-asset-export"
IMPORT_HELP = "read `gcloud asset export` newline-delimited JSON (RESOURCE, IAM_POLICY, ORG_POLICY)"


def add_import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files (one asset per line)")


def import_snapshots(args: argparse.Namespace) -> list[Snapshot]:
    """Snapshots from the export files; every line of every file is read and checked before anything is written."""
    from assessor import __version__
    from assessor.collectors.gcp.assets import build_snapshots

    assets = list(read_export(args.files))
    snapshots = build_snapshots(assets, collected_at=datetime.now(UTC), tool_version=__version__,
                                source="gcloud asset export: " + ", ".join(p.name for p in args.files))
    if not snapshots:
        raise InputError("no cloudresourcemanager.googleapis.com/Project asset with RESOURCE content found; "
                         "export with --content-type=resource (and iam-policy)", path=str(args.files[0]))
    return snapshots


def read_export(paths: Sequence[Path]) -> Iterator[dict[str, Any]]:
    """Asset records from export files; InputError with file and line for anything malformed."""
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", path=str(path)) from None
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                asset = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON ({exc.msg})", path=str(path), line=number) from None
            if not isinstance(asset, dict):
                raise InputError("not a JSON object (one asset per line expected)", path=str(path),
                                 line=number)
            for key in ("name", "assetType"):
                if not isinstance(asset.get(key), str) or not asset[key]:
                    raise InputError("missing or not a string", path=str(path), line=number, key=key)
            yield asset


# --------------------------------------------------------------------------- live: collect / scan / permissions gcp

PROVIDER = "gcp"
UNITS = "GCP project(s)"
UNIT_ID = "project id"
PERMISSIONS_HELP = "print the custom IAM role (YAML, for `gcloud iam roles create --file`) collection needs"
_PROJECT_ID = re.compile(r"^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})$")  # an id, or a project number
_NUMBER = re.compile(r"^\d{1,20}$")
_ROLE_ID = re.compile(r"^[A-Za-z0-9_.]{3,64}$")


def add_collect_options(p: argparse.ArgumentParser) -> None:
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--project", metavar="ID,...", help="project ids (or numbers), comma-separated")
    scope.add_argument("--folder", metavar="ID", help="every project under this folder (numeric id)")
    scope.add_argument("--organization", metavar="ID", help="every project of this organisation (numeric id)")
    p.add_argument("--key-file", type=Path, metavar="FILE",
                   help="service-account key file (default: Application Default Credentials)")
    p.add_argument("--endpoint", action="append", default=[], metavar="SERVICE=URL",
                   help="API endpoint override, e.g. for Private Service Connect: cloudasset=https://... "
                        "(services: cloudasset, securitycenter, securitycentermanagement, essentialcontacts)")
    p.add_argument("--max-workers", type=int, default=8, metavar="N", help="concurrent API calls (default 8)")
    p.add_argument("--read-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="seconds to wait for one API response (default 60)")
    p.add_argument("--retry-deadline", type=float, default=120.0, metavar="SECONDS",
                   help="how long to retry a throttled (429) or unavailable (5xx) call before recording it as "
                        "failed (default 120)")


def collector_for(args: argparse.Namespace) -> Callable[[OnJobs], list[Snapshot]]:
    """Validate the options now; the returned function does the collection."""
    from assessor.collectors.gcp.collector import DEFAULT_ENDPOINTS, GcpScanConfig

    if args.max_workers < 1:
        raise InputError("--max-workers must be at least 1")
    if args.read_timeout <= 0 or args.retry_deadline < 0:
        raise InputError("--read-timeout must be positive and --retry-deadline not negative")
    projects: tuple[str, ...] = ()
    if args.project is not None:
        projects = tuple(sorted({p.strip() for p in args.project.split(",") if p.strip()}))
        bad = [p for p in projects if not _PROJECT_ID.match(p)]
        if bad or not projects:
            raise InputError(f"--project: not project ids: {', '.join(repr(b[:40]) for b in bad) or '(none)'} "
                             "(6 to 30 lower-case letters, digits and hyphens, or a project number)")
    for option in ("folder", "organization"):
        value = getattr(args, option)
        if value is not None and not _NUMBER.match(value):
            raise InputError(f"--{option}: {value[:40]!r} is not a numeric id (gcloud {option}s list shows it)")
    endpoints: dict[str, str] = {}
    for item in args.endpoint:
        service, _, url = item.partition("=")
        if service not in DEFAULT_ENDPOINTS or not url.startswith(("https://", "http://")):
            raise InputError(f"--endpoint {item[:80]!r}: expected SERVICE=URL with SERVICE one of "
                             f"{', '.join(DEFAULT_ENDPOINTS)} and an http(s) URL")
        endpoints[service] = url
    if args.key_file is not None and not args.key_file.is_file():
        raise InputError("key file not found", path=str(args.key_file))
    from assessor.cli_live import shard_of

    config = GcpScanConfig(shard=shard_of(args),
                           projects=projects, folder=args.folder, organization=args.organization,
                           key_file=args.key_file, endpoints=endpoints, max_workers=args.max_workers,
                           read_timeout=args.read_timeout, retry_deadline=args.retry_deadline)

    def run(on_jobs: OnJobs) -> list[Snapshot]:
        from assessor.collectors.gcp.collector import collect

        return collect(config, progress=on_jobs)

    return run


def add_permissions_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--role-id", default="irAssessorReader", metavar="ID",
                   help="custom role id (default irAssessorReader)")


def permissions_document(args: argparse.Namespace) -> str:
    """A custom role with exactly the permissions the collector's declared operations need."""
    from assessor.collectors.gcp.collector import OPERATIONS

    if not _ROLE_ID.match(args.role_id):
        raise InputError("--role-id: 3 to 64 letters, digits, underscores and dots")
    permissions = sorted({op.permission for op in OPERATIONS.values()})
    lines = [
        "# Create it in the organisation (or, to assess one project only, in that project: --project=PROJECT_ID):",
        f"#   gcloud iam roles create {args.role_id} --organization=ORG_ID --file=role.yaml",
        "# then grant it on the organisation, folder or projects to assess. Every permission is read-only.",
        "title: IR readiness assessor (read-only)",
        "description: Read-only access for ir-assessor to list Cloud Asset Inventory resources, IAM and org "
        "policies, Security Command Center state and Essential Contacts.",
        "stage: GA",
        "includedPermissions:",
        *(f"- {p}" for p in permissions),
    ]
    return "\n".join(lines) + "\n"
