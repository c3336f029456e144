"""GCP evidence acquisition (EV): packet capture counterpart and a WORM evidence locker."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import capped, region_unknowns

EVIDENCE_WORDS = ("evidence", "forensic")


@check(
    id="gcp.compute.packet_mirroring_ready",
    title="Packet Mirroring is prepared in every region that runs VMs",
    control="EV-04", severity="medium", provider="gcp", service_models=("iaas",),
    needs=("gcp.compute.instance", "gcp.compute.packet_mirroring"),
    remediation="Prepare a Packet Mirroring policy and a collector (internal load balancer with capture "
                "VMs) per region with VMs; keep it paused (enable=FALSE) and switch it on against the "
                "suspect instances' tags during an incident.",
    refs=("nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:SEF-01"),
)
def packet_mirroring_ready(ctx: CheckContext) -> Iterable[CheckResult]:
    """On-prem, a SPAN port or tap gives full packet capture on demand. In a VPC the only counterpart
    is Packet Mirroring, which needs a collector load balancer and capture VMs in the same region.
    Building that during an incident costs hours while the attacker is active; a prepared (even
    paused) policy per region makes capture a switch."""
    instances, failed_vms = ctx.resources_by_region("gcp.compute.instance")
    policies, failed_policies = ctx.resources_by_region("gcp.compute.packet_mirroring")
    failed = {**failed_vms, **failed_policies}
    vms: dict[str, list[str]] = defaultdict(list)
    for vm in instances:
        if vm.get("region") not in failed:
            vms[str(vm.get("region") or "unknown")].append(str(vm["id"]))
    prepared: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for policy in policies:
        prepared[str(policy.get("region") or "unknown")].append(policy)
    for region in sorted(vms):
        ready = prepared.get(region, [])
        evidence = {"instances": len(vms[region]), "policies": capped(str(p["id"]) for p in ready),
                    "active": sorted(str(p["id"]) for p in ready if p.get("enabled"))}
        if ready:
            yield CheckResult.passed(f"{len(ready)} Packet Mirroring policy(ies) prepared in {region}",
                                     region=region, evidence=evidence)
        else:
            yield CheckResult.failed(f"No Packet Mirroring policy in {region}, where {len(vms[region])} "
                                     "VM(s) run", region=region, evidence=evidence)
    yield from region_unknowns(failed)
    if not vms and not failed:
        yield CheckResult.not_applicable("No VM instances in this project")


def _is_evidence_store(bucket: dict[str, Any]) -> bool:
    labels = bucket.get("labels") or {}
    words = [str(bucket.get("name") or "").lower()]
    words += [str(x).lower() for pair in labels.items() for x in pair]
    return any(w in text for text in words for w in EVIDENCE_WORDS)


def _is_forensic_project(project: dict[str, Any]) -> bool:
    labels = project.get("labels") or {}
    texts = [str(project.get("project_id") or "").lower()] + [str(v).lower() for v in labels.values()]
    return any("forensic" in t for t in texts)


@check(
    id="gcp.storage.evidence_bucket_locked",
    title="The evidence locker bucket has a locked retention policy",
    control="EV-05", severity="high", provider="gcp",
    needs=("gcp.storage.bucket", "gcp.project"),
    remediation="Keep forensic copies in a dedicated bucket (label purpose=evidence) in the forensic "
                "project, with a retention policy longer than the longest legal hold and Bucket Lock "
                "applied; record object hashes at upload.",
    refs=("nist-csf-2.0:RS.AN-07", "csa-ccm-4.0:SEF-01"),
)
def evidence_bucket_locked(ctx: CheckContext) -> Iterable[CheckResult]:
    """Evidence that an administrator could overwrite or delete will be challenged in court. A bucket
    whose retention policy is locked is write-once storage: nobody, including the project owner or an
    attacker holding that role, can remove an object before its retention ends. Buckets are recognised
    as evidence stores by name or label (evidence, forensic)."""
    stores = [b for b in ctx.resources("gcp.storage.bucket") if _is_evidence_store(b)]
    for bucket in sorted(stores, key=lambda b: str(b["id"])):
        evidence = {"retention_period_days": bucket.get("retention_period_days"),
                    "retention_locked": bool(bucket.get("retention_locked")),
                    "versioning": bool(bucket.get("versioning"))}
        if bucket.get("retention_locked") and bucket.get("retention_period_days"):
            yield CheckResult.passed(f"Evidence bucket {bucket.get('name')} has a locked retention policy",
                                     resource=str(bucket["id"]), evidence=evidence)
        elif bucket.get("retention_period_days"):
            yield CheckResult.failed(f"Evidence bucket {bucket.get('name')} has a retention policy that "
                                     "is not locked", resource=str(bucket["id"]), evidence=evidence)
        else:
            yield CheckResult.failed(f"Evidence bucket {bucket.get('name')} has no retention policy",
                                     resource=str(bucket["id"]), evidence=evidence)
    if stores:
        return
    projects = ctx.optional_resources("gcp.project") or []
    if any(p.get("project_id") == ctx.account_id and _is_forensic_project(p) for p in projects):
        yield CheckResult.failed("This forensic project has no bucket marked as an evidence locker")
    else:
        yield CheckResult.not_applicable("No bucket in this project is marked as an evidence locker; the "
                                         "locker may live in a dedicated forensic project")
