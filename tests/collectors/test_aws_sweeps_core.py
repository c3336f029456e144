"""Core AWS sweeps (CloudTrail, S3, EC2/VPC, GuardDuty, Security Hub, Config, CloudWatch Logs) against a real
moto server: records match what was seeded, match their documented shape, and feed the built-in checks."""

from __future__ import annotations

import json
from typing import Any

from ir_assessor_checks.aws import detection, evidence, integrity, logging

from assessor.checks_api import CheckContext, CheckFunction
from assessor.collectors.aws.collector import AwsScanConfig, collect
from assessor.collectors.aws.services.cloudtrail import _selectors
from assessor.evaluate import run_check_function
from assessor.models import Snapshot
from assessor.resource_types.aws import TYPES
from tests.collectors.conftest import client
from tests.factories import profile

REGIONS = ("eu-west-1", "us-east-1")
ACCOUNT = "123456789012"  # moto's default account
MY_TYPES = (
    "aws.cloudtrail.trail", "aws.s3.bucket", "aws.ec2.vpc", "aws.ec2.flow_log", "aws.ec2.instance",
    "aws.ec2.security_group", "aws.ec2.traffic_mirror_target", "aws.ec2.traffic_mirror_session",
    "aws.guardduty.detector", "aws.securityhub.hub", "aws.securityhub.standard",
    "aws.securityhub.finding_aggregator", "aws.config.recorder", "aws.logs.log_group",
)
# What moto 5.2.5 does not implement, so a run against it always records these failures.
UNIMPLEMENTED_WHEN_HUB_ENABLED = {("securityhub", "GetEnabledStandards"), ("securityhub", "ListFindingAggregators")}


def scan() -> Snapshot:
    """The real collector over the two test regions (one account: the caller's)."""
    snapshots = collect(AwsScanConfig(regions=REGIONS))
    assert len(snapshots) == 1
    return snapshots[0]


def records(snap: Snapshot, type_name: str, region: str | None = None) -> list[dict[str, Any]]:
    items = snap.resources.get(type_name, [])
    return [r for r in items if region is None or r.get("region") == region]


def errors_for(snap: Snapshot, type_name: str) -> list[tuple[str, str, str | None]]:
    return sorted((e.service, e.operation, e.region) for e in snap.errors if type_name in e.resource_types)


def statuses(fn: CheckFunction, snap: Snapshot, **profile_overrides: Any) -> list[str]:
    found = run_check_function(fn, CheckContext(snap, profile(**profile_overrides)))
    return sorted(f.status.value for f in found)


def assert_documented(snap: Snapshot) -> None:
    """Every record of the sweeps under test has exactly the documented fields, and id (and region) set."""
    for type_name in MY_TYPES:
        documented = set(TYPES[type_name]["fields"])
        for record in snap.resources.get(type_name, []):
            assert set(record) == documented, (type_name, set(record) ^ documented)
            assert record["id"], type_name
            assert record["region"] in REGIONS, (type_name, record["region"])
            json.dumps(record)  # plain JSON data, nothing else


# ---------------------------------------------------------------------------------------------- CloudTrail


def _trail_bucket(name: str, region: str = "eu-west-1") -> None:
    s3 = client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})


