"""Azure response-readiness checks: contacts (SR-02), evidence locker (EV-05), locks and disks (CT-04),
scale-in notice (EL-02)."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.azure.containment import critical_resource_locks, os_disk_retained
from ir_assessor_checks.azure.elasticity import vmss_terminate_notification
from ir_assessor_checks.azure.evidence import evidence_locker
from ir_assessor_checks.azure.support import security_contacts

from assessor.models import Snapshot
from tests.factories import findings, snapshot, statuses

SUB = "0b0e5c1d-7a2f-4c1e-9d3b-5a6f7e8d9c0b"
SCOPE = f"/subscriptions/{SUB}"
RG = f"{SCOPE}/resourceGroups/rg-app"
CONTACT, STORAGE, RESOURCE, LOCK, VM, VMSS = (
    "azure.security.contact", "azure.storage.account", "azure.resource", "azure.locks.lock",
    "azure.compute.vm", "azure.compute.vmss")


def azure(resources: dict[str, list[dict[str, Any]]] | None = None,
          errors: list[dict[str, Any]] | None = None) -> Snapshot:
    return snapshot("azure", resources=resources, errors=errors, account_id=SUB, regions=["westeurope"])


# ---------------------------------------------------------------------- SR-02 security contacts


def contact(emails: list[str], alerts: bool = True, roles: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"{SCOPE}/providers/Microsoft.Security/securityContacts/default", "name": "default",
            "emails": emails, "alert_notifications_enabled": alerts, "alert_minimal_severity": "Medium",
            "notify_roles_enabled": roles is not None, "notify_roles": roles or []}


def test_complete_security_contact_passes_without_exposing_addresses() -> None:
    """Mailbox, alert notifications and owner notification all set pass; evidence counts addresses only."""
    (found,) = findings(security_contacts, azure({CONTACT: [contact(["soc@acme.example"], roles=["Owner"])]}))
    assert found.status == "pass"
    assert found.evidence["email_count"] == 1
    assert "soc@acme.example" not in str(found.evidence)


def test_incomplete_contact_is_partial_and_names_the_gap() -> None:
    """A mailbox with notifications off scores one of three and says what is missing."""
    (found,) = findings(security_contacts, azure({CONTACT: [contact(["soc@acme.example"], alerts=False)]}))
    assert found.status == "partial"
    assert abs((found.coverage or 0) - 1 / 3) < 1e-9
    assert "alert notifications are off" in found.message


def test_no_contact_fails_and_denied_read_is_unknown() -> None:
    """An empty contact list fails; an unreadable one is unknown."""
    assert statuses(findings(security_contacts, azure({CONTACT: []}))) == ["fail"]
    snap = azure(errors=[{"service": "Microsoft.Security", "operation": "securityContacts/list",
                          "code": "AuthorizationFailed", "resource_types": [CONTACT]}])
    (found,) = findings(security_contacts, snap)
    assert found.status == "unknown" and "securityContacts/list" in (found.reason or "")


# ---------------------------------------------------------------------- EV-05 evidence locker


def locker(name: str, containers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.Storage/storageAccounts/{name}", "name": name, "region": "westeurope",
            "tags": {"purpose": "evidence"}, "containers": containers, **extra}


def test_evidence_locker_locked_or_on_legal_hold_passes() -> None:
    """Containers under a Locked policy or a legal hold make the locker write-once."""
    good = locker("stev", [{"name": "disks", "immutability_state": "Locked"},
                           {"name": "memory", "immutability_state": None, "has_legal_hold": True}])
    assert statuses(findings(evidence_locker, azure({STORAGE: [good]}))) == ["pass"]


def test_evidence_locker_with_open_container_fails() -> None:
    """One unprotected container is enough for evidence to be altered."""
    bad = locker("stev", [{"name": "disks", "immutability_state": "Locked"},
                          {"name": "uploads", "immutability_state": "Unlocked"}])
    assert statuses(findings(evidence_locker, azure({STORAGE: [bad]}))) == ["fail"]


def test_no_evidence_locker_fails() -> None:
    """Without a storage account tagged for evidence, there is no locker: a gap, not 'not applicable'."""
    plain = locker("stapp", [])
    plain["tags"] = {"purpose": "app-data"}
    (found,) = findings(evidence_locker, azure({STORAGE: [plain]}))
    assert found.status == "fail" and "purpose=evidence" in found.message


# ---------------------------------------------------------------------- CT-04 locks and disks


def inventory(name: str, rtype: str, tags: dict[str, str] | None = None, rg: str = RG) -> dict[str, Any]:
    return {"id": f"{rg}/providers/{rtype}/{name}", "name": name, "type": rtype.lower(), "region": "westeurope",
            "tags": tags or {}}


def lock(scope: str) -> dict[str, Any]:
    return {"id": f"{scope}/providers/Microsoft.Authorization/locks/nodelete", "scope": scope,
            "level": "CanNotDelete"}


def test_critical_resources_need_locks() -> None:
    """Key vaults, backup vaults and criticality=high resources are judged; ordinary ones are not."""
    vault = inventory("kv-prod", "Microsoft.KeyVault/vaults")
    rsv = inventory("rsv", "Microsoft.RecoveryServices/vaults", rg=f"{SCOPE}/resourceGroups/rg-backup")
    db = inventory("sql", "Microsoft.Sql/servers", tags={"Criticality": "High"})
    web = inventory("web", "Microsoft.Web/sites")
    snap = azure({RESOURCE: [vault, rsv, db, web], LOCK: [lock(RG)]})
    (found,) = findings(critical_resource_locks, snap)
    assert found.status == "partial"
    assert found.evidence["non_compliant"]["items"] == [rsv["id"]]
    assert found.evidence["compliant"]["count"] == 2


def test_subscription_lock_covers_all_and_none_is_not_applicable() -> None:
    """A subscription-level lock protects everything; no critical resource means not applicable."""
    vault = inventory("kv", "Microsoft.KeyVault/vaults")
    assert statuses(findings(critical_resource_locks, azure({RESOURCE: [vault], LOCK: [lock(SCOPE)]}))) == ["pass"]
    assert statuses(findings(critical_resource_locks, azure({RESOURCE: [vault], LOCK: []}))) == ["fail"]
    web = inventory("web", "Microsoft.Web/sites")
    assert statuses(findings(critical_resource_locks, azure({RESOURCE: [web], LOCK: []}))) == ["not_applicable"]


def vm(name: str, delete_option: str = "Detach", ephemeral: bool = False) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.Compute/virtualMachines/{name}", "name": name, "region": "westeurope",
            "os_disk_delete_option": delete_option, "os_disk_ephemeral": ephemeral}


def test_os_disk_retention() -> None:
    """Detach keeps the disk; Delete or an ephemeral disk loses it."""
    assert statuses(findings(os_disk_retained, azure({VM: [vm("a")]}))) == ["pass"]
    (found,) = findings(os_disk_retained, azure({VM: [vm("a"), vm("b", "Delete"), vm("c", ephemeral=True)]}))
    assert found.status == "partial" and found.evidence["non_compliant"]["count"] == 2
    assert statuses(findings(os_disk_retained, azure({VM: [vm("b", "delete")]}))) == ["fail"]
    assert statuses(findings(os_disk_retained, azure({VM: []}))) == ["not_applicable"]


# ---------------------------------------------------------------------- EL-02 terminate notification


def scale_set(name: str, notify: bool, capacity: int = 3) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.Compute/virtualMachineScaleSets/{name}", "name": name,
            "region": "westeurope", "capacity": capacity, "terminate_notification_enabled": notify,
            "terminate_notification_timeout": "PT10M" if notify else None}


def test_vmss_terminate_notification() -> None:
    """Scale sets with a terminate notification comply; the others' instances are counted."""
    on, off = scale_set("vmss-on", True), scale_set("vmss-off", False, capacity=5)
    (found,) = findings(vmss_terminate_notification, azure({VMSS: [on, off]}))
    assert found.status == "partial"
    assert found.evidence["no_notice_instances"] == 5
    assert found.evidence["timeouts"] == {on["id"]: "PT10M"}
    assert statuses(findings(vmss_terminate_notification, azure({VMSS: [on]}))) == ["pass"]
    assert statuses(findings(vmss_terminate_notification, azure({VMSS: [off]}))) == ["fail"]
    assert statuses(findings(vmss_terminate_notification, azure({VMSS: []}))) == ["not_applicable"]
