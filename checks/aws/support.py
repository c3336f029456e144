"""Shared responsibility and provider support (SR): can AWS reach the responders, and they reach AWS."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import listing

CONTACT = "aws.account.alternate_contact"
ROLE = "aws.iam.role"

SUPPORT_POLICY_SUFFIX = ":policy/AWSSupportAccess"


@check(
    id="aws.account.security_contact",
    title="A security contact is registered with AWS",
    control="SR-02",
    severity="medium",
    provider="aws",
    needs=(CONTACT,),
    remediation="Register a SECURITY alternate contact (a monitored team mailbox, not a person) on every "
    "account, for example with account:PutAlternateContact from the management account.",
    refs=("cis-aws-7.0.0:2.3", "aws-waf:SEC10-BP01", "csa-ccm-4.0:SEF-08"),
)
def security_contact(ctx: CheckContext) -> Iterator[CheckResult]:
    """When AWS detects abuse from an account or a leaked access key, it writes to the security contact.
    Without one the notice goes to the root mailbox, often an unread alias, and the first warning of a
    compromise is lost."""
    contacts = [c for c in ctx.resources(CONTACT) if c.get("type") == "SECURITY" and c.get("email_address")]
    if contacts:
        contact = contacts[0]
        yield CheckResult.passed("A security contact is registered", resource=str(contact["id"]),
                                 evidence={"name": contact.get("name"), "email_address": contact["email_address"]})
    else:
        yield CheckResult.failed("No security contact is registered; AWS security notices go to the root "
                                 "mailbox only")


@check(
    id="aws.iam.support_role",
    title="A role can open cases with AWS Support",
    control="SR-03",
    severity="low",
    provider="aws",
    needs=(ROLE,),
    remediation="Create a role with the AWSSupportAccess managed policy, assumable by the incident-response "
    "team, so cases can be opened without the root user.",
    refs=("cis-aws-7.0.0:2.15", "aws-sirg:understand-aws-support-options"),
)
def support_role(ctx: CheckContext) -> Iterator[CheckResult]:
    """During an incident the provider's help (the CIRT, DDoS response, log requests) starts with a
    support case. If no role may open one, responders reach for the root user or wait for someone who can."""
    roles = [r["id"] for r in ctx.resources(ROLE)
             if any(str(p).endswith(SUPPORT_POLICY_SUFFIX) for p in r.get("attached_policies") or [])]
    if roles:
        yield CheckResult.passed("A role holds AWSSupportAccess", evidence=listing("roles", roles))
    else:
        yield CheckResult.failed("No role holds the AWSSupportAccess policy")
