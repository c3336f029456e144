"""Edge, hybrid and archive checks (LC-02 access logs, LC-05 API Gateway and WAF, IN-05, LI-01)."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import more_edge as edge

from tests.checks.aws_records import ACCOUNT, bucket, failure, only, trail
from tests.factories import findings, snapshot, statuses


def stage(name: str, destination: str | None, region: str = "eu-west-1") -> dict[str, Any]:
    return {"id": f"arn:aws:apigateway:{region}::/restapis/a1/stages/{name}", "region": region, "api_id": "a1",
            "api_name": "orders", "api_type": "REST", "stage_name": name, "access_log_destination": destination,
            "tags": {}}


def acl(name: str, destinations: list[str], region: str = "eu-west-1") -> dict[str, Any]:
    return {"id": f"arn:aws:wafv2:{region}:{ACCOUNT}:regional/webacl/{name}/1", "name": name, "region": region,
            "scope": "REGIONAL", "logging_destinations": destinations}


def vpn(vpn_id: str, logs: list[bool | None], region: str = "eu-west-1") -> dict[str, Any]:
    return {"id": f"arn:aws:ec2:{region}:{ACCOUNT}:vpn-connection/{vpn_id}", "vpn_connection_id": vpn_id,
            "region": region, "state": "available", "type": "ipsec.1", "customer_gateway_id": "cgw-1",
            "vpn_gateway_id": "vgw-1", "transit_gateway_id": None, "tags": {},
            "tunnels": [{"outside_ip": f"203.0.113.{i}", "log_enabled": on,
                         "log_group_arn": "arn:aws:logs:eu-west-1:1:log-group:vpn" if on else None}
                        for i, on in enumerate(logs)]}


def logged(name: str, **kw: Any) -> dict[str, Any]:
    return {**bucket(name, **kw), "access_logging_target": "access-logs"}


class TestServerAccessLogging:
    def test_sensitive_buckets_logging_pass(self) -> None:
        """Every bucket tagged confidential writes access logs: pass."""
        snap = snapshot(resources={edge.BUCKET: [logged("hr", tags={"Classification": "Confidential"}),
                                                 bucket("web", tags={"Classification": "Public"})]})
        assert statuses(findings(edge.s3_server_access_logging, snap)) == ["pass"]

    def test_share_of_unclassified_buckets(self) -> None:
        """Without classification tags all buckets but the access-log target are judged, giving a share."""
        snap = snapshot(resources={edge.BUCKET: [logged("a"), bucket("b"), bucket("access-logs")]})
        found = only(findings(edge.s3_server_access_logging, snap), "partial")
        assert found.coverage == 0.5
        assert found.evidence["noncompliant"] == ["arn:aws:s3:::b"]

    def test_no_sensitive_bucket_is_not_applicable(self) -> None:
        """Classified buckets that are all public are not judged."""
        snap = snapshot(resources={edge.BUCKET: [bucket("web", tags={"Classification": "Public"})]})
        assert statuses(findings(edge.s3_server_access_logging, snap)) == ["not_applicable"]

    def test_unreadable_buckets_are_unknown(self) -> None:
        """A failed ListBuckets gives unknown, not fail."""
        snap = snapshot(resources={}, errors=[failure("s3", "ListBuckets", [edge.BUCKET])])
        assert statuses(findings(edge.s3_server_access_logging, snap)) == ["unknown"]


class TestApiGatewayAccessLogs:
    def test_all_stages_logging_pass(self) -> None:
        """Stages with an access-log destination pass."""
        snap = snapshot(resources={edge.STAGE: [stage("prod", "arn:aws:logs:eu-west-1:1:log-group:api")]})
        assert statuses(findings(edge.apigateway_access_logs, snap)) == ["pass"]

    def test_one_of_two_stages_is_partial(self) -> None:
        """One logging and one silent stage give a half share naming the silent stage."""
        snap = snapshot(resources={edge.STAGE: [stage("prod", "arn:x"), stage("dev", None)]})
        found = only(findings(edge.apigateway_access_logs, snap), "partial")
        assert found.coverage == 0.5
        assert found.evidence["noncompliant"] == [stage("dev", None)["id"]]

    def test_no_logging_fails(self) -> None:
        """No stage logs: fail."""
        snap = snapshot(resources={edge.STAGE: [stage("dev", None)]})
        assert statuses(findings(edge.apigateway_access_logs, snap)) == ["fail"]

    def test_no_stage_is_not_applicable(self) -> None:
        """No API at all: not applicable."""
        assert statuses(findings(edge.apigateway_access_logs, snapshot(resources={edge.STAGE: []}))) == [
            "not_applicable"]

    def test_failed_region_is_unknown_while_others_are_judged(self) -> None:
        """A region whose stages could not be read is unknown; the readable region is still judged."""
        snap = snapshot(resources={edge.STAGE: [stage("prod", "arn:x")]}, regions=["eu-west-1", "eu-central-1"],
                        errors=[failure("apigateway", "GetRestApis", [edge.STAGE], "eu-central-1")])
        found = findings(edge.apigateway_access_logs, snap)
        assert statuses(found) == ["pass", "unknown"]
        assert only(found, "unknown").region == "eu-central-1"


class TestWafLogging:
    def test_logged_acl_passes(self) -> None:
        """A web ACL with a logging destination passes."""
        snap = snapshot(resources={edge.WEB_ACL: [acl("main", ["arn:aws:logs:eu-west-1:1:log-group:aws-waf-logs"])]})
        assert statuses(findings(edge.wafv2_logging, snap)) == ["pass"]

    def test_unlogged_acl_fails_and_cloudfront_scope_flagged(self) -> None:
        """An ACL without logging fails; evidence says CloudFront ACLs were not read (no us-east-1)."""
        found = only(findings(edge.wafv2_logging, snapshot(resources={edge.WEB_ACL: [acl("main", [])]})), "fail")
        assert found.evidence["cloudfront_scope_read"] is False

    def test_uncollected_is_unknown(self) -> None:
        """WAF never collected: unknown."""
        assert statuses(findings(edge.wafv2_logging, snapshot(resources={}))) == ["unknown"]


class TestVpnTunnelLogging:
    def test_both_tunnels_logging_pass(self) -> None:
        """A connection logging both tunnels passes."""
        snap = snapshot(resources={edge.VPN: [vpn("vpn-1", [True, True])]})
        assert statuses(findings(edge.vpn_tunnel_logging, snap)) == ["pass"]

    def test_one_tunnel_logging_counts_as_not_logging(self) -> None:
        """A connection logging one tunnel only is noncompliant and named as such."""
        snap = snapshot(resources={edge.VPN: [vpn("vpn-1", [True, False]), vpn("vpn-2", [True, True])]})
        found = only(findings(edge.vpn_tunnel_logging, snap), "partial")
        assert found.evidence["one_tunnel_only"] == [vpn("vpn-1", [])["id"]]

    def test_missing_tunnel_options_are_unknown_not_pass(self) -> None:
        """A connection whose tunnel log options were not returned is unknown, never judged."""
        snap = snapshot(resources={edge.VPN: [vpn("vpn-1", [None, None])]})
        assert statuses(findings(edge.vpn_tunnel_logging, snap)) == ["unknown"]

    def test_no_connection_is_not_applicable(self) -> None:
        """No VPN connection: not applicable."""
        assert statuses(findings(edge.vpn_tunnel_logging, snapshot(resources={edge.VPN: []}))) == [
            "not_applicable"]


class TestCentralArchive:
    def test_trail_bucket_in_other_account_passes(self) -> None:
        """A trail delivering to a bucket this account does not own passes."""
        snap = snapshot(resources={edge.TRAIL: [trail(s3_bucket="org-archive")], edge.BUCKET: [bucket("app")]})
        assert statuses(findings(edge.central_archive, snap)) == ["pass"]

    def test_local_bucket_fails_and_is_named(self) -> None:
        """A trail delivering to the account's own bucket fails, naming the bucket."""
        snap = snapshot(resources={edge.TRAIL: [trail()], edge.BUCKET: [bucket("trail-logs")]})
        found = only(findings(edge.central_archive, snap), "fail")
        assert found.evidence["local_buckets"] == ["trail-logs"]

    def test_unreadable_buckets_make_it_unknown(self) -> None:
        """Without the bucket list, "elsewhere" cannot be concluded: unknown."""
        snap = snapshot(resources={edge.TRAIL: [trail()]}, errors=[failure("s3", "ListBuckets", [edge.BUCKET])])
        assert statuses(findings(edge.central_archive, snap)) == ["unknown"]

    def test_no_logging_trail_is_not_applicable(self) -> None:
        """Only stopped trails: not applicable here (LC-01 judges it)."""
        snap = snapshot(resources={edge.TRAIL: [trail(is_logging=False)], edge.BUCKET: []})
        assert statuses(findings(edge.central_archive, snap)) == ["not_applicable"]
