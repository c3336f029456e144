"""Sweeps for ELBv2, Auto Scaling, Backup, EKS, Resolver, KMS, Organizations, Account, EventBridge and IAM,
run through the real `collect()` against a real moto server, and the built-in checks over what they collected."""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from ir_assessor_checks.aws import elasticity, logging, residency, support

from assessor.catalogue import load_catalogue
from assessor.checks_api import CheckContext, CheckFunction
from assessor.collectors.aws.collector import AwsScanConfig, collect
from assessor.collectors.aws.services.iam import parse_trust_policy
from assessor.collectors.aws.services.organizations import region_allowlist
from assessor.evaluate import run_check_function
from assessor.models import Finding, Snapshot, Status
from assessor.resource_types.aws import TYPES
from tests.collectors.conftest import FAKE_CREDENTIALS, client
from tests.factories import profile

REGIONS = ("eu-west-1", "us-east-1")
HOME = "eu-west-1"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
MINE = (
    "aws.elbv2.load_balancer", "aws.autoscaling.group", "aws.backup.vault", "aws.eks.cluster",
    "aws.route53resolver.query_log_association", "aws.kms.key", "aws.organizations.account",
    "aws.organizations.policy", "aws.account.alternate_contact", "aws.events.rule", "aws.iam.role",
)
GLOBAL_TYPES = ("aws.organizations.account", "aws.organizations.policy", "aws.account.alternate_contact",
                "aws.iam.role")
REGION_SCP = {"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyOutsideEU", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}
IR_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole",
    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
EC2_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


@dataclass
class Seeded:
    """What was put into moto, to compare with what the collector read back."""

    snapshot: Snapshot
    ids: dict[str, str]


# ---------------------------------------------------------------------------------------------------- seeding


def _seed_edge() -> dict[str, str]:
    ec2 = client("ec2", HOME)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    elb = client("elbv2", HOME)
    logged = elb.create_load_balancer(Name="logged", Subnets=subnets, Scheme="internet-facing")
    logged_arn = logged["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(LoadBalancerArn=logged_arn, Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "elb-logs"}])
    silent = elb.create_load_balancer(Name="silent", Subnets=subnets, Scheme="internal")
    silent_arn = silent["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(LoadBalancerArn=silent_arn, Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "true"}])

    scaling = client("autoscaling", HOME)
    scaling.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12c6146b",
                                        InstanceType="t2.micro")
    for name in ("hooked", "bare"):
        scaling.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName="lc", MinSize=1,
                                          MaxSize=3, DesiredCapacity=1, VPCZoneIdentifier=subnets[0])
    scaling.put_lifecycle_hook(LifecycleHookName="snapshot-first", AutoScalingGroupName="hooked",
                               LifecycleTransition=TERMINATING, HeartbeatTimeout=900, DefaultResult="CONTINUE")
    groups = {g["AutoScalingGroupName"]: g["AutoScalingGroupARN"]
              for g in scaling.describe_auto_scaling_groups()["AutoScalingGroups"]}
    return {"alb_logged": logged_arn, "alb_silent": silent_arn, "asg_hooked": groups["hooked"],
            "asg_bare": groups["bare"], "subnet": subnets[0]}


