"""azure resource types a snapshot may hold (see the package docstring for conventions).

The Azure collector fills these from two sources: Azure Resource Graph (one paged KQL query per
table, across the subscriptions in scope) for inventory and resource properties, and ARM REST
calls for what Resource Graph does not hold (diagnostic settings, Defender pricings and contacts,
policy assignments with parameters, locks, Entra diagnostic settings, Sentinel onboarding).

Conventions for every Azure record:
- `id` is the full ARM id as Azure returned it. ARM ids are case-insensitive and Azure is not
  consistent about their case (a workspace id inside a diagnostic setting may differ in case from
  the workspace's own id), so checks compare ids lower-cased; collectors keep them as returned.
- `region` is the ARM `location` normalised to lower case without spaces (`westeurope`);
  `global` for global resources; absent for settings that have no location.
- `tags` is the ARM tag map (string -> string), `{}` when the resource has none.
- Enumerations keep ARM's spelling (`Locked`, `CanNotDelete`, `Standard`); checks compare them
  case-insensitively.
- A type that is present but empty means "collected, none exist". Per-resource reads (for example
  diagnostic settings of one vault) that fail are recorded as collection errors naming the type.
"""

from typing import Any

# Fields shared by every record that is an ARM resource with a location.
_ARM: dict[str, str] = {
    "id": "Full ARM resource id.",
    "name": "Resource name.",
    "region": "Normalised ARM location (lower case, no spaces).",
    "resource_group": "Resource group name.",
    "tags": "ARM tags (string -> string).",
}

# Fields of a diagnostic setting's destinations, shared by resource and Entra settings.
_DESTINATIONS: dict[str, str] = {
    "workspace_id": "ARM id of the destination Log Analytics workspace, or null.",
    "storage_account_id": "ARM id of the destination storage account, or null.",
    "event_hub_authorization_rule_id": "ARM id of the Event Hub namespace authorization rule used to "
    "stream, or null (`.../namespaces/{ns}/authorizationRules/{rule}`).",
    "event_hub_name": "Event hub name inside that namespace; null means one hub per category.",
}

