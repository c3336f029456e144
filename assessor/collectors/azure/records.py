"""Resource Graph rows and ARM documents -> one Azure snapshot per subscription.

Pure: no I/O, no clock. The live collector (rows from Resource Graph plus the ARM documents of
ARM_KINDS in an ArmData) and the offline import of an `az graph query` export (rows only) share it,
so both paths give the same records for the same tenant.

What the input cannot show is recorded as a CollectionError naming the types, never as an empty
list: offline, every type that only ARM gives (diagnostic settings, Defender, policy, locks, ...);
live, every type whose ARM read failed or was not made for a subscription.

ARM ids are case-insensitive and Azure is not consistent about their case, so every scope is
matched lower-cased; records keep the ids as Azure returned them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assessor.models import CollectionError, Snapshot

SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
STORAGE_TYPE = "microsoft.storage/storageaccounts"
WORKSPACE_TYPE = "microsoft.operationalinsights/workspaces"
WATCHER_TYPE = "microsoft.network/networkwatchers"
EXTENSION_TYPE = "microsoft.compute/virtualmachines/extensions"
BLOB_SERVICE = "/blobServices/default"

# Resource Graph types whose `properties` are mapped to a typed record (every Resources row also gives an
# azure.resource record, so the collector should read all rows, with properties at least for these).
ROW_TYPES: tuple[str, ...] = (
    "microsoft.network/virtualnetworks",
    "microsoft.network/networkwatchers",
    "microsoft.network/networkwatchers/flowlogs",
    "microsoft.network/networksecuritygroups",
    "microsoft.network/virtualnetworktaps",
    "microsoft.compute/virtualmachines",
    EXTENSION_TYPE,
    "microsoft.compute/virtualmachinescalesets",
    "microsoft.containerservice/managedclusters",
    "microsoft.eventhub/namespaces",
    "microsoft.keyvault/vaults",
    STORAGE_TYPE,
    WORKSPACE_TYPE,
)

# Types whose resource logs the checks judge. For storage accounts the scope to read is the blob service
# (`{account id}/blobServices/default`), not the account: the account itself only has metrics, while blob
# reads, writes and deletes are logs of the blob service. diagnostic_scope() gives the scope to read.
DIAGNOSTIC_TARGET_TYPES: tuple[str, ...] = (
    "microsoft.keyvault/vaults",
    "microsoft.containerservice/managedclusters",
    STORAGE_TYPE,
)

ARM_KINDS: dict[str, str] = {
    "diagnosticSettings": "Diagnostic settings of the subscription (Activity Log) and of each diagnostic target",
    "logProfiles": "Legacy Activity Log log profiles of the subscription",
    "activityLogAlerts": "Activity Log alert rules of the subscription",
    "pricings": "Defender for Cloud plans of the subscription",
    "securityContacts": "Defender for Cloud security contacts of the subscription",
    "automations": "Defender for Cloud workflow automations / continuous exports of the subscription",
    "policyAssignments": "Policy assignments that apply to the subscription (inherited ones included)",
    "locks": "Management locks in the subscription (subscription, resource group and resource level)",
    "packetCaptures": "Packet capture sessions of one Network Watcher",
    "blobContainers": "Blob containers of one storage account, with immutability policies and legal holds",
    "sentinelOnboarding": "Microsoft Sentinel onboarding states of one Log Analytics workspace",
    "sentinelDataConnectors": "Microsoft Sentinel data connectors of one Log Analytics workspace",
    "aadDiagnosticSettings": "Microsoft Entra ID (tenant) diagnostic settings",
}

# The type each ARM kind fills: a failed read makes that type unknown for the subscription concerned.
KIND_TYPES: dict[str, str] = {
    "diagnosticSettings": "azure.monitor.diagnostic_setting",
    "logProfiles": "azure.monitor.log_profile",
    "activityLogAlerts": "azure.monitor.activity_log_alert",
    "pricings": "azure.security.pricing",
    "securityContacts": "azure.security.contact",
    "automations": "azure.security.automation",
    "policyAssignments": "azure.policy.assignment",
    "locks": "azure.locks.lock",
    "packetCaptures": "azure.network.packet_capture",
    "blobContainers": "azure.storage.account",
    "sentinelOnboarding": "azure.securityinsights.onboarding",
    "sentinelDataConnectors": "azure.securityinsights.onboarding",
    "aadDiagnosticSettings": "azure.aadiam.diagnostic_setting",
}
_SUBSCRIPTION_KINDS = ("logProfiles", "activityLogAlerts", "pricings", "securityContacts", "automations",
                       "policyAssignments", "locks")

# Types Resource Graph rows give completely (an empty list means none exist).
ROW_RECORD_TYPES: tuple[str, ...] = (
    "azure.subscription", "azure.resource", "azure.network.virtual_network", "azure.network.network_watcher",
    "azure.network.flow_log", "azure.network.nsg", "azure.network.virtual_network_tap", "azure.compute.vm",
    "azure.compute.vmss", "azure.containerservice.aks", "azure.eventhub.namespace", "azure.keyvault.vault",
    "azure.loganalytics.workspace",
)
# Types that need ARM: unknown offline, with why.
ARM_ONLY_TYPES: dict[str, str] = {
    "azure.monitor.diagnostic_setting": "diagnostic settings are not resources in Resource Graph",
    "azure.monitor.log_profile": "log profiles are not in Resource Graph",
    "azure.monitor.activity_log_alert": "Activity Log alert conditions and action groups are read from ARM",
    "azure.network.packet_capture": "packet capture sessions are not in Resource Graph",
    "azure.security.pricing": "Defender for Cloud plans are not in Resource Graph",
    "azure.security.contact": "Defender for Cloud security contacts are not in Resource Graph",
    "azure.security.automation": "Defender for Cloud automations are read from ARM",
    "azure.policy.assignment": "policy assignments with their parameters are read from ARM",
    "azure.locks.lock": "management locks are not in Resource Graph",
    "azure.storage.account": "blob container immutability policies and legal holds are not in Resource Graph",
    "azure.securityinsights.onboarding": "Sentinel onboarding is not in Resource Graph",
    "azure.aadiam.diagnostic_setting": "Entra ID diagnostic settings are tenant settings, not resources",
}

# Members of the category groups of the diagnostic targets (Activity Log settings have no groups), so a
# setting that enables `audit` or `allLogs` records the categories it really exports.
_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "microsoft.keyvault/vaults": {"audit": ("AuditEvent",),
                                  "alllogs": ("AuditEvent", "AzurePolicyEvaluationDetails")},
    "microsoft.containerservice/managedclusters": {
        "audit": ("kube-audit", "kube-audit-admin", "guard"),
        "alllogs": ("kube-apiserver", "kube-audit", "kube-audit-admin", "kube-controller-manager",
                    "kube-scheduler", "cluster-autoscaler", "cloud-controller-manager", "guard",
                    "csi-azuredisk-controller", "csi-azurefile-controller", "csi-snapshot-controller",
                    "fleet-member-agent",
                    "fleet-member-net-controller-manager", "fleet-mcs-controller-manager")},
    "microsoft.storage/storageaccounts/blobservices": {
        "audit": ("StorageRead", "StorageWrite", "StorageDelete"),
        "alllogs": ("StorageRead", "StorageWrite", "StorageDelete")},
}


@dataclass
class ArmData:
    """What the live collector read from ARM besides Resource Graph.

    `documents[kind][scope]` present means the read succeeded (an empty list: none exist); a read that
    is neither there nor failed is recorded as NotCollected. A failure applies to the subscription its
    scope lies in, or to every subscription for `/` (and any other scope outside a subscription). Its
    `resource_types` names the types it leaves unknown; when empty, its `operation` must be the ARM kind.
    """

    documents: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    failures: list[tuple[str, CollectionError]] = field(default_factory=list)


# --------------------------------------------------------------------------- small helpers


def _low(value: Any) -> str:
    return str(value or "").strip().lower()


def _region(location: Any) -> str | None:
    text = _low(location).replace(" ", "")
    return text or None


def _props(item: Mapping[str, Any]) -> dict[str, Any]:
    value = item.get("properties")
    return value if isinstance(value, dict) else {}


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strs(value: Any) -> list[str]:
    return [str(v) for v in _list(value) if v is not None]


def _id_of(value: Any) -> str | None:
    """`{"id": ...}` references as ARM nests them."""
    ref = _obj(value).get("id")
    return str(ref) if ref else None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _tags(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in _obj(value).items()}


def _sku_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return str(value["name"]) if value.get("name") else None
    return str(value) if value else None


def _before(resource_id: str, marker: str) -> str:
    """The part of an ARM id before `marker` (matched case-insensitively)."""
    index = resource_id.lower().find(marker.lower())
    return resource_id[:index] if index >= 0 else resource_id


def subscription_of(scope_id: Any) -> str | None:
    """Lower-case subscription GUID of an ARM id, None for tenant or management group scopes."""
    parts = _low(scope_id).split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" and parts[2] else None


def resource_group_of(resource_id: Any) -> str | None:
    parts = str(resource_id or "").split("/")
    for index, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[index + 1]
    return None


def type_of(resource_id: Any) -> str | None:
    """Lower-case ARM type of an id (`.../providers/Microsoft.Storage/storageAccounts/a/blobServices/default`
    gives `microsoft.storage/storageaccounts/blobservices`); None for a subscription."""
    text = _low(resource_id)
    if "/providers/" not in text:
        return None
    parts = text.rsplit("/providers/", 1)[1].split("/")
    return "/".join([parts[0], *parts[1::2]]) if len(parts) >= 3 else None


def diagnostic_scope(resource_id: str, resource_type: str) -> str:
    """The scope whose diagnostic settings to read for a diagnostic target (blob service for storage)."""
    return resource_id + BLOB_SERVICE if _low(resource_type) == STORAGE_TYPE else resource_id


def _arm_base(row: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"id": str(row["id"]), "name": row.get("name"),
                              "region": _region(row.get("location")),
                              "resource_group": row.get("resourceGroup") or resource_group_of(row["id"]),
                              "tags": _tags(row.get("tags"))}
    return record


# --------------------------------------------------------------------------- Resource Graph rows


def _subscription(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    chain = [str(m.get("name")) for m in _list(props.get("managementGroupAncestorsChain"))
             if isinstance(m, dict) and m.get("name")]
    sub_id = str(row.get("subscriptionId") or subscription_of(row.get("id")) or "")
    return {"id": str(row.get("id") or f"/subscriptions/{sub_id}"), "subscription_id": sub_id,
            "display_name": row.get("name"), "state": props.get("state"), "tenant_id": row.get("tenantId"),
            "management_group_chain": chain, "tags": _tags(row.get("tags"))}


def _resource(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(row["id"]), "type": _low(row.get("type")), "name": row.get("name"),
            "location": row.get("location"), "region": _region(row.get("location")),
            "resource_group": row.get("resourceGroup") or resource_group_of(row["id"]),
            "subscription_id": row.get("subscriptionId") or subscription_of(row["id"]),
            "kind": row.get("kind") or None, "sku": _sku_name(row.get("sku")), "tags": _tags(row.get("tags"))}


def _vnet(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    subnets = []
    for subnet in _list(props.get("subnets")):
        sp = _props(subnet)
        prefixes = _strs(sp.get("addressPrefixes")) or _strs([sp.get("addressPrefix")])
        subnets.append({"id": subnet.get("id"), "name": subnet.get("name"), "address_prefixes": prefixes,
                        "network_security_group_id": _id_of(sp.get("networkSecurityGroup"))})
    return {**_arm_base(row), "address_prefixes": _strs(_obj(props.get("addressSpace")).get("addressPrefixes")),
            "subnets": subnets}


def _watcher(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**_arm_base(row), "provisioning_state": _props(row).get("provisioningState")}


def _target_kind(target: str | None) -> str | None:
    text = _low(target)
    if "/subnets/" in text:
        return "subnet"
    kind = type_of(text)
    return {"microsoft.network/virtualnetworks": "vnet", "microsoft.network/networkinterfaces": "nic",
            "microsoft.network/networksecuritygroups": "nsg"}.get(kind or "")


def _flow_log(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    retention = _obj(props.get("retentionPolicy"))
    analytics = _obj(_obj(props.get("flowAnalyticsConfiguration")).get("networkWatcherFlowAnalyticsConfiguration"))
    target = props.get("targetResourceId")
    enabled_ta = bool(analytics.get("enabled"))
    return {**_arm_base(row), "network_watcher_id": _before(str(row["id"]), "/flowLogs/"),
            "target_resource_id": target, "target_kind": _target_kind(target),
            "enabled": bool(props.get("enabled")), "storage_account_id": props.get("storageId"),
            "retention_enabled": bool(retention.get("enabled")), "retention_days": _int(retention.get("days")) or 0,
            "format_version": _int(_obj(props.get("format")).get("version")),
            "traffic_analytics_enabled": enabled_ta,
            "traffic_analytics_workspace_id": analytics.get("workspaceResourceId") if enabled_ta else None,
            "traffic_analytics_interval_minutes":
                _int(analytics.get("trafficAnalyticsInterval")) if enabled_ta else None}


def _merged(props: Mapping[str, Any], singular: str, plural: str) -> list[str]:
    """ARM rules give one value or a list; the record always holds the list."""
    values = _strs(props.get(plural))
    if props.get(singular):
        values.insert(0, str(props[singular]))
    return values


def _nsg(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    rules = []
    for rule in _list(props.get("securityRules")):
        rp = _props(rule)
        rules.append({"name": rule.get("name"), "direction": rp.get("direction"), "access": rp.get("access"),
                      "priority": _int(rp.get("priority")), "protocol": rp.get("protocol"),
                      "source_address_prefixes": _merged(rp, "sourceAddressPrefix", "sourceAddressPrefixes"),
                      "destination_address_prefixes":
                          _merged(rp, "destinationAddressPrefix", "destinationAddressPrefixes"),
                      "destination_port_ranges": _merged(rp, "destinationPortRange", "destinationPortRanges")})
    return {**_arm_base(row), "security_rules_count": len(rules), "security_rules": rules,
            "subnet_ids": [i for i in (_id_of(s) for s in _list(props.get("subnets"))) if i],
            "network_interface_ids": [i for i in (_id_of(n) for n in _list(props.get("networkInterfaces"))) if i]}


def _tap(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    sources = sorted({_before(str(ref), "/tapConfigurations/")
                      for ref in (_id_of(c) for c in _list(props.get("networkInterfaceTapConfigurations"))) if ref})
    destination = (_id_of(props.get("destinationNetworkInterfaceIPConfiguration"))
                   or _id_of(props.get("destinationLoadBalancerFrontEndIPConfiguration")))
    return {**_arm_base(row), "source_network_interface_ids": sources,
            "destination_ip_configuration_id": destination, "destination_port": _int(props.get("destinationPort"))}


def _vm(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    os_disk = _obj(_obj(props.get("storageProfile")).get("osDisk"))
    return {**_arm_base(row), "vm_size": _obj(props.get("hardwareProfile")).get("vmSize"),
            "os_type": os_disk.get("osType"), "os_disk_id": _id_of(os_disk.get("managedDisk")),
            # ARM's default when the property is absent: the disk is detached, not deleted.
            "os_disk_delete_option": os_disk.get("deleteOption") or "Detach",
            "os_disk_ephemeral": _low(_obj(os_disk.get("diffDiskSettings")).get("option")) == "local",
            "network_interface_ids": [i for i in (_id_of(n) for n in _list(
                _obj(props.get("networkProfile")).get("networkInterfaces"))) if i],
            "virtual_machine_scale_set_id": _id_of(props.get("virtualMachineScaleSet")),
            "extensions": []}


def _vmss(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    profile = _obj(props.get("virtualMachineProfile"))
    notice = _obj(_obj(profile.get("scheduledEventsProfile")).get("terminateNotificationProfile"))
    enabled = bool(notice.get("enable"))
    mode = props.get("orchestrationMode") or "Uniform"
    delete = _obj(_obj(profile.get("storageProfile")).get("osDisk")).get("deleteOption")
    extensions = [str(_props(e).get("type")) for e in _list(_obj(profile.get("extensionProfile")).get("extensions"))
                  if _props(e).get("type")]
    return {**_arm_base(row), "orchestration_mode": mode, "capacity": _int(_obj(row.get("sku")).get("capacity")),
            "terminate_notification_enabled": enabled,
            "terminate_notification_timeout": notice.get("notBeforeTimeout") if enabled else None,
            # Uniform scale sets always delete instance disks; Flexible ones delete unless told to detach.
            "os_disk_delete_option": "Delete" if _low(mode) == "uniform" else (delete or "Delete"),
            "extensions": extensions}


def _aks(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    return {**_arm_base(row), "kubernetes_version": props.get("kubernetesVersion"),
            "private_cluster": bool(_obj(props.get("apiServerAccessProfile")).get("enablePrivateCluster")),
            "aad_enabled": bool(props.get("aadProfile")),
            "local_accounts_disabled": bool(props.get("disableLocalAccounts"))}


def _event_hub(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    return {**_arm_base(row), "sku": _sku_name(row.get("sku")), "kafka_enabled": bool(props.get("kafkaEnabled")),
            "disable_local_auth": bool(props.get("disableLocalAuth"))}


def _vault(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    soft_delete = props.get("enableSoftDelete")
    return {**_arm_base(row), "sku": _sku_name(props.get("sku")),
            # Soft delete can no longer be turned off; an absent flag means the default, on.
            "soft_delete_enabled": True if soft_delete is None else bool(soft_delete),
            "soft_delete_retention_days": _int(props.get("softDeleteRetentionInDays")) or 90,
            "purge_protection_enabled": bool(props.get("enablePurgeProtection")),
            "rbac_authorization": bool(props.get("enableRbacAuthorization")),
            "public_network_access": props.get("publicNetworkAccess") or "Enabled"}


def _workspace(row: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(row)
    # Table-level retention needs the tables API, which this collector does not read: `tables` stays empty.
    return {**_arm_base(row), "customer_id": props.get("customerId"), "sku": _sku_name(props.get("sku")),
            "retention_in_days": _int(props.get("retentionInDays")), "tables": []}


def _storage(row: Mapping[str, Any], containers: list[dict[str, Any]]) -> dict[str, Any]:
    props = _props(row)
    worm = _obj(props.get("immutableStorageWithVersioning"))
    policy = _obj(worm.get("immutabilityPolicy"))
    secondary = _region(props.get("secondaryLocation"))
    return {**_arm_base(row), "kind": row.get("kind"), "sku": _sku_name(row.get("sku")),
            "secondary_location": secondary, "immutability_enabled": bool(worm.get("enabled")),
            "immutability_state": policy.get("state"),
            "immutability_period_days": _int(policy.get("immutabilityPeriodSinceCreationInDays")),
            "containers": [_container(c) for c in containers]}


def _container(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    policy = _obj(props.get("immutabilityPolicy"))
    inner = _obj(policy.get("properties")) or policy  # the list API nests the policy under `properties`
    state = inner.get("state") if policy else None
    return {"name": item.get("name"), "immutability_state": state,
            "immutability_period_days": _int(inner.get("immutabilityPeriodSinceCreationInDays")) if policy else None,
            "has_legal_hold": bool(props.get("hasLegalHold")),
            "version_level_immutability": bool(_obj(props.get("immutableStorageWithVersioning")).get("enabled"))}


_ROW_MAPPERS = {
    "microsoft.network/virtualnetworks": ("azure.network.virtual_network", _vnet),
    "microsoft.network/networkwatchers": ("azure.network.network_watcher", _watcher),
    "microsoft.network/networkwatchers/flowlogs": ("azure.network.flow_log", _flow_log),
    "microsoft.network/networksecuritygroups": ("azure.network.nsg", _nsg),
    "microsoft.network/virtualnetworktaps": ("azure.network.virtual_network_tap", _tap),
    "microsoft.compute/virtualmachines": ("azure.compute.vm", _vm),
    "microsoft.compute/virtualmachinescalesets": ("azure.compute.vmss", _vmss),
    "microsoft.containerservice/managedclusters": ("azure.containerservice.aks", _aks),
    "microsoft.eventhub/namespaces": ("azure.eventhub.namespace", _event_hub),
    "microsoft.keyvault/vaults": ("azure.keyvault.vault", _vault),
    WORKSPACE_TYPE: ("azure.loganalytics.workspace", _workspace),
}


# --------------------------------------------------------------------------- ARM documents


def _destinations(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"workspace_id": props.get("workspaceId") or None,
            "storage_account_id": props.get("storageAccountId") or None,
            "event_hub_authorization_rule_id": props.get("eventHubAuthorizationRuleId") or None,
            "event_hub_name": props.get("eventHubName") or None}


def _enabled_logs(props: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(categories, category groups) enabled in a setting's `logs`."""
    categories: list[str] = []
    groups: list[str] = []
    for entry in _list(props.get("logs")):
        if not isinstance(entry, dict) or entry.get("enabled") is False:
            continue
        if entry.get("category"):
            categories.append(str(entry["category"]))
        elif entry.get("categoryGroup"):
            groups.append(str(entry["categoryGroup"]))
    return categories, groups