def _seed_data(subnet: str) -> dict[str, str]:
    backup = client("backup", HOME)
    locked = backup.create_backup_vault(BackupVaultName="locked")["BackupVaultArn"]
    backup.put_backup_vault_lock_configuration(BackupVaultName="locked", MinRetentionDays=30, MaxRetentionDays=400,
                                               ChangeableForDays=3)
    open_vault = backup.create_backup_vault(BackupVaultName="open")["BackupVaultArn"]

    eks = client("eks", HOME)
    role = "arn:aws:iam::123456789012:role/eks"
    audited = eks.create_cluster(name="audited", roleArn=role, resourcesVpcConfig={"subnetIds": [subnet]},
                                 logging={"clusterLogging": [
                                     {"types": ["api", "audit", "authenticator"], "enabled": True},
                                     {"types": ["scheduler"], "enabled": False}]})["cluster"]["arn"]
    quiet = eks.create_cluster(name="quiet", roleArn=role, resourcesVpcConfig={"subnetIds": [subnet]})["cluster"]["arn"]

    vpc = client("ec2", HOME).describe_vpcs()["Vpcs"][0]["VpcId"]
    resolver = client("route53resolver", HOME)
    config = resolver.create_resolver_query_log_config(
        Name="dns-to-archive", DestinationArn="arn:aws:logs:eu-west-1:123456789012:log-group:dns",
        CreatorRequestId="seed")["ResolverQueryLogConfig"]
    association = resolver.associate_resolver_query_log_config(
        ResolverQueryLogConfigId=config["Id"], ResourceId=vpc)["ResolverQueryLogConfigAssociation"]

    kms = client("kms", HOME)
    rotated = kms.create_key(Description="log key")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotated["KeyId"])
    kms.create_alias(AliasName="alias/cloudtrail", TargetKeyId=rotated["KeyId"])
    static = kms.create_key(Description="not rotated")["KeyMetadata"]
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]

    events = client("events", HOME)
    events.put_rule(Name="findings-to-siem", EventPattern=json.dumps(
        {"source": ["aws.guardduty", "aws.securityhub"], "detail-type": ["GuardDuty Finding"]}))
    events.put_targets(Rule="findings-to-siem", Targets=[
        {"Id": "siem", "Arn": "arn:aws:sns:eu-west-1:123456789012:siem"}])
    events.create_event_bus(Name="ops")
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)", EventBusName="default", State="DISABLED")
    return {"vault_locked": locked, "vault_open": open_vault, "eks_audited": audited, "eks_quiet": quiet,
            "vpc": vpc, "qlc": config["Id"], "qla": association["Id"], "key_rotated": rotated["Arn"],
            "key_static": static["Arn"], "key_signing": signing["Arn"]}


def _seed_global() -> dict[str, str]:
    org = client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    prod = org.create_organizational_unit(ParentId=root, Name="Prod")["OrganizationalUnit"]["Id"]
    member = org.create_account(AccountName="app", Email="app@example.com")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=prod)
    scp = org.create_policy(Content=json.dumps(REGION_SCP), Description="EU only", Name="eu-only",
                            Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=scp["Id"], TargetId=root)

    client("account", "us-east-1").put_alternate_contact(
        AlternateContactType="SECURITY", EmailAddress="soc@example.com", Name="SOC", PhoneNumber="+3210000000",
        Title="Security operations")

    iam = client("iam", "us-east-1")
    support_policy = iam.create_policy(PolicyName="AWSSupportAccess", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "support:*", "Resource": "*"}]}))
    ir = iam.create_role(RoleName="incident-responder", Path="/security/", Description="Break-glass for IR",
                         AssumeRolePolicyDocument=json.dumps(IR_TRUST),
                         Tags=[{"Key": "team", "Value": "<b>{{ soc }}</b>"}])["Role"]["Arn"]
    iam.attach_role_policy(RoleName="incident-responder", PolicyArn=support_policy["Policy"]["Arn"])
    app = iam.create_role(RoleName="app-instance", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))["Role"]["Arn"]
    return {"root": root, "prod": prod, "member": member, "scp": scp["Arn"], "role_ir": ir, "role_app": app,
            "support_policy": support_policy["Policy"]["Arn"]}


