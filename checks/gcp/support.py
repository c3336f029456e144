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


INCIDENT_CATEGORIES = frozenset({"TECHNICAL", "TECHNICAL_INCIDENTS", "ALL"})
SUSPENSION_CATEGORIES = frozenset({"SUSPENSION", "ALL"})


@check(
    id="gcp.essentialcontacts.incident_contact",
    title="Google's incident and suspension notices reach a registered contact",
    control="SR-06", severity="medium", provider="gcp",
    needs=("gcp.project", "gcp.essentialcontacts.contact"),
    remediation="On the organisation, add Essential Contacts for the TECHNICAL (or TECHNICAL_INCIDENTS) and "
                "SUSPENSION categories pointing to a mailbox the SOC or on-call team reads, and confirm their "
                "validation.",
    refs=("nist-csf-2.0:DE.CM-06", "csa-ccm-4.0:SEF-08"),
)
def incident_contact(ctx: CheckContext) -> Iterable[CheckResult]:
    """Google writes about outages and incidents in its services to the TECHNICAL (or TECHNICAL_INCIDENTS)
    contacts, and about an imminent suspension, often the first sign that a project was hijacked for
    mining or abuse, to the SUSPENSION contacts. Without them these notices go to whoever holds an owner
    role, or nowhere, and the responders learn of a provider-side incident late. Contacts set on the
    organisation or a folder count for the project."""
    tree = hierarchy(ctx)
    contacts = [c for c in tree.applicable(ctx.resources("gcp.essentialcontacts.contact"))
                if c.get("validation_state") != "INVALID"]

    def covering(categories: frozenset[str]) -> list[str]:
        return [f"{c.get('email')} ({holder_of(c)})" for c in contacts
                if categories & set(c.get("notification_categories") or [])]

    incidents, suspension = covering(INCIDENT_CATEGORIES), covering(SUSPENSION_CATEGORIES)
    evidence = {"incident_contacts": capped(incidents), "suspension_contacts": capped(suspension),
                "valid_contacts_seen": len(contacts)}
    missing = [name for name, found in (("technical incidents", incidents), ("suspension", suspension))
               if not found]
    if not missing:
        yield CheckResult.passed("Technical-incident and suspension notices have registered contacts",
                                 evidence=evidence)
    elif len(missing) == 1:
        yield CheckResult.partial(f"No valid contact receives {missing[0]} notices", coverage=0.5,
                                  evidence=evidence)
    else:
        yield CheckResult.failed("No valid contact receives technical-incident or suspension notices",
                                 evidence=evidence)
