"""Account: the SECURITY alternate contact AWS writes to about abuse and security events."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

CONTACT = "aws.account.alternate_contact"
CONTACT_TYPE = "SECURITY"
OPS = (
    Operation("account", "GetAlternateContact", "account:GetAlternateContact", (CONTACT,),
              benign_errors=("ResourceNotFoundException",)),
)


@sweep(service="account", scope="global", types=(CONTACT,), operations=OPS)
def alternate_contacts(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    found = call.benign("GetAlternateContact", AlternateContactType=CONTACT_TYPE)
    if found is None:  # ResourceNotFoundException: the contact is not set
        return {CONTACT: []}
    contact = found.get("AlternateContact") or {}
    # Contacts carry no ARN: the id is built in ARN shape from the account being collected.
    # The phone number is deliberately left out: the checks need to know a contact exists and reaches a mailbox.
    return {CONTACT: [{
        "id": f"arn:aws:account::{call.account_id}:alternate-contact/{CONTACT_TYPE}",
        "type": contact.get("AlternateContactType", CONTACT_TYPE), "name": contact.get("Name"),
        "title": contact.get("Title"), "email_address": contact.get("EmailAddress"),
    }]}