def test_multi_region_trail_is_reported_once_with_its_settings(moto: str) -> None:
    """A multi-region, validated, KMS-encrypted trail appears once, in its home region, with every setting."""
    _trail_bucket("trail-logs")
    ct = client("cloudtrail", "eu-west-1")
    ct.create_trail(Name="org-main", S3BucketName="trail-logs", S3KeyPrefix="ct", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True, IncludeGlobalServiceEvents=True,
                    KmsKeyId=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/abc",
                    CloudWatchLogsLogGroupArn=f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:ct:*",
                    CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ct")
    ct.start_logging(Name="org-main")
    ct.put_event_selectors(TrailName="org-main", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]},
                          {"Type": "AWS::Lambda::Function",
                           "Values": [f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:x"]}],
    }])

    snap = scan()

    trails = records(snap, "aws.cloudtrail.trail")
    assert [t["name"] for t in trails] == ["org-main"]  # the shadow copy in us-east-1 is folded in
    trail = trails[0]
    assert trail["region"] == "eu-west-1"
    assert trail["id"] == f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/org-main"
    assert (trail["is_multi_region"], trail["is_logging"], trail["log_file_validation"]) == (True, True, True)
    assert trail["include_global_events"] is True and trail["is_organization_trail"] is False
    assert trail["kms_key_id"] == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/abc"
    assert (trail["s3_bucket"], trail["s3_key_prefix"]) == ("trail-logs", "ct")
    assert trail["cloudwatch_log_group_arn"] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:ct:*"
    assert trail["management_events"] == "All"
    assert trail["data_events"] == [
        {"type": "AWS::Lambda::Function", "read_write": "All",
         "arn_prefixes": [f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:x"]},
        {"type": "AWS::S3::Object", "read_write": "All", "arn_prefixes": []},  # 'arn:aws:s3' means every bucket
    ]
    assert errors_for(snap, "aws.cloudtrail.trail") == []
    assert_documented(snap)
    assert statuses(logging.all_regions, snap) == ["pass"]
    assert statuses(integrity.log_file_validation, snap) == ["pass"]
    assert statuses(integrity.trail_kms, snap) == ["pass"]


def test_stopped_trail_is_collected_as_not_logging_and_fails_all_regions(moto: str) -> None:
    """A single-region trail that was never started is reported with is_logging false, and LC-01 fails."""
    _trail_bucket("stopped-logs", "us-east-1")
    client("cloudtrail", "us-east-1").create_trail(Name="stopped", S3BucketName="stopped-logs")

    snap = scan()

    trail = records(snap, "aws.cloudtrail.trail")
    assert [(t["name"], t["region"], t["is_logging"], t["is_multi_region"], t["log_file_validation"])
            for t in trail] == [("stopped", "us-east-1", False, False, False)]
    assert trail[0]["s3_key_prefix"] is None and trail[0]["kms_key_id"] is None
    assert statuses(logging.all_regions, snap) == ["fail"]


def test_single_region_trail_covers_only_its_region(moto: str) -> None:
    """A logging trail in one of two swept regions gives LC-01 a partial result."""
    _trail_bucket("eu-logs")
    ct = client("cloudtrail", "eu-west-1")
    ct.create_trail(Name="eu-only", S3BucketName="eu-logs")
    ct.put_event_selectors(TrailName="eu-only", EventSelectors=[{"ReadWriteType": "All"}])
    ct.start_logging(Name="eu-only")

    snap = scan()

    assert [t["is_logging"] for t in records(snap, "aws.cloudtrail.trail", "eu-west-1")] == [True]
    assert statuses(logging.all_regions, snap) == ["partial"]


def test_advanced_data_selectors_keep_type_direction_and_prefixes() -> None:
    """Advanced selectors map to {type, read_write, arn_prefixes}; narrowed ones are left out, not overstated."""
    management, data = _selectors({"AdvancedEventSelectors": [
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                            {"Field": "readOnly", "Equals": ["false"]},
                            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::evidence/"]}]},
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]}]},
        # Only DeleteObject events: cannot be said as read/write, so it must not count as coverage.
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                            {"Field": "eventName", "Equals": ["DeleteObject"]}]},
        # Everything except one bucket: an exclusion the record cannot carry.
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                            {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::trail-logs/"]}]},
    ]})
    assert management == "All"
    assert data == [
        {"type": "AWS::DynamoDB::Table", "read_write": "All", "arn_prefixes": []},
        {"type": "AWS::S3::Object", "read_write": "WriteOnly", "arn_prefixes": ["arn:aws:s3:::evidence/"]},
    ]


