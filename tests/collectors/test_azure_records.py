"""Azure Resource Graph rows and ARM documents into snapshots, judged by the real Azure checks."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ir_assessor_checks.azure import (
    containment,
    detection,
    elasticity,
    evidence,
    integration,
    integrity,
    network,
    residency,
    support,
)
from ir_assessor_checks.azure import logging as lc

from assessor.checks_api import CheckResult
from assessor.collectors.azure.export import read_resource_graph_export
from assessor.collectors.azure.records import (
    ARM_KINDS,
    ARM_ONLY_TYPES,
    DIAGNOSTIC_TARGET_TYPES,
    KIND_TYPES,
    ROW_RECORD_TYPES,
    ROW_TYPES,
    ArmData,
    build_snapshots,
    diagnostic_scope,
    type_of,
)
from assessor.errors import InputError
from assessor.models import CollectionError, Snapshot
from assessor.resource_types.azure import TYPES
from tests.factories import findings, statuses

DATA = Path(__file__).parent / "data"
EXPORT = DATA / "azure-resource-graph.json"
ARM = DATA / "azure-arm.json"
PREPARED = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
BARE = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
SCRIPT, TEMPLATE, RTL = "<script>alert(1)</script>", "{{ 7*7 }}", "\u202e"
URL = "https://evil.example/login?next=%2Fadmin"
AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

Check = Callable[..., Iterable[CheckResult]]


def rows() -> list[dict[str, Any]]:
    return read_resource_graph_export([EXPORT])


def documents() -> dict[str, dict[str, list[dict[str, Any]]]]:
    loaded: dict[str, dict[str, list[dict[str, Any]]]] = json.loads(ARM.read_text(encoding="utf-8"))
    return loaded


def build(arm: ArmData | None, data: list[dict[str, Any]] | None = None) -> dict[str, Snapshot]:
    snaps = build_snapshots(rows() if data is None else data, arm=arm, collected_at=AT, tool_version="test",
                            identity="tester")
    return {s.account_id: s for s in snaps}


@pytest.fixture(scope="module")
def live() -> dict[str, Snapshot]:
    return build(ArmData(documents=documents(), failures=[]))


@pytest.fixture(scope="module")
def offline() -> dict[str, Snapshot]:
    return build(None)


def by_name(snap: Snapshot, type_name: str) -> dict[str, dict[str, Any]]:
    return {str(r.get("name")): r for r in snap.resources[type_name]}


def error_types(snap: Snapshot) -> set[str]:
    return {t for e in snap.errors for t in e.resource_types}


def failure(scope: str, kind: str, code: str = "AuthorizationFailed") -> tuple[str, CollectionError]:
    return scope, CollectionError(service="arm", operation=kind, code=code, message=f"{kind} denied",
                                  resource_types=[KIND_TYPES[kind]])


# --------------------------------------------------------------------------- contract constants


def test_constants_cover_the_arm_kinds_and_registered_types() -> None:
    """Every ARM kind fills a registered type, every type is row-given or ARM-given, and row types are lower case."""
    assert set(KIND_TYPES) == set(ARM_KINDS)
    assert set(KIND_TYPES.values()) <= set(TYPES)
    assert set(ROW_RECORD_TYPES) | set(ARM_ONLY_TYPES) == set(TYPES)
    assert not set(ROW_RECORD_TYPES) & set(ARM_ONLY_TYPES)
    assert all(t == t.lower() for t in ROW_TYPES + DIAGNOSTIC_TARGET_TYPES)
    assert set(DIAGNOSTIC_TARGET_TYPES) <= set(ROW_TYPES)
    assert set(documents()) == set(ARM_KINDS)  # the fixture the test server serves holds every kind


def test_diagnostic_scope_of_storage_is_the_blob_service() -> None:
    """Blob logs live on `{account}/blobServices/default`; other targets are read on the resource itself."""
    account = "/subscriptions/x/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a"
    assert diagnostic_scope(account, "microsoft.storage/storageaccounts") == account + "/blobServices/default"
    assert type_of(account + "/blobServices/default") == "microsoft.storage/storageaccounts/blobservices"
    vault = "/subscriptions/x/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v"
    assert diagnostic_scope(vault, "microsoft.keyvault/vaults") == vault
    assert type_of("/subscriptions/x") is None


# --------------------------------------------------------------------------- records


def test_one_snapshot_per_subscription_with_tenant_and_name(live: dict[str, Snapshot]) -> None:
    """Both subscriptions of the tenant get a snapshot; the resource-group container row is not inventory."""
    assert sorted(live) == sorted([PREPARED, BARE])
    prepared = live[PREPARED]
    assert prepared.provider == "azure" and prepared.account_name == "contoso-prod"
    assert prepared.organization_id == "7a1b2c3d-9e8f-4a6b-8c5d-3e2f1a0b9c8d"
    assert prepared.regions == ["westeurope"] and live[BARE].regions == ["eastus"]
    subscription = prepared.resources["azure.subscription"][0]
    assert subscription["management_group_chain"] == ["mg-contoso-prod", "7a1b2c3d-9e8f-4a6b-8c5d-3e2f1a0b9c8d"]
    assert subscription["state"] == "Enabled" and subscription["id"] == f"/subscriptions/{PREPARED}"
    types = {r["type"] for r in prepared.resources["azure.resource"]}
    assert "microsoft.resources/subscriptions/resourcegroups" not in types
    assert "microsoft.compute/virtualmachines/extensions" not in types
    assert prepared.errors == [] and live[BARE].errors == []


def test_every_record_has_exactly_the_documented_fields(live: dict[str, Snapshot]) -> None:
    """Each record of each type carries the fields resource_types/azure.py documents, and an id."""
    seen: set[str] = set()
    for snap in live.values():
        assert set(snap.resources) == set(TYPES)
        for type_name, items in snap.resources.items():
            for record in items:
                seen.add(type_name)
                assert set(record) == set(TYPES[type_name]["fields"]), type_name
                assert record["id"], type_name
    assert seen == set(TYPES)  # the fixtures exercise every type


def test_network_records(live: dict[str, Snapshot]) -> None:
    """Subnets keep their NSG, NSG rules merge singular and plural forms, flow logs name their target kind."""
    prepared = live[PREPARED]
    vnet = by_name(prepared, "azure.network.virtual_network")["vnet-prod-weu"]
    assert vnet["region"] == "westeurope" and vnet["address_prefixes"] == ["10.10.0.0/16"]
    subnets = {s["name"]: s for s in vnet["subnets"]}
    assert subnets["snet-app"]["network_security_group_id"].endswith("/networkSecurityGroups/nsg-app-weu")
    assert subnets["snet-data"]["address_prefixes"] == ["10.10.2.0/24", "10.10.3.0/24"]
    assert subnets["snet-data"]["network_security_group_id"] is None
    nsg = by_name(prepared, "azure.network.nsg")["nsg-app-weu"]
    rules = {r["name"]: r for r in nsg["security_rules"]}
    assert nsg["security_rules_count"] == 2 and nsg["subnet_ids"] == [vnet["id"] + "/subnets/snet-app"]
    assert rules["allow-mgmt-in"]["source_address_prefixes"] == ["10.0.0.0/24", "10.0.1.0/24"]
    assert rules["allow-mgmt-in"]["destination_port_ranges"] == ["22", "3389"]
    assert rules["allow-https-in"]["destination_port_ranges"] == ["443"]
    flow = by_name(prepared, "azure.network.flow_log")["fl-vnet-prod-weu"]
    assert flow["target_kind"] == "vnet" and flow["target_resource_id"] == vnet["id"]
    assert flow["network_watcher_id"].endswith("/networkWatchers/NetworkWatcher_westeurope")
    assert (flow["retention_enabled"], flow["retention_days"], flow["format_version"]) == (False, 0, 2)
    assert flow["traffic_analytics_interval_minutes"] == 10
    tap = by_name(prepared, "azure.network.virtual_network_tap")["vtap-app-weu"]
    assert [n.rsplit("/", 1)[-1] for n in tap["source_network_interface_ids"]] == ["vm-app-weu-nic01"]
    assert tap["destination_port"] == 4789


def test_compute_records(live: dict[str, Snapshot]) -> None:
    """VM extensions join their VM whatever the id case; VMSS scheduled events and disk options are read."""
    vm = by_name(live[PREPARED], "azure.compute.vm")["vm-app-weu"]
    assert vm["extensions"] == ["AzureMonitorLinuxAgent", "NetworkWatcherAgentLinux"]
    assert vm["os_disk_delete_option"] == "Detach" and vm["os_disk_ephemeral"] is False
    assert vm["vm_size"] == "Standard_D2s_v5" and vm["os_type"] == "Linux"
    assert vm["network_interface_ids"][0].endswith("/vm-app-weu-nic01")
    vmss = by_name(live[PREPARED], "azure.compute.vmss")["vmss-web-weu"]
    assert (vmss["orchestration_mode"], vmss["capacity"]) == ("Flexible", 4)
    assert (vmss["terminate_notification_enabled"], vmss["terminate_notification_timeout"]) == (True, "PT10M")
    assert vmss["os_disk_delete_option"] == "Detach" and "NetworkWatcherAgentLinux" in vmss["extensions"]
    bare_vm = live[BARE].resources["azure.compute.vm"][0]
    assert bare_vm["os_disk_delete_option"] == "Delete" and bare_vm["extensions"] == []


def test_platform_records(live: dict[str, Snapshot]) -> None:
    """Vault, workspace, Event Hub and AKS fields come from properties (vault and workspace SKU included)."""
    prepared = live[PREPARED]
    vault = by_name(prepared, "azure.keyvault.vault")["kv-prod-weu"]
    assert (vault["sku"], vault["purge_protection_enabled"], vault["public_network_access"]) == (
        "premium", True, "Disabled")
    bare_vault = by_name(live[BARE], "azure.keyvault.vault")["kv-sandbox"]
    assert bare_vault["soft_delete_enabled"] is True and bare_vault["soft_delete_retention_days"] == 7
    assert bare_vault["purge_protection_enabled"] is False
    workspace = by_name(prepared, "azure.loganalytics.workspace")["law-prod-weu"]
    assert (workspace["sku"], workspace["retention_in_days"], workspace["tables"]) == ("PerGB2018", 400, [])
    hub = by_name(prepared, "azure.eventhub.namespace")["evhns-siem-weu"]
    assert (hub["sku"], hub["kafka_enabled"], hub["disable_local_auth"]) == ("Standard", True, True)
    aks = by_name(prepared, "azure.containerservice.aks")["aks-prod-weu"]
    assert aks["private_cluster"] and aks["aad_enabled"] and aks["local_accounts_disabled"]


def test_storage_records_join_containers(live: dict[str, Snapshot]) -> None:
    """Account immutability comes from the row; container policies, nested in the list API, from ARM."""
    accounts = by_name(live[PREPARED], "azure.storage.account")
    evidence_account = accounts["stevidenceprodweu"]
    assert (evidence_account["immutability_enabled"], evidence_account["immutability_state"],
            evidence_account["immutability_period_days"]) == (True, "Locked", 2555)
    assert evidence_account["secondary_location"] == "northeurope" and evidence_account["sku"] == "Standard_GRS"
    assert evidence_account["containers"] == [{"name": "case-2026-001", "immutability_state": None,
                                               "immutability_period_days": None, "has_legal_hold": True,
                                               "version_level_immutability": True}]
    logs = {c["name"]: c for c in accounts["stlogsprodweu"]["containers"]}
    assert logs["insights-activity-logs"]["immutability_state"] == "Locked"
    assert logs["insights-activity-logs"]["immutability_period_days"] == 400
    assert logs["scratch"]["immutability_state"] is None


def test_diagnostic_settings(live: dict[str, Snapshot]) -> None:
    """Scopes are kept as ARM ids, groups expand into categories, disabled categories are left out."""
    settings = {s["scope_id"].lower(): s for s in live[PREPARED].resources["azure.monitor.diagnostic_setting"]}
    activity = settings[f"/subscriptions/{PREPARED}"]
    assert activity["scope_kind"] == "subscription" and activity["resource_type"] is None
    assert "Policy" in activity["categories"] and "Autoscale" not in activity["categories"]
    assert activity["event_hub_name"] == "activity-log" and activity["marketplace_partner_id"] is None
    vault = next(s for k, s in settings.items() if k.endswith("/vaults/kv-prod-weu"))
    assert vault["category_groups"] == ["audit"] and vault["categories"] == ["AuditEvent"]
    assert vault["resource_type"] == "microsoft.keyvault/vaults"
    assert vault["log_analytics_destination_type"] == "Dedicated"
    blob = next(s for k, s in settings.items() if k.endswith("stlogsprodweu/blobservices/default"))
    assert blob["resource_type"] == "microsoft.storage/storageaccounts/blobservices"
    assert set(blob["categories"]) == {"StorageRead", "StorageWrite", "StorageDelete"}
    aks = next(s for k, s in settings.items() if k.endswith("/managedclusters/aks-prod-weu"))
    assert aks["categories"] == ["kube-audit", "guard"]
    entra = live[BARE].resources["azure.aadiam.diagnostic_setting"]
    assert entra == live[PREPARED].resources["azure.aadiam.diagnostic_setting"]  # one tenant setting for both
    assert "ProvisioningLogs" not in entra[0]["categories"] and entra[0]["event_hub_name"] == "entra"


def test_subscription_level_arm_records(live: dict[str, Snapshot]) -> None:
    """Alerts, plans, contacts, automations, assignments and locks take the documented shapes."""
    prepared = live[PREPARED]
    alert = by_name(prepared, "azure.monitor.activity_log_alert")["alert-diag-tamper"]
    assert alert["operation_names"] == ["microsoft.insights/diagnosticsettings/delete",
                                        "microsoft.insights/diagnosticsettings/write"]
    assert (alert["region"], alert["resource_group"], alert["categories"]) == ("global", "rg-security-weu",
                                                                              ["Administrative"])
    assert alert["enabled"] and alert["action_group_ids"][0].endswith("/actionGroups/ag-soc")
    plans = by_name(prepared, "azure.security.pricing")
    assert plans["VirtualMachines"]["sub_plan"] == "P2" and plans["Containers"]["sub_plan"] is None
    contact = prepared.resources["azure.security.contact"][0]
    assert contact["emails"] == ["soc@contoso.example", "csirt@contoso.example"]
    assert (contact["has_phone"], contact["alert_notifications_enabled"], contact["alert_minimal_severity"]) == (
        True, True, "Medium")
    assert contact["notify_roles_enabled"] and contact["notify_roles"] == ["Owner", "ServiceAdmin"]
    automation = prepared.resources["azure.security.automation"][0]
    assert automation["action_types"] == ["EventHub", "Workspace"] and automation["sources"][0] == "Alerts"
    assert automation["region"] == "westeurope" and len(automation["action_target_ids"]) == 2
    assignment = prepared.resources["azure.policy.assignment"][0]
    assert assignment["parameters"] == {"listOfAllowedLocations": ["westeurope", "northeurope", "global"]}
    locks = by_name(prepared, "azure.locks.lock")
    assert locks["nodelete-security"]["scope"] == f"/subscriptions/{PREPARED}/resourcegroups/RG-SECURITY-WEU"
    assert locks["nodelete-logs"]["notes"] == "Security log store" and locks["nodelete-security"]["notes"] is None
    profile = live[BARE].resources["azure.monitor.log_profile"][0]
    assert (profile["retention_enabled"], profile["retention_days"], profile["categories"]) == (
        True, 30, ["Write", "Delete", "Action"])


def test_per_resource_arm_records(live: dict[str, Snapshot]) -> None:
    """Packet captures take their watcher's region; Sentinel lists the onboarded workspace and its connectors."""
    capture = live[PREPARED].resources["azure.network.packet_capture"][0]
    assert capture["region"] == "westeurope" and capture["target_type"] == "AzureVM"
    assert capture["storage_id"].endswith("/stevidenceprodweu")
    assert capture["network_watcher_id"].endswith("/NetworkWatcher_westeurope")
    sentinel = live[PREPARED].resources["azure.securityinsights.onboarding"]
    assert len(sentinel) == 1 and sentinel[0]["workspace_id"].endswith("/law-prod-weu")
    assert sentinel[0]["data_connector_kinds"] == ["AzureActiveDirectory", "AzureSecurityCenter",
                                                   "MicrosoftDefenderAdvancedThreatProtection"]
    assert live[BARE].resources["azure.securityinsights.onboarding"] == []
    assert live[BARE].resources["azure.network.packet_capture"] == []  # no watcher, nothing to read


