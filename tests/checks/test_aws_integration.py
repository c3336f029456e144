"""SIEM integration (IN) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import integration as in_

from tests.checks.aws_records import ACCOUNT, failure, log_group, only, trail
from tests.factories import findings, snapshot, statuses

STREAM = f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/to-siem"
TRAIL_GROUP = "/aws/cloudtrail/main"
TRAIL_GROUP_ARN = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{TRAIL_GROUP}:*"


def sources(*, trail: list[dict[str, Any]] | None = None, flow_log: list[dict[str, Any]] | None = None,
            eks: list[dict[str, Any]] | None = None, log_group: list[dict[str, Any]] | None = None,
            ) -> dict[str, list[dict[str, Any]]]:
    """All telemetry sources collected (empty unless given)."""
    return {in_.TRAIL: trail or [], in_.FLOW_LOG: flow_log or [], in_.QUERY_LOG: [], in_.EKS: eks or [],
            in_.LOG_GROUP: log_group or []}


def flow_to_logs(group: str) -> dict[str, Any]:
    return {"id": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-flow-log/fl-1", "flow_log_id": "fl-1",
            "region": "eu-west-1", "resource_id": "vpc-1", "resource_type": "vpc", "traffic_type": "ALL",
            "status": "ACTIVE", "deliver_logs_status": "SUCCESS", "destination_type": "cloud-watch-logs",
            "destination": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{group}"}


class TestSiemForwarding:
    def test_forwarded_trail_group_passes(self) -> None:
        """The trail's log group (ARN given with ':*') has a subscription filter: pass."""
        snap = snapshot(resources=sources(trail=[trail(cloudwatch_log_group_arn=TRAIL_GROUP_ARN)],
                                          log_group=[log_group(TRAIL_GROUP, destinations=(STREAM,))]))
        found = findings(in_.siem_forwarding, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["telemetry"] == ["CloudTrail"]

    def test_unforwarded_flow_log_group_makes_partial(self) -> None:
        """Trail group forwarded, flow-log group not: partial, and application groups are ignored."""
        snap = snapshot(resources=sources(
            trail=[trail(cloudwatch_log_group_arn=TRAIL_GROUP_ARN)], flow_log=[flow_to_logs("/vpc/flows")],
            log_group=[log_group(TRAIL_GROUP, destinations=(STREAM,)), log_group("/vpc/flows"), log_group("/app")]))
        found = findings(in_.siem_forwarding, snap)
        assert statuses(found) == ["partial"]
        assert found[0].evidence["noncompliant"] == [f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/vpc/flows"]

    def test_eks_group_found_by_convention(self) -> None:
        """An EKS cluster with logging writes to /aws/eks/<name>/cluster, which must be forwarded."""
        cluster = {"id": "arn:eks", "name": "plant", "region": "eu-west-1", "version": "1.31",
                   "enabled_log_types": ["audit"]}
        snap = snapshot(resources=sources(eks=[cluster], log_group=[log_group("/aws/eks/plant/cluster")]))
        assert statuses(findings(in_.siem_forwarding, snap)) == ["fail"]

    def test_s3_only_telemetry_is_not_applicable(self) -> None:
        """Nothing security-related in CloudWatch: not applicable, pointing at the questionnaire."""
        snap = snapshot(resources=sources(trail=[trail()], log_group=[log_group("/app")]))
        found = findings(in_.siem_forwarding, snap)
        assert statuses(found) == ["not_applicable"] and "attested" in found[0].message

    def test_unreadable_source_adds_unknown(self) -> None:
        """If flow logs could not be read, which groups matter is uncertain: an unknown joins the verdict."""
        resources = sources(trail=[trail(cloudwatch_log_group_arn=TRAIL_GROUP_ARN)],
                            log_group=[log_group(TRAIL_GROUP, destinations=(STREAM,))])
        del resources[in_.FLOW_LOG]
        found = findings(in_.siem_forwarding, snapshot(resources=resources))
        assert statuses(found) == ["pass", "unknown"]
        assert only(found, "unknown").evidence["sources_unread"] == [in_.FLOW_LOG]

    def test_denied_subscription_filters_is_unknown(self) -> None:
        """A denied DescribeSubscriptionFilters is unknown, naming the operation."""
        resources = sources(trail=[trail(cloudwatch_log_group_arn=TRAIL_GROUP_ARN)])
        snap = snapshot(resources=resources,
                        errors=[failure("logs", "DescribeSubscriptionFilters", [in_.LOG_GROUP])])
        found = findings(in_.siem_forwarding, snap)
        assert statuses(found) == ["unknown"] and "DescribeSubscriptionFilters" in (found[0].reason or "")


def hub(region: str) -> dict[str, Any]:
    return {"id": f"arn:aws:securityhub:{region}:{ACCOUNT}:hub/default", "region": region,
            "subscribed_at": "2026-01-01T00:00:00Z", "auto_enable_controls": True}


def aggregator(mode: str, regions: list[str] | None = None, home: str = "eu-west-1") -> dict[str, Any]:
    return {"id": f"arn:aws:securityhub:{home}:{ACCOUNT}:finding-aggregator/1", "region": home,
            "region_linking_mode": mode, "regions": regions or []}


THREE = ["eu-west-1", "eu-central-1", "us-east-1"]


class TestFindingAggregation:
    def test_all_regions_linked_passes(self) -> None:
        """An ALL_REGIONS aggregator links every hub region."""
        snap = snapshot(resources={in_.HUB: [hub(r) for r in THREE], in_.AGGREGATOR: [aggregator("ALL_REGIONS")]},
                        regions=THREE)
        assert statuses(findings(in_.finding_aggregation, snap)) == ["pass"]

    def test_specified_regions_leave_one_out(self) -> None:
        """SPECIFIED_REGIONS listing one other region links home plus that one: 2 of 3."""
        snap = snapshot(resources={in_.HUB: [hub(r) for r in THREE],
                                   in_.AGGREGATOR: [aggregator("SPECIFIED_REGIONS", ["eu-central-1"])]},
                        regions=THREE)
        found = findings(in_.finding_aggregation, snap)
        assert statuses(found) == ["partial"] and found[0].evidence["noncompliant"] == ["us-east-1"]

    def test_except_mode_excludes_listed(self) -> None:
        """ALL_REGIONS_EXCEPT_SPECIFIED excludes the listed region."""
        snap = snapshot(resources={in_.HUB: [hub(r) for r in THREE],
                                   in_.AGGREGATOR: [aggregator("ALL_REGIONS_EXCEPT_SPECIFIED", ["us-east-1"])]},
                        regions=THREE)
        assert findings(in_.finding_aggregation, snap)[0].evidence["noncompliant"] == ["us-east-1"]

    def test_hubs_without_aggregator_fail_single_hub_passes(self) -> None:
        """Several hub regions without an aggregator fail; a single hub region is already central."""
        several = snapshot(resources={in_.HUB: [hub(r) for r in THREE], in_.AGGREGATOR: []}, regions=THREE)
        single = snapshot(resources={in_.HUB: [hub("eu-west-1")], in_.AGGREGATOR: []}, regions=THREE)
        assert statuses(findings(in_.finding_aggregation, several)) == ["fail"]
        assert statuses(findings(in_.finding_aggregation, single)) == ["pass"]

    def test_no_hub_fails(self) -> None:
        """Security Hub nowhere: findings are gathered nowhere."""
        snap = snapshot(resources={in_.HUB: [], in_.AGGREGATOR: []})
        assert statuses(findings(in_.finding_aggregation, snap)) == ["fail"]

    def test_denied_aggregators_is_unknown(self) -> None:
        """A denied ListFindingAggregators is unknown, naming the operation."""
        snap = snapshot(resources={in_.HUB: [hub("eu-west-1")]},
                        errors=[failure("securityhub", "ListFindingAggregators", [in_.AGGREGATOR])])
        found = findings(in_.finding_aggregation, snap)
        assert statuses(found) == ["unknown"] and "ListFindingAggregators" in (found[0].reason or "")


def rule(region: str, sources_: list[str], *, enabled: bool = True, targets: int = 1) -> dict[str, Any]:
    return {"id": f"arn:aws:events:{region}:{ACCOUNT}:rule/findings", "name": "findings", "region": region,
            "event_bus_name": "default", "state": "ENABLED" if enabled else "DISABLED", "sources": sources_,
            "detail_types": [], "targets": [{"id": str(i), "arn": STREAM} for i in range(targets)]}


class TestFindingsExport:
    def test_rule_in_every_region_passes(self) -> None:
        """A GuardDuty rule with a target in every swept region passes."""
        snap = snapshot(resources={in_.RULE: [rule("eu-west-1", ["aws.guardduty"])], in_.AGGREGATOR: []})
        assert statuses(findings(in_.findings_export, snap)) == ["pass"]

    def test_aggregated_regions_count_through_home_rule(self) -> None:
        """Regions linked to the aggregation region are covered by its Security Hub rule."""
        snap = snapshot(resources={in_.RULE: [rule("eu-west-1", ["aws.securityhub"])],
                                   in_.AGGREGATOR: [aggregator("ALL_REGIONS")]}, regions=THREE)
        found = findings(in_.findings_export, snap)
        assert statuses(found) == ["pass"]
        assert found[0].evidence["via_aggregator"] == ["eu-central-1", "us-east-1"]

    def test_disabled_or_targetless_rules_do_not_count(self) -> None:
        """A disabled rule and a rule without targets export nothing."""
        snap = snapshot(resources={in_.RULE: [rule("eu-west-1", ["aws.guardduty"], enabled=False),
                                              rule("eu-central-1", ["aws.guardduty"], targets=0)],
                                   in_.AGGREGATOR: []}, regions=["eu-west-1", "eu-central-1"])
        assert statuses(findings(in_.findings_export, snap)) == ["fail"]

    def test_aggregation_region_outside_the_sweep_is_unknown_not_failed(self) -> None:
        """Regions aggregated into a region whose rules were not read are unknown, naming that region."""
        snap = snapshot(resources={in_.RULE: [rule("eu-west-1", ["aws.guardduty"])],
                                   in_.AGGREGATOR: [aggregator("ALL_REGIONS", home="us-west-2")]}, regions=THREE)
        found = findings(in_.findings_export, snap)
        assert sorted(statuses(found)) == ["pass", "unknown", "unknown"]
        unknown = [f for f in found if f.status == "unknown"]
        assert sorted(f.region or "" for f in unknown) == ["eu-central-1", "us-east-1"]
        assert all("us-west-2" in (f.reason or "") and "--regions" in (f.reason or "") for f in unknown)
        assert only(found, "pass").evidence["compliant"] == ["eu-west-1"]

    def test_unreadable_aggregators_leave_ruleless_regions_unknown(self) -> None:
        """Without the aggregator, a region with no rule of its own might be covered: unknown, not fail."""
        snap = snapshot(resources={in_.RULE: [rule("eu-west-1", ["aws.guardduty"])]}, regions=THREE,
                        errors=[failure("securityhub", "ListFindingAggregators", [in_.AGGREGATOR])])
        found = findings(in_.findings_export, snap)
        assert sorted(statuses(found)) == ["pass", "unknown", "unknown"]
        assert all("ListFindingAggregators" in (f.reason or "") for f in found if f.status == "unknown")

    def test_region_not_linked_to_an_outside_aggregator_still_fails(self) -> None:
        """An aggregator elsewhere that does not link a region says nothing for it: no rule there is a fail."""
        snap = snapshot(resources={in_.RULE: [], in_.AGGREGATOR: [
            aggregator("SPECIFIED_REGIONS", ["eu-west-1"], home="us-west-2")]},
            regions=["eu-west-1", "eu-central-1"])
        found = findings(in_.findings_export, snap)
        assert sorted(statuses(found)) == ["fail", "unknown"]
        assert only(found, "fail").evidence["noncompliant"] == ["eu-central-1"]

    def test_one_of_two_regions_is_partial_and_unread_region_unknown(self) -> None:
        """One exporting region of two readable is partial; a region whose rules were denied is unknown."""
        snap = snapshot(resources={in_.RULE: [rule("eu-west-1", ["aws.guardduty"])], in_.AGGREGATOR: []},
                        regions=THREE, errors=[failure("events", "ListRules", [in_.RULE], "us-east-1")])
        found = findings(in_.findings_export, snap)
        assert statuses(found) == ["partial", "unknown"]
        assert "ListRules" in (only(found, "unknown").reason or "")