def test_basic_selectors_without_management_events() -> None:
    """A read-only data selector that excludes management events gives management_events null."""
    management, data = _selectors({"EventSelectors": [{
        "ReadWriteType": "ReadOnly", "IncludeManagementEvents": False,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::a/", "arn:aws:s3:::b/logs"]}]}]})
    assert management is None
    assert data == [{"type": "AWS::S3::Object", "read_write": "ReadOnly",
                     "arn_prefixes": ["arn:aws:s3:::a/", "arn:aws:s3:::b/logs"]}]


# ---------------------------------------------------------------------------------------------- S3


def test_bucket_settings_are_read_from_each_bucket(moto: str) -> None:
    """Object Lock with default retention, versioning, tags, access logging and Block Public Access are read;
    a bare bucket in another region reports everything off, with its own region."""
    s3 = client("s3", "eu-west-1")
    s3.create_bucket(Bucket="ir-evidence", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
                     ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket="ir-evidence", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}})
    s3.put_bucket_versioning(Bucket="ir-evidence", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(Bucket="ir-evidence", Tagging={"TagSet": [
        {"Key": "purpose", "Value": "evidence"}, {"Key": "note", "Value": "<b>{{ x }}</b>"}]})
    s3.create_bucket(Bucket="access-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_acl(Bucket="access-logs", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                      GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    s3.put_bucket_logging(Bucket="ir-evidence", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "ev/"}})
    s3.put_public_access_block(Bucket="ir-evidence", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    client("s3", "us-east-1").create_bucket(Bucket="plain-us")

    snap = scan()

    buckets = {b["name"]: b for b in records(snap, "aws.s3.bucket")}
    assert sorted(buckets) == ["access-logs", "ir-evidence", "plain-us"]
    locker = buckets["ir-evidence"]
    assert locker["id"] == "arn:aws:s3:::ir-evidence" and locker["region"] == "eu-west-1"
    assert (locker["object_lock_enabled"], locker["object_lock_mode"], locker["retention_days"]) == (
        True, "COMPLIANCE", 365)
    assert (locker["versioning"], locker["mfa_delete"]) == ("Enabled", False)
    assert locker["tags"] == {"purpose": "evidence", "note": "<b>{{ x }}</b>"}
    assert locker["access_logging_target"] == "access-logs"
    assert locker["public_access_block_all"] is True
    plain = buckets["plain-us"]
    assert plain["region"] == "us-east-1"
    assert (plain["versioning"], plain["object_lock_enabled"], plain["object_lock_mode"],
            plain["retention_days"], plain["access_logging_target"], plain["public_access_block_all"],
            plain["tags"]) == ("Disabled", False, None, None, None, False, {})
    assert errors_for(snap, "aws.s3.bucket") == []
    assert_documented(snap)
    assert statuses(evidence.evidence_locker, snap) == ["pass"]


def test_evidence_bucket_without_lock_fails_the_locker_check(moto: str) -> None:
    """A bucket named for evidence but without Object Lock fails EV-05 and shows versioning suspended."""
    s3 = client("s3", "eu-west-1")
    s3.create_bucket(Bucket="forensic-dumps", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket="forensic-dumps", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="forensic-dumps", VersioningConfiguration={"Status": "Suspended"})

    snap = scan()

    [bucket] = records(snap, "aws.s3.bucket")
    assert (bucket["versioning"], bucket["object_lock_enabled"]) == ("Suspended", False)
    assert statuses(evidence.evidence_locker, snap) == ["fail"]


# ---------------------------------------------------------------------------------------------- EC2 and VPC


def test_flow_logs_on_one_of_two_vpcs(moto: str) -> None:
    """VPCs and flow logs are collected per region; LC-03 credits exactly the VPC with an ALL flow log."""
    ec2 = client("ec2", "eu-west-1")
    logged = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "prod"}]}])["Vpc"]["VpcId"]
    unlogged = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    client("s3", "eu-west-1").create_bucket(Bucket="flow-archive",
                                            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    flow_id = ec2.create_flow_logs(ResourceIds=[logged], ResourceType="VPC", TrafficType="ALL",
                                   LogDestinationType="s3",
                                   LogDestination="arn:aws:s3:::flow-archive")["FlowLogIds"][0]

    snap = scan()

    vpcs = {v["vpc_id"]: v for v in records(snap, "aws.ec2.vpc")}
    assert {logged, unlogged} <= set(vpcs)
    assert vpcs[logged]["name"] == "prod" and vpcs[logged]["tags"] == {"Name": "prod"}
    assert vpcs[logged]["cidr_block"] == "10.1.0.0/16" and vpcs[logged]["is_default"] is False
    assert vpcs[logged]["id"] == f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/{logged}"
    defaults = sorted(v["region"] for v in vpcs.values() if v["is_default"])
    assert defaults == ["eu-west-1", "us-east-1"]  # moto's default VPCs are swept too
    [flow] = records(snap, "aws.ec2.flow_log")
    assert flow == {
        "id": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-flow-log/{flow_id}", "flow_log_id": flow_id,
        "region": "eu-west-1", "resource_id": logged, "resource_type": "vpc", "traffic_type": "ALL",
        "status": "ACTIVE", "deliver_logs_status": "SUCCESS", "destination_type": "s3",
        "destination": "arn:aws:s3:::flow-archive",
    }
    assert_documented(snap)
    found = run_check_function(logging.vpc_flow_logs, CheckContext(snap, profile()))
    assert [f.status.value for f in found] == ["partial"]
    assert found[0].evidence["compliant"] == [vpcs[logged]["id"]]
    assert vpcs[unlogged]["id"] in found[0].evidence["noncompliant"]


def test_flow_logs_on_every_vpc_pass(moto: str) -> None:
    """With an ALL flow log on every VPC of both regions (the defaults included), LC-03 passes; a flow log
    whose delivery fails does not count."""
    client("s3", "us-east-1").create_bucket(Bucket="flows-us")
    us = client("ec2", "us-east-1")
    us.create_flow_logs(ResourceIds=[v["VpcId"] for v in us.describe_vpcs()["Vpcs"]], ResourceType="VPC",
                        TrafficType="ALL", LogDestinationType="s3", LogDestination="arn:aws:s3:::flows-us")
    eu = client("ec2", "eu-west-1")
    eu_vpcs = [v["VpcId"] for v in eu.describe_vpcs()["Vpcs"]]
    # A role that does not exist: moto marks delivery FAILED, as AWS would.
    eu.create_flow_logs(ResourceIds=eu_vpcs, ResourceType="VPC", TrafficType="ALL", LogGroupName="flows",
                        DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/missing")

    snap = scan()

    eu_flow = records(snap, "aws.ec2.flow_log", "eu-west-1")
    assert [(f["destination_type"], f["deliver_logs_status"]) for f in eu_flow] == [("cloud-watch-logs", "FAILED")]
    # The API named only the group; the record carries its ARN, as the log-group records do.
    assert eu_flow[0]["destination"] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:flows"
    found = run_check_function(logging.vpc_flow_logs, CheckContext(snap, profile()))
    assert [f.status.value for f in found] == ["partial"]
    eu.create_flow_logs(ResourceIds=eu_vpcs, ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                        LogDestination="arn:aws:s3:::flows-us")
    assert statuses(logging.vpc_flow_logs, scan()) == ["pass"]


def test_instances_carry_termination_protection_root_volume_and_group(moto: str) -> None:
    """Termination protection comes from DescribeInstanceAttribute, root DeleteOnTermination from the block
    device mappings, the Auto Scaling group from its tag; terminated instances are left out."""
    ec2 = client("ec2", "eu-west-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]
    root = image["RootDeviceName"]
    kept = ec2.run_instances(
        ImageId=image["ImageId"], MinCount=1, MaxCount=1,
        BlockDeviceMappings=[{"DeviceName": root, "Ebs": {"VolumeSize": 8, "DeleteOnTermination": False}}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "db"}]}],
    )["Instances"][0]["InstanceId"]
    scaled = ec2.run_instances(
        ImageId=image["ImageId"], MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "aws:autoscaling:groupName", "Value": "web-asg"}]}],
    )["Instances"][0]["InstanceId"]
    gone = ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[gone])
    ec2.stop_instances(InstanceIds=[kept])
    ec2.modify_instance_attribute(InstanceId=kept, DisableApiTermination={"Value": True})

    snap = scan()

    instances = {i["instance_id"]: i for i in records(snap, "aws.ec2.instance")}
    assert sorted(instances) == sorted([kept, scaled])
    db = instances[kept]
    assert db["id"] == f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/{kept}"
    assert (db["state"], db["termination_protection"], db["root_device_name"],
            db["root_delete_on_termination"], db["autoscaling_group"]) == ("stopped", True, root, False, None)
    assert db["tags"] == {"Name": "db"} and db["vpc_id"]
    web = instances[scaled]
    assert (web["termination_protection"], web["autoscaling_group"], web["root_delete_on_termination"]) == (
        False, "web-asg", True)
    assert_documented(snap)