def test_hostile_strings_are_carried_as_data(live: dict[str, Snapshot]) -> None:
    """Script tags, template syntax, URLs and RTL overrides survive unchanged in names and tags."""
    bare = live[BARE]
    assert bare.account_name == f"sandbox {SCRIPT}"
    assert bare.resources["azure.subscription"][0]["tags"] == {"note": TEMPLATE, "wiki": URL}
    account = bare.resources["azure.storage.account"][0]
    assert account["tags"]["comment"] == f"{SCRIPT} {TEMPLATE} {URL}"
    vm = bare.resources["azure.compute.vm"][0]
    assert vm["name"] == f"vm-sandbox{RTL}exe.txt" and vm["tags"] == {"owner": f"{RTL}nimda"}
    assert by_name(bare, "azure.keyvault.vault")["kv-sandbox"]["tags"] == {TEMPLATE: URL}
    assert by_name(live[PREPARED], "azure.network.nsg")["nsg-app-weu"]["tags"] == {"owner": SCRIPT}


# --------------------------------------------------------------------------- offline and live agree


def test_offline_records_arm_only_types_as_not_collected(offline: dict[str, Snapshot]) -> None:
    """Without ARM every ARM-only type is a NotCollected error that says a live scan reads it, never a list."""
    for snap in offline.values():
        assert error_types(snap) == set(ARM_ONLY_TYPES)
        assert not set(ARM_ONLY_TYPES) & set(snap.resources)
        for error in snap.errors:
            assert error.code == "NotCollected" and error.operation == "resource graph export"
            assert "scan azure" in error.message and "export cannot show" in error.message
        assert set(snap.resources) == set(ROW_RECORD_TYPES)


