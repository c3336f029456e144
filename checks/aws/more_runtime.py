"""Runtime visibility and history: GuardDuty protection plans, Lambda logs, global configuration history
(EL-03, EL-04, DT-04)."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import Record, ids, listing, read_regional, share

DETECTOR = "aws.guardduty.detector"
EKS = "aws.eks.cluster"
FUNCTION = "aws.lambda.function"
LOG_GROUP = "aws.logs.log_group"
RECORDER = "aws.config.recorder"

RUNTIME = "RUNTIME_MONITORING"
EKS_RUNTIME = "EKS_RUNTIME_MONITORING"  # the older, EKS-only form of Runtime Monitoring
EKS_AUDIT = "EKS_AUDIT_LOGS"
LAMBDA_NETWORK = "LAMBDA_NETWORK_LOGS"
EBS_MALWARE = "EBS_MALWARE_PROTECTION"


def _enabled(detector: Record, feature: str) -> bool:
    return str((detector.get("features") or {}).get(feature, "")).upper() == "ENABLED"


def _active(detectors: list[Record]) -> list[Record]:
    return [d for d in detectors if d.get("status") == "ENABLED"]


@check(
    id="aws.guardduty.runtime_protection",
    title="GuardDuty watches containers and functions at runtime",
    control="EL-04",
    severity="high",
    provider="aws",
    needs=(DETECTOR,),
    remediation="Enable the GuardDuty Runtime Monitoring, EKS Protection (audit logs) and Lambda Protection "
    "plans in every region, with automated agent management, from the delegated administrator for all "
    "member accounts.",
    refs=("nist-csf-2.0:DE.CM-09", "csa-ccm-4.0:TVM-02", "aws-waf:SEC10-BP06"),
)
def runtime_protection(ctx: CheckContext) -> Iterator[CheckResult]:
    """Containers and functions live for minutes and leave no disk to image; what ran inside them is known
    only if something watched while they ran. GuardDuty Runtime Monitoring sees processes, files and
    connections on EC2, ECS and EKS, EKS Protection reads the Kubernetes audit log, and Lambda Protection
    watches function network activity. The EKS and Lambda plans are only required in regions holding
    clusters or functions when those could be read; otherwise they are required everywhere."""
    data = read_regional(ctx, DETECTOR)
    yield from data.unknown
    if not data.regions:
        return
    clusters = ctx.optional_resources(EKS)
    functions = ctx.optional_resources(FUNCTION)
    good: list[str] = []
    bad: list[str] = []
    missing: dict[str, list[str]] = {}
    for region in data.regions:
        needed = [RUNTIME]
        if clusters is None or any(c.get("region") == region for c in clusters):
            needed.append(EKS_AUDIT)
        if functions is None or any(f.get("region") == region for f in functions):
            needed.append(LAMBDA_NETWORK)
        active = _active(data.of(DETECTOR, region))
        lacking = [f for f in needed if not any(_enabled(d, f) for d in active)]
        # The EKS-only runtime plan satisfies runtime monitoring where the only hosts are EKS nodes.
        if RUNTIME in lacking and any(_enabled(d, EKS_RUNTIME) for d in active) and clusters is not None:
            lacking.remove(RUNTIME)
        if not active:
            lacking = ["detector"]
        (bad if lacking else good).append(region)
        if lacking:
            missing[region] = lacking
    yield share("Regions where GuardDuty runtime protection covers the workloads present", good, bad,
                evidence={"missing": {r: missing[r] for r in sorted(missing)[:50]},
                          "eks_read": clusters is not None, "lambda_read": functions is not None})


@check(
    id="aws.guardduty.malware_protection",
    title="GuardDuty scans EC2 volumes for malware",
    control="DT-04",
    severity="medium",
    provider="aws",
    needs=(DETECTOR,),
    remediation="Enable GuardDuty Malware Protection for EC2 (EBS_MALWARE_PROTECTION) in every region, with "
    "snapshot retention for detected malware, from the delegated administrator for all member accounts.",
    refs=("nist-csf-2.0:DE.CM-09", "csa-ccm-4.0:TVM-02"),
)
def malware_protection(ctx: CheckContext) -> Iterator[CheckResult]:
    """When GuardDuty suspects an instance, Malware Protection scans snapshots of its volumes without an
    agent and can keep the snapshots of infected volumes: a scan and a preserved disk image from the first
    minutes of the alert, at no effort. Regions without an enabled detector cannot scan either."""
    data = read_regional(ctx, DETECTOR)
    yield from data.unknown
    if not data.regions:
        return
    good = [r for r in data.regions if any(_enabled(d, EBS_MALWARE) for d in _active(data.of(DETECTOR, r)))]
    bad = [r for r in data.regions if r not in good]
    no_detector = [r for r in data.regions if not _active(data.of(DETECTOR, r))]
    yield share("Regions where GuardDuty scans EC2 volumes for malware", good, bad,
                evidence=listing("regions_without_detector", no_detector))


@check(
    id="aws.lambda.log_retention",
    title="Lambda functions have a log group that keeps their logs",
    control="EL-04",
    severity="medium",
    provider="aws",
    needs=(FUNCTION, LOG_GROUP),
    remediation="Give every function's execution role logs:CreateLogStream and logs:PutLogEvents on its log "
    "group, create the group ahead of time (infrastructure as code) with retention of at least the required "
    "period, and forward it to the SIEM.",
    refs=("nist-csf-2.0:PR.PS-04", "csa-ccm-4.0:LOG-02", "aws-waf:SEC04-BP01"),
)
def lambda_log_retention(ctx: CheckContext) -> Iterator[CheckResult]:
    """A function's log group is the only record of what an invocation did; there is no host to examine
    afterwards. A function without a group has never written a log line (never run, or denied the right to
    log), and a group that expires before the required retention loses the start of a long intrusion. A
    group with no expiry keeps everything and meets any requirement."""
    required = ctx.profile.required_log_retention_days
    data = read_regional(ctx, FUNCTION, LOG_GROUP)
    yield from data.unknown
    functions = data.of(FUNCTION)
    if not functions:
        if not data.unknown:
            yield CheckResult.not_applicable("No Lambda function in the swept regions")
        return
    groups = {(g.get("region"), g.get("name")): g for g in data.of(LOG_GROUP)}
    good: list[str] = []
    no_group: list[str] = []
    too_short: list[str] = []
    for fn in functions:
        group = groups.get((fn.get("region"), fn.get("log_group")))
        if group is None:
            no_group.append(fn["id"])
        elif group.get("retention_days") is not None and int(group["retention_days"]) < required:
            too_short.append(fn["id"])
        else:
            good.append(fn["id"])
    yield share(f"Lambda functions whose log group keeps events at least {required} days", good,
                no_group + too_short,
                evidence={"required_days": required, **listing("without_log_group", no_group),
                          **listing("short_retention", too_short)})


def _records_global(recorder: Record) -> bool:
    if recorder.get("recording") is not True:
        return False
    if recorder.get("include_global_resource_types") is True:
        return True
    return any(str(t).startswith("AWS::IAM::") for t in recorder.get("resource_types") or [])


@check(
    id="aws.config.global_resource_history",
    title="Configuration history of IAM resources is recorded",
    control="EL-03",
    severity="medium",
    provider="aws",
    needs=(RECORDER,),
    remediation="In one region (usually the home region) set the Config recorder to include global resource "
    "types, or record AWS::IAM::User, Role, Group and Policy explicitly, and keep a retention configuration "
    "of at least the required log retention.",
    refs=("nist-csf-2.0:ID.AM-08", "csa-ccm-4.0:LOG-08"),
)
def global_resource_history(ctx: CheckContext) -> Iterator[CheckResult]:
    """Intruders create users, roles and access keys and delete them on the way out; afterwards the
    question is what that deleted role could do and who could assume it. AWS Config keeps the last known
    configuration of deleted resources, but IAM is a global service and is recorded only where a recorder
    includes global resource types. One running recorder that does is enough."""
    data = read_regional(ctx, RECORDER)
    recorders = [r for r in data.of(RECORDER) if _records_global(r)]
    if recorders:
        yield CheckResult.passed("IAM configuration history is recorded",
                                 evidence={"recorders": ids(r["id"] for r in recorders)})
        return
    # None found in the readable regions; an unreadable region might hold the one that does.
    if data.unknown:
        yield from data.unknown
        return
    running = [r["id"] for r in data.of(RECORDER) if r.get("recording") is True]
    yield CheckResult.failed("No running Config recorder records IAM (global) resources",
                             evidence=listing("running_recorders", running))