@pytest.fixture(scope="module")
def seeded(moto_endpoint: str) -> Iterator[Seeded]:
    """One seeded account collected once: the sweeps are read-only, so every test can read the same snapshot."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            patch.delenv(key, raising=False)
        for key, value in {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": moto_endpoint,
                           "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}.items():
            patch.setenv(key, value)
        ids = _seed_edge()
        ids |= _seed_data(ids["subnet"])
        ids |= _seed_global()
        [snapshot] = collect(AwsScanConfig(regions=REGIONS))
        yield Seeded(snapshot, ids)


def _by_id(snapshot: Snapshot, type_name: str) -> dict[str, dict[str, Any]]:
    return {str(r["id"]): r for r in snapshot.resources[type_name]}


def _my_errors(snapshot: Snapshot) -> list[str]:
    return [f"{e.service}:{e.operation} {e.region} {e.code}" for e in snapshot.errors
            if set(e.resource_types) & set(MINE)]


def _run(fn: CheckFunction, snapshot: Snapshot) -> list[Finding]:
    jurisdictions = {k.lower(): v for k, v in load_catalogue().jurisdictions["aws"].items()}
    return run_check_function(fn, CheckContext(snapshot, profile(allowed_jurisdictions=["EU"]), jurisdictions))


# ---------------------------------------------------------------------------------------------------- shape


def test_no_errors_for_these_sweeps_on_a_seeded_account(seeded: Seeded) -> None:
    """Every operation these sweeps call is answered by moto, so none of their types is left unknown."""
    assert _my_errors(seeded.snapshot) == []


@pytest.mark.parametrize("type_name", MINE)
def test_records_have_exactly_the_documented_fields(seeded: Seeded, type_name: str) -> None:
    """Each record carries every documented field of its type and nothing else."""
    records = seeded.snapshot.resources[type_name]
    assert records, f"nothing seeded for {type_name}"
    documented = set(TYPES[type_name]["fields"])
    for record in records:
        assert set(record) == documented, record
        assert record["id"]


def test_regional_records_name_their_region_and_global_ones_none(seeded: Seeded) -> None:
    """Regional types are read in each swept region (everything was seeded in eu-west-1); global ones have no region."""
    for type_name in MINE:
        for record in seeded.snapshot.resources[type_name]:
            if type_name in GLOBAL_TYPES:
                assert "region" not in record
            else:
                assert record["region"] == HOME, (type_name, record["id"])


def test_global_sweeps_run_once(seeded: Seeded) -> None:
    """IAM, Organizations and Account are read once per account, not once per region."""
    calls = {(c.service, c.operation): c for c in seeded.snapshot.api_calls}
    assert calls[("iam", "GetAccountAuthorizationDetails")].count == 1
    assert calls[("iam", "GetAccountAuthorizationDetails")].region is None
    assert calls[("account", "GetAlternateContact")].count == 1
    assert calls[("organizations", "DescribeOrganization")].count == 1


# ---------------------------------------------------------------------------------------------------- content


def test_load_balancers_carry_access_log_and_deletion_settings(seeded: Seeded) -> None:
    """The ALB with access logs on names its bucket; the other has logs off and deletion protection on."""
    lbs = _by_id(seeded.snapshot, "aws.elbv2.load_balancer")
    logged, silent = lbs[seeded.ids["alb_logged"]], lbs[seeded.ids["alb_silent"]]
    assert (logged["name"], logged["type"], logged["scheme"]) == ("logged", "application", "internet-facing")
    assert (logged["access_logs_enabled"], logged["access_logs_bucket"]) == (True, "elb-logs")
    assert logged["deletion_protection"] is False
    assert (silent["access_logs_enabled"], silent["access_logs_bucket"], silent["deletion_protection"]) == (
        False, None, True)
    assert silent["vpc_id"].startswith("vpc-")


def test_autoscaling_groups_carry_their_lifecycle_hooks(seeded: Seeded) -> None:
    """The hooked group shows its terminating hook with timeout and default; the bare group has none."""
    groups = _by_id(seeded.snapshot, "aws.autoscaling.group")
    hooked, bare = groups[seeded.ids["asg_hooked"]], groups[seeded.ids["asg_bare"]]
    assert hooked["lifecycle_hooks"] == [{"name": "snapshot-first", "transition": TERMINATING,
                                          "default_result": "CONTINUE", "heartbeat_timeout": 900}]
    assert bare["lifecycle_hooks"] == []
    assert (hooked["min_size"], hooked["max_size"], hooked["desired_capacity"]) == (1, 3, 1)
    assert len(hooked["instance_ids"]) == 1 and hooked["instance_ids"][0].startswith("i-")


def test_backup_vaults_carry_vault_lock(seeded: Seeded) -> None:
    """A compliance-mode lock shows its lock date and retention bounds; an unlocked vault shows nulls."""
    vaults = _by_id(seeded.snapshot, "aws.backup.vault")
    locked, open_vault = vaults[seeded.ids["vault_locked"]], vaults[seeded.ids["vault_open"]]
    assert locked["locked"] is True
    assert (locked["min_retention_days"], locked["max_retention_days"]) == (30, 400)
    assert isinstance(locked["lock_date"], str) and locked["lock_date"][:2] == "20"
    assert (open_vault["locked"], open_vault["lock_date"], open_vault["min_retention_days"]) == (False, None, None)
    assert open_vault["recovery_points"] == 0


def test_eks_clusters_list_enabled_log_types_only(seeded: Seeded) -> None:
    """Only log types switched on are listed; a cluster created without logging lists none."""
    clusters = _by_id(seeded.snapshot, "aws.eks.cluster")
    assert clusters[seeded.ids["eks_audited"]]["enabled_log_types"] == ["api", "audit", "authenticator"]
    assert clusters[seeded.ids["eks_quiet"]]["enabled_log_types"] == []
    assert clusters[seeded.ids["eks_quiet"]]["version"]


def test_query_log_association_is_joined_with_its_configuration(seeded: Seeded) -> None:
    """The association names its VPC, and the configuration's name and destination are filled in."""
    [association] = seeded.snapshot.resources["aws.route53resolver.query_log_association"]
    assert association["id"] == ("arn:aws:route53resolver:eu-west-1:123456789012:"
                                 f"resolver-query-log-config-association/{seeded.ids['qla']}")
    assert (association["vpc_id"], association["config_id"], association["status"]) == (
        seeded.ids["vpc"], seeded.ids["qlc"], "ACTIVE")
    assert association["config_name"] == "dns-to-archive"
    assert association["destination_arn"] == "arn:aws:logs:eu-west-1:123456789012:log-group:dns"


