"""Azure logging coverage checks (LC-01, LC-02, LC-06, LC-08)."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.azure.logging import (
    activity_log_export,
    aks_audit_logging,
    entra_log_export,
    keyvault_audit_logging,
    storage_blob_logging,
)

from assessor.models import Snapshot
from tests.factories import findings, snapshot, statuses

SUB = "0b0e5c1d-7a2f-4c1e-9d3b-5a6f7e8d9c0b"
SCOPE = f"/subscriptions/{SUB}"
RG = f"{SCOPE}/resourceGroups/rg-app"
WORKSPACE = f"{SCOPE}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-central"
DIAG = "azure.monitor.diagnostic_setting"


def azure(resources: dict[str, list[dict[str, Any]]] | None = None,
          errors: list[dict[str, Any]] | None = None) -> Snapshot:
    return snapshot("azure", resources=resources, errors=errors, account_id=SUB, regions=["westeurope"])


def setting(scope: str, *categories: str, groups: tuple[str, ...] = (), **dest: str) -> dict[str, Any]:
    destination = dest or {"workspace_id": WORKSPACE}
    return {"id": f"{scope}/providers/microsoft.insights/diagnosticSettings/to-law", "name": "to-law",
            "scope_id": scope, "scope_kind": "subscription" if scope == SCOPE else "resource",
            "categories": list(categories), "category_groups": list(groups), **destination}


def vault(name: str) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.KeyVault/vaults/{name}", "name": name, "region": "westeurope"}


def account(name: str) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.Storage/storageAccounts/{name}", "name": name,
            "region": "westeurope", "containers": []}


def cluster(name: str) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.ContainerService/managedClusters/{name}", "name": name,
            "region": "westeurope"}


# ---------------------------------------------------------------------- LC-01 activity log export


def test_activity_log_with_all_categories_passes() -> None:
    """A subscription setting with Administrative, Security, Policy and Alert to a workspace passes."""
    snap = azure({DIAG: [setting(SCOPE, "Administrative", "Security", "Policy", "Alert", "ServiceHealth")]})
    (found,) = findings(activity_log_export, snap)
    assert found.status == "pass"
    assert found.evidence["destinations"]["items"] == [WORKSPACE]


def test_activity_log_categories_may_be_split_across_settings() -> None:
    """Two settings that together export every required category pass."""
    snap = azure({DIAG: [setting(SCOPE, "Administrative", "Security"),
                         setting(SCOPE, "Policy", "Alert", event_hub_authorization_rule_id="rule")]})
    assert statuses(findings(activity_log_export, snap)) == ["pass"]


def test_activity_log_missing_policy_is_partial() -> None:
    """An export without the Policy category is partial, names it, and scores three quarters."""
    snap = azure({DIAG: [setting(SCOPE, "Administrative", "Security", "Alert")]})
    (found,) = findings(activity_log_export, snap)
    assert found.status == "partial"
    assert found.coverage == 0.75
    assert found.evidence["missing_categories"] == ["Policy"]


def test_activity_log_without_destination_or_setting_fails() -> None:
    """No subscription setting, or one with no destination, exports nothing and fails."""
    no_dest = setting(SCOPE, "Administrative", "Security", "Policy", "Alert")
    no_dest["workspace_id"] = None
    assert statuses(findings(activity_log_export, azure({DIAG: [no_dest]}))) == ["fail"]
    resource_only = setting(f"{RG}/providers/Microsoft.KeyVault/vaults/kv", "Administrative")
    assert statuses(findings(activity_log_export, azure({DIAG: [resource_only]}))) == ["fail"]


def test_activity_log_scope_matches_regardless_of_case() -> None:
    """ARM ids are case-insensitive: an upper-case subscription scope still counts."""
    snap = azure({DIAG: [setting(SCOPE.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/"),
                                 "Administrative", "Security", "Policy", "Alert")]})
    assert statuses(findings(activity_log_export, snap)) == ["pass"]


def test_activity_log_unreadable_is_unknown_naming_the_operation() -> None:
    """A denied read of diagnostic settings gives unknown with the operation and permission."""
    snap = azure(errors=[{"service": "Microsoft.Insights", "operation": "diagnosticSettings/list",
                          "code": "AuthorizationFailed", "resource_types": [DIAG],
                          "permission": "Microsoft.Insights/diagnosticSettings/read"}])
    (found,) = findings(activity_log_export, snap)
    assert found.status == "unknown"
    assert "diagnosticSettings/list" in (found.reason or "")
    assert "Microsoft.Insights/diagnosticSettings/read" in (found.reason or "")


# ---------------------------------------------------------------------- LC-02 key vault and blob logs


def test_key_vault_audit_logging_pass_partial_fail() -> None:
    """Vaults exporting AuditEvent (or allLogs) comply; the result reflects the share that do."""
    kv1, kv2 = vault("kv-one"), vault("kv-two")
    both = [setting(kv1["id"], "AuditEvent"), setting(kv2["id"], groups=("allLogs",))]
    assert statuses(findings(keyvault_audit_logging, azure({"azure.keyvault.vault": [kv1, kv2], DIAG: both})
                             )) == ["pass"]
    (partial,) = findings(keyvault_audit_logging, azure({"azure.keyvault.vault": [kv1, kv2], DIAG: both[:1]}))
    assert partial.status == "partial" and partial.coverage == 0.5
    assert partial.evidence["non_compliant"]["items"] == [kv2["id"]]
    metrics_only = [setting(kv1["id"], "AzurePolicyEvaluationDetails")]
    assert statuses(findings(keyvault_audit_logging, azure({"azure.keyvault.vault": [kv1], DIAG: metrics_only})
                             )) == ["fail"]


def test_key_vault_logging_not_applicable_without_vaults() -> None:
    """No vault means nothing to judge."""
    assert statuses(findings(keyvault_audit_logging, azure({"azure.keyvault.vault": [], DIAG: []}))) == [
        "not_applicable"]


def test_blob_logging_needs_read_write_delete_on_blob_service() -> None:
    """Only the blobServices/default scope with all three categories counts; reads-missing is flagged."""
    full, writes = account("stfull"), account("stwrites")
    diag = [setting(f"{full['id']}/blobServices/default", "StorageRead", "StorageWrite", "StorageDelete"),
            setting(f"{writes['id']}/blobServices/default", "StorageWrite", "StorageDelete"),
            setting(writes["id"], "StorageRead", "StorageWrite", "StorageDelete")]  # account scope: wrong place
    (found,) = findings(storage_blob_logging, azure({"azure.storage.account": [full, writes], DIAG: diag}))
    assert found.status == "partial"
    assert found.evidence["missing_only_reads"]["items"] == [writes["id"]]


def test_blob_logging_fail_and_not_applicable() -> None:
    """Accounts without blob logs fail; a subscription with no account is not applicable."""
    assert statuses(findings(storage_blob_logging, azure({"azure.storage.account": [account("st")], DIAG: []}))
                    ) == ["fail"]
    assert statuses(findings(storage_blob_logging, azure({"azure.storage.account": [], DIAG: []}))) == [
        "not_applicable"]


def test_blob_logging_unknown_when_settings_were_not_collected() -> None:
    """Storage accounts present but diagnostic settings absent from the snapshot gives unknown."""
    (found,) = findings(storage_blob_logging, azure({"azure.storage.account": [account("st")]}))
    assert found.status == "unknown"
    assert "azure.monitor.diagnostic_setting was not collected" in (found.reason or "")


# ---------------------------------------------------------------------- LC-06 Entra ID


ENTRA = "azure.aadiam.diagnostic_setting"


def entra(*categories: str) -> dict[str, Any]:
    return {"id": "/providers/microsoft.aadiam/diagnosticSettings/to-law", "name": "to-law",
            "categories": list(categories), "workspace_id": WORKSPACE}


def test_entra_export_pass_partial_fail() -> None:
    """Sign-in and audit logs both exported pass; one of them is partial; none fails."""
    (passed,) = findings(entra_log_export, azure({ENTRA: [entra("SignInLogs", "AuditLogs")]}))
    assert passed.status == "pass"
    assert "ServicePrincipalSignInLogs" in passed.evidence["advised_missing"]
    (partial,) = findings(entra_log_export, azure({ENTRA: [entra("AuditLogs")]}))
    assert partial.status == "partial" and partial.evidence["missing_categories"] == ["SignInLogs"]
    assert statuses(findings(entra_log_export, azure({ENTRA: []}))) == ["fail"]


def test_entra_access_denied_is_unknown() -> None:
    """Without microsoft.aadiam/diagnosticSettings/read the result is unknown, never fail."""
    snap = azure(errors=[{"service": "microsoft.aadiam", "operation": "diagnosticSettings/list",
                          "code": "AuthorizationFailed", "resource_types": [ENTRA],
                          "permission": "microsoft.aadiam/diagnosticSettings/read"}])
    (found,) = findings(entra_log_export, snap)
    assert found.status == "unknown"
    assert "microsoft.aadiam/diagnosticSettings/read" in (found.reason or "")


# ---------------------------------------------------------------------- LC-08 AKS


def test_aks_audit_logging_counts_admin_only_but_flags_it() -> None:
    """kube-audit-admin counts as audit logging but is reported as blind to reads."""
    full, admin, none = cluster("aks-full"), cluster("aks-admin"), cluster("aks-none")
    diag = [setting(full["id"], "kube-audit", "guard"), setting(admin["id"], "kube-audit-admin")]
    (found,) = findings(aks_audit_logging, azure({"azure.containerservice.aks": [full, admin, none], DIAG: diag}))
    assert found.status == "partial"
    assert abs((found.coverage or 0) - 2 / 3) < 1e-9
    assert found.evidence["admin_only_no_reads"]["items"] == [admin["id"]]
    assert found.evidence["non_compliant"]["items"] == [none["id"]]


def test_aks_pass_and_not_applicable() -> None:
    """All clusters exporting audit logs pass; no cluster is not applicable."""
    aks = cluster("aks")
    assert statuses(findings(aks_audit_logging, azure({"azure.containerservice.aks": [aks],
                                                       DIAG: [setting(aks["id"], "kube-audit")]}))) == ["pass"]
    assert statuses(findings(aks_audit_logging, azure({"azure.containerservice.aks": [], DIAG: []}))) == [
        "not_applicable"]
