"""Containment (CT): isolation prepared in advance, and evidence that cannot be deleted by accident."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    LOCK,
    NSG,
    RESOURCE,
    VM,
    VNET,
    arm,
    capped,
    is_critical,
    ratio_result,
    regions_of,
    under,
)

EVERYTHING = frozenset({"*", "any", "0.0.0.0/0"})
# Remote sides an allow rule must not open in a quarantine NSG (VirtualNetwork would allow lateral movement).
BROAD = EVERYTHING | {"internet", "virtualnetwork", "::/0"}
ALL_PORTS = frozenset({"*", "0-65535"})
QUARANTINE_WORDS = ("quarantine", "isolat", "containment")
# Stores whose loss ends an investigation or a recovery; tagged-critical resources are added to them.
CRITICAL_TYPES = frozenset({
    "microsoft.keyvault/vaults", "microsoft.recoveryservices/vaults", "microsoft.dataprotection/backupvaults",
})


def _matches(values: Iterable[Any], wanted: frozenset[str]) -> bool:
    return bool({arm(v) for v in values} & wanted)


def _denies_all(rules: list[Mapping[str, Any]], direction: str) -> bool:
    """A deny-everything rule in this direction that no broad allow rule overrides.

    Narrow allow rules ahead of it (a forensic jump host, say) are expected in a quarantine NSG; an
    allow rule open to any remote address is not.
    """
    mine = [r for r in rules if arm(r.get("direction")) == direction]
    remote = "source_address_prefixes" if direction == "inbound" else "destination_address_prefixes"
    deny = [r for r in mine
            if arm(r.get("access")) == "deny" and arm(r.get("protocol")) in ("*", "any")
            and _matches(r.get("source_address_prefixes") or [], EVERYTHING)
            and _matches(r.get("destination_address_prefixes") or [], EVERYTHING)
            and bool({arm(p) for p in r.get("destination_port_ranges") or []} & ALL_PORTS)]
    if not deny:
        return False
    first_deny = min(int(r.get("priority") or 4096) for r in deny)
    return not any(arm(r.get("access")) == "allow" and int(r.get("priority") or 4096) < first_deny
                   and _matches(r.get(remote) or [], BROAD) for r in mine)


def _marked_quarantine(nsg: Mapping[str, Any]) -> bool:
    words = [arm(nsg.get("name"))]
    words += [arm(k) + " " + arm(v) for k, v in (nsg.get("tags") or {}).items()]
    return any(w in text for text in words for w in QUARANTINE_WORDS)


@check(
    id="azure.network.quarantine_nsg",
    title="A deny-all quarantine NSG is ready in every region with virtual networks",
    control="CT-01", severity="medium", provider="azure", needs=(VNET, NSG),
    remediation="In each region with VNets, create an NSG tagged purpose=quarantine whose custom rules deny "
    "all inbound and all outbound traffic (with narrow exceptions only for the forensic subnet), and "
    "rehearse attaching it to a NIC. Existing flows survive an NSG swap; plan for that.",
    refs=("nist-csf-2.0:RS.MI-01", "csa-ccm-4.0.13:SEF-06"),
)
def quarantine_nsg(ctx: CheckContext) -> Iterable[CheckResult]:
    """Isolating a compromised VM on-prem meant moving it to a quarantine VLAN. In Azure the counterpart
    is swapping its NSG for one that denies everything; an NSG only applies in its own region, and
    writing one correctly under pressure is how mistakes happen, so it should exist in advance."""
    in_use = sorted(regions_of(ctx.resources(VNET)))
    if not in_use:
        yield CheckResult.not_applicable("No virtual network, so there is nothing to isolate at network level")
        return
    nsgs = ctx.resources(NSG)
    marked = [n for n in nsgs if _marked_quarantine(n)]
    ready = [n for n in marked
             if _denies_all(list(n.get("security_rules") or []), "inbound")
             and _denies_all(list(n.get("security_rules") or []), "outbound")]
    ready_regions = regions_of(ready)
    ok = [r for r in in_use if r in ready_regions]
    bad = [r for r in in_use if r not in ready_regions]
    yield ratio_result(
        ok, bad,
        passed="A deny-all quarantine NSG is ready in every region with VNets ({total} checked)",
        failed="No region with VNets has a deny-all quarantine NSG ready ({total} checked)",
        partial="{bad} of {total} regions with VNets have no deny-all quarantine NSG",
        evidence={"quarantine_nsgs": capped(str(n["id"]) for n in ready),
                  "marked_but_not_deny_all": capped(str(n["id"]) for n in marked if n not in ready)},
    )


@check(
    id="azure.locks.critical_resources",
    title="Key vaults, backup vaults and resources tagged critical are under a delete lock",
    control="CT-04", severity="medium", provider="azure", needs=(RESOURCE, LOCK),
    remediation="Put CanNotDelete locks on Key Vaults, Recovery Services and Backup vaults, and on resources "
    "tagged criticality=high (or their resource groups); restrict who may delete locks.",
    refs=("cis-azure-6.0.0:6.2", "nist-csf-2.0:PR.DS-11"),
)
def critical_resource_locks(ctx: CheckContext) -> Iterable[CheckResult]:
    """During an incident, deleting the key vault or the backup vault is how an intruder turns a breach
    into a disaster, and a hurried responder can do the same by mistake. A delete lock makes both take a
    deliberate, logged extra step."""
    critical = [r for r in ctx.resources(RESOURCE)
                if arm(r.get("type")) in CRITICAL_TYPES or is_critical(r)]
    if not critical:
        yield CheckResult.not_applicable("No key vault, backup vault or resource tagged critical")
        return
    locks = ctx.resources(LOCK)
    ok: list[str] = []
    bad: list[str] = []
    for resource in critical:
        locked = any(under(resource["id"], lock.get("scope")) for lock in locks)
        (ok if locked else bad).append(str(resource["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every critical resource is under a delete lock ({total} checked)",
        failed="No critical resource is under a delete lock ({total} checked)",
        partial="{bad} of {total} critical resources can be deleted without first removing a lock",
    )


@check(
    id="azure.compute.os_disk_retained",
    title="VM OS disks outlive their VM",
    control="CT-04", severity="low", provider="azure", needs=(VM,), service_models=("iaas",),
    remediation="Set the OS disk deleteOption to Detach on VMs that hold data or run exposed services, and "
    "avoid ephemeral OS disks there; clean up detached disks with a reviewed process.",
    refs=("nist-csf-2.0:RS.AN-07",),
)
def os_disk_retained(ctx: CheckContext) -> Iterable[CheckResult]:
    """A disk image is the on-prem responder's first artefact. When a VM's OS disk is set to be deleted
    with the VM (or is ephemeral), deleting the VM, by an attacker or by a clean-up script, destroys the
    disk before anyone can snapshot it."""
    vms = ctx.resources(VM)
    if not vms:
        yield CheckResult.not_applicable("No virtual machine in this subscription")
        return
    ok: list[str] = []
    bad: list[str] = []
    for vm in vms:
        lost = vm.get("os_disk_ephemeral") or arm(vm.get("os_disk_delete_option")) == "delete"
        (bad if lost else ok).append(str(vm["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every VM keeps its OS disk when deleted ({total} checked)",
        failed="Every VM loses its OS disk when deleted ({total} checked)",
        partial="{bad} of {total} VMs lose their OS disk when deleted",
    )
