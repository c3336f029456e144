"""Response-readiness checks: automated response (CT-05), Network Firewall (CT-06), Health (SR-06), legal hold."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import more_response as rsp

from tests.checks.aws_records import ACCOUNT, bucket, failure, only, vpc
from tests.factories import findings, snapshot, statuses

LAMBDA = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:isolate"
SNS = f"arn:aws:sns:eu-west-1:{ACCOUNT}:soc"


def rule(name: str, sources: list[str], targets: list[str], region: str = "eu-west-1",
         state: str = "ENABLED") -> dict[str, Any]:
    return {"id": f"arn:aws:events:{region}:{ACCOUNT}:rule/{name}", "name": name, "region": region,
            "event_bus_name": "default", "state": state, "sources": sources, "detail_types": [],
            "targets": [{"id": str(i), "arn": t} for i, t in enumerate(targets)]}


def firewall(region: str = "eu-west-1", log_types: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"arn:aws:network-firewall:{region}:{ACCOUNT}:firewall/fw", "name": "fw", "region": region,
            "vpc_id": "vpc-insp", "policy_arn": "arn:p", "status": "READY", "delete_protection": True,
            "log_types": ["ALERT"] if log_types is None else log_types}


TWO = ["eu-west-1", "eu-central-1"]


class TestAutomatedResponse:
    def test_lambda_target_on_guardduty_passes(self) -> None:
        """A GuardDuty rule starting a Lambda function covers its region."""
        snap = snapshot(resources={rsp.RULE: [rule("gd", ["aws.guardduty"], [LAMBDA])], rsp.AGGREGATOR: []})
        assert statuses(findings(rsp.automated_response, snap)) == ["pass"]

    def test_notification_only_rule_does_not_count(self) -> None:
        """A rule that only notifies an SNS topic fails here and is listed as notification-only."""
        snap = snapshot(resources={rsp.RULE: [rule("gd", ["aws.guardduty"], [SNS])], rsp.AGGREGATOR: []})
        found = only(findings(rsp.automated_response, snap), "fail")
        assert found.evidence["notification_only_rules"] == [rule("gd", [], [])["id"]]

    def test_aggregated_region_is_covered(self) -> None:
        """A region linked to an aggregator whose region automates Security Hub findings is covered."""
        aggregator = {"id": "arn:agg", "region": "eu-west-1", "region_linking_mode": "ALL_REGIONS", "regions": []}
        snap = snapshot(regions=TWO, resources={rsp.RULE: [rule("sh", ["aws.securityhub"], [LAMBDA])],
                                               rsp.AGGREGATOR: [aggregator]})
        found = only(findings(rsp.automated_response, snap), "pass")
        assert found.evidence["via_aggregator"] == ["eu-central-1"]

    def test_disabled_rule_in_one_of_two_regions_is_partial(self) -> None:
        """One region automating and one with a disabled rule give half coverage."""
        rules = [rule("a", ["aws.guardduty"], [LAMBDA]),
                 rule("b", ["aws.guardduty"], [LAMBDA], region="eu-central-1", state="DISABLED")]
        snap = snapshot(regions=TWO, resources={rsp.RULE: rules, rsp.AGGREGATOR: []})
        found = only(findings(rsp.automated_response, snap), "partial")
        assert found.coverage == 0.5

    def test_region_aggregated_outside_the_sweep_is_unknown(self) -> None:
        """A region linked to an aggregator whose home region was not swept is unknown, naming that region."""
        aggregator = {"id": "arn:agg", "region": "ap-south-1", "region_linking_mode": "ALL_REGIONS", "regions": []}
        snap = snapshot(regions=TWO, resources={rsp.RULE: [rule("gd", ["aws.guardduty"], [LAMBDA])],
                                               rsp.AGGREGATOR: [aggregator]})
        found = findings(rsp.automated_response, snap)
        assert sorted(statuses(found)) == ["pass", "unknown"]
        assert "ap-south-1" in (only(found, "unknown").reason or "")

    def test_unreadable_rules_are_unknown(self) -> None:
        """ListRules denied in the only region: unknown."""
        snap = snapshot(resources={rsp.RULE: []}, errors=[failure("events", "ListRules", [rsp.RULE], "eu-west-1")])
        assert statuses(findings(rsp.automated_response, snap)) == ["unknown"]


class TestEastWestInspection:
    def test_firewall_in_workload_region_passes(self) -> None:
        """A region with a workload VPC and a Network Firewall passes."""
        snap = snapshot(resources={rsp.VPC: [vpc("vpc-1")], rsp.FIREWALL: [firewall()]})
        assert statuses(findings(rsp.east_west_inspection, snap)) == ["pass"]

    def test_region_without_firewall_gives_share_and_silent_firewall_named(self) -> None:
        """Two workload regions, one firewall without ALERT logs: partial, the firewall is named."""
        snap = snapshot(regions=TWO, resources={rsp.VPC: [vpc("vpc-1"), vpc("vpc-2", "eu-central-1")],
                                               rsp.FIREWALL: [firewall(log_types=["FLOW"])]})
        found = only(findings(rsp.east_west_inspection, snap), "partial")
        assert found.evidence["noncompliant"] == ["eu-central-1"]
        assert found.evidence["firewalls_without_alert_logs"] == [firewall()["id"]]

    def test_only_default_vpcs_is_not_applicable(self) -> None:
        """Default VPCs alone are not workload networks: not applicable."""
        snap = snapshot(resources={rsp.VPC: [{**vpc("vpc-d"), "is_default": True}], rsp.FIREWALL: []})
        assert statuses(findings(rsp.east_west_inspection, snap)) == ["not_applicable"]

    def test_firewall_type_uncollected_is_unknown(self) -> None:
        """Firewalls never collected: unknown, not fail."""
        snap = snapshot(resources={rsp.VPC: [vpc("vpc-1")]})
        assert statuses(findings(rsp.east_west_inspection, snap)) == ["unknown"]


class TestHealthNotifications:
    def test_every_region_forwarding_passes(self) -> None:
        """A health rule with a target in each swept region passes."""
        snap = snapshot(resources={rsp.RULE: [rule("h", ["aws.health"], [SNS])]})
        found = only(findings(rsp.health_notifications, snap), "pass")
        assert found.evidence["global_region_swept"] is False

    def test_rule_without_target_fails(self) -> None:
        """A health rule that sends nowhere fails."""
        snap = snapshot(resources={rsp.RULE: [rule("h", ["aws.health"], [])]})
        assert statuses(findings(rsp.health_notifications, snap)) == ["fail"]

    def test_us_east_1_only_is_partial_with_global_covered(self) -> None:
        """Forwarding only in us-east-1 of two regions is partial and marks global notices covered."""
        snap = snapshot(regions=["us-east-1", "eu-west-1"],
                        resources={rsp.RULE: [rule("h", ["aws.health"], [SNS], region="us-east-1")]})
        found = only(findings(rsp.health_notifications, snap), "partial")
        assert found.evidence["global_region_covered"] is True


class TestLegalHold:
    def test_object_lock_bucket_passes(self) -> None:
        """A bucket with Object Lock enabled can take a legal hold: pass."""
        snap = snapshot(resources={rsp.BUCKET: [bucket("evidence", lock="COMPLIANCE"), bucket("app")],
                                   rsp.VAULT: []})
        found = only(findings(rsp.legal_hold_ready, snap), "pass")
        assert found.evidence["object_lock_buckets"] == ["arn:aws:s3:::evidence"]

    def test_locked_vault_only_is_partial(self) -> None:
        """Only a locked backup vault: partial."""
        snap = snapshot(resources={rsp.BUCKET: [bucket("app")], rsp.VAULT: [{"id": "arn:v", "locked": True}]})
        assert statuses(findings(rsp.legal_hold_ready, snap)) == ["partial"]

    def test_nothing_lockable_fails(self) -> None:
        """No Object Lock bucket and no locked vault: fail."""
        snap = snapshot(resources={rsp.BUCKET: [bucket("app")], rsp.VAULT: [{"id": "arn:v", "locked": False}]})
        assert statuses(findings(rsp.legal_hold_ready, snap)) == ["fail"]

    def test_unread_vaults_without_lockable_bucket_is_unknown(self) -> None:
        """No lockable bucket and vaults unreadable: unknown, because a vault could still earn credit."""
        snap = snapshot(resources={rsp.BUCKET: [bucket("app")]})
        assert statuses(findings(rsp.legal_hold_ready, snap)) == ["unknown"]
