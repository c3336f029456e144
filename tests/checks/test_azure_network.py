"""Azure network checks: flow logs and Network Watcher (LC-03), packet capture (EV-04), quarantine NSG (CT-01)."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.azure.containment import quarantine_nsg
from ir_assessor_checks.azure.evidence import packet_capture_readiness
from ir_assessor_checks.azure.network import network_watcher_regions, vnet_flow_logs

from assessor.models import Snapshot
from tests.factories import findings, snapshot, statuses

SUB = "0b0e5c1d-7a2f-4c1e-9d3b-5a6f7e8d9c0b"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-net"
VNET, FLOW, WATCHER, NSG, VM = ("azure.network.virtual_network", "azure.network.flow_log",
                                "azure.network.network_watcher", "azure.network.nsg", "azure.compute.vm")


def azure(resources: dict[str, list[dict[str, Any]]] | None = None,
          errors: list[dict[str, Any]] | None = None) -> Snapshot:
    return snapshot("azure", resources=resources, errors=errors, account_id=SUB,
                    regions=["westeurope", "northeurope"])


def vnet(name: str, region: str = "westeurope", nsg: str | None = None) -> dict[str, Any]:
    vid = f"{RG}/providers/Microsoft.Network/virtualNetworks/{name}"
    return {"id": vid, "name": name, "region": region, "subnets": [
        {"id": f"{vid}/subnets/app", "name": "app", "network_security_group_id": nsg},
        {"id": f"{vid}/subnets/data", "name": "data", "network_security_group_id": None}]}


def flow(target: str, kind: str, region: str = "westeurope", enabled: bool = True, **extra: Any) -> dict[str, Any]:
    name = target.rsplit("/", 1)[-1]
    watcher = f"{RG}/providers/Microsoft.Network/networkWatchers/NetworkWatcher_{region}"
    return {"id": f"{watcher}/flowLogs/fl-{name}", "name": f"fl-{name}", "region": region,
            "target_resource_id": target, "target_kind": kind, "enabled": enabled, **extra}


def watcher(region: str) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.Network/networkWatchers/NetworkWatcher_{region}",
            "name": f"NetworkWatcher_{region}", "region": region, "provisioning_state": "Succeeded"}


def nsg_id(name: str) -> str:
    return f"{RG}/providers/Microsoft.Network/networkSecurityGroups/{name}"


# ---------------------------------------------------------------------- LC-03 VNet flow logs


def test_vnet_flow_log_on_every_vnet_passes() -> None:
    """A VNet-level flow log on each network, or on each of its subnets, passes."""
    a, b = vnet("vnet-a"), vnet("vnet-b")
    logs = [flow(a["id"], "vnet")] + [flow(s["id"], "subnet") for s in b["subnets"]]
    assert statuses(findings(vnet_flow_logs, azure({VNET: [a, b], FLOW: logs}))) == ["pass"]


def test_nsg_only_vnet_is_flagged_and_not_counted() -> None:
    """A VNet covered only by a (retiring) NSG flow log does not comply and is named as NSG-only."""
    covered, legacy = vnet("vnet-new"), vnet("vnet-old", nsg=nsg_id("nsg-old"))
    logs = [flow(covered["id"], "vnet"), flow(nsg_id("nsg-old"), "nsg")]
    (found,) = findings(vnet_flow_logs, azure({VNET: [covered, legacy], FLOW: logs}))
    assert found.status == "partial" and found.coverage == 0.5
    assert found.evidence["nsg_flow_logs_only"]["items"] == [legacy["id"]]
    assert "2027-09-30" in found.message


def test_disabled_or_partial_subnet_flow_logs_fail() -> None:
    """A disabled VNet flow log, or flow logs on only some subnets, leave the network uncovered."""
    a = vnet("vnet-a")
    logs = [flow(a["id"], "vnet", enabled=False), flow(a["subnets"][0]["id"], "subnet")]
    assert statuses(findings(vnet_flow_logs, azure({VNET: [a], FLOW: logs}))) == ["fail"]


def test_region_with_unreadable_flow_logs_is_unknown_others_judged() -> None:
    """Flow logs unreadable in one region give unknown there; the other region is still judged."""
    west, north = vnet("vnet-w"), vnet("vnet-n", region="northeurope")
    snap = azure({VNET: [west, north], FLOW: [flow(west["id"], "vnet")]},
                 errors=[{"service": "Microsoft.Network", "operation": "flowLogs/list", "region": "northeurope",
                          "code": "AuthorizationFailed", "resource_types": [FLOW]}])
    found = findings(vnet_flow_logs, snap)
    assert statuses(found) == ["pass", "unknown"]
    unknown = next(f for f in found if f.status == "unknown")
    assert unknown.region == "northeurope" and "flowLogs/list" in (unknown.reason or "")


def test_no_vnet_is_not_applicable() -> None:
    """Without virtual networks there is nothing to log."""
    assert statuses(findings(vnet_flow_logs, azure({VNET: [], FLOW: []}))) == ["not_applicable"]


# ---------------------------------------------------------------------- LC-03 Network Watcher


def test_network_watcher_per_region() -> None:
    """Every region with a VNet needs a watcher; missing ones make it partial and are named."""
    vnets = [vnet("a"), vnet("b", region="northeurope")]
    assert statuses(findings(network_watcher_regions, azure({VNET: vnets, WATCHER: [
        watcher("westeurope"), watcher("northeurope")]}))) == ["pass"]
    (found,) = findings(network_watcher_regions, azure({VNET: vnets, WATCHER: [watcher("westeurope"),
                                                                              watcher("uksouth")]}))
    assert found.status == "partial"
    assert found.evidence["non_compliant"]["items"] == ["northeurope"]
    assert statuses(findings(network_watcher_regions, azure({VNET: vnets, WATCHER: []}))) == ["fail"]


def test_network_watcher_unreadable_region_is_unknown() -> None:
    """An error listing watchers in a region with VNets is unknown for that region only."""
    snap = azure({VNET: [vnet("a"), vnet("b", region="northeurope")], WATCHER: [watcher("westeurope")]},
                 errors=[{"service": "Microsoft.Network", "operation": "networkWatchers/list",
                          "region": "northeurope", "code": "Throttled", "resource_types": [WATCHER]}])
    assert statuses(findings(network_watcher_regions, snap)) == ["pass", "unknown"]


# ---------------------------------------------------------------------- EV-04 packet capture


def vm(name: str, region: str = "westeurope", extensions: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"id": f"{RG}/providers/Microsoft.Compute/virtualMachines/{name}", "name": name, "region": region,
            "extensions": list(extensions),
            "network_interface_ids": [f"{RG}/providers/Microsoft.Network/networkInterfaces/{name}-nic"]}


def test_packet_capture_ready_with_agent_or_tap() -> None:
    """A VM with the Network Watcher agent in a watched region, or mirrored by a TAP, is ready."""
    agent, tapped = vm("vm-agent", extensions=("NetworkWatcherAgentLinux",)), vm("vm-tapped")
    tap = {"id": f"{RG}/providers/Microsoft.Network/virtualNetworkTaps/tap", "region": "westeurope",
           "source_network_interface_ids": tapped["network_interface_ids"]}
    snap = azure({VM: [agent, tapped], WATCHER: [watcher("westeurope")], "azure.network.virtual_network_tap": [tap]})
    (found,) = findings(packet_capture_readiness, snap)
    assert found.status == "pass" and found.evidence["virtual_network_taps"] == 1


def test_packet_capture_needs_agent_and_regional_watcher() -> None:
    """A VM without the agent, or in a region without Network Watcher, is not ready."""
    ready = vm("vm-ok", extensions=("NetworkWatcherAgentWindows",))
    bare = vm("vm-bare")
    far = vm("vm-far", region="northeurope", extensions=("NetworkWatcherAgentLinux",))
    (found,) = findings(packet_capture_readiness, azure({VM: [ready, bare, far], WATCHER: [watcher("westeurope")]}))
    assert found.status == "partial"
    assert found.evidence["no_network_watcher_in_region"]["items"] == [far["id"]]
    assert statuses(findings(packet_capture_readiness, azure({VM: [bare], WATCHER: []}))) == ["fail"]


def test_packet_capture_not_applicable_without_vms() -> None:
    """PaaS-only subscriptions have no packet capture counterpart to judge."""
    assert statuses(findings(packet_capture_readiness, azure({VM: [], WATCHER: []}))) == ["not_applicable"]


# ---------------------------------------------------------------------- CT-01 quarantine NSG


def rule(name: str, direction: str, access: str, priority: int, source: str = "*", dest: str = "*",
         ports: str = "*") -> dict[str, Any]:
    return {"name": name, "direction": direction, "access": access, "priority": priority, "protocol": "*",
            "source_address_prefixes": [source], "destination_address_prefixes": [dest],
            "destination_port_ranges": [ports]}


def quarantine(region: str, rules: list[dict[str, Any]], tags: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": nsg_id(f"nsg-q-{region}"), "name": f"nsg-q-{region}", "region": region,
            "tags": tags if tags is not None else {"purpose": "quarantine"}, "security_rules": rules,
            "security_rules_count": len(rules), "subnet_ids": [], "network_interface_ids": []}


DENY_BOTH = [rule("deny-in", "Inbound", "Deny", 4000), rule("deny-out", "Outbound", "Deny", 4000)]


def test_quarantine_nsg_in_every_region_passes() -> None:
    """A tagged deny-all NSG in each VNet region passes, even with a narrow forensic allow rule first."""
    forensic = rule("allow-forensics", "Inbound", "Allow", 100, source="10.99.0.0/24", ports="22")
    nsgs = [quarantine("westeurope", [forensic, *DENY_BOTH]), quarantine("northeurope", DENY_BOTH)]
    snap = azure({NSG: nsgs, VNET: [vnet("a"), vnet("b", region="northeurope")]})
    assert statuses(findings(quarantine_nsg, snap)) == ["pass"]


def test_quarantine_nsg_missing_region_or_open_rule() -> None:
    """A region without one is uncovered; a tagged NSG with a broad allow before its deny does not count."""
    leaky = quarantine("northeurope", [rule("allow-web", "Inbound", "Allow", 100, ports="443"), *DENY_BOTH])
    snap = azure({NSG: [quarantine("westeurope", DENY_BOTH), leaky],
                  VNET: [vnet("a"), vnet("b", region="northeurope")]})
    (found,) = findings(quarantine_nsg, snap)
    assert found.status == "partial"
    assert found.evidence["marked_but_not_deny_all"]["items"] == [leaky["id"]]


def test_internet_only_deny_or_vnet_allow_is_not_quarantine() -> None:
    """Denying only 'Internet' leaves VNet traffic open; allowing VirtualNetwork first allows lateral movement."""
    internet_only = quarantine("westeurope", [rule("deny-in", "Inbound", "Deny", 4000, source="Internet"),
                                              DENY_BOTH[1]])
    lateral = quarantine("westeurope", [rule("allow-vnet", "Inbound", "Allow", 100, source="VirtualNetwork"),
                                        *DENY_BOTH])
    for nsg in (internet_only, lateral):
        assert statuses(findings(quarantine_nsg, azure({NSG: [nsg], VNET: [vnet("a")]}))) == ["fail"]


def test_untagged_or_one_way_nsg_fails() -> None:
    """An untagged deny-all NSG is not a prepared quarantine; neither is an inbound-only deny."""
    untagged = quarantine("westeurope", DENY_BOTH, tags={})
    untagged["name"] = "nsg-app"
    inbound_only = quarantine("westeurope", DENY_BOTH[:1], tags={"Role": "Isolation"})
    assert statuses(findings(quarantine_nsg, azure({NSG: [untagged, inbound_only], VNET: [vnet("a")]}))) == [
        "fail"]


def test_quarantine_not_applicable_without_vnets() -> None:
    """No VNet, nothing to isolate at network level."""
    assert statuses(findings(quarantine_nsg, azure({NSG: [], VNET: []}))) == ["not_applicable"]
