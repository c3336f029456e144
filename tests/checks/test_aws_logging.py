"""Logging-coverage (LC) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import logging as lc

from tests.checks.aws_records import ACCOUNT, bucket, failure, only, trail, vpc
from tests.factories import findings, snapshot, statuses


def flow_log(vpc_id: str, region: str = "eu-west-1", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"arn:aws:ec2:{region}:{ACCOUNT}:vpc-flow-log/fl-{vpc_id}", "flow_log_id": f"fl-{vpc_id}",
        "region": region, "resource_id": vpc_id, "resource_type": "vpc", "traffic_type": "ALL",
        "status": "ACTIVE", "deliver_logs_status": "SUCCESS", "destination_type": "s3",
        "destination": "arn:aws:s3:::flow-logs",
    }
    data.update(overrides)
    return data

class TestAllRegionsTrail:
    def test_multi_region_trail_with_all_events_passes(self) -> None:
        """A logging multi-region trail recording reads, writes and global events passes."""
        found = findings(lc.all_regions, snapshot(resources={lc.TRAIL: [trail()]}))
        assert statuses(found) == ["pass"]
        assert found[0].evidence["trails"] == [trail()["id"]]

    def test_write_only_trail_is_partial(self) -> None:
        """A multi-region trail that skips read events watches every region but not all activity."""
        found = findings(lc.all_regions, snapshot(resources={lc.TRAIL: [trail(management_events="WriteOnly")]}))
        assert statuses(found) == ["partial"]
        assert found[0].coverage == 0.5
        assert found[0].evidence["missing"] == ["read events"]
        assert found[0].message == "Multi-region trails miss read events"

    def test_two_trails_together_cover_reads_and_writes(self) -> None:
        """A read-only and a write-only multi-region trail together record all management events."""
        trails = [trail(management_events="ReadOnly"), trail(id="arn:x:trail/w", management_events="WriteOnly")]
        assert statuses(findings(lc.all_regions, snapshot(resources={lc.TRAIL: trails}))) == ["pass"]

    def test_single_region_trails_give_region_share(self) -> None:
        """Without a multi-region trail, coverage is the share of swept regions with a regional trail."""
        snap = snapshot(resources={lc.TRAIL: [trail(is_multi_region=False)]},
                        regions=["eu-west-1", "eu-central-1", "us-east-1", "eu-west-2"])
        found = findings(lc.all_regions, snap)
        assert statuses(found) == ["partial"]
        assert found[0].coverage == 0.25
        assert found[0].evidence["regions_uncovered"] == ["eu-central-1", "eu-west-2", "us-east-1"]

    def test_stopped_trail_fails(self) -> None:
        """A trail that is not logging records nothing, so the account fails and the trail is named."""
        found = findings(lc.all_regions, snapshot(resources={lc.TRAIL: [trail(is_logging=False)]}))
        assert statuses(found) == ["fail"]
        assert found[0].evidence["stopped_trails"] == [trail()["id"]]

    def test_denied_describe_trails_is_unknown(self) -> None:
        """An AccessDenied on DescribeTrails gives unknown naming the operation, never fail."""
        snap = snapshot(resources={lc.TRAIL: []},
                        errors=[failure("cloudtrail", "DescribeTrails", [lc.TRAIL], "eu-west-1")])
        found = findings(lc.all_regions, snap)
        assert statuses(found) == ["unknown"]
        assert "DescribeTrails" in (found[0].reason or "")

    def test_uncollected_type_is_unknown(self) -> None:
        """A snapshot without trails at all (not even an empty list) is unknown."""
        found = findings(lc.all_regions, snapshot(resources={}))
        assert statuses(found) == ["unknown"]
        assert "not collected" in (found[0].reason or "")


class TestS3DataEvents:
    SELECT_ALL = {"type": "AWS::S3::Object", "read_write": "All", "arn_prefixes": []}

    def test_all_bucket_selector_covers_sensitive_bucket(self) -> None:
        """A selector for every bucket records the sensitive one."""
        snap = snapshot(resources={lc.TRAIL: [trail(data_events=[self.SELECT_ALL])],
                                   lc.BUCKET: [bucket("hr", tags={"DataClassification": "Confidential"})]})
        assert statuses(findings(lc.s3_data_events, snap)) == ["pass"]

    def test_prefix_selector_covers_only_its_bucket(self) -> None:
        """A selector naming one bucket leaves the other sensitive bucket unrecorded: partial."""
        selector = {"type": "AWS::S3::Object", "read_write": "All", "arn_prefixes": ["arn:aws:s3:::hr/"]}
        snap = snapshot(resources={lc.TRAIL: [trail(data_events=[selector])],
                                   lc.BUCKET: [bucket("hr", tags={"classification": "restricted"}),
                                               bucket("payroll", tags={"classification": "restricted"})]})
        found = findings(lc.s3_data_events, snap)
        assert statuses(found) == ["partial"]
        assert found[0].evidence["noncompliant"] == ["arn:aws:s3:::payroll"]
        assert found[0].evidence["classifications_seen"] == ["restricted"]

    def test_deeper_prefix_does_not_cover_whole_bucket(self) -> None:
        """A selector for one folder of a bucket does not record the rest of it."""
        selector = {"type": "AWS::S3::Object", "read_write": "All", "arn_prefixes": ["arn:aws:s3:::hr/2026/"]}
        snap = snapshot(resources={lc.TRAIL: [trail(data_events=[selector])],
                                   lc.BUCKET: [bucket("hr", tags={"classification": "restricted"})]})
        assert statuses(findings(lc.s3_data_events, snap)) == ["fail"]

    def test_write_only_selector_fails_and_is_named(self) -> None:
        """Recording writes but not reads misses exfiltration; the bucket is listed as write-only."""
        selector = {**self.SELECT_ALL, "read_write": "WriteOnly"}
        snap = snapshot(resources={lc.TRAIL: [trail(data_events=[selector])],
                                   lc.BUCKET: [bucket("hr", tags={"classification": "confidential"})]})
        found = findings(lc.s3_data_events, snap)
        assert statuses(found) == ["fail"]
        assert found[0].evidence["write_events_only"] == ["arn:aws:s3:::hr"]

    def test_selector_on_stopped_trail_does_not_count(self) -> None:
        """Data events configured on a trail that is not logging record nothing."""
        snap = snapshot(resources={lc.TRAIL: [trail(is_logging=False, data_events=[self.SELECT_ALL])],
                                   lc.BUCKET: [bucket("hr", tags={"classification": "confidential"})]})
        assert statuses(findings(lc.s3_data_events, snap)) == ["fail"]

    def test_unclassified_estate_judges_all_but_log_buckets(self) -> None:
        """With no classification tags every bucket is judged except the trail's own log bucket."""
        snap = snapshot(resources={lc.TRAIL: [trail()], lc.BUCKET: [bucket("trail-logs"), bucket("app")]})
        found = findings(lc.s3_data_events, snap)
        assert statuses(found) == ["fail"]
        assert found[0].evidence["noncompliant"] == ["arn:aws:s3:::app"]
        assert "none carries" in found[0].evidence["basis"]

    def test_no_sensitive_bucket_is_not_applicable(self) -> None:
        """When buckets are classified and none is sensitive, there is nothing to judge."""
        snap = snapshot(resources={lc.TRAIL: [trail()], lc.BUCKET: [bucket("web", tags={"classification": "public"})]})
        assert statuses(findings(lc.s3_data_events, snap)) == ["not_applicable"]

    def test_bucket_read_error_is_unknown(self) -> None:
        """Unreadable bucket tags make the set of sensitive buckets unknown."""
        snap = snapshot(resources={lc.TRAIL: [trail()], lc.BUCKET: []},
                        errors=[failure("s3", "GetBucketTagging", [lc.BUCKET])])
        found = findings(lc.s3_data_events, snap)
        assert statuses(found) == ["unknown"]
        assert "GetBucketTagging" in (found[0].reason or "")