def test_rows_give_the_same_records_offline_and_live(offline: dict[str, Snapshot],
                                                     live: dict[str, Snapshot]) -> None:
    """The Resource Graph part of a snapshot does not depend on whether ARM was read."""
    for account, snap in offline.items():
        for type_name in ROW_RECORD_TYPES:
            assert snap.resources[type_name] == live[account].resources[type_name], type_name


OFFLINE_UNKNOWN: list[Check] = [
    lc.activity_log_export, lc.keyvault_audit_logging, lc.storage_blob_logging, lc.entra_log_export,
    detection.defender_plans, detection.change_alerts, detection.sentinel_onboarded, integrity.workspace_delete_lock,
    integrity.storage_log_immutability, integrity.logging_tamper_alert, containment.critical_resource_locks,
    evidence.evidence_locker, integration.siem_streaming, integration.continuous_export, residency.allowed_locations,
    residency.evidence_in_jurisdiction, support.security_contacts,
]


@pytest.mark.parametrize("check_fn", OFFLINE_UNKNOWN, ids=lambda f: f.__name__)
def test_offline_checks_needing_arm_are_unknown_never_pass(offline: dict[str, Snapshot], check_fn: Check) -> None:
    """A check that needs an ARM-only type is unknown on both subscriptions of an export, even the prepared one."""
    for snap in offline.values():
        assert set(statuses(findings(check_fn, snap))) <= {"unknown", "not_applicable"}, snap.account_id
    assert statuses(findings(check_fn, offline[PREPARED])) == ["unknown"]


