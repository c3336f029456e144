"""Containment (CT): isolation prepared in advance, responder access, and protection of suspect resources."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import listing, mentions, read_regional, share

VPC = "aws.ec2.vpc"
SECURITY_GROUP = "aws.ec2.security_group"
ROLE = "aws.iam.role"
INSTANCE = "aws.ec2.instance"

QUARANTINE_WORDS = ("quarantine", "isolation", "isolate", "containment")
IR_ROLE_WORDS = ("incident", "breakglass", "break-glass", "break_glass", "forensic", "responder")
LIVE_STATES = ("pending", "running", "stopping", "stopped")


@check(
    id="aws.ec2.quarantine_security_group",
    title="Every VPC has an empty quarantine security group ready",
    control="CT-01",
    severity="high",
    provider="aws",
    needs=(VPC, SECURITY_GROUP),
    remediation="In every VPC create a security group named or tagged 'quarantine' with no inbound and no "
    "outbound rule (remove the default allow-all egress), and let the IR role swap it onto instances. Pair it "
    "with a deny-all network ACL, because a security group swap does not cut tracked connections.",
    refs=("aws-sirg:destination-containment", "nist-csf-2.0:RS.MI-01"),
)
def quarantine_security_group(ctx: CheckContext) -> Iterator[CheckResult]:
    """The on-prem quarantine VLAN becomes a security group that allows nothing. Security groups belong to
    one VPC, so each VPC needs its own; a group marked for quarantine that still has rules isolates nothing
    and is reported as such."""
    data = read_regional(ctx, VPC, SECURITY_GROUP)
    yield from data.unknown
    vpcs = data.of(VPC)
    if not vpcs:
        if not data.unknown:
            yield CheckResult.not_applicable("No VPC in the swept regions")
        return
    marked = [g for g in data.of(SECURITY_GROUP) if mentions(g, QUARANTINE_WORDS)]
    empty = [g for g in marked if g.get("ingress_rule_count") == 0 and g.get("egress_rule_count") == 0]
    ready = {g.get("vpc_id") for g in empty}
    good = [v["id"] for v in vpcs if v.get("vpc_id") in ready]
    bad = [v["id"] for v in vpcs if v.get("vpc_id") not in ready]
    yield share("VPCs with an empty quarantine security group", good, bad,
                evidence=listing("marked_groups_with_rules", [g["id"] for g in marked if g not in empty]))


@check(
    id="aws.iam.incident_response_role",
    title="An MFA-protected incident-response or break-glass role exists",
    control="CT-03",
    severity="high",
    provider="aws",
    needs=(ROLE,),
    remediation="Provision an incident-response role (and a break-glass role independent of the identity "
    "provider) in every account, assumable only from the security account with "
    "aws:MultiFactorAuthPresent required, and alarm on every AssumeRole of it.",
    refs=("aws-waf:SEC10-BP05", "cis-aws-7.0.0:2.15"),
)
def incident_response_role(ctx: CheckContext) -> Iterator[CheckResult]:
    """Granting responders access in the middle of an incident means editing IAM under pressure, or using
    the root user. A role prepared in advance, recognised by a name, path, description or tag mentioning
    incident response, break-glass or forensics, avoids both; requiring MFA in its trust policy keeps a
    stolen password from opening it. Federated-only roles rely on the identity provider's MFA, which the
    AWS APIs cannot show."""
    roles = [r for r in ctx.resources(ROLE)
             if mentions(r, IR_ROLE_WORDS, fields=("name", "path", "description"))
             and (r.get("trusted_aws_principals") or r.get("trusted_federated"))]
    if not roles:
        yield CheckResult.failed("No incident-response or break-glass role that people can assume")
        return
    direct = [r for r in roles if r.get("trusted_aws_principals")]
    federated_only = [r["id"] for r in roles if not r.get("trusted_aws_principals")]
    if not direct:
        yield CheckResult.unknown("Incident-response roles are reached through federation only; whether the "
                                  "identity provider enforces MFA is not visible through AWS APIs",
                                  evidence=listing("federated_roles", federated_only))
        return
    good = [r["id"] for r in direct if r.get("mfa_required") is True]
    bad = [r["id"] for r in direct if r.get("mfa_required") is not True]
    yield share("Incident-response roles whose trust policy requires MFA", good, bad,
                evidence=listing("federated_roles", federated_only))


@check(
    id="aws.ec2.termination_protection",
    title="Standalone instances are protected against termination",
    control="CT-04",
    severity="medium",
    provider="aws",
    needs=(INSTANCE,),
    remediation="Enable termination protection (DisableApiTermination) on instances not managed by Auto "
    "Scaling, and make setting it the first step of the EC2 acquisition runbook.",
    refs=("aws-sirg:collect-relevant-artifacts",),
)
def termination_protection(ctx: CheckContext) -> Iterator[CheckResult]:
    """A terminated instance takes its memory and, by default, its root disk with it. Termination
    protection stops an intruder, an automation or a hurried colleague from destroying the evidence with
    one API call. Instances in Auto Scaling groups are judged by the scale-in check (EL-02) instead."""
    data = read_regional(ctx, INSTANCE)
    yield from data.unknown
    standalone = [i for i in data.of(INSTANCE)
                  if not i.get("autoscaling_group") and i.get("state") in LIVE_STATES]
    if not standalone:
        if not data.unknown:
            yield CheckResult.not_applicable("No EC2 instance outside Auto Scaling groups")
        return
    good = [i["id"] for i in standalone if i.get("termination_protection") is True]
    bad = [i["id"] for i in standalone if i.get("termination_protection") is not True]
    yield share("Standalone instances with termination protection", good, bad)