class TestVpcFlowLogs:
    def test_every_vpc_logged_passes(self) -> None:
        """Each VPC with an active ALL flow log: pass."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1")], lc.FLOW_LOG: [flow_log("vpc-1")]})
        assert statuses(findings(lc.vpc_flow_logs, snap)) == ["pass"]

    def test_share_of_vpcs_is_the_coverage(self) -> None:
        """Two of three VPCs logged gives partial with coverage 2/3."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1"), vpc("vpc-2"), vpc("vpc-3")],
                                   lc.FLOW_LOG: [flow_log("vpc-1"), flow_log("vpc-2")]})
        found = findings(lc.vpc_flow_logs, snap)
        assert statuses(found) == ["partial"]
        assert found[0].coverage == 2 / 3
        assert found[0].evidence["noncompliant"] == [vpc("vpc-3")["id"]]

    def test_reject_only_and_failed_delivery_do_not_count(self) -> None:
        """A REJECT-only log and a log whose delivery fails leave their VPCs uncovered."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1"), vpc("vpc-2")],
                                   lc.FLOW_LOG: [flow_log("vpc-1", traffic_type="REJECT"),
                                                 flow_log("vpc-2", deliver_logs_status="FAILED")]})
        found = findings(lc.vpc_flow_logs, snap)
        assert statuses(found) == ["fail"]
        assert found[0].evidence["accepted_or_rejected_only"] == [vpc("vpc-1")["id"]]

    def test_no_vpc_is_not_applicable(self) -> None:
        """An account without VPCs has nothing to log."""
        snap = snapshot(resources={lc.VPC: [], lc.FLOW_LOG: []})
        assert statuses(findings(lc.vpc_flow_logs, snap)) == ["not_applicable"]

    def test_failed_region_is_unknown_and_others_judged(self) -> None:
        """A region where DescribeFlowLogs was denied is unknown; the other region is still judged."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1"), vpc("vpc-2", "eu-west-2")],
                                   lc.FLOW_LOG: [flow_log("vpc-1")]},
                        regions=["eu-west-1", "eu-west-2"],
                        errors=[failure("ec2", "DescribeFlowLogs", [lc.FLOW_LOG], "eu-west-2")])
        found = findings(lc.vpc_flow_logs, snap)
        assert statuses(found) == ["pass", "unknown"]
        unknown = only(found, "unknown")
        assert unknown.region == "eu-west-2" and "DescribeFlowLogs" in (unknown.reason or "")