def test_kms_rotation_is_read_only_where_it_applies(seeded: Seeded) -> None:
    """Rotation is true or false for customer symmetric keys and null for an asymmetric key; aliases attach."""
    keys = _by_id(seeded.snapshot, "aws.kms.key")
    rotated, static, signing = (keys[seeded.ids[k]] for k in ("key_rotated", "key_static", "key_signing"))
    assert (rotated["rotation_enabled"], rotated["aliases"], rotated["key_manager"]) == (
        True, ["alias/cloudtrail"], "CUSTOMER")
    assert (static["rotation_enabled"], static["aliases"], static["key_spec"]) == (False, [], "SYMMETRIC_DEFAULT")
    assert (signing["rotation_enabled"], signing["key_spec"]) == (None, "RSA_2048")
    assert rotated["key_id"] in rotated["id"] and rotated["key_state"] == "Enabled"
    rotation_calls = sum(c.count for c in seeded.snapshot.api_calls if c.operation == "GetKeyRotationStatus")
    assert rotation_calls == 2  # the two customer symmetric keys, never the signing key


def test_organization_accounts_carry_their_place_in_the_tree(seeded: Seeded) -> None:
    """The member sits under root then Prod; the management account sits directly under the root."""
    accounts = {a["account_id"]: a for a in seeded.snapshot.resources["aws.organizations.account"]}
    member, management = accounts[seeded.ids["member"]], accounts["123456789012"]
    assert (member["ancestor_ids"], member["parent_name"]) == ([seeded.ids["root"], seeded.ids["prod"]], "Prod")
    assert (management["ancestor_ids"], management["parent_name"]) == ([seeded.ids["root"]], "Root")
    assert (member["name"], member["status"]) == ("app", "ACTIVE")


def test_scp_region_allowlist_and_targets(seeded: Seeded) -> None:
    """The EU-only SCP yields its two regions and its root target; FullAWSAccess restricts no region."""
    policies = {p["name"]: p for p in seeded.snapshot.resources["aws.organizations.policy"]}
    eu_only, full = policies["eu-only"], policies["FullAWSAccess"]
    assert eu_only["id"] == seeded.ids["scp"]
    assert eu_only["region_allowlist"] == ["eu-central-1", "eu-west-1"]
    assert eu_only["targets"] == [{"id": seeded.ids["root"], "type": "ROOT"}]
    assert (eu_only["aws_managed"], eu_only["type"]) == (False, "SERVICE_CONTROL_POLICY")
    assert (full["aws_managed"], full["region_allowlist"]) == (True, None)


def test_security_contact_without_phone(seeded: Seeded) -> None:
    """The SECURITY contact is read with an ARN-shaped id, and its phone number is not collected."""
    [contact] = seeded.snapshot.resources["aws.account.alternate_contact"]
    assert contact == {"id": "arn:aws:account::123456789012:alternate-contact/SECURITY", "type": "SECURITY",
                       "name": "SOC", "title": "Security operations", "email_address": "soc@example.com"}
    assert "+3210000000" not in json.dumps(seeded.snapshot.model_dump(mode="json"))


