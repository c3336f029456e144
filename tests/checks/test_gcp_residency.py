"""Data residency (DR) GCP checks: locations held and the resourceLocations guardrail."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import residency as dr

from tests.checks.test_gcp_fixtures import FOLDER, NUMBER, ORG, PROJECT, by_region, denied, gcp, held, one
from tests.factories import findings, profile, statuses

EMPTY: dict[str, list[dict[str, Any]]] = {t: [] for t in dr.DATA_TYPES}


def data(**records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every data type collected (empty) plus the given ones; keyword names use `__` for `.`."""
    resources = dict(EMPTY)
    resources.update({k.replace("__", "."): v for k, v in records.items()})
    return resources


def bucket(name: str, location: str, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"id": f"//storage.googleapis.com/{name}", "name": name, "project_id": PROJECT,
                              "location": location, "region": location, "data_locations": [], "labels": {}}
    record.update(overrides)
    return record


def vm(name: str, zone: str) -> dict[str, Any]:
    return {"id": f"//compute.googleapis.com/projects/{PROJECT}/zones/{zone}/instances/{name}", "name": name,
            "project_id": PROJECT, "zone": zone, "region": zone.rsplit("-", 1)[0]}


def policy(scope: str, values: list[str], **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"//orgpolicy.googleapis.com/{scope}/policies/gcp.resourceLocations", **held(scope),
        "constraint": "constraints/gcp.resourceLocations", "inherit_from_parent": False, "reset": False,
        "allow_all": False, "deny_all": False, "allowed_values": values, "denied_values": [], "enforced": None,
    }
    record.update(overrides)
    return record


class TestDataLocations:
    def test_each_location_is_judged(self) -> None:
        """EU regions pass, the US multi-region fails, each as its own finding."""
        snap = gcp(data(gcp__storage__bucket=[bucket("eu-data", "europe-west1"), bucket("us-data", "us")],
                        gcp__compute__instance=[vm("vm1", "europe-west4-b")]))
        found = findings(dr.data_locations, snap)
        assert by_region(found) == {"europe-west1": "pass", "europe-west4": "pass", "us": "fail"}
        us = next(f for f in found if f.region == "us")
        assert us.evidence["jurisdictions"] == ["US"]
        assert us.evidence["resources"] == ["//storage.googleapis.com/us-data"]

    def test_multi_region_eu_passes_when_eu_is_allowed(self) -> None:
        """The `eu` multi-region keeps data inside the EU."""
        assert statuses(findings(dr.data_locations, gcp(data(gcp__storage__bucket=[bucket("b", "eu")])))) == ["pass"]

    def test_configurable_dual_region_uses_its_data_locations(self) -> None:
        """A custom dual-region is judged on its actual regions."""
        record = bucket("dual", "eu", data_locations=["europe-west1", "us-central1"])
        found = findings(dr.data_locations, gcp(data(gcp__storage__bucket=[record])))
        assert by_region(found) == {"europe-west1": "pass", "us-central1": "fail"}

    def test_global_log_bucket_is_not_pinned(self) -> None:
        """A `global` log bucket may store data anywhere: fail."""
        log = {"id": "//logging.googleapis.com/projects/proj-x/locations/global/buckets/_Default",
               "name": "_Default", "location": "global", "region": "global"}
        assert "not pinned" in one(findings(dr.data_locations, gcp(data(gcp__logging__bucket=[log]))), "fail").message

    def test_unknown_jurisdiction_is_unknown_never_pass(self) -> None:
        """A location the catalogue does not know gives unknown."""
        found = findings(dr.data_locations, gcp(data(gcp__storage__bucket=[bucket("b", "mars-north1")])))
        assert one(found, "unknown").region == "mars-north1"

    def test_snapshot_storage_locations_count(self) -> None:
        """Disk snapshots are judged where their data is stored."""
        snapshot = {"id": "//compute.googleapis.com/projects/proj-x/global/snapshots/s1", "name": "s1",
                    "storage_locations": ["us"], "labels": {}}
        assert statuses(findings(dr.data_locations, gcp(data(gcp__compute__snapshot=[snapshot])))) == ["fail"]

    def test_allowed_list_comes_from_the_profile(self) -> None:
        """The US bucket passes for an organisation that allows US storage."""
        found = findings(dr.data_locations, gcp(data(gcp__storage__bucket=[bucket("b", "us")])),
                         profile(allowed_jurisdictions=["EU", "US"]))
        assert statuses(found) == ["pass"]

    def test_unreadable_type_is_unknown_while_others_are_judged(self) -> None:
        """A denied type is reported as unknown; readable types still get verdicts."""
        resources = data(gcp__storage__bucket=[bucket("b", "europe-west1")])
        del resources["gcp.compute.instance"]
        snap = gcp(resources, errors=[denied("gcp.compute.instance")])
        found = findings(dr.data_locations, snap)
        assert statuses(found) == ["pass", "unknown"]
        assert "gcp.compute.instance" in str(one(found, "unknown").reason)

    def test_no_data_resources_is_not_applicable(self) -> None:
        """Nothing that holds data: not applicable."""
        assert statuses(findings(dr.data_locations, gcp(data()))) == ["not_applicable"]