class TestResolverQueryLogging:
    @staticmethod
    def association(vpc_id: str, status: str = "ACTIVE") -> dict[str, Any]:
        return {"id": f"arn:aws:route53resolver:eu-west-1:{ACCOUNT}:resolver-query-log-config-association/"
                      f"rqlca-{vpc_id}", "region": "eu-west-1", "vpc_id": vpc_id, "config_id": "rqlc-1",
                "config_name": "dns", "destination_arn": "arn:aws:s3:::dns-logs", "status": status}

    def test_logged_vpcs_pass(self) -> None:
        """Every VPC with an active association passes."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1")], lc.QUERY_LOG: [self.association("vpc-1")]})
        assert statuses(findings(lc.query_logging, snap)) == ["pass"]

    def test_failed_association_does_not_count(self) -> None:
        """An association in FAILED state logs nothing: one of two VPCs covered is partial."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1"), vpc("vpc-2")],
                                   lc.QUERY_LOG: [self.association("vpc-1"),
                                                  self.association("vpc-2", "FAILED")]})
        found = findings(lc.query_logging, snap)
        assert statuses(found) == ["partial"] and found[0].coverage == 0.5

    def test_no_association_fails(self) -> None:
        """VPCs without any association fail."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1")], lc.QUERY_LOG: []})
        assert statuses(findings(lc.query_logging, snap)) == ["fail"]

    def test_denied_listing_is_unknown(self) -> None:
        """A denied ListResolverQueryLogConfigAssociations without a region makes the check unknown."""
        snap = snapshot(resources={lc.VPC: [vpc("vpc-1")]},
                        errors=[failure("route53resolver", "ListResolverQueryLogConfigAssociations",
                                        [lc.QUERY_LOG])])
        found = findings(lc.query_logging, snap)
        assert statuses(found) == ["unknown"]
        assert "ListResolverQueryLogConfigAssociations" in (found[0].reason or "")


class TestElbAccessLogs:
    @staticmethod
    def lb(name: str, kind: str = "application", logs: bool = True) -> dict[str, Any]:
        return {"id": f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/app/{name}/1",
                "name": name, "region": "eu-west-1", "type": kind, "scheme": "internet-facing",
                "vpc_id": "vpc-1", "access_logs_enabled": logs, "access_logs_bucket": "elb-logs" if logs else None,
                "deletion_protection": False}

    def test_logging_balancers_pass(self) -> None:
        """Application and network balancers with access logs pass."""
        snap = snapshot(resources={lc.LOAD_BALANCER: [self.lb("a"), self.lb("n", "network")]})
        assert statuses(findings(lc.elb_access_logs, snap)) == ["pass"]

    def test_mixed_is_partial_and_fail_when_none(self) -> None:
        """One of two logging is partial; none logging is fail."""
        mixed = snapshot(resources={lc.LOAD_BALANCER: [self.lb("a"), self.lb("b", logs=False)]})
        none = snapshot(resources={lc.LOAD_BALANCER: [self.lb("b", logs=False)]})
        assert statuses(findings(lc.elb_access_logs, mixed)) == ["partial"]
        assert statuses(findings(lc.elb_access_logs, none)) == ["fail"]

    def test_gateway_balancers_are_not_judged(self) -> None:
        """Gateway Load Balancers have no access logs, so an estate of only those is not applicable."""
        snap = snapshot(resources={lc.LOAD_BALANCER: [self.lb("g", "gateway", logs=False)]})
        assert statuses(findings(lc.elb_access_logs, snap)) == ["not_applicable"]

    def test_attribute_error_is_unknown(self) -> None:
        """A denied DescribeLoadBalancerAttributes is unknown with the operation named."""
        snap = snapshot(resources={lc.LOAD_BALANCER: []},
                        errors=[failure("elbv2", "DescribeLoadBalancerAttributes", [lc.LOAD_BALANCER])])
        found = findings(lc.elb_access_logs, snap)
        assert statuses(found) == ["unknown"] and "DescribeLoadBalancerAttributes" in (found[0].reason or "")


class TestConfigRecorder:
    @staticmethod
    def recorder(region: str, recording: bool = True, all_supported: bool = True) -> dict[str, Any]:
        return {"id": f"arn:aws:config:{region}:{ACCOUNT}:configuration-recorder/default", "name": "default",
                "region": region, "recording": recording, "last_status": "SUCCESS",
                "all_supported": all_supported, "include_global_resource_types": region == "eu-west-1",
                "resource_types": [], "role_arn": "arn:aws:iam::111111111111:role/config"}

    def test_every_region_recording_passes(self) -> None:
        """A recording, all-types recorder in each swept region passes and global recording is noted."""
        snap = snapshot(resources={lc.RECORDER: [self.recorder("eu-west-1"), self.recorder("eu-west-2")]},
                        regions=["eu-west-1", "eu-west-2"])
        found = findings(lc.config_all_regions, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["global_resources_recorded"] is True

    def test_stopped_or_narrow_recorders_do_not_count(self) -> None:
        """A stopped recorder and a recorder limited to some types leave their regions uncovered."""
        snap = snapshot(resources={lc.RECORDER: [self.recorder("eu-west-1"),
                                                 self.recorder("eu-west-2", recording=False),
                                                 self.recorder("us-east-1", all_supported=False)]},
                        regions=["eu-west-1", "eu-west-2", "us-east-1"])
        found = findings(lc.config_all_regions, snap)
        assert statuses(found) == ["partial"]
        assert found[0].evidence["noncompliant"] == ["eu-west-2", "us-east-1"]

    def test_no_recorder_fails(self) -> None:
        """A region with no recorder at all fails."""
        snap = snapshot(resources={lc.RECORDER: []})
        assert statuses(findings(lc.config_all_regions, snap)) == ["fail"]

    def test_not_implemented_region_is_unknown(self) -> None:
        """A NotImplemented answer in one region is unknown there, and the readable region is judged."""
        snap = snapshot(resources={lc.RECORDER: [self.recorder("eu-west-1")]}, regions=["eu-west-1", "eu-west-2"],
                        errors=[failure("config", "DescribeConfigurationRecorders", [lc.RECORDER], "eu-west-2",
                                        code="NotImplemented")])
        found = findings(lc.config_all_regions, snap)
        assert statuses(found) == ["pass", "unknown"]
        assert "NotImplemented" in (only(found, "unknown").reason or "")


class TestEksLogs:
    @staticmethod
    def cluster(name: str, logs: list[str]) -> dict[str, Any]:
        return {"id": f"arn:aws:eks:eu-west-1:{ACCOUNT}:cluster/{name}", "name": name, "region": "eu-west-1",
                "version": "1.31", "enabled_log_types": logs}

    def test_audit_and_authenticator_pass(self) -> None:
        """Audit plus authenticator logs are enough to pass."""
        snap = snapshot(resources={lc.EKS: [self.cluster("a", ["audit", "authenticator"])]})
        assert statuses(findings(lc.eks_control_plane_logs, snap)) == ["pass"]

    def test_api_only_fails_and_mixed_is_partial(self) -> None:
        """API logs alone do not show who did what; one good cluster of two is partial."""
        bad = self.cluster("b", ["api"])
        assert statuses(findings(lc.eks_control_plane_logs, snapshot(resources={lc.EKS: [bad]}))) == ["fail"]
        mixed = snapshot(resources={lc.EKS: [bad, self.cluster("a", ["api", "audit", "authenticator"])]})
        assert statuses(findings(lc.eks_control_plane_logs, mixed)) == ["partial"]

    def test_no_cluster_is_not_applicable(self) -> None:
        """No EKS clusters: not applicable."""
        assert statuses(findings(lc.eks_control_plane_logs, snapshot(resources={lc.EKS: []}))) == ["not_applicable"]
