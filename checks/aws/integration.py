"""API availability and SIEM integration (IN): does cloud telemetry reach the tools responders already use."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    aggregator_covers,
    ids,
    listing,
    logging_trails,
    read_regional,
    regions_reached,
    rule_forwards,
    share,
    strip_log_group_arn,
)

LOG_GROUP = "aws.logs.log_group"
TRAIL = "aws.cloudtrail.trail"
FLOW_LOG = "aws.ec2.flow_log"
QUERY_LOG = "aws.route53resolver.query_log_association"
EKS = "aws.eks.cluster"
HUB = "aws.securityhub.hub"
AGGREGATOR = "aws.securityhub.finding_aggregator"
RULE = "aws.events.rule"

FINDING_SOURCES = frozenset({"aws.guardduty", "aws.securityhub"})


def _security_log_groups(ctx: CheckContext) -> tuple[dict[str, str], list[str]]:
    """{log group ARN: telemetry it receives} from the settings that point at groups, and the unread sources."""
    found: dict[str, str] = {}
    unread: list[str] = []
    trails = ctx.optional_resources(TRAIL)
    flows = ctx.optional_resources(FLOW_LOG)
    queries = ctx.optional_resources(QUERY_LOG)
    clusters = ctx.optional_resources(EKS)
    for name, items in ((TRAIL, trails), (FLOW_LOG, flows), (QUERY_LOG, queries), (EKS, clusters)):
        if items is None:
            unread.append(name)
    for trail in logging_trails(trails or []):
        if trail.get("cloudwatch_log_group_arn"):
            found[strip_log_group_arn(str(trail["cloudwatch_log_group_arn"]))] = "CloudTrail"
    for flow in flows or []:
        if flow.get("destination_type") == "cloud-watch-logs" and flow.get("destination"):
            found[strip_log_group_arn(str(flow["destination"]))] = "VPC flow logs"
    for query in queries or []:
        if ":logs:" in str(query.get("destination_arn") or ""):
            found[strip_log_group_arn(str(query["destination_arn"]))] = "DNS query logs"
    for cluster in clusters or []:
        if cluster.get("enabled_log_types"):
            region, cluster_name = cluster.get("region"), cluster.get("name")
            arn = f"arn:aws:logs:{region}:{ctx.account_id}:log-group:/aws/eks/{cluster_name}/cluster"
            found[arn] = "EKS control plane"
    return found, unread


@check(
    id="aws.logs.siem_forwarding",
    title="Security log groups are forwarded to the SIEM",
    control="IN-01",
    severity="high",
    provider="aws",
    needs=(LOG_GROUP, TRAIL, FLOW_LOG, QUERY_LOG, EKS),
    remediation="Add a subscription filter to every log group receiving CloudTrail, flow, DNS or EKS logs, "
    "sending to a Kinesis or Firehose stream (or a cross-account logs destination) that feeds the SIEM.",
    refs=("nist-csf-2.0:DE.AE-03", "aws-waf:SEC04-BP02", "csa-ccm-4.0:LOG-05"),
)
def siem_forwarding(ctx: CheckContext) -> Iterator[CheckResult]:
    """The SOC correlates in the enterprise SIEM; telemetry that stays in CloudWatch is a hybrid dark spot,
    searched by hand if at all. The log groups that receive CloudTrail, flow, DNS query or EKS logs must
    each have a subscription filter. Telemetry delivered only to S3 travels by other means (S3 notifications,
    Security Lake) that this check cannot see."""
    data = read_regional(ctx, LOG_GROUP)
    yield from data.unknown
    telemetry, unread = _security_log_groups(ctx)
    groups = [g for g in data.of(LOG_GROUP) if strip_log_group_arn(str(g["id"])) in telemetry]
    if unread:
        yield CheckResult.unknown("Could not tell which log groups receive security telemetry: "
                                  f"{', '.join(unread)} not readable", evidence={"sources_unread": unread})
    if not groups:
        if not unread and not data.unknown:
            yield CheckResult.not_applicable("No security telemetry lands in CloudWatch Logs here; forwarding "
                                             "from S3 cannot be seen and must be attested")
        return
    good = [g["id"] for g in groups if any(f.get("destination_arn") for f in g.get("subscription_filters") or [])]
    bad = [g["id"] for g in groups if g["id"] not in good]
    kinds = sorted({telemetry[strip_log_group_arn(str(g["id"]))] for g in groups})
    yield share("Security log groups with a subscription filter", good, bad, evidence={"telemetry": kinds})


@check(
    id="aws.securityhub.finding_aggregation",
    title="Security Hub findings from all regions reach one region",
    control="IN-02",
    severity="medium",
    provider="aws",
    needs=(HUB, AGGREGATOR),
    remediation="Create a Security Hub finding aggregator in the home region linking all regions, ideally in "
    "the delegated administrator account so every member's findings meet in one place.",
    refs=("nist-csf-2.0:DE.AE-06", "aws-waf:SEC04-BP02"),
)
def finding_aggregation(ctx: CheckContext) -> Iterator[CheckResult]:
    """Findings that stay in the region where they were raised are seen only by someone who happens to look
    there. An aggregator brings every region's findings to one place that integrations and people watch."""
    data = read_regional(ctx, HUB)
    yield from data.unknown
    aggregators = ctx.resources(AGGREGATOR)
    hub_regions = sorted({str(h["region"]) for h in data.of(HUB) if h.get("region")})
    if not hub_regions:
        if not data.unknown:
            yield CheckResult.failed("Security Hub is enabled in no swept region, so findings are not "
                                     "gathered anywhere")
        return
    if not aggregators:
        if len(hub_regions) == 1:
            yield CheckResult.passed("Security Hub runs in one region only; its findings are already in one "
                                     "place", region=hub_regions[0])
        else:
            yield CheckResult.failed(f"Security Hub runs in {len(hub_regions)} regions without a finding "
                                     "aggregator", evidence={"hub_regions": hub_regions})
        return
    aggregator = aggregators[0]  # AWS allows one per account
    good = [r for r in hub_regions if aggregator_covers(aggregator, r)]
    bad = [r for r in hub_regions if r not in good]
    yield share("Security Hub regions linked to the aggregation region", good, bad,
                evidence={"aggregation_region": aggregator.get("region"),
                          "linking_mode": aggregator.get("region_linking_mode")})


