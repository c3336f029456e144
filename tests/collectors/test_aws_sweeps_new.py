"""Sweeps for VPN connections, API Gateway stages, WAFv2 ACLs, Network Firewall and Lambda, against moto."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from assessor.collectors.aws.collector import AwsScanConfig, collect
from assessor.models import Snapshot
from tests.collectors.conftest import client

REGION = "eu-west-1"


def scan(regions: tuple[str, ...] = (REGION,)) -> Snapshot:
    (snap,) = collect(AwsScanConfig(regions=regions))
    return snap


def errors_for(snap: Snapshot, type_name: str) -> list[Any]:
    return [e for e in snap.errors if type_name in e.resource_types]


class TestVpn:
    TYPE = "aws.ec2.vpn_connection"

    def test_connection_is_recorded_with_account_arn(self, moto: str) -> None:
        """A VPN connection becomes one record whose ARN carries the region and the caller's account."""
        ec2 = client("ec2")
        cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000)
        vgw = ec2.create_vpn_gateway(Type="ipsec.1")
        conn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw["CustomerGateway"]["CustomerGatewayId"],
                                         VpnGatewayId=vgw["VpnGateway"]["VpnGatewayId"])["VpnConnection"]
        snap = scan()
        (record,) = snap.resources[self.TYPE]
        assert record["id"] == f"arn:aws:ec2:{REGION}:{snap.account_id}:vpn-connection/{conn['VpnConnectionId']}"
        assert record["customer_gateway_id"] == cgw["CustomerGateway"]["CustomerGatewayId"]
        assert record["region"] == REGION
        assert not errors_for(snap, self.TYPE)

    def test_no_connection_means_empty_list_and_no_identity_call(self, moto: str) -> None:
        """Without VPN connections the type is an empty list and the account id is never asked for."""
        snap = scan()
        assert snap.resources[self.TYPE] == []
        assert not [c for c in snap.api_calls if c.service == "sts" and c.operation == "GetCallerIdentity"
                    and c.region == REGION]


class TestApiGateway:
    TYPE = "aws.apigateway.stage"

    def test_rest_stage_access_log_destination_is_read(self, moto: str) -> None:
        """A REST stage with access-log settings records the destination; one without records null."""
        apigw = client("apigateway")
        api = apigw.create_rest_api(name="orders <b>api</b>")
        root = apigw.get_resources(restApiId=api["id"])["items"][0]["id"]
        apigw.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
        deployment = apigw.create_deployment(restApiId=api["id"])["id"]
        apigw.create_stage(restApiId=api["id"], stageName="prod", deploymentId=deployment)
        apigw.create_stage(restApiId=api["id"], stageName="dev", deploymentId=deployment)
        destination = f"arn:aws:logs:{REGION}:123456789012:log-group:api-access"
        apigw.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": destination},
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"}])
        snap = scan()
        stages = {s["stage_name"]: s for s in snap.resources[self.TYPE]}
        assert stages["prod"]["access_log_destination"] == destination
        assert stages["dev"]["access_log_destination"] is None
        assert stages["prod"]["id"] == f"arn:aws:apigateway:{REGION}::/restapis/{api['id']}/stages/prod"
        assert stages["prod"]["api_name"] == "orders <b>api</b>"

    def test_http_api_stage_is_recorded(self, moto: str) -> None:
        """An HTTP API stage appears with api_type HTTP and its access-log destination."""
        v2 = client("apigatewayv2")
        api = v2.create_api(Name="http", ProtocolType="HTTP")
        v2.create_stage(ApiId=api["ApiId"], StageName="live", AccessLogSettings={
            "DestinationArn": "arn:aws:logs:eu-west-1:123456789012:log-group:http", "Format": "$context.requestId"})
        (stage,) = scan().resources[self.TYPE]
        assert stage["api_type"] == "HTTP"
        assert stage["access_log_destination"] == "arn:aws:logs:eu-west-1:123456789012:log-group:http"


