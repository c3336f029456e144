"""Response readiness: automated playbooks, east-west inspection, provider notices, legal hold (CT-05, CT-06,
SR-06, DR-05)."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import Record, ids, listing, read_regional, regions_reached, rule_forwards, share

RULE = "aws.events.rule"
AGGREGATOR = "aws.securityhub.finding_aggregator"
VPC = "aws.ec2.vpc"
FIREWALL = "aws.networkfirewall.firewall"
BUCKET = "aws.s3.bucket"
VAULT = "aws.backup.vault"

FINDING_SOURCES = frozenset({"aws.guardduty", "aws.securityhub"})
# Targets that run code or a runbook (as opposed to only notifying a person).
AUTOMATION_TARGETS = (":lambda:", ":states:", ":ssm:", ":ssm-incidents:")


def _automates(rule: Record, sources: frozenset[str]) -> bool:
    return rule_forwards(rule, sources) and any(
        any(kind in str(t.get("arn") or "") for kind in AUTOMATION_TARGETS) for t in rule.get("targets") or [])


@check(
    id="aws.events.automated_response",
    title="Detector findings trigger automated response",
    control="CT-05",
    severity="medium",
    provider="aws",
    needs=(RULE, AGGREGATOR),
    remediation="Create EventBridge rules on GuardDuty or Security Hub findings (by type and severity) that "
    "start an SSM Automation runbook, a Step Functions workflow or a Lambda function doing the first "
    "containment steps, with an approval step before anything that alters evidence.",
    refs=("nist-csf-2.0:RS.MI-01", "aws-waf:SEC10-BP06", "csa-ccm-4.0:SEF-03"),
)
def automated_response(ctx: CheckContext) -> Iterator[CheckResult]:
    """Cloud attacks move in minutes: stolen keys are used for mining or exfiltration long before a person
    reads the alert. A rule that hands a finding straight to a runbook (isolate the instance, disable the
    key, snapshot the volumes) contains the first minutes. A rule that only notifies counts for IN-02, not
    here. A region is also covered when its Security Hub findings are aggregated into a region whose rule
    starts automation on Security Hub findings."""
    data = read_regional(ctx, RULE)
    yield from data.unknown
    if not data.regions:
        return
    reach = regions_reached(data, ctx, FINDING_SOURCES, _automates)
    yield from reach.unseen
    direct, via, bad = reach.direct, reach.via, reach.bad
    if not direct + via + bad:
        return
    rules = [r["id"] for r in data.of(RULE) if _automates(r, FINDING_SOURCES)]
    notify_only = [r["id"] for r in data.of(RULE)
                   if rule_forwards(r, FINDING_SOURCES) and r["id"] not in rules]
    yield share("Regions whose findings start an automated response", direct + via, bad,
                evidence={"via_aggregator": ids(via), **listing("rules", rules),
                          **listing("notification_only_rules", notify_only)})


@check(
    id="aws.networkfirewall.east_west_inspection",
    title="Regions with workload VPCs have a Network Firewall",
    control="CT-06",
    severity="medium",
    provider="aws",
    needs=(VPC, FIREWALL),
    remediation="Deploy AWS Network Firewall with stateful (Suricata) rule groups on the inspection path of "
    "each region's workload VPCs (usually a transit-gateway inspection VPC), with ALERT logs delivered to "
    "the log archive; cover hosts the firewall cannot see with EDR or GuardDuty Runtime Monitoring.",
    refs=("nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:IVS-09", "aws-waf:SEC05-BP03"),
)
def east_west_inspection(ctx: CheckContext) -> Iterator[CheckResult]:
    """Security groups filter but do not inspect, and keep no log of what they allowed; the on-premises
    IPS between zones has no counterpart unless a Network Firewall sits on the traffic path. Whether every
    route really passes through it cannot be read from the firewall alone, so this judges, per region
    holding a non-default VPC, that an inspection point exists at all. Firewalls without ALERT logs are
    named, because an IPS whose alerts go nowhere helps only as a filter."""
    data = read_regional(ctx, VPC, FIREWALL)
    yield from data.unknown
    regions = sorted({str(v.get("region")) for v in data.of(VPC) if v.get("is_default") is not True})
    if not regions:
        if not data.unknown:
            yield CheckResult.not_applicable("No non-default VPC in the swept regions")
        return
    live = [f for f in data.of(FIREWALL) if f.get("status") != "DELETING"]
    covered = {str(f.get("region")) for f in live}
    good = [r for r in regions if r in covered]
    bad = [r for r in regions if r not in covered]
    silent = [f["id"] for f in live if "ALERT" not in (f.get("log_types") or [])]
    yield share("Regions with workload VPCs that have a Network Firewall", good, bad,
                evidence={**listing("firewalls", [f["id"] for f in live]),
                          **listing("firewalls_without_alert_logs", silent)})


@check(
    id="aws.events.health_notifications",
    title="AWS Health events reach the security team",
    control="SR-06",
    severity="medium",
    provider="aws",
    needs=(RULE,),
    remediation="In every region, and at least in us-east-1 where global and security notifications arrive, "
    "create an enabled EventBridge rule matching source aws.health that targets the SOC's queue, ticketing "
    "or paging topic; from the management account, enable organisational view of AWS Health.",
    refs=("nist-csf-2.0:DE.CM-06", "csa-ccm-4.0:SEF-08", "aws-waf:SEC10-BP01"),
)
def health_notifications(ctx: CheckContext) -> Iterator[CheckResult]:
    """AWS tells customers about exposed access keys, abuse reports, compromised-instance notices and
    provider-side security events through AWS Health. Those notices go to the account's root e-mail and the
    console unless a rule forwards them; the SOC then learns of an incident from the provider days late.
    Health events are published in the region they concern, and account-wide ones in us-east-1."""
    data = read_regional(ctx, RULE)
    yield from data.unknown
    if not data.regions:
        return
    health = frozenset({"aws.health"})
    good = [r for r in data.regions if any(rule_forwards(x, health) for x in data.of(RULE, r))]
    bad = [r for r in data.regions if r not in good]
    rules = [x["id"] for x in data.of(RULE) if rule_forwards(x, health)]
    yield share("Regions forwarding AWS Health events", good, bad,
                evidence={**listing("rules", rules), "global_region_covered": "us-east-1" in good,
                          "global_region_swept": "us-east-1" in data.regions})


@check(
    id="aws.s3.legal_hold_ready",
    title="Storage that can take a legal hold exists",
    control="DR-05",
    severity="medium",
    provider="aws",
    needs=(BUCKET,),
    remediation="Create the evidence and archive buckets with Object Lock enabled (it can also be enabled on "
    "an existing versioned bucket) so objects can be put under legal hold, and apply Vault Lock to the AWS "
    "Backup vaults holding recovery points of regulated data.",
    refs=("nist-csf-2.0:RS.AN-07", "csa-ccm-4.0:DSP-16"),
)
def legal_hold_ready(ctx: CheckContext) -> Iterator[CheckResult]:
    """When litigation or a regulator's inquiry starts, data must be preserved as it is, whatever its
    lifecycle rules say. In S3 only objects in a bucket with Object Lock enabled can take a legal hold;
    in a bucket without it, a hold cannot be placed when it is suddenly needed. Locked AWS Backup vaults
    preserve recovery points the same way and are listed when they could be read."""
    buckets = ctx.resources(BUCKET)
    lockable = [b["id"] for b in buckets if b.get("object_lock_enabled") is True]
    vaults = ctx.optional_resources(VAULT)
    locked_vaults = [v["id"] for v in vaults or [] if v.get("locked") is True]
    evidence = {**listing("object_lock_buckets", lockable), **listing("locked_vaults", locked_vaults),
                "vaults_read": vaults is not None, "buckets_seen": len(buckets)}
    if lockable:
        yield CheckResult.passed(f"{len(lockable)} bucket(s) with Object Lock can take a legal hold",
                                 evidence=evidence)
    elif locked_vaults:
        yield CheckResult.partial("Only locked backup vaults preserve data; no bucket can take an object "
                                  "legal hold", coverage=0.5, evidence=evidence)
    elif vaults is None:
        # No bucket qualifies, but a locked vault would earn partial credit and the vaults were not read.
        yield CheckResult.unknown("No bucket has Object Lock enabled and the AWS Backup vaults could not be "
                                  "read", evidence=evidence)
    else:
        yield CheckResult.failed("No bucket has Object Lock enabled, so no object can be put under legal hold",
                                 evidence=evidence)
