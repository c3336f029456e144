"""Detection services (DT): Defender plans for what runs here, change alerts, and Sentinel."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    ACTIVITY_LOG_ALERT,
    DIAGNOSTIC_SETTING,
    PRICING,
    RESOURCE,
    SENTINEL,
    arm,
    capped,
    in_subscription,
    ratio_result,
    watched_operations,
)

# Defender plan -> resource types it protects. Arm is always needed: every subscription has a control plane.
PLAN_TYPES: dict[str, frozenset[str]] = {
    "Arm": frozenset(),
    "VirtualMachines": frozenset({"microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets",
                                  "microsoft.hybridcompute/machines"}),
    "StorageAccounts": frozenset({"microsoft.storage/storageaccounts"}),
    "Containers": frozenset({"microsoft.containerservice/managedclusters", "microsoft.containerregistry/registries"}),
    "KeyVaults": frozenset({"microsoft.keyvault/vaults"}),
    "SqlServers": frozenset({"microsoft.sql/servers"}),
    "AppServices": frozenset({"microsoft.web/sites"}),
    "CosmosDbs": frozenset({"microsoft.documentdb/databaseaccounts"}),
    "OpenSourceRelationalDatabases": frozenset({
        "microsoft.dbforpostgresql/flexibleservers", "microsoft.dbforpostgresql/servers",
        "microsoft.dbformysql/flexibleservers", "microsoft.dbformysql/servers"}),
}

# CIS Azure 6.1.2.1-10: control-plane changes responders want to hear about as they happen.
WATCHED_CHANGES = (
    "microsoft.authorization/policyassignments/write",
    "microsoft.authorization/policyassignments/delete",
    "microsoft.network/networksecuritygroups/write",
    "microsoft.network/networksecuritygroups/delete",
    "microsoft.security/securitysolutions/write",
    "microsoft.security/securitysolutions/delete",
    "microsoft.sql/servers/firewallrules/write",
    "microsoft.sql/servers/firewallrules/delete",
    "microsoft.network/publicipaddresses/write",
    "microsoft.network/publicipaddresses/delete",
)


@check(
    id="azure.security.defender_plans",
    title="Defender for Cloud plans are on for every kind of resource in use",
    control="DT-01", severity="high", provider="azure", needs=(PRICING, RESOURCE),
    remediation="Set the Defender for Cloud plans listed as off to Standard (Defender for Resource Manager "
    "always; Servers, Storage, Containers, Key Vault, databases and App Service where those resources run), "
    "preferably through the 'Configure Microsoft Defender ... to be enabled' policies at management group scope.",
    refs=("cis-azure-6.0.0:8.1", "csa-ccm-4.0.13:SEF-06", "nist-csf-2.0:DE.CM-09"),
)
def defender_plans(ctx: CheckContext) -> Iterable[CheckResult]:
    """Defender plans are Azure's managed detectors: they watch the control plane, hosts, storage, key
    vaults and clusters for known attack patterns, the role an IDS and EDR played on-prem. Each plan is
    off until bought, so a resource type without its plan is watched by nobody."""
    tiers = {arm(p.get("name")): arm(p.get("pricing_tier")) for p in ctx.resources(PRICING)}
    present = Counter(arm(r.get("type")) for r in ctx.resources(RESOURCE))
    needed = [plan for plan, types in sorted(PLAN_TYPES.items())
              if not types or any(present[t] for t in types)]
    ok = [plan for plan in needed if tiers.get(arm(plan)) == "standard"]
    bad = [plan for plan in needed if tiers.get(arm(plan)) != "standard"]
    yield ratio_result(
        ok, bad,
        passed="Every Defender plan needed here is on ({total} checked)",
        failed="No Defender plan needed here is on ({total} checked)",
        partial="{bad} of {total} Defender plans needed here are off",
        evidence={"not_offered": sorted(p for p in bad if arm(p) not in tiers)},
    )


@check(
    id="azure.monitor.change_alerts",
    title="Alerts fire on security-relevant control-plane changes",
    control="DT-02", severity="medium", provider="azure", needs=(ACTIVITY_LOG_ALERT,),
    remediation="Create subscription-wide Activity Log alerts, with an action group that reaches the SOC, for "
    "policy assignment, NSG, security solution, SQL firewall rule and public IP create/update/delete.",
    refs=("cis-azure-6.0.0:6.1.2.1", "csa-ccm-4.0.13:LOG-05", "nist-csf-2.0:DE.AE-02"),
)
def change_alerts(ctx: CheckContext) -> Iterable[CheckResult]:
    """Opening a firewall rule, exposing a public IP or unassigning a policy are the moves that precede
    data theft. An alert on each lets responders act while the change is minutes old, instead of finding
    it in the Activity Log weeks later."""
    watched = watched_operations(ctx, ctx.resources(ACTIVITY_LOG_ALERT), WATCHED_CHANGES)
    ok = [op for op, alerts in watched.items() if alerts]
    bad = [op for op, alerts in watched.items() if not alerts]
    yield ratio_result(
        ok, bad,
        passed="Every security-relevant change type raises an alert ({total} checked)",
        failed="No security-relevant change type raises an alert ({total} checked)",
        partial="{bad} of {total} security-relevant change types raise no alert",
    )


@check(
    id="azure.sentinel.workspace_onboarded",
    title="Microsoft Sentinel is onboarded for investigation",
    control="DT-05", severity="medium", provider="azure", needs=(SENTINEL,),
    remediation="Onboard Microsoft Sentinel on the central security workspace (ideally in a dedicated security "
    "subscription, then assess that subscription too) and connect Azure Activity, Entra ID and Defender.",
    refs=("nist-csf-2.0:DE.AE-03", "csa-ccm-4.0.13:LOG-05"),
)
def sentinel_onboarded(ctx: CheckContext) -> Iterable[CheckResult]:
    """Investigating a cloud incident means querying months of sign-ins, control-plane events and alerts
    together and following an entity across them. Sentinel supplies that hunting and investigation graph
    over the workspace; without it or an equivalent, responders start an incident with raw log queries."""
    onboarded = ctx.resources(SENTINEL)
    if onboarded:
        yield CheckResult.passed(
            f"Microsoft Sentinel is onboarded on {len(onboarded)} workspace(s)",
            evidence={"workspaces": capped(str(o.get("workspace_id")) for o in onboarded),
                      "data_connectors": sorted({str(k) for o in onboarded
                                                 for k in o.get("data_connector_kinds") or []})})
        return
    # Logs sent to a workspace in another subscription may well be under Sentinel there.
    settings = ctx.optional_resources(DIAGNOSTIC_SETTING) or []
    elsewhere = sorted({arm(s.get("workspace_id")) for s in settings
                        if s.get("workspace_id") and not in_subscription(ctx, s.get("workspace_id"))})
    if elsewhere:
        yield CheckResult.unknown(
            "Sentinel is not onboarded here, but logs go to workspace(s) in another subscription that were "
            "not assessed", evidence={"external_workspaces": capped(elsewhere)})
    else:
        yield CheckResult.failed("Microsoft Sentinel is not onboarded on any workspace of this subscription")
