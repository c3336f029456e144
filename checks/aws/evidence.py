"""Evidence acquisition and chain of custody (EV): packet capture readiness and a write-once evidence locker."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import ids, listing, mentions, object_locked, read_regional, share

INSTANCE = "aws.ec2.instance"
MIRROR_TARGET = "aws.ec2.traffic_mirror_target"
MIRROR_SESSION = "aws.ec2.traffic_mirror_session"
BUCKET = "aws.s3.bucket"

LOCKER_WORDS = ("evidence", "forensic")


@check(
    id="aws.ec2.traffic_mirroring_ready",
    title="A traffic-mirroring target is ready where instances run",
    control="EV-04",
    severity="medium",
    provider="aws",
    needs=(INSTANCE, MIRROR_TARGET, MIRROR_SESSION),
    remediation="In each region running instances, prepare a traffic mirror target (a capture appliance's "
    "network interface or a Network Load Balancer in front of one) and a filter, and rehearse starting a "
    "session on a suspect instance.",
    refs=("nistir-8006:data-collection", "attack:network-traffic-content"),
)
def traffic_mirroring_ready(ctx: CheckContext) -> Iterator[CheckResult]:
    """Full packet capture from a TAP or SPAN port has one cloud counterpart: VPC Traffic Mirroring, which
    needs a target to send the copied packets to. Building one during an incident costs hours while the
    intruder's traffic goes unrecorded; a prepared target turns capture into a single API call. Sessions
    already running are reported but not required."""
    data = read_regional(ctx, INSTANCE, MIRROR_TARGET)
    yield from data.unknown
    regions = sorted({str(i["region"]) for i in data.of(INSTANCE) if i.get("region")})
    if not regions:
        if not data.unknown:
            yield CheckResult.not_applicable("No EC2 instance to mirror traffic from")
        return
    good = [r for r in regions if data.of(MIRROR_TARGET, r)]
    bad = [r for r in regions if r not in good]
    sessions = ctx.optional_resources(MIRROR_SESSION)
    evidence = {**listing("targets", [t["id"] for t in data.of(MIRROR_TARGET)]),
                "sessions": len(sessions) if sessions is not None else None}
    yield share("Regions running instances with a traffic-mirror target", good, bad, evidence=evidence)


@check(
    id="aws.s3.evidence_locker",
    title="An evidence bucket with Object Lock is prepared",
    control="EV-05",
    severity="high",
    provider="aws",
    needs=(BUCKET,),
    remediation="Create an evidence bucket (in the forensic account where there is one) with Object Lock in "
    "compliance mode and a default retention, tag it purpose=evidence, and store a hash with every artefact.",
    refs=("nist-sp-800-86:chain-of-custody", "nist-csf-2.0:RS.AN-07", "csa-ccm-4.0:SEF-01"),
)
def evidence_locker(ctx: CheckContext) -> Iterator[CheckResult]:
    """Disk snapshots, memory images and log extracts must be kept so that nobody, including an intruder
    with administrator rights, can change or delete them: the cloud counterpart of the evidence safe. A
    bucket is recognised as a locker by a name or tag mentioning evidence or forensics. An account with
    none fails here even when the locker lives in a separate forensic account: assess that account too."""
    lockers = [b for b in ctx.resources(BUCKET) if mentions(b, LOCKER_WORDS, fields=("name",))]
    if not lockers:
        yield CheckResult.failed("No bucket is marked as an evidence locker (name or tag mentioning evidence "
                                 "or forensic)")
        return
    good = [b["id"] for b in lockers if object_locked(b)]
    bad = [b["id"] for b in lockers if not object_locked(b)]
    compliance = [b["id"] for b in lockers if object_locked(b) and b.get("object_lock_mode") == "COMPLIANCE"]
    yield share("Evidence buckets with Object Lock default retention", good, bad,
                evidence={"compliance_mode": ids(compliance)})
