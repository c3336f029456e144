"""Shared responsibility and support (SR) GCP checks."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import support as sr

from tests.checks.test_gcp_fixtures import FOLDER, ORG, OTHER_FOLDER, denied, gcp, held, one
from tests.factories import findings, statuses


def contact(scope: str, email: str, categories: list[str], state: str = "VALID") -> dict[str, Any]:
    return {"id": f"//essentialcontacts.googleapis.com/{scope}/contacts/{email.split('@')[0]}",
            **held(scope), "email": email, "notification_categories": categories, "validation_state": state}


class TestSecurityContact:
    def test_org_security_contact_is_inherited(self) -> None:
        """A SECURITY contact on the organisation covers the project."""
        snap = gcp({"gcp.essentialcontacts.contact": [contact(ORG, "soc@acme.example", ["SECURITY"])]})
        result = one(findings(sr.security_contact, snap), "pass")
        assert result.evidence["security_contacts"] == [f"soc@acme.example ({ORG})"]

    def test_all_category_counts(self) -> None:
        """The ALL category includes security notifications."""
        snap = gcp({"gcp.essentialcontacts.contact": [contact(FOLDER, "ops@acme.example", ["ALL"])]})
        assert statuses(findings(sr.security_contact, snap)) == ["pass"]

    def test_technical_only_or_other_branch_fails(self) -> None:
        """A technical contact, or a security contact in a sibling folder, does not count."""
        snap = gcp({"gcp.essentialcontacts.contact": [
            contact(ORG, "it@acme.example", ["TECHNICAL"]),
            contact(OTHER_FOLDER, "soc@acme.example", ["SECURITY"])]})
        assert "No Essential Contact" in one(findings(sr.security_contact, snap), "fail").message

    def test_invalid_contact_fails(self) -> None:
        """A security contact that failed validation is not reachable."""
        snap = gcp({"gcp.essentialcontacts.contact": [contact(ORG, "old@acme.example", ["SECURITY"], "INVALID")]})
        assert "validation" in one(findings(sr.security_contact, snap), "fail").message

    def test_permission_denied_is_unknown_naming_the_operation(self) -> None:
        """A denied contacts.list gives unknown with the operation and permission."""
        snap = gcp(errors=[denied("gcp.essentialcontacts.contact", service="essentialcontacts",
                                  operation="organizations.contacts.list",
                                  permission="essentialcontacts.contacts.list")])
        reason = str(one(findings(sr.security_contact, snap), "unknown").reason)
        assert "organizations.contacts.list" in reason and "essentialcontacts.contacts.list" in reason
