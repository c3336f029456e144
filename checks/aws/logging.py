"""Logging coverage (LC): API history, data access, network flows, DNS, edge, configuration and cluster logs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import Record, ids, listing, logging_trails, read_regional, share, short

TRAIL = "aws.cloudtrail.trail"
BUCKET = "aws.s3.bucket"
VPC = "aws.ec2.vpc"
FLOW_LOG = "aws.ec2.flow_log"
QUERY_LOG = "aws.route53resolver.query_log_association"
LOAD_BALANCER = "aws.elbv2.load_balancer"
RECORDER = "aws.config.recorder"
EKS = "aws.eks.cluster"

SENSITIVE_CLASSES = frozenset({"confidential", "restricted", "secret", "sensitive"})
CLASSIFICATION_KEYS = frozenset({"dataclassification", "classification", "dataclass", "confidentiality"})
EKS_REQUIRED_LOGS = ("audit", "authenticator")
READ_WRITE: dict[str, frozenset[str]] = {
    "All": frozenset({"read", "write"}),
    "ReadOnly": frozenset({"read"}),
    "WriteOnly": frozenset({"write"}),
}


@check(
    id="aws.cloudtrail.all_regions",
    title="API activity is recorded in every region",
    control="LC-01",
    severity="critical",
    provider="aws",
    needs=(TRAIL,),
    remediation="Create a multi-region trail (an organisation trail from the management account covers every "
    "account) that records read and write management events and global service events, and keep it logging.",
    refs=("cis-aws-7.0.0:4.1", "csa-ccm-4.0:LOG-07", "aws-waf:SEC04-BP01", "nist-csf-2.0:PR.PS-04"),
)
def all_regions(ctx: CheckContext) -> Iterator[CheckResult]:
    """The 90-day event history is per region and ends after 90 days; only a trail keeps who-did-what for
    every region, including regions nobody uses, which are exactly where an intruder likes to work. Read
    events matter as much as write events: reconnaissance (List*, Get*, Describe*) is often the first sign."""
    trails = ctx.resources(TRAIL)
    active = logging_trails(trails)
    seen = {"trails_seen": len(trails), **listing("stopped_trails", [t["id"] for t in trails if t not in active])}
    multi = [t for t in active if t.get("is_multi_region") is True and t.get("management_events")]
    if multi:
        kinds: set[str] = set()
        for trail in multi:
            kinds |= READ_WRITE.get(trail["management_events"], frozenset())
        missing = [f"{kind} events" for kind in ("read", "write") if kind not in kinds]
        if not any(t.get("include_global_events") is True for t in multi):
            missing.append("global service events")
        evidence = {**seen, **listing("trails", [t["id"] for t in multi]),
                    "organization_trail": any(t.get("is_organization_trail") is True for t in multi)}
        if not missing:
            yield CheckResult.passed("A multi-region trail records read and write management events, "
                                     "including global services", evidence=evidence)
        else:
            # Every region is watched but part of the activity is not: half credit.
            yield CheckResult.partial("Multi-region trails miss " + ", ".join(missing), coverage=0.5,
                                      evidence={**evidence, "missing": missing})
        return
    swept = set(ctx.regions)
    covered = {t.get("region") for t in active if t.get("management_events")} & swept
    evidence = {**seen, "regions_covered": sorted(r for r in covered if r),
                "regions_uncovered": sorted(swept - covered)}
    if covered and covered == swept:
        yield CheckResult.passed("Single-region trails cover every swept region (no multi-region trail)",
                                 evidence=evidence)
    elif covered:
        yield CheckResult.partial(f"No multi-region trail; single-region trails cover {len(covered)} of "
                                  f"{len(swept)} swept regions", coverage=len(covered) / len(swept),
                                  evidence=evidence)
    else:
        yield CheckResult.failed("No trail is logging management events", evidence=evidence)


def _classification(bucket: Record) -> str | None:
    for key, value in (bucket.get("tags") or {}).items():
        if re.sub(r"[^a-z]", "", str(key).lower()) in CLASSIFICATION_KEYS:
            return str(value).strip()
    return None


def _s3_event_kinds(trails: list[Record], bucket_name: str) -> set[str]:
    """Which of read/write object events some logging trail records for the whole bucket."""
    target = f"arn:aws:s3:::{bucket_name}/"
    kinds: set[str] = set()
    for trail in trails:
        for selector in trail.get("data_events") or []:
            if selector.get("type") != "AWS::S3::Object":
                continue
            prefixes = selector.get("arn_prefixes") or []
            # A prefix shorter than the bucket ARN covers it whole; a deeper one only part of its objects.
            if prefixes and not any(target.startswith(p) for p in prefixes):
                continue
            kinds |= READ_WRITE.get(selector.get("read_write") or "", frozenset())
    return kinds


@check(
    id="aws.cloudtrail.s3_data_events",
    title="Object-level access to sensitive S3 buckets is recorded",
    control="LC-02",
    severity="high",
    provider="aws",
    needs=(TRAIL, BUCKET),
    remediation="Add S3 data-event selectors (read and write) to a logging trail for every bucket tagged "
    "confidential or restricted, or for all buckets; tag buckets with their data classification so the "
    "sensitive ones can be told apart.",
    refs=("cis-aws-7.0.0:4.8", "cis-aws-7.0.0:4.9", "csa-ccm-4.0:LOG-07", "csa-ccm-4.0:LOG-11"),
)
def s3_data_events(ctx: CheckContext) -> Iterator[CheckResult]:
    """Management events say a bucket policy changed; only data events say which objects were read or
    deleted. Without them the scope of an exfiltration from a sensitive bucket cannot be established, which
    is exactly what breach-notification deadlines demand. Buckets tagged confidential, restricted, secret or
    sensitive are judged; when no bucket carries a classification tag, all buckets except the trails' own
    log buckets are."""
    trails = logging_trails(ctx.resources(TRAIL))
    buckets = ctx.resources(BUCKET)
    classified = [b for b in buckets if _classification(b) is not None]
    if classified:
        judged = [b for b in classified if str(_classification(b)).lower() in SENSITIVE_CLASSES]
        basis = "buckets classified as sensitive"
    else:
        log_buckets = {t.get("s3_bucket") for t in trails}
        judged = [b for b in buckets if b.get("name") not in log_buckets]
        basis = "all buckets (none carries a data-classification tag)"
    if not judged:
        yield CheckResult.not_applicable("No S3 bucket holds data classified as sensitive")
        return
    good, write_only, bad = [], [], []
    for bucket in judged:
        kinds = _s3_event_kinds(trails, str(bucket.get("name")))
        if kinds == {"read", "write"}:
            good.append(bucket["id"])
        else:
            bad.append(bucket["id"])
            if kinds == {"write"}:
                write_only.append(bucket["id"])
    # The classification values found show whether the tagging standard matches what is looked for.
    seen = ids(short(c) for c in (_classification(b) for b in buckets) if c is not None)
    yield share("Judged S3 buckets whose object reads and writes are recorded", good, bad,
                evidence={"basis": basis, "classifications_seen": seen, **listing("write_events_only", write_only)})


@check(
    id="aws.ec2.vpc_flow_logs",
    title="Every VPC has flow logs capturing all traffic",
    control="LC-03",
    severity="high",
    provider="aws",
    needs=(VPC, FLOW_LOG),
    remediation="Enable a VPC-level flow log with traffic type ALL on every VPC, delivered to the central log "
    "archive (S3) or a CloudWatch Logs group forwarded to the SIEM.",
    refs=("cis-aws-7.0.0:4.7", "nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:LOG-07"),
)
def vpc_flow_logs(ctx: CheckContext) -> Iterator[CheckResult]:
    """Flow logs are the cloud's NetFlow: without them lateral movement and exfiltration leave no network
    trace at all. Rejected-only logs miss the connections that succeeded, which are the ones that matter
    in an investigation; a flow log whose delivery fails records nothing."""
    data = read_regional(ctx, VPC, FLOW_LOG)
    yield from data.unknown
    vpcs = data.of(VPC)
    if not vpcs:
        if not data.unknown:
            yield CheckResult.not_applicable("No VPC in the swept regions")
        return
    full: set[str] = set()
    some: set[str] = set()
    for flow in data.of(FLOW_LOG):
        if flow.get("resource_type") != "vpc" or flow.get("status") != "ACTIVE":
            continue
        if flow.get("deliver_logs_status") == "FAILED":
            continue
        (full if flow.get("traffic_type") == "ALL" else some).add(str(flow.get("resource_id")))
    good = [v["id"] for v in vpcs if v.get("vpc_id") in full]
    bad = [v["id"] for v in vpcs if v.get("vpc_id") not in full]
    partial_only = [v["id"] for v in vpcs if v.get("vpc_id") in some - full]
    yield share("VPCs with an active flow log capturing all traffic", good, bad,
                evidence=listing("accepted_or_rejected_only", partial_only))


@check(
    id="aws.route53resolver.query_logging",
    title="DNS queries are logged in every VPC",
    control="LC-04",
    severity="medium",
    provider="aws",
    needs=(VPC, QUERY_LOG),
    remediation="Create a Route 53 Resolver query-logging configuration per region and associate it with "
    "every VPC (or share one through AWS RAM), delivering to the log archive.",
    refs=("nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:LOG-07"),
)
def query_logging(ctx: CheckContext) -> Iterator[CheckResult]:
    """DNS logs tie a compromised instance to command-and-control domains and show data leaving through
    DNS tunnelling. On-prem they come from the resolver; in a VPC the only counterpart is Resolver query
    logging, which is off until associated with each VPC."""
    data = read_regional(ctx, VPC, QUERY_LOG)
    yield from data.unknown
    vpcs = data.of(VPC)
    if not vpcs:
        if not data.unknown:
            yield CheckResult.not_applicable("No VPC in the swept regions")
        return
    logged = {a.get("vpc_id") for a in data.of(QUERY_LOG) if a.get("status") == "ACTIVE"}
    good = [v["id"] for v in vpcs if v.get("vpc_id") in logged]
    bad = [v["id"] for v in vpcs if v.get("vpc_id") not in logged]
    yield share("VPCs whose DNS queries are logged", good, bad)


@check(
    id="aws.elbv2.access_logs",
    title="Load balancers write access logs",
    control="LC-05",
    severity="medium",
    provider="aws",
    needs=(LOAD_BALANCER,),
    remediation="Turn on access logs (access_logs.s3.enabled) for every Application and Network Load "
    "Balancer, delivered to a bucket in the log archive.",
    refs=("cis-aws-7.0.0:4.10", "csa-ccm-4.0:LOG-07"),
)
def elb_access_logs(ctx: CheckContext) -> Iterator[CheckResult]:
    """A managed load balancer is shared provider infrastructure: no packet capture or flow log shows the
    requests it terminates. Its access log is the only record of client addresses, paths and timings at
    the edge. Gateway Load Balancers have no access logs and are not judged."""
    data = read_regional(ctx, LOAD_BALANCER)
    yield from data.unknown
    judged = [lb for lb in data.of(LOAD_BALANCER) if lb.get("type") in ("application", "network")]
    if not judged:
        if not data.unknown:
            yield CheckResult.not_applicable("No Application or Network Load Balancer")
        return
    good = [lb["id"] for lb in judged if lb.get("access_logs_enabled") is True]
    bad = [lb["id"] for lb in judged if lb.get("access_logs_enabled") is not True]
    yield share("Load balancers writing access logs", good, bad)


@check(
    id="aws.config.recorder_all_regions",
    title="AWS Config records every resource type in every region",
    control="LC-07",
    severity="medium",
    provider="aws",
    needs=(RECORDER,),
    remediation="Turn on the AWS Config recorder for all supported resource types in every region (global "
    "resource types in one of them), for example through a Config conformance pack or Control Tower.",
    refs=("cis-aws-7.0.0:4.3", "nist-csf-2.0:ID.AM-08", "csa-ccm-4.0:LOG-08"),
)
def config_all_regions(ctx: CheckContext) -> Iterator[CheckResult]:
    """Config is the CMDB with history: it answers what a security group, role or instance looked like at
    the time of the incident, including resources that no longer exist. A region without a running
    recorder has no such history."""
    data = read_regional(ctx, RECORDER)
    yield from data.unknown
    if not data.regions:
        return
    good: list[str] = []
    bad: list[str] = []
    for region in data.regions:
        recording = any(r.get("recording") is True and r.get("all_supported") is True
                        for r in data.of(RECORDER, region))
        (good if recording else bad).append(region)
    global_ok = any(r.get("recording") is True and r.get("include_global_resource_types") is True
                    for r in data.of(RECORDER))
    yield share("Regions where AWS Config records all resource types", good, bad,
                evidence={"global_resources_recorded": global_ok})


@check(
    id="aws.eks.control_plane_logs",
    title="EKS clusters send audit and authenticator logs",
    control="LC-08",
    severity="high",
    provider="aws",
    needs=(EKS,),
    remediation="Enable at least the 'audit' and 'authenticator' control-plane log types (ideally all five) "
    "on every EKS cluster.",
    refs=("nist-csf-2.0:DE.CM-09", "csa-ccm-4.0:LOG-07"),
)
def eks_control_plane_logs(ctx: CheckContext) -> Iterator[CheckResult]:
    """The Kubernetes control plane runs on provider hosts nobody can image. Its audit log (who called
    which API on which object) and authenticator log (which IAM identity became which Kubernetes user)
    exist only if the cluster sends them to CloudWatch Logs; they are off by default."""
    data = read_regional(ctx, EKS)
    yield from data.unknown
    clusters = data.of(EKS)
    if not clusters:
        if not data.unknown:
            yield CheckResult.not_applicable("No EKS cluster")
        return
    good: list[str] = []
    bad: list[str] = []
    for cluster in clusters:
        enabled = set(cluster.get("enabled_log_types") or [])
        (good if enabled.issuperset(EKS_REQUIRED_LOGS) else bad).append(cluster["id"])
    yield share("EKS clusters sending audit and authenticator logs", good, bad,
                evidence={"required_log_types": list(EKS_REQUIRED_LOGS)})