def test_event_rules_on_every_bus_with_sources_and_targets(seeded: Seeded) -> None:
    """The findings rule lists its sources, detail types and target; a scheduled rule has no sources."""
    rules = {r["name"]: r for r in seeded.snapshot.resources["aws.events.rule"]}
    findings = rules["findings-to-siem"]
    assert findings["sources"] == ["aws.guardduty", "aws.securityhub"]
    assert findings["detail_types"] == ["GuardDuty Finding"]
    assert findings["targets"] == [{"id": "siem", "arn": "arn:aws:sns:eu-west-1:123456789012:siem"}]
    assert (findings["event_bus_name"], findings["state"]) == ("default", "ENABLED")
    assert (rules["nightly"]["sources"], rules["nightly"]["state"], rules["nightly"]["targets"]) == (
        [], "DISABLED", [])
    buses = [c for c in seeded.snapshot.api_calls if c.operation == "ListEventBuses"]
    assert {c.region for c in buses} == set(REGIONS)


def test_iam_roles_carry_parsed_trust_and_attachments(seeded: Seeded) -> None:
    """The IR role trusts another account with MFA required; the instance role trusts a service only."""
    roles = _by_id(seeded.snapshot, "aws.iam.role")
    ir, app = roles[seeded.ids["role_ir"]], roles[seeded.ids["role_app"]]
    assert (ir["name"], ir["path"], ir["description"]) == ("incident-responder", "/security/", "Break-glass for IR")
    assert ir["trusted_aws_principals"] == ["arn:aws:iam::222222222222:root"]
    assert (ir["trusted_services"], ir["trusted_federated"], ir["mfa_required"]) == ([], [], True)
    assert ir["attached_policies"] == [seeded.ids["support_policy"]]
    assert ir["tags"] == {"team": "<b>{{ soc }}</b>"}
    assert (app["trusted_services"], app["trusted_aws_principals"], app["mfa_required"]) == (
        ["ec2.amazonaws.com"], [], False)
    assert (app["description"], app["attached_policies"], app["tags"]) == (None, [], {})


# ---------------------------------------------------------------------------------------------------- checks


def test_elb_access_log_check_sees_one_of_two(seeded: Seeded) -> None:
    """LC-05 is partial: the logged ALB complies, the silent one does not."""
    [finding] = _run(logging.elb_access_logs, seeded.snapshot)
    assert finding.status is Status.PARTIAL
    assert finding.evidence["compliant"] == [seeded.ids["alb_logged"]]
    assert finding.evidence["noncompliant"] == [seeded.ids["alb_silent"]]


def test_region_guardrail_check_passes_for_an_eu_only_scp(seeded: Seeded) -> None:
    """DR-02 passes: the root SCP leaves only eu-west-1 and eu-central-1, both in the allowed EU."""
    [finding] = _run(residency.region_guardrail, seeded.snapshot)
    assert finding.status is Status.PASS, finding
    assert finding.evidence["regions_allowed"] == ["eu-central-1", "eu-west-1"]


def test_security_contact_check_passes(seeded: Seeded) -> None:
    """SR-02 passes with the seeded SOC mailbox as evidence."""
    [finding] = _run(support.security_contact, seeded.snapshot)
    assert finding.status is Status.PASS
    assert finding.evidence["email_address"] == "soc@example.com"


def test_scale_in_check_credits_only_the_hooked_group(seeded: Seeded) -> None:
    """EL-02 is partial: the group with a terminating hook keeps evidence, the bare one does not."""
    [finding] = _run(elasticity.evidence_before_scale_in, seeded.snapshot)
    assert finding.status is Status.PARTIAL, finding
    assert finding.evidence["with_terminating_hook"] == [seeded.ids["asg_hooked"]]
    assert finding.evidence["noncompliant"] == [seeded.ids["asg_bare"]]


# ---------------------------------------------------------------------------------------------------- not set up


def test_unset_contact_and_no_organisation_are_facts_not_errors(moto: str) -> None:
    """Outside an organisation and without a security contact: no records, no errors, and the checks fail."""
    [snapshot] = collect(AwsScanConfig(regions=REGIONS))
    assert _my_errors(snapshot) == []
    for type_name in ("aws.organizations.account", "aws.organizations.policy", "aws.account.alternate_contact"):
        assert snapshot.resources[type_name] == []
    called = {c.operation for c in snapshot.api_calls if c.service == "organizations"}
    assert called == {"DescribeOrganization"}
    assert [f.status for f in _run(support.security_contact, snapshot)] == [Status.FAIL]
    assert [f.status for f in _run(residency.region_guardrail, snapshot)] == [Status.FAIL]
    assert [f.status for f in _run(logging.elb_access_logs, snapshot)] == [Status.NOT_APPLICABLE]


