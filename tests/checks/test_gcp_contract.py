"""Every built-in GCP check and resource type keeps the plugin contract."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from assessor.catalogue import load_catalogue
from assessor.plugins import ENTRY_POINT_GROUP, RegisteredCheck, load_checks
from assessor.resource_types import RESOURCE_TYPES
from assessor.resource_types.gcp import TYPES
from tests.checks.test_gcp_fixtures import denied, gcp
from tests.factories import findings

GCP_CHECKS: list[RegisteredCheck] = load_checks(
    load_catalogue(), eps=[EntryPoint(name="builtin-gcp", value="ir_assessor_checks.gcp", group=ENTRY_POINT_GROUP)])
IDS = [c.spec.id for c in GCP_CHECKS]


def test_checks_load_and_validate() -> None:
    """The GCP plugin loads with valid metadata and covers every automatable domain but PP."""
    assert len(GCP_CHECKS) >= 18
    domains = {c.spec.control[:2] for c in GCP_CHECKS}
    assert domains >= {"LC", "LI", "DR", "EV", "CT", "EL", "IN", "DT", "SR"}
    assert all(c.spec.provider == "gcp" for c in GCP_CHECKS)


def test_checks_need_only_gcp_types() -> None:
    """A GCP check reads only GCP resource types."""
    for registered in GCP_CHECKS:
        assert all(t.startswith("gcp.") for t in registered.spec.needs), registered.spec.id


def test_resource_types_are_documented() -> None:
    """Each type has a description, a source and documents its `id` field; all are registered."""
    for name, spec in TYPES.items():
        assert name.startswith("gcp.") and name in RESOURCE_TYPES
        assert spec["description"].strip() and spec["source"].strip(), name
        assert "id" in spec["fields"] and all(v.strip() for v in spec["fields"].values()), name
        assert all(f == f.lower() for f in spec["fields"]), f"{name}: fields are snake_case"


@pytest.mark.parametrize("registered", GCP_CHECKS, ids=IDS)
def test_collection_error_gives_unknown_naming_the_operation(registered: RegisteredCheck) -> None:
    """When the collector recorded a failure for the types a check needs, it says unknown and why."""
    snap = gcp(errors=[denied(*registered.spec.needs)], with_project=False)
    found = findings(registered.function, snap)
    assert {f.status.value for f in found} == {"unknown"}
    assert all("cloudasset:ListAssets failed" in (f.reason or "") for f in found)


@pytest.mark.parametrize("registered", GCP_CHECKS, ids=IDS)
def test_types_never_collected_give_unknown(registered: RegisteredCheck) -> None:
    """An empty snapshot (nothing collected) never passes or fails."""
    found = findings(registered.function, gcp(with_project=False))
    assert {f.status.value for f in found} == {"unknown"}
    assert all("was not collected" in (f.reason or "") for f in found)


@pytest.mark.parametrize("registered", GCP_CHECKS, ids=IDS)
def test_collected_but_empty_never_passes(registered: RegisteredCheck) -> None:
    """With every needed type read and empty, a check fails or finds nothing to judge: never a pass."""
    snap = gcp({t: [] for t in registered.spec.needs if t != "gcp.project"})
    statuses = {f.status.value for f in findings(registered.function, snap)}
    assert statuses and statuses <= {"fail", "not_applicable", "unknown"}, statuses
