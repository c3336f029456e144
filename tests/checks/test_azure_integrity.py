"""Azure log integrity and retention checks (LI-03, LI-04, LI-06)."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.azure.integrity import (
    flow_log_retention,
    logging_tamper_alert,
    storage_log_immutability,
    workspace_delete_lock,
    workspace_retention,
)

from assessor.models import Snapshot
from tests.factories import findings, profile, snapshot, statuses

SUB = "0b0e5c1d-7a2f-4c1e-9d3b-5a6f7e8d9c0b"
SCOPE = f"/subscriptions/{SUB}"
RG = f"{SCOPE}/resourceGroups/rg-logs"
DIAG, STORAGE, WORKSPACE, LOCK, FLOW, ALERT = (
    "azure.monitor.diagnostic_setting", "azure.storage.account", "azure.loganalytics.workspace",
    "azure.locks.lock", "azure.network.flow_log", "azure.monitor.activity_log_alert")


def azure(resources: dict[str, list[dict[str, Any]]] | None = None,
          errors: list[dict[str, Any]] | None = None) -> Snapshot:
    return snapshot("azure", resources=resources, errors=errors, account_id=SUB, regions=["westeurope"])


def account(name: str, containers: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.Storage/storageAccounts/{name}", "name": name,
            "region": "westeurope", "tags": {}, "containers": containers or [], **extra}


def container(name: str, state: str | None = None, legal_hold: bool = False) -> dict[str, Any]:
    return {"name": name, "immutability_state": state, "has_legal_hold": legal_hold}


def to_storage(acct: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"{SCOPE}/providers/microsoft.insights/diagnosticSettings/archive", "scope_id": SCOPE,
            "categories": ["Administrative"], "storage_account_id": acct["id"].lower()}


# ---------------------------------------------------------------------- LI-03 storage immutability


def test_log_storage_with_locked_insights_containers_passes() -> None:
    """A destination account whose insights-* containers are Locked is write-once."""
    acct = account("stlogs", [container("insights-activity-logs", "Locked"), container("scratch")])
    assert statuses(findings(storage_log_immutability, azure({STORAGE: [acct], DIAG: [to_storage(acct)]}))) == [
        "pass"]


def test_account_level_locked_policy_passes() -> None:
    """Account-level version immutability in Locked state protects every container."""
    acct = account("stlogs", [container("insights-activity-logs")], immutability_enabled=True,
                   immutability_state="Locked")
    assert statuses(findings(storage_log_immutability, azure({STORAGE: [acct], DIAG: [to_storage(acct)]}))) == [
        "pass"]


def test_unlocked_policy_is_not_write_once() -> None:
    """An Unlocked policy can be removed by an admin: it fails and is flagged as unlocked."""
    acct = account("stlogs", [container("insights-activity-logs", "Unlocked")])
    (found,) = findings(storage_log_immutability, azure({STORAGE: [acct], DIAG: [to_storage(acct)]}))
    assert found.status == "fail"
    assert found.evidence["unlocked_policies"]["items"] == [acct["id"]]


def test_tagged_log_store_is_judged_and_partial() -> None:
    """An account tagged purpose=logs is judged even with no setting pointing at it."""
    locked = account("stlocked", [container("insights-logs-auditevent", "Locked")])
    tagged = account("sttagged", [container("archive")], tags={"Purpose": "Security Logs"})
    (found,) = findings(storage_log_immutability, azure({STORAGE: [locked, tagged], DIAG: [to_storage(locked)]}))
    assert found.status == "partial" and found.coverage == 0.5


def test_purpose_tag_matches_whole_words_and_survives_hostile_values() -> None:
    """'logistics' is not a log store; huge or hostile tag values are read as plain data."""
    logistics = account("stlogistics", tags={"purpose": "logistics"})
    hostile = account("sthostile", tags={"purpose": "\u202e" + "x" * 10_000, "<script>": "{{ 7*7 }}"})
    assert statuses(findings(storage_log_immutability, azure({STORAGE: [logistics, hostile], DIAG: []}))) == [
        "not_applicable"]


def test_log_destination_in_other_subscription_is_unknown() -> None:
    """Logs sent to an account outside this snapshot cannot be judged: unknown, not pass."""
    foreign = account("stcentral")
    foreign["id"] = "/subscriptions/ffffffff-0000-0000-0000-000000000000/resourceGroups/rg/providers/" \
                    "Microsoft.Storage/storageAccounts/stcentral"
    (found,) = findings(storage_log_immutability, azure({STORAGE: [], DIAG: [to_storage(foreign)]}))
    assert found.status == "unknown"


def test_no_log_storage_is_not_applicable() -> None:
    """Without storage log destinations or tagged stores, the check does not apply."""
    assert statuses(findings(storage_log_immutability, azure({STORAGE: [account("stapp")], DIAG: []}))) == [
        "not_applicable"]


# ---------------------------------------------------------------------- LI-03 workspace lock


def workspace(name: str, retention: int | None = 90, tables: list[dict[str, Any]] | None = None,
              rg: str = RG) -> dict[str, Any]:
    return {"id": f"{rg}/providers/Microsoft.OperationalInsights/workspaces/{name}", "name": name,
            "region": "westeurope", "retention_in_days": retention, "tables": tables or []}


def lock(scope: str, level: str = "CanNotDelete") -> dict[str, Any]:
    return {"id": f"{scope}/providers/Microsoft.Authorization/locks/keep", "name": "keep", "scope": scope,
            "level": level}


def test_workspace_lock_inherited_from_resource_group() -> None:
    """A lock on the workspace's resource group protects it; a lock elsewhere does not."""
    inside, outside = workspace("law-a"), workspace("law-b", rg=f"{SCOPE}/resourceGroups/rg-other")
    (found,) = findings(workspace_delete_lock, azure({WORKSPACE: [inside, outside], LOCK: [lock(RG.upper())]}))
    assert found.status == "partial"
    assert found.evidence["non_compliant"]["items"] == [outside["id"]]
    assert statuses(findings(workspace_delete_lock, azure({WORKSPACE: [inside], LOCK: [lock(SCOPE)]}))) == ["pass"]