ROW_CHECKS: list[Check] = [
    network.vnet_flow_logs, network.network_watcher_regions, containment.quarantine_nsg,
    containment.os_disk_retained, evidence.packet_capture_readiness, integrity.workspace_retention,
]


@pytest.mark.parametrize("check_fn", ROW_CHECKS, ids=lambda f: f.__name__)
def test_row_checks_judge_an_export(offline: dict[str, Snapshot], live: dict[str, Snapshot],
                                    check_fn: Check) -> None:
    """Checks on Resource Graph data pass the prepared and fail the bare subscription offline as live."""
    for snaps in (offline, live):
        assert statuses(findings(check_fn, snaps[PREPARED])) == ["pass"]
        assert statuses(findings(check_fn, snaps[BARE])) == ["fail"]


LIVE_CHECKS: list[Check] = [
    lc.activity_log_export, lc.keyvault_audit_logging, lc.storage_blob_logging, detection.defender_plans,
    detection.change_alerts, detection.sentinel_onboarded, integrity.storage_log_immutability,
    integrity.workspace_delete_lock, integrity.logging_tamper_alert, containment.critical_resource_locks,
    evidence.evidence_locker, integration.continuous_export, residency.allowed_locations,
    residency.data_locations, support.security_contacts,
]


@pytest.mark.parametrize("check_fn", LIVE_CHECKS, ids=lambda f: f.__name__)
def test_live_checks_pass_prepared_and_fail_bare(live: dict[str, Snapshot], check_fn: Check) -> None:
    """With the ARM documents the real checks pass the prepared subscription and fail the bare one."""
    assert set(statuses(findings(check_fn, live[PREPARED]))) == {"pass"}
    assert set(statuses(findings(check_fn, live[BARE]))) == {"fail"}