@check(
    id="aws.events.findings_export",
    title="Detector findings are routed out of the console",
    control="IN-02",
    severity="medium",
    provider="aws",
    needs=(RULE, AGGREGATOR),
    remediation="In every region (or in the Security Hub aggregation region) create an enabled EventBridge "
    "rule matching source aws.guardduty or aws.securityhub, targeting the SIEM pipeline, SOAR or on-call "
    "notification topic.",
    refs=("nist-csf-2.0:DE.AE-06", "nist-csf-2.0:RS.MA-02"),
)
def findings_export(ctx: CheckContext) -> Iterator[CheckResult]:
    """A detector that nobody is told about detects nothing. GuardDuty and Security Hub publish findings as
    EventBridge events in their own region; a rule with a target sends them to the SIEM, a ticket or a pager.
    A region is also covered when its Security Hub findings are aggregated to a region whose rule exports
    Security Hub findings."""
    data = read_regional(ctx, RULE)
    yield from data.unknown
    if not data.regions:
        return
    reach = regions_reached(data, ctx, FINDING_SOURCES, rule_forwards)
    yield from reach.unseen
    direct, via, bad = reach.direct, reach.via, reach.bad
    if not direct + via + bad:
        return
    rules = [r["id"] for r in data.of(RULE) if rule_forwards(r, FINDING_SOURCES)]
    yield share("Regions whose detector findings reach an EventBridge target", direct + via, bad,
                evidence={"via_aggregator": ids(via), **listing("rules", rules)})