def test_security_groups_count_rules_for_quarantine(moto: str) -> None:
    """Rule counts let an emptied quarantine group be recognised; CT-01 credits only the VPC that has one."""
    ec2 = client("ec2", "eu-west-1")
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="quarantine", Description="isolate suspects", VpcId=vpc_id)
    ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}],
         "UserIdGroupPairs": [{"GroupId": group["GroupId"]}]}])

    snap = scan()

    groups = {g["group_id"]: g for g in records(snap, "aws.ec2.security_group")}
    quarantine = groups[group["GroupId"]]
    assert (quarantine["name"], quarantine["description"], quarantine["vpc_id"]) == (
        "quarantine", "isolate suspects", vpc_id)
    assert (quarantine["ingress_rule_count"], quarantine["egress_rule_count"]) == (0, 0)
    assert (groups[web]["ingress_rule_count"], groups[web]["egress_rule_count"]) == (3, 1)
    assert quarantine["id"].endswith(f":security-group/{group['GroupId']}")
    assert_documented(snap)
    from ir_assessor_checks.aws import containment

    found = run_check_function(containment.quarantine_security_group, CheckContext(snap, profile()))
    assert [f.status.value for f in found] == ["partial"]
    vpc_arn = next(v["id"] for v in records(snap, "aws.ec2.vpc") if v["vpc_id"] == vpc_id)
    assert found[0].evidence["compliant"] == [vpc_arn]