def test_tenant_and_scale_set_checks(live: dict[str, Snapshot]) -> None:
    """Entra export is a tenant setting (both pass); scale-set checks apply only where there are scale sets."""
    for snap in live.values():
        assert statuses(findings(lc.entra_log_export, snap)) == ["pass"]
    assert statuses(findings(elasticity.vmss_terminate_notification, live[PREPARED])) == ["pass"]
    assert statuses(findings(elasticity.vmss_terminate_notification, live[BARE])) == ["not_applicable"]
    assert statuses(findings(lc.aks_audit_logging, live[PREPARED])) == ["pass"]
    assert statuses(findings(integration.siem_streaming, live[PREPARED])) == ["pass"]
    assert statuses(findings(integration.siem_streaming, live[BARE])) == ["partial"]  # only Entra reaches it


# --------------------------------------------------------------------------- ARM failures


def test_a_subscription_read_failure_affects_only_its_type_and_subscription() -> None:
    """A 403 on the prepared subscription's pricings makes only its Defender plans unknown."""
    snaps = build(ArmData(documents=documents(), failures=[failure(f"/subscriptions/{PREPARED}", "pricings")]))
    prepared, bare = snaps[PREPARED], snaps[BARE]
    assert error_types(prepared) == {"azure.security.pricing"}
    assert "azure.security.pricing" not in prepared.resources
    assert prepared.errors[0].code == "AuthorizationFailed"
    assert statuses(findings(detection.defender_plans, prepared)) == ["unknown"]
    assert statuses(findings(support.security_contacts, prepared)) == ["pass"]
    assert bare.errors == [] and statuses(findings(detection.defender_plans, bare)) == ["fail"]


