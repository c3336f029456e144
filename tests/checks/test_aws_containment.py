"""Containment (CT) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import containment as ct

from tests.checks.aws_records import ACCOUNT, failure, instance, only, vpc
from tests.factories import findings, snapshot, statuses


def group(group_id: str, vpc_id: str, *, name: str = "app", ingress: int = 0, egress: int = 0,
          tags: dict[str, str] | None = None, region: str = "eu-west-1") -> dict[str, Any]:
    return {"id": f"arn:aws:ec2:{region}:{ACCOUNT}:security-group/{group_id}", "group_id": group_id,
            "region": region, "name": name, "description": "", "vpc_id": vpc_id,
            "ingress_rule_count": ingress, "egress_rule_count": egress, "tags": tags or {}}


def role(name: str, *, mfa: bool = False, aws: bool = True, federated: bool = False,
         tags: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": f"arn:aws:iam::{ACCOUNT}:role/{name}", "name": name, "path": "/", "description": None,
            "trusted_aws_principals": ["arn:aws:iam::999999999999:root"] if aws else [],
            "trusted_services": [], "trusted_federated": ["arn:aws:iam::111111111111:saml-provider/idp"]
            if federated else [], "mfa_required": mfa, "attached_policies": [], "tags": tags or {}}


class TestQuarantineGroup:
    def test_empty_tagged_group_in_every_vpc_passes(self) -> None:
        """An empty group tagged for isolation in the only VPC passes."""
        snap = snapshot(resources={ct.VPC: [vpc("vpc-1")],
                                   ct.SECURITY_GROUP: [group("sg-q", "vpc-1", tags={"purpose": "Isolation"})]})
        assert statuses(findings(ct.quarantine_security_group, snap)) == ["pass"]

    def test_marked_group_with_rules_does_not_count(self) -> None:
        """A 'quarantine' group that still allows egress isolates nothing and is named."""
        open_group = group("sg-q", "vpc-1", name="quarantine", egress=1)
        snap = snapshot(resources={ct.VPC: [vpc("vpc-1")], ct.SECURITY_GROUP: [open_group]})
        found = findings(ct.quarantine_security_group, snap)
        assert statuses(found) == ["fail"]
        assert found[0].evidence["marked_groups_with_rules"] == [open_group["id"]]

    def test_group_in_one_of_two_vpcs_is_partial(self) -> None:
        """Security groups belong to one VPC: a quarantine group in one of two VPCs is partial."""
        snap = snapshot(resources={ct.VPC: [vpc("vpc-1"), vpc("vpc-2")],
                                   ct.SECURITY_GROUP: [group("sg-q", "vpc-1", name="quarantine")]})
        found = findings(ct.quarantine_security_group, snap)
        assert statuses(found) == ["partial"] and found[0].coverage == 0.5

    def test_no_vpc_is_not_applicable_and_denied_is_unknown(self) -> None:
        """No VPC: not applicable; a denied DescribeSecurityGroups: unknown with the operation."""
        empty = snapshot(resources={ct.VPC: [], ct.SECURITY_GROUP: []})
        assert statuses(findings(ct.quarantine_security_group, empty)) == ["not_applicable"]
        denied = snapshot(resources={ct.VPC: [vpc("vpc-1")], ct.SECURITY_GROUP: []},
                          errors=[failure("ec2", "DescribeSecurityGroups", [ct.SECURITY_GROUP], "eu-west-1")])
        found = findings(ct.quarantine_security_group, denied)
        assert statuses(found) == ["unknown"] and "DescribeSecurityGroups" in (found[0].reason or "")


class TestIncidentResponseRole:
    def test_mfa_gated_break_glass_role_passes(self) -> None:
        """A break-glass role whose trust requires MFA passes."""
        snap = snapshot(resources={ct.ROLE: [role("BreakGlass", mfa=True)]})
        assert statuses(findings(ct.incident_response_role, snap)) == ["pass"]

    def test_role_without_mfa_fails_and_mixed_is_partial(self) -> None:
        """An IR role assumable without MFA fails; one of two with MFA is partial."""
        no_mfa = role("incident-responder")
        assert statuses(findings(ct.incident_response_role, snapshot(resources={ct.ROLE: [no_mfa]}))) == ["fail"]
        mixed = snapshot(resources={ct.ROLE: [no_mfa, role("forensics", mfa=True)]})
        assert statuses(findings(ct.incident_response_role, mixed)) == ["partial"]

    def test_role_recognised_by_tag(self) -> None:
        """A role tagged for incident response counts whatever its name."""
        snap = snapshot(resources={ct.ROLE: [role("ops-7", mfa=True, tags={"function": "incident-response"})]})
        assert statuses(findings(ct.incident_response_role, snap)) == ["pass"]

    def test_no_ir_role_fails(self) -> None:
        """Only unrelated or service roles: fail."""
        service_role = {**role("forensics-lambda", aws=False), "trusted_services": ["lambda.amazonaws.com"]}
        snap = snapshot(resources={ct.ROLE: [role("app"), service_role]})
        assert statuses(findings(ct.incident_response_role, snap)) == ["fail"]

    def test_federated_only_role_is_unknown(self) -> None:
        """MFA of a federated-only IR role is enforced by the IdP, which AWS cannot show: unknown."""
        snap = snapshot(resources={ct.ROLE: [role("IncidentResponse", aws=False, federated=True)]})
        found = findings(ct.incident_response_role, snap)
        assert statuses(found) == ["unknown"] and "identity provider" in (found[0].reason or "")


class TestTerminationProtection:
    def test_protected_standalone_instances_pass(self) -> None:
        """Protected standalone instances pass; ASG members and terminated ones are not judged."""
        snap = snapshot(resources={ct.INSTANCE: [
            instance("i-1", termination_protection=True),
            instance("i-2", autoscaling_group="web"),
            instance("i-3", state="terminated"),
        ]})
        found = findings(ct.termination_protection, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["compliant_count"] == 1

    def test_unprotected_share_is_partial(self) -> None:
        """One protected of two standalone instances: partial 0.5."""
        snap = snapshot(resources={ct.INSTANCE: [instance("i-1", termination_protection=True), instance("i-2")]})
        found = findings(ct.termination_protection, snap)
        assert statuses(found) == ["partial"] and found[0].evidence["noncompliant"] == [instance("i-2")["id"]]

    def test_only_asg_instances_is_not_applicable(self) -> None:
        """All instances in ASGs: judged by EL-02, not here."""
        snap = snapshot(resources={ct.INSTANCE: [instance("i-1", autoscaling_group="web")]})
        assert statuses(findings(ct.termination_protection, snap)) == ["not_applicable"]

    def test_attribute_error_in_region_is_unknown(self) -> None:
        """A denied DescribeInstanceAttribute in a region is unknown there; the rest is judged."""
        snap = snapshot(resources={ct.INSTANCE: [instance("i-1")]}, regions=["eu-west-1", "us-east-1"],
                        errors=[failure("ec2", "DescribeInstanceAttribute", [ct.INSTANCE], "us-east-1")])
        found = findings(ct.termination_protection, snap)
        assert statuses(found) == ["fail", "unknown"]
        assert "DescribeInstanceAttribute" in (only(found, "unknown").reason or "")