class TestResourceLocationsPolicy:
    def test_eu_value_group_at_org_passes(self) -> None:
        """in:eu-locations on the organisation restricts the project to the EU."""
        snap = gcp({"gcp.orgpolicy.policy": [policy(ORG, ["in:eu-locations"])]})
        found = findings(dr.resource_locations_policy, snap)
        assert str(one(found, "pass").resource_id).endswith(f"{ORG}/policies/gcp.resourceLocations")

    def test_no_policy_fails(self) -> None:
        """No location policy anywhere in the chain fails."""
        assert statuses(findings(dr.resource_locations_policy, gcp({"gcp.orgpolicy.policy": []}))) == ["fail"]

    def test_us_values_fail(self) -> None:
        """A policy allowing US locations fails an EU-only organisation."""
        found = findings(dr.resource_locations_policy,
                         gcp({"gcp.orgpolicy.policy": [policy(ORG, ["in:eu-locations", "in:us-locations"])]}))
        assert one(found, "fail").evidence["outside_allowed"] == {"in:us-locations": ["US"]}

    def test_project_reset_overrides_org(self) -> None:
        """A project policy that resets the constraint wins over the organisation's."""
        policies = [policy(ORG, ["in:eu-locations"]), policy(f"projects/{NUMBER}", [], reset=True)]
        assert statuses(findings(dr.resource_locations_policy, gcp({"gcp.orgpolicy.policy": policies}))) == ["fail"]

    def test_inherited_values_merge(self) -> None:
        """A folder policy inheriting from the org adds its values to the org's."""
        policies = [policy(ORG, ["in:eu-locations"]),
                    policy(FOLDER, ["in:us-central1-locations"], inherit_from_parent=True)]
        found = findings(dr.resource_locations_policy, gcp({"gcp.orgpolicy.policy": policies}))
        assert one(found, "fail").evidence["allowed_values"] == ["in:eu-locations", "in:us-central1-locations"]

    def test_nearest_policy_wins_without_inheritance(self) -> None:
        """A folder policy that does not inherit replaces a looser org policy."""
        policies = [policy(ORG, ["in:us-locations"]), policy(FOLDER, ["europe-west1"])]
        assert statuses(findings(dr.resource_locations_policy, gcp({"gcp.orgpolicy.policy": policies}))) == ["pass"]

    def test_europe_group_reaches_outside_the_eu(self) -> None:
        """in:europe-locations includes the UK and Switzerland."""
        found = findings(dr.resource_locations_policy,
                         gcp({"gcp.orgpolicy.policy": [policy(ORG, ["in:europe-locations"])]}))
        assert one(found, "fail").evidence["outside_allowed"] == {"in:europe-locations": ["CH", "UK"]}

    def test_unmapped_value_is_unknown(self) -> None:
        """A value whose jurisdiction is unknown gives unknown, not pass."""
        found = findings(dr.resource_locations_policy,
                         gcp({"gcp.orgpolicy.policy": [policy(ORG, ["in:eu-locations", "in:asia-locations"])]}))
        assert one(found, "unknown").evidence["unmapped_values"] == ["in:asia-locations"]

    def test_unreadable_org_policies_are_unknown(self) -> None:
        """A denied ORG_POLICY read gives unknown naming the operation."""
        snap = gcp(errors=[denied("gcp.orgpolicy.policy", operation="ListAssets[ORG_POLICY]")])
        assert "ListAssets[ORG_POLICY]" in str(one(findings(dr.resource_locations_policy, snap), "unknown").reason)