def test_a_resource_read_failure_makes_its_type_unknown_for_that_subscription() -> None:
    """A failed diagnostic-settings read on one vault makes the prepared subscription's settings unknown."""
    vault = (f"/SUBSCRIPTIONS/{PREPARED.upper()}/resourceGroups/rg-security-weu/providers/"
             "Microsoft.KeyVault/vaults/kv-prod-weu")
    docs = documents()
    docs["diagnosticSettings"] = {k: v for k, v in docs["diagnosticSettings"].items() if "kv-prod-weu" not in k}
    snaps = build(ArmData(documents=docs, failures=[failure(vault, "diagnosticSettings", "Throttled")]))
    assert error_types(snaps[PREPARED]) == {"azure.monitor.diagnostic_setting"}
    assert statuses(findings(lc.keyvault_audit_logging, snaps[PREPARED])) == ["unknown"]
    assert statuses(findings(lc.activity_log_export, snaps[PREPARED])) == ["unknown"]
    assert snaps[BARE].errors == [] and statuses(findings(lc.activity_log_export, snaps[BARE])) == ["fail"]


def test_a_tenant_failure_applies_to_every_subscription() -> None:
    """Entra diagnostic settings denied at `/` are unknown in every snapshot, the error kept with its reason."""
    docs = documents()
    del docs["aadDiagnosticSettings"]
    snaps = build(ArmData(documents=docs, failures=[failure("/", "aadDiagnosticSettings")]))
    for snap in snaps.values():
        assert error_types(snap) == {"azure.aadiam.diagnostic_setting"}
        assert snap.errors[0].message == "aadDiagnosticSettings denied"
        assert statuses(findings(lc.entra_log_export, snap)) == ["unknown"]


