"""Azure detection and SIEM checks: Defender plans (DT-01), change alerts (DT-02), Sentinel (DT-05),
SIEM streaming (IN-01), continuous export (IN-02)."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.azure.detection import change_alerts, defender_plans, sentinel_onboarded
from ir_assessor_checks.azure.integration import continuous_export, siem_streaming

from assessor.models import Snapshot
from tests.factories import findings, snapshot, statuses

SUB = "0b0e5c1d-7a2f-4c1e-9d3b-5a6f7e8d9c0b"
SCOPE = f"/subscriptions/{SUB}"
WORKSPACE = f"{SCOPE}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-sec"
OTHER_WORKSPACE = ("/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                   "Microsoft.OperationalInsights/workspaces/law-central")
RULE = (f"{SCOPE}/resourceGroups/rg-siem/providers/Microsoft.EventHub/namespaces/evh-siem/authorizationRules/"
        "send")
PRICING, RESOURCE, ALERT, SENTINEL, DIAG, AUTOMATION, ENTRA = (
    "azure.security.pricing", "azure.resource", "azure.monitor.activity_log_alert",
    "azure.securityinsights.onboarding", "azure.monitor.diagnostic_setting", "azure.security.automation",
    "azure.aadiam.diagnostic_setting")


def azure(resources: dict[str, list[dict[str, Any]]] | None = None,
          errors: list[dict[str, Any]] | None = None) -> Snapshot:
    return snapshot("azure", resources=resources, errors=errors, account_id=SUB, regions=["westeurope"])


# ---------------------------------------------------------------------- DT-01 Defender plans


def plan(name: str, tier: str) -> dict[str, Any]:
    return {"id": f"{SCOPE}/providers/Microsoft.Security/pricings/{name}", "name": name, "pricing_tier": tier}


def row(rtype: str) -> dict[str, Any]:
    return {"id": f"{SCOPE}/resourceGroups/rg/providers/{rtype}/x", "type": rtype, "region": "westeurope"}


def test_defender_plans_follow_the_resources_in_use() -> None:
    """Arm is always needed; other plans only when their resource types exist."""
    resources = [row("microsoft.storage/storageaccounts"), row("microsoft.keyvault/vaults")]
    pricings = [plan("Arm", "Standard"), plan("StorageAccounts", "Standard"), plan("KeyVaults", "Free"),
                plan("VirtualMachines", "Free")]  # no VMs: its plan being off does not matter
    (found,) = findings(defender_plans, azure({PRICING: pricings, RESOURCE: resources}))
    assert found.status == "partial"
    assert found.evidence["non_compliant"]["items"] == ["KeyVaults"]
    assert abs((found.coverage or 0) - 2 / 3) < 1e-9


def test_defender_all_on_passes_and_all_off_fails() -> None:
    """Every needed plan on passes; plans off, or not offered at all, fail."""
    resources = [row("microsoft.compute/virtualmachines")]
    on = [plan("Arm", "Standard"), plan("VirtualMachines", "standard")]
    assert statuses(findings(defender_plans, azure({PRICING: on, RESOURCE: resources}))) == ["pass"]
    (found,) = findings(defender_plans, azure({PRICING: [plan("Arm", "Free")], RESOURCE: resources}))
    assert found.status == "fail" and found.evidence["not_offered"] == ["VirtualMachines"]


def test_defender_unknown_without_inventory() -> None:
    """Plans can only be judged against the inventory; without it the result is unknown."""
    (found,) = findings(defender_plans, azure({PRICING: [plan("Arm", "Standard")]}))
    assert found.status == "unknown"


# ---------------------------------------------------------------------- DT-02 change alerts


def alert(ops: list[str]) -> dict[str, Any]:
    return {"id": f"{SCOPE}/resourceGroups/rg/providers/microsoft.insights/activityLogAlerts/a{len(ops)}",
            "enabled": True, "scopes": [SCOPE], "categories": ["Administrative"], "operation_names": ops,
            "action_group_ids": ["ag"]}


def test_change_alerts_coverage() -> None:
    """Coverage is the share of the ten CIS change types with an alert."""
    ops = ["microsoft.network/networksecuritygroups/write", "microsoft.network/networksecuritygroups/delete"]
    (found,) = findings(change_alerts, azure({ALERT: [alert(ops)]}))
    assert found.status == "partial" and found.coverage == 0.2
    assert statuses(findings(change_alerts, azure({ALERT: []}))) == ["fail"]
    assert statuses(findings(change_alerts, azure({ALERT: [alert([])]}))) == ["pass"]


# ---------------------------------------------------------------------- DT-05 Sentinel


def test_sentinel_onboarded_passes() -> None:
    """An onboarded workspace passes and lists its connectors."""
    onboarding = {"id": f"{WORKSPACE}/providers/Microsoft.SecurityInsights/onboardingStates/default",
                  "workspace_id": WORKSPACE, "region": "westeurope", "data_connector_kinds": ["AzureActivity"]}
    (found,) = findings(sentinel_onboarded, azure({SENTINEL: [onboarding]}))
    assert found.status == "pass" and found.evidence["data_connectors"] == ["AzureActivity"]


def test_sentinel_absent_fails_unless_logs_go_elsewhere() -> None:
    """No Sentinel here fails, but if logs go to another subscription's workspace it is unknown."""
    assert statuses(findings(sentinel_onboarded, azure({SENTINEL: [], DIAG: []}))) == ["fail"]
    away = {"id": "s", "scope_id": SCOPE, "categories": ["Administrative"], "workspace_id": OTHER_WORKSPACE}
    (found,) = findings(sentinel_onboarded, azure({SENTINEL: [], DIAG: [away]}))
    assert found.status == "unknown"
    assert found.evidence["external_workspaces"]["items"] == [OTHER_WORKSPACE.lower()]