def test_workspace_lock_prefix_is_segment_aware() -> None:
    """A lock on rg-logs does not protect a workspace in rg-logs-old."""
    other = workspace("law-old", rg=f"{RG}-old")
    assert statuses(findings(workspace_delete_lock, azure({WORKSPACE: [other], LOCK: [lock(RG)]}))) == ["fail"]


def test_workspace_lock_unknown_when_locks_denied() -> None:
    """Locks unreadable gives unknown naming the operation."""
    snap = azure({WORKSPACE: [workspace("law")]}, errors=[{
        "service": "Microsoft.Authorization", "operation": "locks/list", "code": "AuthorizationFailed",
        "resource_types": [LOCK], "permission": "Microsoft.Authorization/locks/read"}])
    (found,) = findings(workspace_delete_lock, snap)
    assert found.status == "unknown" and "locks/list" in (found.reason or "")


# ---------------------------------------------------------------------- LI-04 retention


def test_workspace_retention_against_profile() -> None:
    """Retention is judged against the profile's requirement, not a fixed number."""
    snap = azure({WORKSPACE: [workspace("law", retention=90)]})
    (short,) = findings(workspace_retention, snap, profile(required_log_retention_days=365))
    assert short.status == "fail" and short.evidence["shortest_days"] == 90
    assert statuses(findings(workspace_retention, snap, profile(required_log_retention_days=90))) == ["pass"]