def test_a_failure_without_types_uses_its_kind() -> None:
    """A failure that names no type is mapped through its operation, the ARM kind."""
    error = CollectionError(service="arm", operation="locks", code="AuthorizationFailed", message="no")
    snaps = build(ArmData(documents=documents(), failures=[(f"/subscriptions/{BARE}", error)]))
    assert "azure.locks.lock" not in snaps[BARE].resources
    assert statuses(findings(integrity.workspace_delete_lock, snaps[BARE])) == ["unknown"]
    assert "azure.locks.lock" in snaps[PREPARED].resources


def test_a_read_neither_done_nor_failed_is_not_collected() -> None:
    """A storage account with no blobContainers document and no failure is unknown, not an account without data."""
    docs = documents()
    docs["blobContainers"] = {k: v for k, v in docs["blobContainers"].items() if "stlogsprodweu" not in k}
    snaps = build(ArmData(documents=docs, failures=[]))
    errors = snaps[PREPARED].errors
    assert [e.resource_types for e in errors] == [["azure.storage.account"]]
    assert errors[0].code == "NotCollected" and "stlogsprodweu" in errors[0].message
    assert statuses(findings(evidence.evidence_locker, snaps[PREPARED])) == ["unknown"]
    assert snaps[BARE].errors == []


def test_scope_matching_ignores_case() -> None:
    """Document scopes in any case match their resources; records keep the ids as Azure returned them."""
    docs = documents()
    shouted = {kind: {scope.upper(): items for scope, items in scopes.items()} for kind, scopes in docs.items()}
    snaps = build(ArmData(documents=shouted, failures=[]))
    assert snaps[PREPARED].errors == [] and snaps[BARE].errors == []
    reference = build(ArmData(documents=docs, failures=[]))
    for account, snap in snaps.items():
        assert snap.resources == reference[account].resources
    lock_ids = {r["id"] for r in snaps[PREPARED].resources["azure.locks.lock"]}
    assert f"/subscriptions/{PREPARED}/resourcegroups/RG-SECURITY-WEU/providers/Microsoft.Authorization/locks/" \
           "nodelete-security" in lock_ids