class TestWafv2:
    TYPE = "aws.wafv2.web_acl"

    def _acl(self, name: str, region: str = REGION, scope: str = "REGIONAL") -> str:
        acl = client("wafv2", region).create_web_acl(
            Name=name, Scope=scope, DefaultAction={"Allow": {}},
            VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
                              "MetricName": name})
        return str(acl["Summary"]["ARN"])

    def test_logging_destinations_are_joined_to_acls(self, moto: str) -> None:
        """An ACL with a logging configuration lists its destination; one without lists none."""
        logged, silent = self._acl("logged"), self._acl("silent")
        destination = f"arn:aws:logs:{REGION}:123456789012:log-group:aws-waf-logs-main"
        client("wafv2").put_logging_configuration(
            LoggingConfiguration={"ResourceArn": logged, "LogDestinationConfigs": [destination]})
        acls = {a["id"]: a for a in scan().resources[self.TYPE]}
        assert acls[logged]["logging_destinations"] == [destination]
        assert acls[silent]["logging_destinations"] == []
        assert acls[logged]["scope"] == "REGIONAL"

    def test_cloudfront_acls_are_read_only_from_us_east_1(self, moto: str) -> None:
        """A CloudFront-scope ACL appears in the us-east-1 sweep with scope CLOUDFRONT."""
        arn = self._acl("edge", "us-east-1", "CLOUDFRONT")
        found = scan(("us-east-1", REGION)).resources[self.TYPE]
        assert [(a["id"], a["scope"], a["region"]) for a in found] == [(arn, "CLOUDFRONT", "us-east-1")]


class TestNetworkFirewall:
    TYPE = "aws.networkfirewall.firewall"

    def test_firewall_with_alert_logging(self, moto: str) -> None:
        """A firewall is recorded with its VPC, policy and the log types it delivers."""
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
        nfw = client("network-firewall")
        fw = nfw.create_firewall(FirewallName="inspect", VpcId=vpc, SubnetMappings=[{"SubnetId": subnet}],
                                 FirewallPolicyArn=f"arn:aws:network-firewall:{REGION}:123456789012:"
                                 "firewall-policy/p")["Firewall"]
        nfw.update_logging_configuration(FirewallArn=fw["FirewallArn"], LoggingConfiguration={
            "LogDestinationConfigs": [{"LogType": "ALERT", "LogDestinationType": "CloudWatchLogs",
                                       "LogDestination": {"logGroup": "nfw-alerts"}}]})
        (record,) = scan().resources[self.TYPE]
        assert record["id"] == fw["FirewallArn"]
        assert record["vpc_id"] == vpc
        assert record["log_types"] == ["ALERT"]


class TestLambda:
    TYPE = "aws.lambda.function"

    def test_function_default_log_group(self, moto: str) -> None:
        """A function without LoggingConfig writes to /aws/lambda/<name>."""
        role = client("iam", "us-east-1").create_role(
            RoleName="fn", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')["Role"]["Arn"]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
        client("lambda").create_function(FunctionName="worker", Runtime="python3.12", Role=role,
                                         Handler="index.handler", Code={"ZipFile": buffer.getvalue()})
        (record,) = scan().resources[self.TYPE]
        assert record["log_group"] == "/aws/lambda/worker"
        assert record["runtime"] == "python3.12"
        assert record["id"].endswith(":function:worker")


def test_every_new_type_is_collected_when_empty(moto: str) -> None:
    """An empty account still yields every new type as an (empty) list with no error recorded."""
    snap = scan(("eu-west-1",))
    for type_name in (TestVpn.TYPE, TestApiGateway.TYPE, TestWafv2.TYPE, TestNetworkFirewall.TYPE,
                      TestLambda.TYPE):
        assert snap.resources[type_name] == []
        assert not errors_for(snap, type_name), type_name
