"""Shared responsibility and provider support (SR): the provider knows whom to call."""

from __future__ import annotations

from collections.abc import Iterable

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import CONTACT, arm


@check(
    id="azure.security.contacts",
    title="Defender for Cloud security contacts are registered and notified",
    control="SR-02", severity="medium", provider="azure", needs=(CONTACT,),
    remediation="In Defender for Cloud > Environment settings > Email notifications, add a monitored security "
    "mailbox (not a person), turn on alert notifications (severity High or lower), and notify the Owner role.",
    refs=("cis-azure-6.0.0:8.1.12", "cis-azure-6.0.0:8.1.13", "cis-azure-6.0.0:8.1.14",
          "csa-ccm-4.0.13:SEF-08", "nist-csf-2.0:RS.CO-02"),
)
def security_contacts(ctx: CheckContext) -> Iterable[CheckResult]:
    """When Microsoft's own teams or Defender detect that a subscription is compromised, they notify the
    registered security contact. With no contact, or notifications off, that warning reaches nobody and
    the organisation learns of the incident from someone else."""
    contacts = ctx.resources(CONTACT)
    emails = sorted({e.strip() for c in contacts for e in c.get("emails") or [] if e and e.strip()})
    alerts_on = [c for c in contacts if c.get("alert_notifications_enabled")]
    owners = [c for c in contacts
              if c.get("notify_roles_enabled") and "owner" in {arm(r) for r in c.get("notify_roles") or []}]
    criteria = {
        "security_email_registered": bool(emails),
        "alert_notifications_on": bool(alerts_on),
        "owners_notified": bool(owners),
    }
    evidence = {
        **criteria,
        "email_count": len(emails),  # the addresses themselves stay in the snapshot
        "alert_minimal_severity": sorted({str(c.get("alert_minimal_severity")) for c in alerts_on}),
    }
    met = [name for name, ok in criteria.items() if ok]
    gaps = {"security_email_registered": "no security e-mail address", "alert_notifications_on":
            "alert notifications are off", "owners_notified": "subscription owners are not notified"}
    missing = [gaps[name] for name, ok in criteria.items() if not ok]
    if len(met) == len(criteria):
        yield CheckResult.passed(f"{len(emails)} security contact address(es) receive alert notifications, "
                                 "and owners are notified", evidence=evidence)
    elif not met:
        yield CheckResult.failed("No security contact is registered and no notification is sent",
                                 evidence=evidence)
    else:
        yield CheckResult.partial(f"Security contact set-up is incomplete: {', '.join(missing)}",
                                  coverage=len(met) / len(criteria), evidence=evidence)