def _diagnostic_setting(item: Mapping[str, Any], scope: str, subscription_scope: bool) -> dict[str, Any]:
    props = _props(item)
    categories, groups = _enabled_logs(props)
    resource_type = None if subscription_scope else type_of(scope)
    members = _GROUPS.get(resource_type or "", {})
    for group in groups:
        for category in members.get(_low(group), ()):
            if _low(category) not in {_low(c) for c in categories}:
                categories.append(category)
    return {"id": item.get("id") or f"{scope}/providers/microsoft.insights/diagnosticSettings/{item.get('name')}",
            "name": item.get("name"), "scope_id": scope,
            "scope_kind": "subscription" if subscription_scope else "resource", "resource_type": resource_type,
            "categories": categories, "category_groups": groups, **_destinations(props),
            "marketplace_partner_id": props.get("marketplacePartnerId") or None,
            "log_analytics_destination_type": props.get("logAnalyticsDestinationType") or None}


def _entra_setting(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    categories, _ = _enabled_logs(props)
    return {"id": item.get("id") or f"/providers/microsoft.aadiam/diagnosticSettings/{item.get('name')}",
            "name": item.get("name"), "categories": categories, **_destinations(props)}


def _log_profile(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    retention = _obj(props.get("retentionPolicy"))
    return {"id": item.get("id"), "name": item.get("name"), "locations": _strs(props.get("locations")),
            "categories": _strs(props.get("categories")), "storage_account_id": props.get("storageAccountId"),
            "service_bus_rule_id": props.get("serviceBusRuleId"),
            "retention_enabled": bool(retention.get("enabled")), "retention_days": _int(retention.get("days")) or 0}


def _conditions(nodes: Any, found: dict[str, list[str]]) -> None:
    """Collect `equals` / `containsAny` values per field through nested allOf / anyOf conditions."""
    for node in _list(nodes):
        if not isinstance(node, dict):
            continue
        name = _low(node.get("field"))
        if name:
            values = [node["equals"]] if node.get("equals") is not None else []
            values += _strs(node.get("containsAny"))
            found.setdefault(name, []).extend(str(v) for v in values)
        _conditions(node.get("anyOf"), found)
        _conditions(node.get("allOf"), found)


def _alert(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    found: dict[str, list[str]] = {}
    _conditions(_obj(props.get("condition")).get("allOf"), found)
    groups = [str(g.get("actionGroupId")) for g in _list(_obj(props.get("actions")).get("actionGroups"))
              if isinstance(g, dict) and g.get("actionGroupId")]
    return {"id": item.get("id"), "name": item.get("name"), "region": _region(item.get("location")) or "global",
            "resource_group": resource_group_of(item.get("id")),
            "enabled": props.get("enabled") is not False,  # ARM's default is enabled
            "scopes": _strs(props.get("scopes")), "categories": found.get("category", []),
            "operation_names": [v.lower() for v in found.get("operationname", [])],
            "action_group_ids": groups, "tags": _tags(item.get("tags"))}


def _pricing(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    return {"id": item.get("id"), "name": item.get("name"), "pricing_tier": props.get("pricingTier"),
            "sub_plan": props.get("subPlan") or None, "deprecated": bool(props.get("deprecated"))}


def _contact(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    emails = [e.strip() for e in str(props.get("emails") or props.get("email") or "").split(";") if e.strip()]
    alert_source = next((s for s in _list(props.get("notificationsSources"))
                         if isinstance(s, dict) and _low(s.get("sourceType")) == "alert"), None)
    legacy = _obj(props.get("alertNotifications"))  # API versions before 2023-12-01-preview
    if alert_source is not None:
        alerts_on = props.get("isEnabled") is not False
        severity = alert_source.get("minimalSeverity")
    else:
        alerts_on = _low(legacy.get("state")) == "on"
        severity = legacy.get("minimalSeverity")
    by_role = _obj(props.get("notificationsByRole"))
    return {"id": item.get("id"), "name": item.get("name"), "emails": emails, "has_phone": bool(props.get("phone")),
            "alert_notifications_enabled": alerts_on, "alert_minimal_severity": severity or None,
            "notify_roles_enabled": _low(by_role.get("state")) == "on", "notify_roles": _strs(by_role.get("roles"))}


_ACTION_TARGETS = ("workspaceResourceId", "eventHubResourceId", "logicAppResourceId")


def _automation(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    actions = [a for a in _list(props.get("actions")) if isinstance(a, dict)]
    return {**_arm_base(item), "enabled": bool(props.get("isEnabled")),
            "sources": [str(s.get("eventSource")) for s in _list(props.get("sources"))
                        if isinstance(s, dict) and s.get("eventSource")],
            "action_types": [str(a.get("actionType")) for a in actions if a.get("actionType")],
            "action_target_ids": [str(a[k]) for a in actions for k in _ACTION_TARGETS if a.get(k)]}


def _assignment(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    parameters = {str(k): (v.get("value") if isinstance(v, dict) and "value" in v else v)
                  for k, v in _obj(props.get("parameters")).items()}
    return {"id": item.get("id"), "name": item.get("name"), "display_name": props.get("displayName"),
            "scope": props.get("scope"), "not_scopes": _strs(props.get("notScopes")),
            "policy_definition_id": props.get("policyDefinitionId"),
            "enforcement_mode": props.get("enforcementMode") or "Default", "parameters": parameters}


def _lock(item: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    lock_id = str(item.get("id") or "")
    return {"id": lock_id, "name": item.get("name"),
            "scope": _before(lock_id, "/providers/Microsoft.Authorization/locks/"),
            "level": props.get("level"), "notes": props.get("notes") or None}


def _packet_capture(item: Mapping[str, Any], watcher: Mapping[str, Any]) -> dict[str, Any]:
    props = _props(item)
    capture_id = str(item.get("id") or f"{watcher['id']}/packetCaptures/{item.get('name')}")
    return {"id": capture_id, "name": item.get("name"), "region": watcher.get("region"),
            "resource_group": resource_group_of(capture_id), "tags": _tags(item.get("tags")),
            "network_watcher_id": watcher["id"], "target_id": props.get("target"),
            "target_type": props.get("targetType") or "AzureVM",
            "storage_id": _obj(props.get("storageLocation")).get("storageId") or None,
            "provisioning_state": props.get("provisioningState")}


# --------------------------------------------------------------------------- assembly


@dataclass
class _Subscription:
    """Everything gathered for one subscription while the rows are walked."""

    key: str  # lower-case GUID
    row: dict[str, Any] | None = None
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    errors: list[CollectionError] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)  # types already given an error
    tenant_id: str | None = None  # from any row, for a subscription without its own row


def _error(code: str, message: str, types: Iterable[str], operation: str, service: str = "arm") -> CollectionError:
    return CollectionError(service=service, operation=operation, code=code, message=message,
                           resource_types=sorted(set(types)))


class _Documents:
    """Case-insensitive access to ArmData.documents."""

    def __init__(self, arm: ArmData) -> None:
        self.by_kind: dict[str, dict[str, list[dict[str, Any]]]] = {
            kind: {_low(scope).rstrip("/") or "/": list(items or []) for scope, items in scopes.items()}
            for kind, scopes in arm.documents.items()}

    def get(self, kind: str, scope: str) -> list[dict[str, Any]] | None:
        return self.by_kind.get(kind, {}).get(_low(scope).rstrip("/") or "/")


def build_snapshots(rows: Iterable[dict[str, Any]], *, arm: ArmData | None, collected_at: datetime,
                    tool_version: str, identity: str | None, source: str = "resource graph export"
                    ) -> list[Snapshot]:
    """One snapshot per subscription seen in `rows` (a ResourceContainers row or a resource's subscriptionId)."""
    subs: dict[str, _Subscription] = {}

    def sub(guid: Any) -> _Subscription:
        key = _low(guid)
        return subs.setdefault(key, _Subscription(key))

    storage_rows: list[dict[str, Any]] = []
    extensions: list[dict[str, Any]] = []
    for row in rows:
        kind = _low(row.get("type"))
        guid = row.get("subscriptionId") or subscription_of(row.get("id"))
        if not guid:
            continue
        target = sub(guid)
        target.tenant_id = target.tenant_id or (str(row["tenantId"]) if row.get("tenantId") else None)
        if kind == SUBSCRIPTION_TYPE:
            target.row = row
            continue
        if kind.startswith("microsoft.resources/") or not row.get("id"):
            continue  # resource groups and other containers are not inventory
        if kind == EXTENSION_TYPE:
            extensions.append(row)
            continue
        target.resources["azure.resource"].append(_resource(row))
        if kind == STORAGE_TYPE:
            storage_rows.append(row)
        elif kind in _ROW_MAPPERS:
            type_name, mapper = _ROW_MAPPERS[kind]
            target.resources[type_name].append(mapper(row))
    _attach_extensions(subs, extensions)
    if arm is None:
        for item in subs.values():
            for type_name, why in ARM_ONLY_TYPES.items():
                item.errors.append(_error(
                    "NotCollected", f"A Resource Graph export cannot show this: {why}. A live `scan azure` "
                    "reads it from ARM.", [type_name], source, service="resourcegraph"))
                item.unknown.add(type_name)
    else:
        _apply_arm(subs, storage_rows, arm)
    return [_snapshot(subs[key], collected_at=collected_at, tool_version=tool_version, identity=identity)
            for key in sorted(subs)]


def _attach_extensions(subs: Mapping[str, _Subscription], extensions: list[dict[str, Any]]) -> None:
    """VM extensions are rows of their own in Resource Graph: join them to their VM by id."""
    by_vm: dict[str, list[str]] = defaultdict(list)
    for row in extensions:
        name = _props(row).get("type") or row.get("name")
        if name:
            by_vm[_low(_before(str(row["id"]), "/extensions/"))].append(str(name))
    for item in subs.values():
        for vm in item.resources.get("azure.compute.vm", []):
            vm["extensions"] = sorted(by_vm.get(_low(vm["id"]), []))


def _apply_arm(subs: dict[str, _Subscription], storage_rows: list[dict[str, Any]], arm: ArmData) -> None:
    docs = _Documents(arm)
    for scope, failure in arm.failures:
        guid = subscription_of(scope)
        targets = list(subs.values()) if guid is None else [subs[guid]] if guid in subs else []
        types = failure.resource_types or ([KIND_TYPES[failure.operation]] if failure.operation in KIND_TYPES else [])
        for item in targets:
            item.errors.append(failure)
            item.unknown.update(types)
    for item in subs.values():
        scope = f"/subscriptions/{item.key}"
        for kind in _SUBSCRIPTION_KINDS:
            found = docs.get(kind, scope)
            _fill(item, KIND_TYPES[kind], found, kind, scope, [_MAPPERS[kind](d) for d in found or []])
        _fill_diagnostics(item, docs, storage_rows)
        _fill_storage(item, docs, [r for r in storage_rows if _low(r.get("subscriptionId")
                                                                     or subscription_of(r["id"])) == item.key])
        _fill_packet_captures(item, docs)
        _fill_sentinel(item, docs)
        entra = docs.get("aadDiagnosticSettings", "/")
        _fill(item, "azure.aadiam.diagnostic_setting", entra, "aadDiagnosticSettings", "/",
              [_entra_setting(d) for d in entra or []])


_MAPPERS = {"logProfiles": _log_profile, "activityLogAlerts": _alert, "pricings": _pricing,
            "securityContacts": _contact, "automations": _automation, "policyAssignments": _assignment,
            "locks": _lock}


def _not_read(item: _Subscription, type_name: str, kind: str, scopes: list[str]) -> None:
    """A read the collector should have made and has neither a document nor a failure for."""
    if type_name in item.unknown:
        return
    shown = ", ".join(scopes[:5]) + (f" and {len(scopes) - 5} more" if len(scopes) > 5 else "")
    item.errors.append(_error("NotCollected", f"ARM {kind} was not read for {shown}", [type_name], kind))
    item.unknown.add(type_name)


def _fill(item: _Subscription, type_name: str, found: list[dict[str, Any]] | None, kind: str, scope: str,
          records: list[dict[str, Any]]) -> None:
    if type_name in item.unknown:
        return
    if found is None:
        _not_read(item, type_name, kind, [scope])
        return
    item.resources[type_name].extend(records)


def _fill_diagnostics(item: _Subscription, docs: _Documents, storage_rows: list[dict[str, Any]]) -> None:
    type_name = "azure.monitor.diagnostic_setting"
    if type_name in item.unknown:
        return
    subscription_scope = f"/subscriptions/{item.key}"
    own = (item.row or {}).get("id") or subscription_scope
    scopes: list[tuple[str, bool]] = [(str(own), True)]
    for resource in item.resources.get("azure.resource", []):
        if resource["type"] in DIAGNOSTIC_TARGET_TYPES:
            scopes.append((diagnostic_scope(resource["id"], resource["type"]), False))
    missing: list[str] = []
    records: list[dict[str, Any]] = []
    for scope, is_subscription in scopes:
        found = docs.get("diagnosticSettings", scope)
        if found is None:
            missing.append(scope)
            continue
        records.extend(_diagnostic_setting(d, scope, is_subscription) for d in found)
    if missing:
        _not_read(item, type_name, "diagnosticSettings", missing)
    else:
        item.resources[type_name].extend(records)


def _fill_storage(item: _Subscription, docs: _Documents, rows: list[dict[str, Any]]) -> None:
    type_name = "azure.storage.account"
    if type_name in item.unknown:
        return
    missing: list[str] = []
    records: list[dict[str, Any]] = []
    for row in rows:
        found = docs.get("blobContainers", str(row["id"]))
        if found is None:
            missing.append(str(row["id"]))
            continue
        records.append(_storage(row, found))
    if missing:
        _not_read(item, type_name, "blobContainers", missing)
    else:
        item.resources[type_name].extend(records)


def _fill_packet_captures(item: _Subscription, docs: _Documents) -> None:
    type_name = "azure.network.packet_capture"
    if type_name in item.unknown:
        return
    missing: list[str] = []
    records: list[dict[str, Any]] = []
    for watcher in item.resources.get("azure.network.network_watcher", []):
        found = docs.get("packetCaptures", watcher["id"])
        if found is None:
            missing.append(watcher["id"])
            continue
        records.extend(_packet_capture(d, watcher) for d in found)
    if missing:
        _not_read(item, type_name, "packetCaptures", missing)
    else:
        item.resources[type_name].extend(records)


def _fill_sentinel(item: _Subscription, docs: _Documents) -> None:
    type_name = "azure.securityinsights.onboarding"
    if type_name in item.unknown:
        return
    missing: list[str] = []
    records: list[dict[str, Any]] = []
    for workspace in item.resources.get("azure.loganalytics.workspace", []):
        states = docs.get("sentinelOnboarding", workspace["id"])
        if states is None:
            missing.append(workspace["id"])
            continue
        if not states:
            continue  # Sentinel is not on this workspace: its connectors do not matter
        connectors = docs.get("sentinelDataConnectors", workspace["id"])
        if connectors is None:
            missing.append(workspace["id"])
            continue
        state = states[0]
        records.append({"id": state.get("id") or f"{workspace['id']}/providers/Microsoft.SecurityInsights/"
                        "onboardingStates/default", "workspace_id": workspace["id"], "region": workspace.get("region"),
                        "data_connector_kinds": sorted({str(c.get("kind")) for c in connectors if c.get("kind")})})
    if missing:
        _not_read(item, type_name, "sentinelOnboarding", missing)
    else:
        item.resources[type_name].extend(records)


def _snapshot(item: _Subscription, *, collected_at: datetime, tool_version: str, identity: str | None) -> Snapshot:
    resources = item.resources
    if item.row is not None:
        subscription = _subscription(item.row)
    else:  # seen only through its resources' subscriptionId
        subscription = {"id": f"/subscriptions/{item.key}", "subscription_id": item.key, "display_name": None,
                        "state": None, "tenant_id": item.tenant_id,
                        "management_group_chain": [], "tags": {}}
    resources["azure.subscription"] = [subscription]
    for type_name in ROW_RECORD_TYPES:
        resources.setdefault(type_name, [])
    for type_name in item.unknown:
        resources.pop(type_name, None)  # an error outweighs any partial list
    for items in resources.values():
        items.sort(key=lambda r: _low(r.get("id")))
    regions = sorted({str(r["region"]) for items in resources.values() for r in items
                      if r.get("region") and r["region"] != "global"})
    chain = subscription["management_group_chain"]
    return Snapshot(provider="azure", account_id=str(subscription["subscription_id"] or item.key),
                    account_name=subscription.get("display_name"),
                    organization_id=subscription.get("tenant_id") or (chain[-1] if chain else None),
                    regions=regions, collected_at=collected_at, tool_version=tool_version, identity=identity,
                    errors=list(item.errors), resources=dict(sorted(resources.items())))
