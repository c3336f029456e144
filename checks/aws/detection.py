"""Detection services (DT): managed threat detection and posture management in every region."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, Unavailable, check

from ._common import listing, read_regional, share

DETECTOR = "aws.guardduty.detector"
HUB = "aws.securityhub.hub"
STANDARD = "aws.securityhub.standard"


@check(
    id="aws.guardduty.all_regions",
    title="GuardDuty is enabled in every region",
    control="DT-01",
    severity="high",
    provider="aws",
    needs=(DETECTOR,),
    remediation="Enable GuardDuty in every region, from the delegated administrator with auto-enable for all "
    "member accounts, including regions the organisation does not use.",
    refs=("aws-waf:SEC10-BP06", "nist-csf-2.0:DE.CM-01", "nist-csf-2.0:DE.CM-09", "csa-ccm-4.0:SEF-06"),
)
def guardduty_all_regions(ctx: CheckContext) -> Iterator[CheckResult]:
    """GuardDuty is the managed counterpart of the on-prem IDS: it analyses API calls, flow and DNS
    telemetry without any sensor to deploy. It works per region, and an intruder who notices an unwatched
    region (crypto-mining in a far-away region is the classic case) works there."""
    data = read_regional(ctx, DETECTOR)
    yield from data.unknown
    if not data.regions:
        return
    good: list[str] = []
    bad: list[str] = []
    for region in data.regions:
        enabled = any(d.get("status") == "ENABLED" for d in data.of(DETECTOR, region))
        (good if enabled else bad).append(region)
    yield share("Regions with an enabled GuardDuty detector", good, bad)


@check(
    id="aws.securityhub.enabled",
    title="Security Hub runs a security standard in every region",
    control="DT-03",
    severity="medium",
    provider="aws",
    needs=(HUB, STANDARD),
    remediation="Enable Security Hub with at least the AWS Foundational Security Best Practices standard in "
    "every region, through central configuration from the delegated administrator.",
    refs=("cis-aws-7.0.0:5.16", "nist-csf-2.0:ID.RA-01"),
)
def securityhub_enabled(ctx: CheckContext) -> Iterator[CheckResult]:
    """Posture management finds the open doors before an intruder does and, during an incident, lists what
    else is misconfigured the same way. Security Hub without a subscribed standard only gathers other
    services' findings and assesses nothing itself."""
    hubs = read_regional(ctx, HUB)
    yield from hubs.unknown
    try:
        standards, failed = ctx.resources_by_region(STANDARD)
        whole_failure: str | None = None
    except Unavailable as exc:
        standards, failed, whole_failure = [], {}, exc.reason
    good: list[str] = []
    bad: list[str] = []
    idle: list[str] = []
    for region in hubs.regions:
        if not hubs.of(HUB, region):
            bad.append(region)
            continue
        # The standards only matter where a hub exists; if they could not be read there, say so.
        reason = whole_failure or failed.get(region)
        if reason:
            yield CheckResult.unknown(reason, region=region)
            continue
        if any(s.get("region") == region and s.get("status") == "READY" for s in standards):
            good.append(region)
        else:
            bad.append(region)
            idle.append(region)
    if good or bad:
        yield share("Regions where Security Hub runs at least one standard", good, bad,
                    evidence=listing("hub_without_standard", idle))
