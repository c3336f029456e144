"""GCP shared responsibility and provider support (SR): who Google tells when something is wrong."""

from __future__ import annotations

from collections.abc import Iterable

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import capped, hierarchy, holder_of

SECURITY_CATEGORIES = frozenset({"SECURITY", "ALL"})


@check(
    id="gcp.essentialcontacts.security_contact",
    title="A security contact is registered with Google for this project",
    control="SR-02", severity="medium", provider="gcp",
    needs=("gcp.project", "gcp.essentialcontacts.contact"),
    remediation="Add an Essential Contact with the SECURITY category on the organisation, pointing to a "
                "monitored team mailbox (gcloud essential-contacts create --notification-categories=security "
                "--organization=ORG_ID), and confirm its validation.",
    refs=("csa-ccm-4.0:SEF-08", "aws-waf:SEC10-BP01"),
)
def security_contact(ctx: CheckContext) -> Iterable[CheckResult]:
    """When Google detects abuse, a compromised credential or a security incident affecting the
    project, it writes to the Essential Contacts for the SECURITY category. Without one, the warning
    goes to whoever happens to hold an owner role, or nowhere, and the organisation learns of the
    incident late. Contacts set on the organisation or a folder count for the project."""
    tree = hierarchy(ctx)
    contacts = tree.applicable(ctx.resources("gcp.essentialcontacts.contact"))
    security = [c for c in contacts if SECURITY_CATEGORIES & set(c.get("notification_categories") or [])]
    usable = [c for c in security if c.get("validation_state") != "INVALID"]
    evidence = {
        "security_contacts": capped(f"{c.get('email')} ({holder_of(c)})" for c in usable),
        "invalid_contacts": capped(f"{c.get('email')} ({holder_of(c)})" for c in security
                                   if c not in usable),
        "contacts_seen": len(contacts),
    }
    if usable:
        yield CheckResult.passed(f"{len(usable)} security contact(s) apply to this project",
                                 resource=str(usable[0]["id"]), evidence=evidence)
    elif security:
        yield CheckResult.failed("Security contacts exist but all failed validation", evidence=evidence)
    else:
        yield CheckResult.failed("No Essential Contact with the SECURITY category applies to this project",
                                 evidence=evidence)
