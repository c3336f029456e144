"""Evidence acquisition (EV): packet capture ready before it is needed, and a write-once evidence locker."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    NETWORK_WATCHER,
    PACKET_CAPTURE,
    STORAGE_ACCOUNT,
    VM,
    VMSS,
    VTAP,
    arm,
    capped,
    is_evidence_store,
    ratio_result,
    regions_of,
    worm_state,
)

CAPTURE_AGENTS = frozenset({"networkwatcheragentlinux", "networkwatcheragentwindows"})


def _has_capture_agent(machine: Mapping[str, Any]) -> bool:
    return bool(CAPTURE_AGENTS & {arm(e) for e in machine.get("extensions") or []})


@check(
    id="azure.network.packet_capture_readiness",
    title="Virtual machines can have their traffic captured without first changing them",
    control="EV-04", severity="medium", provider="azure", needs=(VM, NETWORK_WATCHER),
    service_models=("iaas",),
    remediation="Install the Network Watcher agent extension on VMs and scale sets through policy (or mirror "
    "critical NICs with a virtual network TAP), keep Network Watcher in each region, and rehearse a packet "
    "capture to a storage account in the same jurisdiction.",
    refs=("nist-csf-2.0:DE.CM-01", "csa-ccm-4.0.13:SEF-01"),
)
def packet_capture_readiness(ctx: CheckContext) -> Iterable[CheckResult]:
    """Full packet capture, the on-prem TAP or SPAN port, has two Azure counterparts: a virtual network
    TAP that mirrors NIC traffic continuously, and Network Watcher packet capture, which needs an agent
    extension on the VM and Network Watcher in its region. Installing the agent mid-incident changes the
    very machine under investigation and may tip off the intruder, so it should be there beforehand."""
    machines: list[dict[str, Any]] = list(ctx.resources(VM)) + list(ctx.optional_resources(VMSS) or [])
    if not machines:
        yield CheckResult.not_applicable("No virtual machine or scale set: packet capture has no counterpart "
                                         "for PaaS services")
        return
    watched_regions = regions_of(ctx.resources(NETWORK_WATCHER))
    taps = ctx.optional_resources(VTAP) or []
    tapped = {arm(n) for t in taps for n in t.get("source_network_interface_ids") or []}
    ok: list[str] = []
    bad: list[str] = []
    no_watcher: list[str] = []
    for machine in machines:
        mirrored = bool(tapped & {arm(n) for n in machine.get("network_interface_ids") or []})
        if mirrored or (_has_capture_agent(machine) and arm(machine.get("region")) in watched_regions):
            ok.append(str(machine["id"]))
        else:
            bad.append(str(machine["id"]))
            if arm(machine.get("region")) not in watched_regions:
                no_watcher.append(str(machine["id"]))
    captures = ctx.optional_resources(PACKET_CAPTURE)
    yield ratio_result(
        ok, bad,
        passed="Every VM and scale set is ready for packet capture ({total} checked)",
        failed="No VM or scale set is ready for packet capture ({total} checked)",
        partial="{bad} of {total} VMs and scale sets would need changing before a packet capture",
        evidence={"virtual_network_taps": len(taps), "no_network_watcher_in_region": capped(no_watcher),
                  "past_packet_captures": None if captures is None else len(captures)},
    )


@check(
    id="azure.storage.evidence_locker",
    title="A write-once evidence locker exists",
    control="EV-05", severity="high", provider="azure", needs=(STORAGE_ACCOUNT,),
    remediation="Create a storage account for evidence in a forensic subscription, tag it purpose=evidence, "
    "enable version-level immutability (or locked time-based policies / legal holds on its containers), and "
    "record a SHA-256 of every artefact in the custody log.",
    refs=("csa-ccm-4.0.13:SEF-01", "nist-csf-2.0:RS.AN-07"),
)
def evidence_locker(ctx: CheckContext) -> Iterable[CheckResult]:
    """Disk images, memory dumps and log extracts are only worth something in court or in front of a
    regulator if nobody could have changed them after collection. A storage account whose containers are
    under a locked immutability policy or a legal hold gives that guarantee; an ordinary container does
    not."""
    lockers = [a for a in ctx.resources(STORAGE_ACCOUNT) if is_evidence_store(a)]
    if not lockers:
        yield CheckResult.failed("No storage account is tagged as an evidence locker (purpose=evidence)")
        return
    ok: list[str] = []
    bad: list[str] = []
    for locker in lockers:
        protected, _ = worm_state(locker, log_containers_only=False, legal_hold_counts=True)
        (ok if protected else bad).append(str(locker["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every evidence locker is write-once ({total} checked)",
        failed="No evidence locker is write-once ({total} checked)",
        partial="{bad} of {total} evidence lockers allow evidence to be altered or deleted",
    )