# ---------------------------------------------------------------------------------------------------- failures


def test_an_unimplemented_operation_is_recorded_and_the_run_finishes(moto: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """EKS answered like moto answers any operation it lacks (HTTP 404): one error per region naming
    eks:ListClusters and the cluster type, the cluster check unknown, and every other sweep still read."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS", f"{moto}/not-implemented")
    client("kms", HOME).create_key(Description="still read")
    [snapshot] = collect(AwsScanConfig(regions=REGIONS))
    eks_errors = [e for e in snapshot.errors if e.service == "eks"]
    assert sorted((e.operation, e.region) for e in eks_errors) == [
        ("ListClusters", "eu-west-1"), ("ListClusters", "us-east-1")]
    for error in eks_errors:
        assert error.resource_types == ["aws.eks.cluster"]
        assert error.permission == "eks:ListClusters"
        assert error.code == "NotImplemented"  # moto answers an unknown operation with a bare 404
    assert len(snapshot.resources["aws.kms.key"]) == 1
    assert _my_errors(snapshot) == [f"eks:ListClusters {r} NotImplemented" for r in sorted(REGIONS)]
    statuses = {f.status for f in _run(logging.eks_control_plane_logs, snapshot)}
    assert statuses == {Status.UNKNOWN}


# ---------------------------------------------------------------------------------------------------- parsers


def test_region_allowlist_reads_deny_statements_only() -> None:
    """Deny + StringNotEquals/StringNotLike give an allowlist (intersected across statements); other forms none."""
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    both = {"Statement": [
        {**deny, "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}},
        {**deny, "Condition": {"StringNotLikeIfExists": {"AWS:RequestedRegion": ["eu-west-1", "eu-north-1"]}}}]}
    assert region_allowlist(json.dumps(both)) == ["eu-west-1"]
    single = {"Statement": {**deny, "Condition": {"StringNotLike": {"aws:RequestedRegion": "eu-*"}}}}
    assert region_allowlist(json.dumps(single)) == ["eu-*"]
    denylist = {"Statement": [{**deny, "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1"]}}}]}
    assert region_allowlist(json.dumps(denylist)) is None
    allow = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}
    assert region_allowlist(json.dumps(allow)) is None
    assert region_allowlist("not json") is None


def test_trust_policy_mfa_needs_every_aws_statement_to_require_it() -> None:
    """MFA counts only with Bool true or a maximum age on every AWS-principal Allow; IfExists does not."""
    def statement(condition: dict[str, Any] | None, principal: Any = None) -> dict[str, Any]:
        return {"Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": principal or {"AWS": "111111111111"}, **({"Condition": condition} if condition else {})}

    present = statement({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    aged = statement({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
    if_exists = statement({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})
    assert parse_trust_policy({"Statement": [present, aged]})["mfa_required"] is True
    assert parse_trust_policy({"Statement": [present, statement(None)]})["mfa_required"] is False
    assert parse_trust_policy({"Statement": [if_exists]})["mfa_required"] is False
    federated = statement(None, {"Federated": "arn:aws:iam::111111111111:saml-provider/idp"})
    parsed = parse_trust_policy({"Statement": [federated]})
    assert (parsed["trusted_federated"], parsed["mfa_required"]) == (["arn:aws:iam::111111111111:saml-provider/idp"],
                                                                     False)
    assert parse_trust_policy({"Statement": [statement(None, "*")]})["trusted_aws_principals"] == ["*"]


def test_trust_policy_accepts_the_url_encoded_form() -> None:
    """IAM returns trust documents URL-encoded; the parser reads that form as well as decoded JSON."""
    encoded = urllib.parse.quote(json.dumps(IR_TRUST))
    parsed = parse_trust_policy(encoded)
    assert parsed["trusted_aws_principals"] == ["arn:aws:iam::222222222222:root"]
    assert parsed["mfa_required"] is True