TYPES: dict[str, dict[str, Any]] = {
    "azure.subscription": {
        "description": "The subscription assessed, with where it sits in the management group tree.",
        "fields": {
            "id": "`/subscriptions/{subscription_id}`.",
            "subscription_id": "Subscription GUID.",
            "display_name": "Subscription display name.",
            "state": "Enabled, Disabled, Warned, PastDue or Deleted.",
            "tenant_id": "Entra tenant GUID.",
            "management_group_chain": "Management group ids from the direct parent up to the tenant root "
            "group (`managementGroupAncestorsChain` names), ordered nearest first.",
            "tags": "Subscription tags.",
        },
        "source": "Resource Graph `ResourceContainers | where type == 'microsoft.resources/subscriptions'`; "
        "ARM GET /subscriptions/{id}",
    },
    "azure.resource": {
        "description": "Generic inventory row for every ARM resource in the subscription; the basis for "
        "data-location and critical-resource judgements.",
        "fields": {
            **_ARM,
            "type": "ARM resource type, lower case (`microsoft.storage/storageaccounts`).",
            "location": "ARM location exactly as returned (`region` is its normalised form).",
            "subscription_id": "Subscription GUID.",
            "kind": "ARM `kind`, or null.",
            "sku": "ARM `sku.name`, or null.",
        },
        "source": "Resource Graph `Resources | project id, type, name, location, resourceGroup, "
        "subscriptionId, kind, sku, tags` (paged with $skipToken)",
    },
    "azure.monitor.diagnostic_setting": {
        "description": "A diagnostic setting that exports the subscription's Activity Log or one resource's "
        "resource logs. The collector reads the subscription's settings and those of every inventoried "
        "resource whose type supports resource logs (including storage `blobServices/default`), so a "
        "resource with no record has no setting.",
        "fields": {
            "id": "ARM id of the setting (`{scope_id}/providers/microsoft.insights/diagnosticSettings/{name}`).",
            "name": "Setting name.",
            "scope_id": "ARM id the setting is attached to: `/subscriptions/{id}` for the Activity Log, "
            "otherwise the resource id (for blob logs, `{storage account id}/blobServices/default`).",
            "scope_kind": "`subscription` or `resource`.",
            "resource_type": "ARM type of the scope, lower case; null for the subscription.",
            "categories": "Enabled log categories, with category groups already expanded into their "
            "member categories (Activity Log: Administrative, Security, ServiceHealth, Alert, "
            "Recommendation, Policy, Autoscale, ResourceHealth).",
            "category_groups": "Enabled category groups as configured (`allLogs`, `audit`), for reference.",
            **_DESTINATIONS,
            "marketplace_partner_id": "ARM id of a partner (marketplace) destination, or null.",
            "log_analytics_destination_type": "`Dedicated` (resource-specific tables) or null (AzureDiagnostics).",
        },
        "source": "ARM GET {scope}/providers/Microsoft.Insights/diagnosticSettings (api-version 2021-05-01-"
        "preview) for the subscription and each resource; GET {scope}/providers/Microsoft.Insights/"
        "diagnosticSettingsCategories to expand category groups",
    },
    "azure.monitor.log_profile": {
        "description": "Legacy Activity Log export (log profile). Retired by Microsoft in favour of "
        "subscription diagnostic settings; collected only to explain an old set-up.",
        "fields": {
            "id": "ARM id of the log profile.",
            "name": "Profile name.",
            "locations": "Regions whose events it exports.",
            "categories": "Write, Delete and/or Action.",
            "storage_account_id": "Destination storage account, or null.",
            "service_bus_rule_id": "Destination Service Bus / Event Hub rule, or null.",
            "retention_enabled": "Whether the retention policy deletes old data.",
            "retention_days": "Days kept when retention is enabled (0 = forever).",
        },
        "source": "ARM GET /subscriptions/{id}/providers/Microsoft.Insights/logprofiles (api-version 2016-03-01)",
    },
    "azure.monitor.activity_log_alert": {
        "description": "An Activity Log alert rule: the alerting half of control-plane monitoring.",
        "fields": {
            "id": "ARM id of the alert rule.",
            "name": "Rule name.",
            "region": "Always `global`.",
            "resource_group": "Resource group name.",
            "enabled": "Whether the rule is enabled.",
            "scopes": "ARM ids the rule watches (subscription or resource groups).",
            "categories": "Values of the `category` condition (Administrative, ServiceHealth, ...); empty if "
            "the rule does not filter on category.",
            "operation_names": "Values of the `operationName` condition, lower case "
            "(`microsoft.insights/diagnosticsettings/delete`); empty if the rule does not filter on it.",
            "action_group_ids": "ARM ids of the action groups notified.",
            "tags": "ARM tags.",
        },
        "source": "ARM GET /subscriptions/{id}/providers/Microsoft.Insights/activityLogAlerts "
        "(api-version 2020-10-01)",
    },
    "azure.network.virtual_network": {
        "description": "A virtual network with its subnets and the NSG attached to each.",
        "fields": {
            **_ARM,
            "address_prefixes": "Address spaces (CIDR).",
            "subnets": "List of {id, name, address_prefixes, network_security_group_id (or null)}.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.network/virtualnetworks'`",
    },
    "azure.network.network_watcher": {
        "description": "A Network Watcher instance; needed in a region for flow logs and packet capture there.",
        "fields": {**_ARM, "provisioning_state": "ARM provisioning state (Succeeded, ...)."},
        "source": "Resource Graph `Resources | where type =~ 'microsoft.network/networkwatchers'` "
        "(ARM equivalent: networkWatchers list_all)",
    },
    "azure.network.flow_log": {
        "description": "A Network Watcher flow log: VNet flow logs (target a VNet, subnet or NIC) or legacy "
        "NSG flow logs (target an NSG; no new ones since 30 June 2025, retired 30 September 2027).",
        "fields": {
            **_ARM,
            "network_watcher_id": "ARM id of the parent Network Watcher.",
            "target_resource_id": "ARM id of the VNet, subnet, NIC or NSG observed.",
            "target_kind": "`vnet`, `subnet`, `nic` or `nsg`, derived from the target id.",
            "enabled": "Whether the flow log is on.",
            "storage_account_id": "Destination storage account.",
            "retention_enabled": "Whether the retention policy deletes old flow data.",
            "retention_days": "Days kept when retention is enabled (0 = forever).",
            "format_version": "Flow log format version (1 or 2).",
            "traffic_analytics_enabled": "Whether Traffic Analytics processes the flows.",
            "traffic_analytics_workspace_id": "ARM id of the Traffic Analytics workspace, or null.",
            "traffic_analytics_interval_minutes": "Traffic Analytics processing interval (10 or 60), or null.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.network/networkwatchers/flowlogs'`; "
        "ARM GET .../networkWatchers/{name}/flowLogs (api-version 2024-05-01) when Resource Graph lags",
    },
    "azure.network.nsg": {
        "description": "A network security group with its custom rules (default rules are omitted: they are "
        "the same everywhere and have the lowest precedence).",
        "fields": {
            **_ARM,
            "security_rules_count": "Number of custom rules.",
            "security_rules": "List of {name, direction (Inbound/Outbound), access (Allow/Deny), priority, "
            "protocol, source_address_prefixes, destination_address_prefixes, destination_port_ranges}; "
            "the singular and plural ARM forms are merged into the lists.",
            "subnet_ids": "ARM ids of the subnets it is attached to.",
            "network_interface_ids": "ARM ids of the NICs it is attached to.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.network/networksecuritygroups'`",
    },
    "azure.network.virtual_network_tap": {
        "description": "A virtual network TAP: continuous mirroring of NIC traffic to a collector (the cloud "
        "counterpart of a SPAN port).",
        "fields": {
            **_ARM,
            "source_network_interface_ids": "ARM ids of the NICs whose traffic is mirrored.",
            "destination_ip_configuration_id": "NIC or load balancer frontend IP configuration receiving it.",
            "destination_port": "Destination UDP port (VXLAN), or null.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.network/virtualnetworktaps'`; NIC "
        "`tapConfigurations` for the sources",
    },
    "azure.network.packet_capture": {
        "description": "A Network Watcher packet capture session (past or running): proof that the capture "
        "path was exercised.",
        "fields": {
            **_ARM,
            "network_watcher_id": "ARM id of the parent Network Watcher.",
            "target_id": "ARM id of the VM or scale set captured.",
            "target_type": "`AzureVM` or `AzureVMSS`.",
            "storage_id": "Destination storage account, or null.",
            "provisioning_state": "ARM provisioning state.",
        },
        "source": "ARM GET .../networkWatchers/{name}/packetCaptures (api-version 2024-05-01)",
    },
    "azure.security.pricing": {
        "description": "One Microsoft Defender for Cloud plan and whether it is on for the subscription.",
        "fields": {
            "id": "ARM id (`/subscriptions/{id}/providers/Microsoft.Security/pricings/{name}`).",
            "name": "Plan name: VirtualMachines, StorageAccounts, Containers, KeyVaults, Arm, SqlServers, "
            "AppServices, CosmosDbs, OpenSourceRelationalDatabases, CloudPosture, Api, ...",
            "pricing_tier": "`Free` (off) or `Standard` (on).",
            "sub_plan": "Sub-plan (P1, P2, DefenderForStorageV2, PerTransaction, ...), or null.",
            "deprecated": "True when the plan is deprecated.",
        },
        "source": "ARM GET /subscriptions/{id}/providers/Microsoft.Security/pricings (api-version 2024-01-01)",
    },
    "azure.security.contact": {
        "description": "A Defender for Cloud security contact: who Microsoft and Defender notify.",
        "fields": {
            "id": "ARM id of the contact (usually `.../securityContacts/default`).",
            "name": "Contact name.",
            "emails": "Notification e-mail addresses (the `emails` string split on `;`).",
            "has_phone": "Whether a phone number is set (the number itself is not kept).",
            "alert_notifications_enabled": "Whether alert e-mails are sent.",
            "alert_minimal_severity": "Lowest alert severity notified: High, Medium or Low; null if unset.",
            "notify_roles_enabled": "Whether e-mails also go to holders of the roles below.",
            "notify_roles": "Roles notified: Owner, ServiceAdmin, AccountAdmin, Contributor.",
        },
        "source": "ARM GET /subscriptions/{id}/providers/Microsoft.Security/securityContacts "
        "(api-version 2023-12-01-preview)",
    },
    "azure.security.automation": {
        "description": "A Defender for Cloud workflow automation / continuous export rule.",
        "fields": {
            **_ARM,
            "enabled": "Whether the automation runs.",
            "sources": "Event sources: Alerts, Assessments, SecureScores, RegulatoryComplianceAssessment, ...",
            "action_types": "Action types: EventHub, Workspace, LogicApp.",
            "action_target_ids": "ARM ids of the Event Hub, workspace or Logic App targeted.",
        },
        "source": "ARM GET /subscriptions/{id}/providers/Microsoft.Security/automations "
        "(api-version 2023-12-01-preview)",
    },
    "azure.storage.account": {
        "description": "A storage account with its replication, immutability and container protection state "
        "(used to judge log stores, evidence lockers and data location). Checks learn an account's role from "
        "its `purpose` tag (`evidence`/`forensic` for lockers, `logs`/`audit`/`siem` for log stores) and from "
        "the diagnostic settings and flow logs that point at it.",
        "fields": {
            **_ARM,
            "kind": "StorageV2, BlobStorage, BlockBlobStorage, FileStorage or Storage.",
            "sku": "Replication SKU (Standard_LRS, Standard_GRS, Standard_RAGZRS, ...).",
            "secondary_location": "Normalised paired region holding geo-replicated copies, or null.",
            "immutability_enabled": "Account-level version-level immutability (immutableStorageWithVersioning).",
            "immutability_state": "Account-level default policy state: Locked, Unlocked, Disabled, or null.",
            "immutability_period_days": "Account-level retention period in days, or null.",
            "containers": "List of {name, immutability_state (Locked/Unlocked or null when no policy), "
            "immutability_period_days, has_legal_hold, version_level_immutability}.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.storage/storageaccounts'`; ARM GET "
        ".../blobServices/default/containers (api-version 2023-05-01) for container policies and legal holds",
    },
    "azure.loganalytics.workspace": {
        "description": "A Log Analytics workspace, with table-level retention for the security tables.",
        "fields": {
            **_ARM,
            "customer_id": "Workspace GUID (the id agents and queries use).",
            "sku": "Pricing tier (PerGB2018, CapacityReservation, ...).",
            "retention_in_days": "Default interactive retention of the workspace.",
            "tables": "List of {name, retention_in_days, total_retention_in_days, plan} for the tables the "
            "collector read (total includes long-term retention); empty when not read.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.operationalinsights/workspaces'`; "
        "ARM GET {workspace}/tables (api-version 2022-10-01)",
    },
    "azure.aadiam.diagnostic_setting": {
        "description": "A Microsoft Entra ID (tenant-level) diagnostic setting exporting sign-in and audit logs.",
        "fields": {
            "id": "ARM id (`/providers/microsoft.aadiam/diagnosticSettings/{name}`).",
            "name": "Setting name.",
            "categories": "Enabled categories: AuditLogs, SignInLogs, NonInteractiveUserSignInLogs, "
            "ServicePrincipalSignInLogs, ManagedIdentitySignInLogs, ProvisioningLogs, RiskyUsers, "
            "UserRiskEvents, MicrosoftGraphActivityLogs, ...",
            **_DESTINATIONS,
        },
        "source": "ARM GET /providers/microsoft.aadiam/diagnosticSettings (api-version 2017-04-01); "
        "needs microsoft.aadiam/diagnosticSettings/read at tenant scope",
    },
    "azure.policy.assignment": {
        "description": "A policy assignment that applies to the subscription (its own, its resource groups', "
        "and those inherited from management groups).",
        "fields": {
            "id": "ARM id of the assignment.",
            "name": "Assignment name.",
            "display_name": "Display name.",
            "scope": "ARM id the assignment is made at (management group, subscription or resource group).",
            "not_scopes": "Excluded ARM ids.",
            "policy_definition_id": "ARM id of the policy or initiative assigned (built-in Allowed locations: "
            "`/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c`).",
            "enforcement_mode": "`Default` (enforced) or `DoNotEnforce` (audit only).",
            "parameters": "Parameter values by name, unwrapped from ARM's {value: ...} "
            "(Allowed locations: `listOfAllowedLocations`).",
        },
        "source": "ARM GET /subscriptions/{id}/providers/Microsoft.Authorization/policyAssignments "
        "(api-version 2023-04-01)",
    },
    "azure.locks.lock": {
        "description": "A management lock on the subscription, a resource group or a resource.",
        "fields": {
            "id": "ARM id of the lock.",
            "name": "Lock name.",
            "scope": "ARM id of what is locked (the lock id without `/providers/Microsoft.Authorization/locks/"
            "{name}`); a lock protects everything under its scope.",
            "level": "`CanNotDelete` or `ReadOnly`.",
            "notes": "Free-text notes, or null.",
        },
        "source": "ARM GET /subscriptions/{id}/providers/Microsoft.Authorization/locks (api-version 2020-05-01)",
    },
    "azure.compute.vm": {
        "description": "A virtual machine, with what decides whether its disk outlives it and whether its "
        "traffic can be captured.",
        "fields": {
            **_ARM,
            "vm_size": "VM size.",
            "os_type": "Linux or Windows.",
            "os_disk_id": "ARM id of the OS disk.",
            "os_disk_delete_option": "`Delete` or `Detach` when the VM is deleted (the collector fills ARM's "
            "default `Detach` when the property is absent).",
            "os_disk_ephemeral": "True for an ephemeral OS disk (always lost with the VM).",
            "network_interface_ids": "ARM ids of its NICs.",
            "virtual_machine_scale_set_id": "ARM id of its flexible scale set, or null.",
            "extensions": "Extension types installed (AzureMonitorLinuxAgent, NetworkWatcherAgentLinux, "
            "MDE.Linux, ...).",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.compute/virtualmachines'` and "
        "`microsoft.compute/virtualmachines/extensions`",
    },
    "azure.compute.vmss": {
        "description": "A virtual machine scale set, with its scale-in evidence settings.",
        "fields": {
            **_ARM,
            "orchestration_mode": "Uniform or Flexible.",
            "capacity": "Current instance count.",
            "terminate_notification_enabled": "Whether instances get a Terminate scheduled event before "
            "deletion (scheduledEventsProfile.terminateNotificationProfile.enable).",
            "terminate_notification_timeout": "ISO 8601 delay granted before deletion (PT5M..PT15M), or null.",
            "os_disk_delete_option": "`Delete` or `Detach` (Flexible only; Uniform always deletes).",
            "extensions": "Extension types in the scale set model.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.compute/virtualmachinescalesets'`",
    },
    "azure.containerservice.aks": {
        "description": "An AKS cluster. Its control-plane (kube-audit) logs are judged through "
        "azure.monitor.diagnostic_setting records whose scope_id is the cluster id.",
        "fields": {
            **_ARM,
            "kubernetes_version": "Kubernetes version.",
            "private_cluster": "Whether the API server is private.",
            "aad_enabled": "Whether Entra ID integration is on.",
            "local_accounts_disabled": "Whether local (certificate) accounts are disabled.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.containerservice/managedclusters'`",
    },
    "azure.eventhub.namespace": {
        "description": "An Event Hubs namespace: the usual bridge from Azure logs to an on-prem SIEM.",
        "fields": {
            **_ARM,
            "sku": "Basic, Standard, Premium or Dedicated.",
            "kafka_enabled": "Whether the Kafka endpoint is on.",
            "disable_local_auth": "Whether SAS keys are disabled (Entra-only access).",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.eventhub/namespaces'`",
    },
    "azure.securityinsights.onboarding": {
        "description": "Microsoft Sentinel onboarded on a Log Analytics workspace of the subscription; one "
        "record per onboarded workspace.",
        "fields": {
            "id": "ARM id of the onboarding state (`{workspace}/providers/Microsoft.SecurityInsights/"
            "onboardingStates/default`).",
            "workspace_id": "ARM id of the workspace.",
            "region": "Region of the workspace.",
            "data_connector_kinds": "Kinds of the data connectors configured (AzureActiveDirectory, "
            "AzureActivity, MicrosoftDefenderAdvancedThreatProtection, ...).",
        },
        "source": "ARM GET {workspace}/providers/Microsoft.SecurityInsights/onboardingStates and "
        ".../dataConnectors (api-version 2024-03-01) for each workspace",
    },
    "azure.keyvault.vault": {
        "description": "A Key Vault (its audit logs are judged through azure.monitor.diagnostic_setting).",
        "fields": {
            **_ARM,
            "sku": "standard or premium.",
            "soft_delete_enabled": "Whether soft delete is on.",
            "soft_delete_retention_days": "Soft delete retention in days.",
            "purge_protection_enabled": "Whether purge protection is on.",
            "rbac_authorization": "Whether Azure RBAC (not access policies) governs the data plane.",
            "public_network_access": "Enabled or Disabled.",
        },
        "source": "Resource Graph `Resources | where type =~ 'microsoft.keyvault/vaults'`",
    },
}