def test_long_term_table_retention_counts() -> None:
    """Total (long-term) retention on the security tables meets the requirement; other tables are ignored."""
    tables = [{"name": "AzureActivity", "retention_in_days": 90, "total_retention_in_days": 730},
              {"name": "SigninLogs", "retention_in_days": 90, "total_retention_in_days": 400},
              {"name": "Usage", "retention_in_days": 90, "total_retention_in_days": 90}]
    (found,) = findings(workspace_retention, azure({WORKSPACE: [workspace("law", 90, tables)]}),
                        profile(required_log_retention_days=365))
    assert found.status == "pass"
    assert found.evidence["retention_days"] == {workspace("law")["id"]: 400}


def test_workspace_retention_partial_and_missing_value() -> None:
    """Some workspaces short gives partial; a workspace with no retention recorded is unknown, not fail."""
    snap = azure({WORKSPACE: [workspace("law-long", 730), workspace("law-short", 30), workspace("law-x", None)]})
    found = findings(workspace_retention, snap, profile(required_log_retention_days=365))
    assert statuses(found) == ["partial", "unknown"]


def test_flow_log_retention() -> None:
    """Flow logs that keep forever (0 or no policy) or long enough pass; short ones are counted."""
    logs = [{"id": "fl-keep", "enabled": True, "retention_enabled": True, "retention_days": 0},
            {"id": "fl-nopolicy", "enabled": True, "retention_enabled": False, "retention_days": 7},
            {"id": "fl-short", "enabled": True, "retention_enabled": True, "retention_days": 90},
            {"id": "fl-off", "enabled": False, "retention_enabled": True, "retention_days": 1}]
    (found,) = findings(flow_log_retention, azure({FLOW: logs}), profile(required_log_retention_days=365))
    assert found.status == "partial"
    assert found.evidence["non_compliant"]["items"] == ["fl-short"]
    assert statuses(findings(flow_log_retention, azure({FLOW: logs[3:]}))) == ["not_applicable"]


# ---------------------------------------------------------------------- LI-06 tamper alert


def alert(ops: list[str], *, enabled: bool = True, scopes: list[str] | None = None,
          groups: list[str] | None = None, categories: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"{SCOPE}/resourceGroups/rg-mon/providers/microsoft.insights/activityLogAlerts/{len(ops)}",
            "enabled": enabled, "scopes": scopes if scopes is not None else [SCOPE],
            "categories": categories if categories is not None else ["Administrative"],
            "operation_names": ops, "action_group_ids": groups if groups is not None else ["ag-soc"],
            "region": "global"}


def test_tamper_alert_pass_partial_fail() -> None:
    """Alerts on delete and write pass; delete only is partial; none fails."""
    delete, write = "microsoft.insights/diagnosticsettings/delete", "microsoft.insights/diagnosticsettings/write"
    assert statuses(findings(logging_tamper_alert, azure({ALERT: [alert([delete, write])]}))) == ["pass"]
    (partial,) = findings(logging_tamper_alert, azure({ALERT: [alert([delete])]}))
    assert partial.status == "partial" and partial.coverage == 0.5
    assert statuses(findings(logging_tamper_alert, azure({ALERT: []}))) == ["fail"]


def test_tamper_alert_must_be_enabled_wide_and_notify() -> None:
    """A disabled alert, one scoped to a resource group, or one with no action group does not count."""
    ops = ["microsoft.insights/diagnosticsettings/delete", "microsoft.insights/diagnosticsettings/write"]
    useless = [alert(ops, enabled=False), alert(ops, scopes=[f"{SCOPE}/resourceGroups/rg"]), alert(ops, groups=[])]
    assert statuses(findings(logging_tamper_alert, azure({ALERT: useless}))) == ["fail"]


def test_catch_all_administrative_alert_counts() -> None:
    """An alert on the whole Administrative category watches every write and delete."""
    assert statuses(findings(logging_tamper_alert, azure({ALERT: [alert([])]}))) == ["pass"]
    assert statuses(findings(logging_tamper_alert, azure({ALERT: [alert([], categories=["ServiceHealth"])]}))
                    ) == ["fail"]