# ---------------------------------------------------------------------- IN-01 SIEM streaming


def setting(scope: str, **dest: Any) -> dict[str, Any]:
    return {"id": f"{scope}/providers/microsoft.insights/diagnosticSettings/s", "scope_id": scope,
            "categories": ["Administrative"], **dest}


def test_event_hub_or_sentinel_workspace_reaches_siem() -> None:
    """An Event Hub destination or a Sentinel-onboarded workspace counts as reaching a SIEM."""
    kv = f"{SCOPE}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
    snap = azure({DIAG: [setting(SCOPE, event_hub_authorization_rule_id=RULE), setting(kv, workspace_id=WORKSPACE)],
                  SENTINEL: [{"id": "o", "workspace_id": WORKSPACE.upper()}]})
    (found,) = findings(siem_streaming, snap)
    assert found.status == "pass"
    assert found.evidence["event_hub_rules"]["items"] == [RULE]


def test_workspace_without_sentinel_or_storage_does_not_reach_siem() -> None:
    """A plain workspace or a storage archive is not a SIEM; the activity log is named as unrouted."""
    kv = f"{SCOPE}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
    snap = azure({DIAG: [setting(SCOPE, workspace_id=WORKSPACE), setting(kv, event_hub_authorization_rule_id=RULE)],
                  SENTINEL: []})
    (found,) = findings(siem_streaming, snap)
    assert found.status == "partial"
    assert found.evidence["non_compliant"]["items"] == ["activity log"]


def test_sentinel_status_unreadable_is_unknown_for_workspace_streams() -> None:
    """If onboarding could not be read, workspace-only streams are undecided, not failed."""
    snap = azure({DIAG: [setting(SCOPE, workspace_id=WORKSPACE)]},
                 errors=[{"service": "Microsoft.SecurityInsights", "operation": "onboardingStates/list",
                          "code": "AuthorizationFailed", "resource_types": [SENTINEL]}])
    assert statuses(findings(siem_streaming, snap)) == ["unknown"]


def test_entra_stream_counts_and_activity_log_is_always_judged() -> None:
    """Entra settings are a stream when readable; an unexported Activity Log still counts against."""
    entra = {"id": "/providers/microsoft.aadiam/diagnosticSettings/x", "categories": ["SignInLogs"],
             "event_hub_authorization_rule_id": RULE}
    (found,) = findings(siem_streaming, azure({DIAG: [], SENTINEL: [], ENTRA: [entra]}))
    assert found.status == "partial"
    assert found.evidence["compliant"]["items"] == ["entra id"]
    assert found.evidence["non_compliant"]["items"] == ["activity log"]
    assert statuses(findings(siem_streaming, azure({DIAG: [], SENTINEL: []}))) == ["fail"]


# ---------------------------------------------------------------------- IN-02 continuous export


def automation(enabled: bool = True, sources: tuple[str, ...] = ("Alerts",),
               actions: tuple[str, ...] = ("EventHub",)) -> dict[str, Any]:
    return {"id": f"{SCOPE}/resourceGroups/rg/providers/Microsoft.Security/automations/export",
            "enabled": enabled, "sources": list(sources), "action_types": list(actions)}


def test_continuous_export_of_alerts() -> None:
    """An enabled automation exporting Alerts passes; disabled or assessments-only fails."""
    assert statuses(findings(continuous_export, azure({AUTOMATION: [automation()]}))) == ["pass"]
    for bad in (automation(enabled=False), automation(sources=("Assessments",)), automation(actions=())):
        assert statuses(findings(continuous_export, azure({AUTOMATION: [bad]}))) == ["fail"], bad
