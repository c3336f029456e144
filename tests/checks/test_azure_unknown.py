"""Every Azure check says `unknown`, naming what failed, when any data it needs is missing."""

from __future__ import annotations

import pytest

from assessor.catalogue import load_catalogue
from assessor.models import Status
from assessor.plugins import RegisteredCheck, load_checks
from tests.factories import findings, snapshot

SUB = "0b0e5c1d-7a2f-4c1e-9d3b-5a6f7e8d9c0b"
AZURE_CHECKS = [c for c in load_checks(load_catalogue()) if c.spec.provider == "azure"]


@pytest.mark.parametrize("registered", AZURE_CHECKS, ids=lambda c: c.spec.id)
def test_denied_reads_give_unknown_naming_the_operation(registered: RegisteredCheck) -> None:
    """With every needed type denied, the check is unknown and its reason names the operation and permission."""
    errors = [{"service": "Microsoft.Test", "operation": f"list-{t}", "code": "AuthorizationFailed",
               "resource_types": [t], "permission": f"perm/{t}/read"} for t in registered.spec.needs]
    snap = snapshot("azure", resources={}, errors=errors, account_id=SUB, regions=["westeurope"])
    found = findings(registered.function, snap)
    assert [f.status for f in found] == [Status.UNKNOWN]
    assert f"list-{registered.spec.needs[0]}" in (found[0].reason or "")
    assert f"perm/{registered.spec.needs[0]}/read" in (found[0].reason or "")


@pytest.mark.parametrize("registered", AZURE_CHECKS, ids=lambda c: c.spec.id)
def test_types_never_collected_give_unknown(registered: RegisteredCheck) -> None:
    """A snapshot that never collected the needed types gives unknown, never pass or fail."""
    snap = snapshot("azure", resources={}, account_id=SUB, regions=["westeurope"])
    (found,) = findings(registered.function, snap)
    assert found.status == Status.UNKNOWN
    assert "was not collected" in (found.reason or "")
