"""Elasticity and ephemeral resources (EL): evidence that survives scale-in, and backups nobody can erase."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import ids, listing, read_regional, share

GROUP = "aws.autoscaling.group"
INSTANCE = "aws.ec2.instance"
VAULT = "aws.backup.vault"

TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"


@check(
    id="aws.autoscaling.evidence_before_scale_in",
    title="Scale-in does not destroy instance evidence",
    control="EL-02",
    severity="medium",
    provider="aws",
    needs=(GROUP, INSTANCE),
    remediation="Add an EC2_INSTANCE_TERMINATING lifecycle hook to every Auto Scaling group, wired to "
    "automation that snapshots volumes (and captures memory) of instances flagged by detection before "
    "releasing them; or launch instances whose root volume is kept after termination.",
    refs=("aws-waf:SEC10-BP03", "nistir-8006:data-collection"),
)
def evidence_before_scale_in(ctx: CheckContext) -> Iterator[CheckResult]:
    """An Auto Scaling group replaces an unhealthy or surplus instance within minutes, and by default its
    root volume is deleted with it: the compromised host disappears before anyone has looked. A group keeps
    the evidence if a terminating lifecycle hook gives automation time to snapshot it, or if all its
    instances keep their root volumes."""
    data = read_regional(ctx, GROUP, INSTANCE)
    yield from data.unknown
    groups = data.of(GROUP)
    if not groups:
        if not data.unknown:
            yield CheckResult.not_applicable("No Auto Scaling group")
        return
    hooked, kept, bad = [], [], []
    roots_deleted = 0
    for group in groups:
        if any(h.get("transition") == TERMINATING for h in group.get("lifecycle_hooks") or []):
            hooked.append(group["id"])
            continue
        members = [i for i in data.of(INSTANCE, group.get("region"))
                   if i.get("autoscaling_group") == group.get("name")]
        if members and all(i.get("root_delete_on_termination") is False for i in members):
            kept.append(group["id"])
        else:
            bad.append(group["id"])
            roots_deleted += sum(1 for i in members if i.get("root_delete_on_termination") is True)
    yield share("Auto Scaling groups that keep evidence at scale-in", hooked + kept, bad,
                evidence={**listing("with_terminating_hook", hooked), **listing("root_volumes_kept", kept),
                          "root_volumes_deleted_with_instance": roots_deleted})


@check(
    id="aws.backup.vault_lock",
    title="Backup vaults holding recovery points are locked",
    control="EL-05",
    severity="high",
    provider="aws",
    needs=(VAULT,),
    remediation="Apply AWS Backup Vault Lock (compliance mode once tested) with a minimum retention longer than "
    "the expected dwell time to every vault that holds recovery points.",
    refs=("nist-csf-2.0:PR.DS-11", "nist-csf-2.0:RC.RP-03", "csa-ccm-4.0:BCR-08"),
)
def vault_lock(ctx: CheckContext) -> Iterator[CheckResult]:
    """Ransomware operators delete backups before they encrypt; an intruder cleaning up deletes the
    snapshots that would show the system before the compromise. Vault Lock makes recovery points
    undeletable, even by the account's administrators: the immutable backup on-prem teams keep offline.
    Empty vaults are not judged."""
    data = read_regional(ctx, VAULT)
    yield from data.unknown
    vaults = [v for v in data.of(VAULT) if v.get("recovery_points") != 0]
    if not vaults:
        if not data.unknown:
            yield CheckResult.not_applicable("No backup vault holds recovery points")
        return
    good = [v["id"] for v in vaults if v.get("locked") is True]
    bad = [v["id"] for v in vaults if v.get("locked") is not True]
    compliance = [v["id"] for v in vaults if v.get("locked") is True and v.get("lock_date")]
    yield share("Backup vaults with Vault Lock", good, bad, evidence={"compliance_mode": ids(compliance)})
