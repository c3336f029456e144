"""Security Hub: the hub of each region, its subscribed standards and the cross-region finding aggregator."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, SweepFailed, sweep

HUB = "aws.securityhub.hub"
STANDARD = "aws.securityhub.standard"
AGGREGATOR = "aws.securityhub.finding_aggregator"
OPS = (
    # InvalidAccessException: Security Hub is not enabled in the region (no hub, nothing to read).
    Operation("securityhub", "DescribeHub", "securityhub:DescribeHub", (HUB, STANDARD, AGGREGATOR),
              benign_errors=("InvalidAccessException",)),
    Operation("securityhub", "GetEnabledStandards", "securityhub:GetEnabledStandards", (STANDARD,)),
    Operation("securityhub", "ListFindingAggregators", "securityhub:ListFindingAggregators", (AGGREGATOR,)),
    Operation("securityhub", "GetFindingAggregator", "securityhub:GetFindingAggregator", (AGGREGATOR,)),
)

Records = dict[str, list[dict[str, Any]]]


@sweep(service="securityhub", scope="regional", types=(HUB, STANDARD, AGGREGATOR), operations=OPS)
def hub(call: Caller, region: str) -> Records:
    described = call.benign("DescribeHub")
    if described is None:
        return {HUB: [], STANDARD: [], AGGREGATOR: []}
    out: Records = {HUB: [{
        "id": described.get("HubArn"), "region": region,
        "subscribed_at": described.get("SubscribedAt"),
        "auto_enable_controls": described.get("AutoEnableControls"),
    }]}
    # Standards and aggregators fail on their own: the hub record stays correct without them.
    for reader in (_standards, _aggregators):
        try:
            out.update(reader(call, region))
        except SweepFailed:
            continue
    return out


def _standards(call: Caller, region: str) -> Records:
    out = []
    for page in call.pages("GetEnabledStandards"):
        for subscription in page.get("StandardsSubscriptions") or []:
            out.append({
                "id": subscription.get("StandardsSubscriptionArn"), "region": region,
                "standard_arn": subscription.get("StandardsArn"),
                "status": subscription.get("StandardsStatus"),
            })
    return {STANDARD: out}


def _aggregators(call: Caller, region: str) -> Records:
    out = []
    for page in call.pages("ListFindingAggregators"):
        for listed in page.get("FindingAggregators") or []:
            arn = str(listed.get("FindingAggregatorArn"))
            # Every linked region lists the account's one aggregator. It is reported once: by its home region,
            # or, when that region is not swept, by the first swept region, reading it in its home region.
            home = (arn.split(":")[3:4] or [region])[0] or region
            if home != region and (home in call.swept_regions or region != min(call.swept_regions)):
                continue
            reader = call if home == region else call.elsewhere(home)
            detail = reader("GetFindingAggregator", FindingAggregatorArn=arn)
            out.append({
                "id": arn, "region": detail.get("FindingAggregationRegion") or home,
                "region_linking_mode": detail.get("RegionLinkingMode"),
                "regions": sorted(detail.get("Regions") or []),
            })
    return {AGGREGATOR: out}