def test_subscription_known_only_from_resources_gets_a_snapshot() -> None:
    """Rows of a subscription without its ResourceContainers row still make a snapshot, with the tenant id."""
    data = [r for r in rows() if not (r["type"] == "microsoft.resources/subscriptions" and r["subscriptionId"] == BARE)]
    snaps = build(None, data)
    bare = snaps[BARE]
    subscription = bare.resources["azure.subscription"][0]
    assert subscription["id"] == f"/subscriptions/{BARE}" and subscription["display_name"] is None
    assert bare.organization_id == "7a1b2c3d-9e8f-4a6b-8c5d-3e2f1a0b9c8d"
    assert len(bare.resources["azure.resource"]) == 5


# --------------------------------------------------------------------------- export files


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_export_pages_and_plain_lists_are_concatenated(tmp_path: Path) -> None:
    """An `az graph query` object and a bare list of rows are both read; pages keep their order."""
    data = rows()
    first = write(tmp_path, "page1.json", {"count": 3, "data": data[:3], "skip_token": "abc", "total_records": 30})
    second = write(tmp_path, "page2.json", data[3:])
    assert read_resource_graph_export([first, second]) == data
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps({"data": data[:1]}).encode())
    assert read_resource_graph_export([bom]) == data[:1]


@pytest.mark.parametrize(("content", "key", "words"), [
    ({"rows": []}, "data", "`az graph query`"),
    ({"data": {"columns": [], "rows": [[1]]}}, "data", "table format"),
    ({"data": "nope"}, "data", "list of rows"),
    ({"data": [{"id": "/subscriptions/x", "type": "t"}, "row"]}, "data[1]", "JSON object"),
    ({"data": [{"type": "microsoft.compute/virtualmachines"}]}, "data[0].id", "id"),
    ([{"id": "/subscriptions/x", "type": ""}], "[0].type", "type"),
    ({"data": [{"id": "/subscriptions/x", "type": "t", "tags": ["a"]}]}, "data[0].tags", "object"),
    ({"data": [{"id": "/subscriptions/x", "type": "t", "properties": 3}]}, "data[0].properties", "object"),
    ({"data": [{"id": "/subscriptions/x", "type": "t", "subscriptionId": 7}]}, "data[0].subscriptionId", "string"),
])
def test_bad_export_names_file_and_key(tmp_path: Path, content: Any, key: str, words: str) -> None:
    """A malformed export raises InputError (exit 2) naming the file and the offending key."""
    path = write(tmp_path, "export.json", content)
    with pytest.raises(InputError) as caught:
        read_resource_graph_export([path])
    assert caught.value.path == str(path) and caught.value.key == key and caught.value.exit_code == 2
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    """Broken JSON is reported with its line number."""
    path = write(tmp_path, "broken.json", '{\n  "data": [\n    {"id": "x",}\n  ]\n}\n')
    with pytest.raises(InputError) as caught:
        read_resource_graph_export([path])
    assert caught.value.line == 3 and f"{path}:3" in str(caught.value)


def test_missing_or_binary_file_is_an_input_error(tmp_path: Path) -> None:
    """An unreadable or non-UTF-8 file is an InputError naming it, not a traceback."""
    with pytest.raises(InputError, match="cannot read"):
        read_resource_graph_export([tmp_path / "absent.json"])
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(InputError, match="not UTF-8"):
        read_resource_graph_export([binary])


def test_export_rows_are_not_modified_by_building(offline: dict[str, Snapshot]) -> None:
    """Building snapshots leaves the caller's rows and documents untouched (the live collector reuses them)."""
    data, docs = rows(), documents()
    before = (copy.deepcopy(data), copy.deepcopy(docs))
    build(ArmData(documents=docs, failures=[]), data)
    assert (data, docs) == before