def test_traffic_mirror_target_and_session(moto: str) -> None:
    """Mirror targets and sessions are collected with their ids and links; EV-04 passes where instances run."""
    ec2 = client("ec2", "eu-west-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]
    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    target = ec2.create_traffic_mirror_target(NetworkInterfaceId=eni, Description="capture box")[
        "TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    mirror_filter = ec2.create_traffic_mirror_filter()["TrafficMirrorFilter"]["TrafficMirrorFilterId"]
    session = ec2.create_traffic_mirror_session(
        NetworkInterfaceId=eni, TrafficMirrorTargetId=target, TrafficMirrorFilterId=mirror_filter,
        SessionNumber=1, Description="suspect")["TrafficMirrorSession"]["TrafficMirrorSessionId"]

    snap = scan()

    [t] = records(snap, "aws.ec2.traffic_mirror_target")
    assert (t["target_id"], t["type"], t["description"], t["region"]) == (
        target, "network-interface", "capture box", "eu-west-1")
    assert t["id"] == f"arn:aws:ec2:eu-west-1:{ACCOUNT}:traffic-mirror-target/{target}"
    [s] = records(snap, "aws.ec2.traffic_mirror_session")
    assert (s["session_id"], s["network_interface_id"], s["target_id"], s["filter_id"], s["description"]) == (
        session, eni, target, mirror_filter, "suspect")
    assert_documented(snap)
    assert statuses(evidence.traffic_mirroring_ready, snap) == ["pass"]


# ---------------------------------------------------------------------------------------------- GuardDuty


def test_guardduty_detector_in_one_region_only(moto: str) -> None:
    """A detector in eu-west-1 only is collected with its features; DT-01 is partial (1 of 2 regions)."""
    detector_id = client("guardduty", "eu-west-1").create_detector(
        Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES",
        Features=[{"Name": "RUNTIME_MONITORING", "Status": "ENABLED"},
                  {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}])["DetectorId"]

    snap = scan()

    [detector] = records(snap, "aws.guardduty.detector")
    assert detector["id"] == f"arn:aws:guardduty:eu-west-1:{ACCOUNT}:detector/{detector_id}"
    assert (detector["region"], detector["status"], detector["finding_publishing_frequency"]) == (
        "eu-west-1", "ENABLED", "FIFTEEN_MINUTES")
    assert detector["features"]["RUNTIME_MONITORING"] == "ENABLED"
    assert detector["features"]["EKS_AUDIT_LOGS"] == "DISABLED"
    assert errors_for(snap, "aws.guardduty.detector") == []
    assert_documented(snap)
    found = run_check_function(detection.guardduty_all_regions, CheckContext(snap, profile()))
    assert [f.status.value for f in found] == ["partial"]
    assert found[0].evidence["noncompliant"] == ["us-east-1"]


def test_guardduty_everywhere_passes_and_disabled_fails(moto: str) -> None:
    """Enabled detectors in both regions pass DT-01; a suspended one counts as not enabled."""
    for region in REGIONS:
        client("guardduty", region).create_detector(Enable=True)
    assert statuses(detection.guardduty_all_regions, scan()) == ["pass"]
    for region in REGIONS:
        gd = client("guardduty", region)
        for detector_id in gd.list_detectors()["DetectorIds"]:
            gd.update_detector(DetectorId=detector_id, Enable=False)
    snap = scan()
    assert {d["status"] for d in records(snap, "aws.guardduty.detector")} == {"DISABLED"}
    assert statuses(detection.guardduty_all_regions, snap) == ["fail"]


# ---------------------------------------------------------------------------------------------- Security Hub


def test_security_hub_not_enabled_is_no_record_and_no_error(moto: str) -> None:
    """DescribeHub's InvalidAccessException means not enabled: nothing collected, nothing failed."""
    snap = scan()

    assert records(snap, "aws.securityhub.hub") == []
    for type_name in ("aws.securityhub.hub", "aws.securityhub.standard", "aws.securityhub.finding_aggregator"):
        assert type_name in snap.resources and errors_for(snap, type_name) == []
    found = run_check_function(detection.securityhub_enabled, CheckContext(snap, profile()))
    assert [f.status.value for f in found] == ["fail"]


def test_security_hub_operations_moto_lacks_are_recorded_errors(moto: str) -> None:
    """With a hub in eu-west-1, the hub is collected; GetEnabledStandards and ListFindingAggregators (not in
    moto) become CollectionErrors naming the operation, the region and the types, and the run finishes."""
    client("securityhub", "eu-west-1").enable_security_hub(EnableDefaultStandards=False)
    client("guardduty", "us-east-1").create_detector(Enable=True)

    snap = scan()

    [hub] = records(snap, "aws.securityhub.hub")
    assert hub["id"] == f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:hub/default"
    assert hub["region"] == "eu-west-1" and hub["auto_enable_controls"] is True and hub["subscribed_at"]
    failed = {(e.service, e.operation): e for e in snap.errors if e.service == "securityhub"}
    assert set(failed) == UNIMPLEMENTED_WHEN_HUB_ENABLED
    standards = failed[("securityhub", "GetEnabledStandards")]
    assert standards.region == "eu-west-1"
    assert standards.resource_types == ["aws.securityhub.standard"]
    assert standards.permission == "securityhub:GetEnabledStandards"
    assert standards.code  # moto's server answers 404 for operations it lacks; AWS would say why
    assert failed[("securityhub", "ListFindingAggregators")].resource_types == [
        "aws.securityhub.finding_aggregator"]
    # The rest of the run is intact: the other region's detector was still read.
    assert [d["region"] for d in records(snap, "aws.guardduty.detector")] == ["us-east-1"]
    assert_documented(snap)
    found = run_check_function(detection.securityhub_enabled, CheckContext(snap, profile()))
    by_region = {f.region: f.status.value for f in found}
    assert by_region["eu-west-1"] == "unknown"  # a hub whose standards could not be read is never a pass
    assert "GetEnabledStandards" in str(next(f.reason for f in found if f.region == "eu-west-1"))


# ---------------------------------------------------------------------------------------------- Config


def test_config_recorder_and_status(moto: str) -> None:
    """A running all-resources recorder in eu-west-1 is collected with its status; LC-07 is partial."""
    cfg = client("config", "eu-west-1")
    _trail_bucket("config-bucket")
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    client("config", "us-east-1").put_configuration_recorder(ConfigurationRecorder={
        "name": "partial", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False,
                           "resourceTypes": ["AWS::EC2::Instance", "AWS::EC2::SecurityGroup"]}})

    snap = scan()

    recorders = {r["region"]: r for r in records(snap, "aws.config.recorder")}
    eu = recorders["eu-west-1"]
    assert eu["id"] == f"arn:aws:config:eu-west-1:{ACCOUNT}:configuration-recorder/default"
    assert (eu["name"], eu["recording"], eu["all_supported"], eu["include_global_resource_types"]) == (
        "default", True, True, True)
    assert eu["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/config" and eu["resource_types"] == []
    us = recorders["us-east-1"]
    assert (us["recording"], us["all_supported"], us["last_status"]) == (False, False, None)
    assert us["resource_types"] == ["AWS::EC2::Instance", "AWS::EC2::SecurityGroup"]
    assert errors_for(snap, "aws.config.recorder") == []
    assert_documented(snap)
    found = run_check_function(logging.config_all_regions, CheckContext(snap, profile()))
    assert [f.status.value for f in found] == ["partial"]
    assert found[0].evidence["compliant"] == ["eu-west-1"]


# ---------------------------------------------------------------------------------------------- CloudWatch Logs


def test_log_groups_with_retention_key_and_subscription_filters(moto: str) -> None:
    """Retention, KMS key and each group's subscription filters are read; LI-04 fails the short group only."""
    logs = client("logs", "eu-west-1")
    logs.create_log_group(logGroupName="/aws/cloudtrail", kmsKeyId=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1")
    logs.put_retention_policy(logGroupName="/aws/cloudtrail", retentionInDays=400)
    logs.create_log_group(logGroupName="/app/short")
    logs.put_retention_policy(logGroupName="/app/short", retentionInDays=30)
    client("logs", "us-east-1").create_log_group(logGroupName="/forever")
    kinesis = client("kinesis", "eu-west-1")
    kinesis.create_stream(StreamName="siem", ShardCount=1)
    stream_arn = kinesis.describe_stream(StreamName="siem")["StreamDescription"]["StreamARN"]
    logs.put_subscription_filter(logGroupName="/aws/cloudtrail", filterName="to-siem", filterPattern="",
                                 destinationArn=stream_arn, roleArn=f"arn:aws:iam::{ACCOUNT}:role/cwl")

    snap = scan()

    groups = {g["name"]: g for g in records(snap, "aws.logs.log_group")}
    assert sorted(groups) == ["/app/short", "/aws/cloudtrail", "/forever"]
    ct = groups["/aws/cloudtrail"]
    assert ct["id"] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/cloudtrail"  # no trailing ':*'
    assert (ct["retention_days"], ct["kms_key_id"]) == (400, f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1")
    assert ct["subscription_filters"] == [{"name": "to-siem", "destination_arn": stream_arn, "filter_pattern": ""}]
    assert groups["/app/short"]["subscription_filters"] == [] and groups["/app/short"]["retention_days"] == 30
    assert groups["/forever"]["region"] == "us-east-1" and groups["/forever"]["retention_days"] is None
    assert errors_for(snap, "aws.logs.log_group") == []
    assert_documented(snap)
    # One DescribeSubscriptionFilters per group: the documented, inherent cost of this sweep.
    calls = {(c.operation, c.region): c.count for c in snap.api_calls if c.service == "logs"}
    assert calls[("DescribeSubscriptionFilters", "eu-west-1")] == 2
    assert calls[("DescribeSubscriptionFilters", "us-east-1")] == 1
    found = run_check_function(integrity.log_retention, CheckContext(snap, profile()))
    assert [f.status.value for f in found] == ["partial"]
    assert found[0].evidence["noncompliant"] == [groups["/app/short"]["id"]]
    assert statuses(integrity.log_retention, snap, required_log_retention_days=30) == ["pass"]


# ---------------------------------------------------------------------------------------------- whole run


def test_every_swept_type_is_present_even_when_empty(moto: str) -> None:
    """In an empty account every type is in the snapshot (empty, not missing) with no error, so checks judge."""
    snap = scan()
    for type_name in MY_TYPES:
        assert type_name in snap.resources, type_name
        assert errors_for(snap, type_name) == [], type_name
    assert records(snap, "aws.cloudtrail.trail") == [] and records(snap, "aws.guardduty.detector") == []
    assert statuses(detection.guardduty_all_regions, snap) == ["fail"]
    assert statuses(logging.all_regions, snap) == ["fail"]


def test_multi_region_trail_homed_outside_the_swept_regions_is_reported_once(moto: str) -> None:
    """A multi-region trail whose home region is not swept is still seen, once, with its home region."""
    from assessor.collectors.aws.collector import AwsScanConfig, collect
    from tests.collectors.conftest import client

    client("s3", "us-west-2").create_bucket(Bucket="far-trail-logs",
                                            CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    trail = client("cloudtrail", "us-west-2").create_trail(Name="far", S3BucketName="far-trail-logs",
                                                           IsMultiRegionTrail=True)
    client("cloudtrail", "us-west-2").start_logging(Name="far")
    (snapshot,) = collect(AwsScanConfig(regions=("eu-west-1", "eu-central-1")))
    trails = [t for t in snapshot.resources["aws.cloudtrail.trail"] if t["id"] == trail["TrailARN"]]
    assert len(trails) == 1
    assert trails[0]["region"] == "us-west-2"
    assert trails[0]["is_multi_region"] is True and trails[0]["is_logging"] is True
