"""Azure commands: `import azure-resource-graph FILE... --out DIR` (a Resource Graph export into snapshots) and the
Azure options of the live commands `collect azure`, `scan azure` and `permissions azure` (the shared flow is in
cli_live)."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assessor.errors import InputError

if TYPE_CHECKING:
    from assessor.cli_live import OnJobs
    from assessor.models import Snapshot

PROVIDER = "azure"
UNITS = "Azure subscription(s)"
UNIT_ID = "subscription id"
PERMISSIONS_HELP = "print the custom Azure role (JSON, for `az role definition create`) collection needs"
IMPORT_SOURCE = "azure-resource-graph"
IMPORT_HELP = "read a Resource Graph export (JSON as `az graph query` prints it)"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GROUP = re.compile(r"^[\w().-]{1,90}$")  # a management group id


def add_collect_options(p: argparse.ArgumentParser) -> None:
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--subscriptions", metavar="ID,...",
                       help="subscription ids, comma-separated (default: every subscription the identity can read)")
    scope.add_argument("--management-group", metavar="ID", help="every subscription under this management group")
    p.add_argument("--tenant", metavar="ID", help="tenant to sign in to (default: the credential's own)")
    p.add_argument("--arm-endpoint", default="https://management.azure.com", metavar="URL",
                   help="Azure Resource Manager endpoint; for sovereign clouds, e.g. "
                        "https://management.usgovcloudapi.net (default: public Azure)")
    p.add_argument("--authority-host", metavar="URL",
                   help="Entra ID authority for sovereign or private clouds, e.g. https://login.microsoftonline.us "
                        "(turns off MSAL's instance discovery against the public cloud)")
    p.add_argument("--ca-bundle", type=Path, metavar="FILE",
                   help="PEM file of CA certificates to trust, e.g. behind a TLS-inspecting proxy")
    p.add_argument("--max-workers", type=int, default=16, metavar="N", help="concurrent ARM calls (default 16)")
    p.add_argument("--read-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="seconds to wait for one API response (default 60)")
    p.add_argument("--max-attempts", type=int, default=6, metavar="N",
                   help="attempts per call when throttled (429, honouring Retry-After) or failing (5xx) (default 6)")


def collector_for(args: argparse.Namespace) -> Callable[[OnJobs], list[Snapshot]]:
    """Validate the options now; the returned function does the collection."""
    from assessor.collectors.azure.collector import AzureScanConfig

    if args.max_workers < 1 or args.max_attempts < 1:
        raise InputError("--max-workers and --max-attempts must be at least 1")
    if args.read_timeout <= 0:
        raise InputError("--read-timeout must be positive")
    subscriptions: tuple[str, ...] = ()
    if args.subscriptions is not None:
        subscriptions = tuple(sorted({s.strip().lower() for s in args.subscriptions.split(",") if s.strip()}))
        bad = [s for s in subscriptions if not _GUID.match(s)]
        if bad or not subscriptions:
            raise InputError(f"--subscriptions: not subscription ids: "
                             f"{', '.join(repr(b[:40]) for b in bad) or '(none)'} (GUIDs, comma-separated)")
    if args.management_group is not None and not _GROUP.match(args.management_group):
        raise InputError(f"--management-group: {args.management_group[:40]!r} is not a management group id")
    if args.tenant is not None and not (_GUID.match(args.tenant) or re.match(r"^[\w.-]+\.[a-z]{2,}$", args.tenant)):
        raise InputError(f"--tenant: {args.tenant[:40]!r} is not a tenant id or domain")
    for option in ("arm_endpoint", "authority_host"):
        value = getattr(args, option)
        if value is not None and not value.startswith("https://"):
            raise InputError(f"--{option.replace('_', '-')}: {value[:60]!r} must be an https:// URL")
    if args.ca_bundle is not None and not args.ca_bundle.is_file():
        raise InputError("CA bundle not found", path=str(args.ca_bundle))
    from assessor.cli_live import shard_of

    config = AzureScanConfig(shard=shard_of(args),
                             subscriptions=subscriptions, management_group=args.management_group, tenant=args.tenant,
                             arm_endpoint=args.arm_endpoint.rstrip("/"), authority_host=args.authority_host,
                             ca_bundle=args.ca_bundle, max_workers=args.max_workers, read_timeout=args.read_timeout,
                             max_attempts=args.max_attempts)

    def run(on_jobs: OnJobs) -> list[Snapshot]:
        from assessor.collectors.azure.collector import collect

        return collect(config, progress=on_jobs)

    return run


def add_permissions_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scope", action="append", default=[], metavar="SCOPE",
                   help="assignable scope, e.g. /providers/Microsoft.Management/managementGroups/ID or "
                        "/subscriptions/ID (repeatable; default: a placeholder to replace)")


def permissions_document(args: argparse.Namespace) -> str:
    """A custom role with exactly the read actions the collector's declared operations and inventory need."""
    from assessor.collectors.azure.collector import OPERATIONS
    from assessor.collectors.azure.records import ROW_TYPES

    tenant_level = sorted({op.action for op in OPERATIONS.values() if op.action.lower().startswith("microsoft.aadiam")})
    actions = sorted({op.action for op in OPERATIONS.values() if op.action not in tenant_level}
                     | {f"{_provider_case(t)}/read" for t in ROW_TYPES})
    role = {
        "Name": "IR readiness assessor (read-only)",
        "IsCustom": True,
        "Description": "Read-only access for ir-assessor: Resource Graph inventory and the ARM settings Resource "
                       "Graph lacks. Entra ID diagnostic settings (" + ", ".join(tenant_level) + ") are read at "
                       "tenant scope and need the Security Reader Entra role; a custom Azure role cannot grant them.",
        "Actions": actions,
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": args.scope or ["/subscriptions/00000000-0000-0000-0000-000000000000"],
    }
    return json.dumps(role, indent=2) + "\n"


def _provider_case(resource_type: str) -> str:
    """`microsoft.network/networkwatchers` -> `Microsoft.Network/networkwatchers` (RBAC actions are case-insensitive;
    the provider namespace is written as Azure documents it)."""
    namespace, _, rest = resource_type.partition("/")
    return ".".join(part[:1].upper() + part[1:] for part in namespace.split(".")) + "/" + rest


def add_import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="JSON files from `az graph query -q QUERY --first 1000 [--skip-token ...]`, one per page")


def import_snapshots(args: argparse.Namespace) -> list[Snapshot]:
    """Snapshots from the export files, every file read and checked before anything is written."""
    from datetime import UTC, datetime

    from assessor import __version__
    from assessor.collectors.azure.export import read_resource_graph_export
    from assessor.collectors.azure.records import build_snapshots

    rows = read_resource_graph_export(args.files)
    snapshots = build_snapshots(rows, arm=None, collected_at=datetime.now(UTC), tool_version=__version__,
                                identity=None,
                                source="resource graph export: " + ", ".join(p.name for p in args.files))
    if not snapshots:
        raise InputError("no subscription found in the export (rows need subscriptionId); export with "
                         "`az graph query -q \"resources | union resourcecontainers\"`", path=str(args.files[0]))
    return snapshots
