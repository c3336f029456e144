"""Shared responsibility and support (SR) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import support as sr

from tests.checks.aws_records import ACCOUNT, failure
from tests.factories import findings, snapshot, statuses


def contact(kind: str, email: str = "secops@example.com") -> dict[str, Any]:
    return {"id": f"arn:aws:account::{ACCOUNT}:alternate-contact/{kind}", "type": kind, "name": "SecOps",
            "title": "Security operations", "email_address": email}


def role(name: str, policies: list[str]) -> dict[str, Any]:
    return {"id": f"arn:aws:iam::{ACCOUNT}:role/{name}", "name": name, "path": "/", "description": None,
            "trusted_aws_principals": [ACCOUNT], "trusted_services": [], "trusted_federated": [],
            "mfa_required": False, "attached_policies": policies, "tags": {}}


class TestSecurityContact:
    def test_security_contact_passes_with_address(self) -> None:
        """A SECURITY contact passes and its address is the evidence."""
        found = findings(sr.security_contact, snapshot(resources={sr.CONTACT: [contact("SECURITY")]}))
        assert statuses(found) == ["pass"]
        assert found[0].evidence["email_address"] == "secops@example.com"

    def test_only_billing_contact_fails(self) -> None:
        """A billing contact does not receive security notices: fail."""
        found = findings(sr.security_contact, snapshot(resources={sr.CONTACT: [contact("BILLING")]}))
        assert statuses(found) == ["fail"]

    def test_denied_is_unknown(self) -> None:
        """A denied GetAlternateContact is unknown, naming the operation."""
        snap = snapshot(errors=[failure("account", "GetAlternateContact", [sr.CONTACT])])
        found = findings(sr.security_contact, snap)
        assert statuses(found) == ["unknown"] and "GetAlternateContact" in (found[0].reason or "")


class TestSupportRole:
    def test_role_with_support_access_passes(self) -> None:
        """A role with AWSSupportAccess attached passes and is named."""
        snap = snapshot(resources={sr.ROLE: [role("support", ["arn:aws:iam::aws:policy/AWSSupportAccess"])]})
        found = findings(sr.support_role, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["roles"] == [f"arn:aws:iam::{ACCOUNT}:role/support"]

    def test_lookalike_policy_does_not_count(self) -> None:
        """A customer policy merely named like the managed one is not it."""
        snap = snapshot(resources={sr.ROLE: [role("x", [f"arn:aws:iam::{ACCOUNT}:policy/AWSSupportAccessCopy"])]})
        assert statuses(findings(sr.support_role, snap)) == ["fail"]

    def test_uncollected_roles_are_unknown(self) -> None:
        """Roles not collected: unknown."""
        assert statuses(findings(sr.support_role, snapshot())) == ["unknown"]
