"""Small builders for snapshots and profiles, so a check test reads in three lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from assessor.checks_api import CheckContext, CheckFunction, CheckResult
from assessor.evaluate import jurisdiction_maps, run_check_function
from assessor.models import CollectionError, Finding, Profile, Snapshot, Workload

FIXED_TIME = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def profile(**overrides: Any) -> Profile:
    data: dict[str, Any] = {
        "organization": "Test Org",
        "onprem_capabilities": ["full_packet_capture", "netflow", "dns_logs", "siem"],
        "workloads": [Workload(name="app", provider="aws", service_model="iaas")],
        "allowed_jurisdictions": ["EU"],
        "required_log_retention_days": 365,
    }
    data.update(overrides)
    return Profile(**data)


def snapshot(provider: str = "aws", resources: dict[str, list[dict[str, Any]]] | None = None,
             errors: list[dict[str, Any]] | None = None, account_id: str = "111111111111",
             regions: list[str] | None = None) -> Snapshot:
    return Snapshot(
        provider=provider,  # type: ignore[arg-type]
        account_id=account_id,
        regions=regions if regions is not None else ["eu-west-1"],
        collected_at=FIXED_TIME,
        tool_version="test",
        resources=resources or {},
        errors=[CollectionError(**e) for e in (errors or [])],
    )


def context(snap: Snapshot, prof: Profile | None = None,
            jurisdictions: dict[str, str] | None = None) -> CheckContext:
    if jurisdictions is None:
        from assessor.catalogue import load_catalogue

        jurisdictions = jurisdiction_maps(load_catalogue()).get(snap.provider, {})
    return CheckContext(snap, prof or profile(), jurisdictions)


def results(fn: CheckFunction, snap: Snapshot, prof: Profile | None = None) -> list[CheckResult]:
    """Call a check directly (no runner), for asserting on its raw results."""
    return list(fn(context(snap, prof)))


def findings(fn: CheckFunction, snap: Snapshot, prof: Profile | None = None) -> list[Finding]:
    """Run a check through the real runner: Unavailable becomes unknown, a crash becomes error."""
    return run_check_function(fn, context(snap, prof))


def statuses(found: list[Finding]) -> list[str]:
    return sorted(f.status.value for f in found)
