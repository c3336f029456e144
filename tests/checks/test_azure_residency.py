"""Azure residency checks (DR-01, DR-02, DR-03), judged with the catalogue's region jurisdictions."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.azure.residency import allowed_locations, data_locations, evidence_in_jurisdiction

from assessor.models import Snapshot
from tests.factories import findings, profile, snapshot, statuses

SUB = "0b0e5c1d-7a2f-4c1e-9d3b-5a6f7e8d9c0b"
SCOPE = f"/subscriptions/{SUB}"
RESOURCE, STORAGE, POLICY = "azure.resource", "azure.storage.account", "azure.policy.assignment"
ALLOWED = "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c"
MG = "/providers/Microsoft.Management/managementGroups/acme-root"


def azure(resources: dict[str, list[dict[str, Any]]] | None = None) -> Snapshot:
    return snapshot("azure", resources=resources, account_id=SUB, regions=["westeurope"])


def resource(name: str, region: str, rtype: str = "microsoft.web/sites") -> dict[str, Any]:
    return {"id": f"{SCOPE}/resourceGroups/rg/providers/{rtype}/{name}", "name": name, "type": rtype,
            "location": region, "region": region, "tags": {}}


def account(name: str, region: str, secondary: str | None = None, tags: dict[str, str] | None = None,
            ) -> dict[str, Any]:
    return {"id": f"{SCOPE}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{name}", "name": name,
            "region": region, "secondary_location": secondary, "tags": tags or {}, "containers": []}


# ---------------------------------------------------------------------- DR-01 data locations


def test_one_result_per_region_with_its_jurisdiction() -> None:
    """Each region in use is judged separately: EU allowed passes, US fails, global is skipped."""
    snap = azure({RESOURCE: [resource("a", "westeurope"), resource("b", "westeurope"), resource("c", "eastus"),
                             resource("dns", "global")]})
    found = {f.region: f for f in findings(data_locations, snap, profile(allowed_jurisdictions=["EU"]))}
    assert set(found) == {"westeurope", "eastus"}
    assert found["westeurope"].status == "pass" and found["westeurope"].evidence["resources"] == 2
    assert found["eastus"].status == "fail" and found["eastus"].evidence["jurisdiction"] == "US"


def test_geo_replica_region_is_counted() -> None:
    """A GRS account in an allowed region still puts a copy in its paired region, which is judged."""
    snap = azure({RESOURCE: [resource("st", "uksouth", "microsoft.storage/storageaccounts")],
                  STORAGE: [account("st", "uksouth", secondary="ukwest")]})
    found = {f.region: f for f in findings(data_locations, snap, profile(allowed_jurisdictions=["UK"]))}
    assert found["ukwest"].status == "pass" and found["ukwest"].evidence["geo_replicas"] == 1
    (failed,) = [f for f in findings(data_locations, snap, profile(allowed_jurisdictions=["EU"]))
                 if f.region == "ukwest"]
    assert failed.status == "fail"


def test_unknown_jurisdiction_is_unknown_never_pass() -> None:
    """A region the catalogue cannot place is unknown."""
    (found,) = findings(data_locations, azure({RESOURCE: [resource("x", "marsnorth1")]}))
    assert found.status == "unknown" and found.region == "marsnorth1"


def test_no_regional_resource_is_not_applicable() -> None:
    """Only global resources: nothing to place."""
    assert statuses(findings(data_locations, azure({RESOURCE: [resource("fd", "global")]}))) == ["not_applicable"]


def test_inventory_not_collected_is_unknown() -> None:
    """Without the Resource Graph inventory, residency is unknown."""
    (found,) = findings(data_locations, azure({}))
    assert found.status == "unknown" and "azure.resource" in (found.reason or "")


# ---------------------------------------------------------------------- DR-02 allowed locations policy


def assignment(locations: list[str] | None, scope: str = SCOPE, mode: str = "Default",
               definition: str = ALLOWED, not_scopes: list[str] | None = None) -> dict[str, Any]:
    params = {} if locations is None else {"listOfAllowedLocations": locations}
    return {"id": f"{scope}/providers/Microsoft.Authorization/policyAssignments/allowed-{len(locations or [])}",
            "scope": scope, "policy_definition_id": definition, "enforcement_mode": mode,
            "parameters": params, "not_scopes": not_scopes or []}


def test_enforced_policy_with_allowed_regions_passes() -> None:
    """An enforced assignment at a management group listing only EU regions (and global) passes."""
    snap = azure({POLICY: [assignment(["westeurope", "North Europe", "global"], scope=MG)]})
    (found,) = findings(allowed_locations, snap, profile(allowed_jurisdictions=["EU"]))
    assert found.status == "pass"
    assert found.evidence["permitted_locations"]["items"] == ["northeurope", "westeurope"]


def test_policy_permitting_other_jurisdiction_fails() -> None:
    """A guardrail that still permits eastus does not keep data in the EU."""
    (found,) = findings(allowed_locations, azure({POLICY: [assignment(["westeurope", "eastus"])]}))
    assert found.status == "fail" and "eastus (US)" in found.message


def test_multiple_assignments_intersect() -> None:
    """Two enforced assignments both apply, so only locations both permit count."""
    snap = azure({POLICY: [assignment(["westeurope", "eastus"]), assignment(["westeurope"], scope=MG)]})
    assert statuses(findings(allowed_locations, snap)) == ["pass"]


def test_audit_only_excluded_or_missing_policy_fails() -> None:
    """DoNotEnforce, an excluded subscription, a resource-group scope or no assignment all fail."""
    for assignments in ([assignment(["westeurope"], mode="DoNotEnforce")],
                        [assignment(["westeurope"], scope=MG, not_scopes=[SCOPE])],
                        [assignment(["westeurope"], scope=f"{SCOPE}/resourceGroups/rg")], []):
        assert statuses(findings(allowed_locations, azure({POLICY: assignments}))) == ["fail"], assignments


def test_unreadable_list_or_unknown_region_is_unknown() -> None:
    """No listOfAllowedLocations value, or a permitted region of unknown jurisdiction, is unknown."""
    assert statuses(findings(allowed_locations, azure({POLICY: [assignment(None)]}))) == ["unknown"]
    assert statuses(findings(allowed_locations, azure({POLICY: [assignment(["westeurope", "marsnorth1"])]}))
                    ) == ["unknown"]


# ---------------------------------------------------------------------- DR-03 evidence in jurisdiction


EVIDENCE = {"purpose": "evidence"}


def test_evidence_locker_and_replica_in_jurisdiction() -> None:
    """Lockers whose primary and secondary regions are allowed pass; a replica abroad fails."""
    home = account("stevidence", "westeurope", secondary="northeurope", tags=EVIDENCE)
    assert statuses(findings(evidence_in_jurisdiction, azure({STORAGE: [home]}))) == ["pass"]
    abroad = account("stevidence2", "westeurope", secondary="eastus", tags={"Purpose": "Forensic evidence"})
    (found,) = findings(evidence_in_jurisdiction, azure({STORAGE: [home, abroad]}))
    assert found.status == "partial" and found.evidence["non_compliant"]["items"] == [abroad["id"]]


def test_evidence_jurisdiction_unknown_and_not_applicable() -> None:
    """An unplaceable region is unknown; no locker at all is not applicable (EV-05 reports it)."""
    odd = account("stev", "marsnorth1", tags=EVIDENCE)
    assert statuses(findings(evidence_in_jurisdiction, azure({STORAGE: [odd]}))) == ["unknown"]
    assert statuses(findings(evidence_in_jurisdiction, azure({STORAGE: [account("st", "eastus")]}))) == [
        "not_applicable"]
