"""Network flow visibility (LC-03): the cloud counterpart of NetFlow, region by region."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import FLOW_LOG, NETWORK_WATCHER, VNET, arm, capped, ratio_result, regions_of

NSG_FLOW_LOG_RETIREMENT = "2027-09-30"


def _vnet_of(resource_id: str) -> str:
    """The VNet id a subnet id belongs to (ids compare lower-cased)."""
    rid = arm(resource_id)
    return rid.split("/subnets/", 1)[0] if "/subnets/" in rid else rid


@check(
    id="azure.network.vnet_flow_logs",
    title="Every virtual network has VNet flow logs (not only retiring NSG flow logs)",
    control="LC-03", severity="high", provider="azure", needs=(VNET, FLOW_LOG),
    remediation="Enable a VNet flow log on each virtual network (Network Watcher > Flow logs, target type "
    "Virtual network), to a storage account in the same region, with Traffic Analytics to the central "
    "workspace. Migrate NSG flow logs with Microsoft's migration script: no new NSG flow logs can be created "
    "since 30 June 2025 and the existing ones stop on 30 September 2027.",
    refs=("cis-azure-6.0.0:6.1.1.6", "cis-azure-6.0.0:6.1.1.5", "nist-csf-2.0:DE.CM-01"),
)
def vnet_flow_logs(ctx: CheckContext) -> Iterable[CheckResult]:
    """Flow records are what NetFlow gave responders on-prem: which host talked to which, how much, and
    when, without which lateral movement and exfiltration cannot be traced. Azure records none by default.
    NSG flow logs are being retired, so a network that depends on them will go dark in 2027; VNet flow
    logs also see traffic NSG flow logs miss."""
    vnets, vnet_gaps = ctx.resources_by_region(VNET)
    logs, log_gaps = ctx.resources_by_region(FLOW_LOG)
    for region, reason in sorted(vnet_gaps.items()):
        yield CheckResult.unknown(f"Virtual networks in {region} could not be read: {reason}", region=region)
    blind = {r: why for r, why in log_gaps.items() if r not in vnet_gaps}
    for region, reason in sorted(blind.items()):
        if any(arm(v.get("region")) == arm(region) for v in vnets):
            yield CheckResult.unknown(f"Flow logs in {region} could not be read: {reason}", region=region)
    judged = [v for v in vnets if arm(v.get("region")) not in {arm(r) for r in blind}]
    if not judged:
        if not vnets and not vnet_gaps:
            yield CheckResult.not_applicable(
                "No virtual network: PaaS services outside a VNet expose no flow data to the customer")
        return

    enabled = [f for f in logs if f.get("enabled")]
    vnet_level = {arm(f.get("target_resource_id")) for f in enabled if arm(f.get("target_kind")) == "vnet"}
    subnet_level = {arm(f.get("target_resource_id")) for f in enabled if arm(f.get("target_kind")) == "subnet"}
    nsg_level = {arm(f.get("target_resource_id")) for f in enabled if arm(f.get("target_kind")) == "nsg"}

    ok: list[str] = []
    bad: list[str] = []
    nsg_only: list[str] = []
    for vnet in judged:
        subnets: list[dict[str, Any]] = list(vnet.get("subnets") or [])
        all_subnets = bool(subnets) and all(arm(s.get("id")) in subnet_level for s in subnets)
        if arm(vnet["id"]) in vnet_level or all_subnets:
            ok.append(str(vnet["id"]))
            continue
        bad.append(str(vnet["id"]))
        if any(arm(s.get("network_security_group_id")) in nsg_level for s in subnets):
            nsg_only.append(str(vnet["id"]))

    evidence = {
        "nsg_flow_logs_only": capped(nsg_only),
        "nsg_flow_logs_enabled": len(nsg_level),
        "nsg_flow_logs_retire_on": NSG_FLOW_LOG_RETIREMENT,
    }
    tail = (f"; {len(nsg_only)} rely only on NSG flow logs, which stop on {NSG_FLOW_LOG_RETIREMENT}"
            if nsg_only else "")
    yield ratio_result(
        ok, bad,
        passed="Every virtual network has VNet flow logs ({total} checked)",
        failed="No virtual network has VNet flow logs ({total} checked)" + tail,
        partial="{bad} of {total} virtual networks lack VNet flow logs" + tail,
        evidence=evidence,
    )


@check(
    id="azure.network.network_watcher_regions",
    title="Network Watcher is enabled in every region with a virtual network",
    control="LC-03", severity="medium", provider="azure", needs=(VNET, NETWORK_WATCHER),
    remediation="Keep a Network Watcher in every region that has a virtual network (it is created "
    "automatically unless that was turned off; do not delete NetworkWatcherRG). Flow logs and packet capture "
    "in a region need it.",
    refs=("cis-azure-6.0.0:7.6", "nist-csf-2.0:DE.CM-01"),
)
def network_watcher_regions(ctx: CheckContext) -> Iterable[CheckResult]:
    """Network Watcher is the regional service that produces flow logs and runs packet captures. In a
    region without it, no flow log can exist and no capture can be started during an incident, so network
    evidence there is unobtainable however well the rest is configured."""
    vnets, vnet_gaps = ctx.resources_by_region(VNET)
    watchers, watcher_gaps = ctx.resources_by_region(NETWORK_WATCHER)
    used = regions_of(vnets)
    # A region is undecidable when its VNets, or the watchers of a region with VNets, were unreadable.
    gaps = {**{r: why for r, why in watcher_gaps.items() if arm(r) in used}, **vnet_gaps}
    for region, reason in sorted(gaps.items()):
        yield CheckResult.unknown(f"Network Watcher coverage in {region} could not be read: {reason}",
                                  region=region)
    in_use = sorted(used - {arm(r) for r in gaps})
    if not in_use:
        if not used and not vnet_gaps:
            yield CheckResult.not_applicable("No virtual network, so no region needs Network Watcher")
        return
    present = regions_of(w for w in watchers if arm(w.get("provisioning_state") or "succeeded") == "succeeded")
    ok = [r for r in in_use if r in present]
    bad = [r for r in in_use if r not in present]
    yield ratio_result(
        ok, bad,
        passed="Network Watcher is enabled in every region with virtual networks ({total} checked)",
        failed="No region with virtual networks has Network Watcher ({total} checked)",
        partial="{bad} of {total} regions with virtual networks have no Network Watcher",
    )
