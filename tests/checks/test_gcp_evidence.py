"""Evidence acquisition (EV) GCP checks: packet capture readiness and the evidence locker."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import evidence as ev

from tests.checks.test_gcp_fixtures import PROJECT, by_region, denied, gcp, one, project
from tests.factories import findings, statuses

COMPUTE = f"//compute.googleapis.com/projects/{PROJECT}"


def vm(name: str, zone: str = "europe-west1-b") -> dict[str, Any]:
    return {"id": f"{COMPUTE}/zones/{zone}/instances/{name}", "name": name, "project_id": PROJECT,
            "zone": zone, "region": zone.rsplit("-", 1)[0], "created_by": None}


def mirroring(name: str, region: str = "europe-west1", enabled: bool = False) -> dict[str, Any]:
    return {"id": f"{COMPUTE}/regions/{region}/packetMirrorings/{name}", "name": name, "project_id": PROJECT,
            "region": region, "network": f"{COMPUTE}/global/networks/vpc", "enabled": enabled,
            "collector_ilb": f"{COMPUTE}/regions/{region}/forwardingRules/capture", "mirrored_subnetworks": [],
            "mirrored_instances": [], "mirrored_tags": ["mirror"]}


def bucket(name: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": f"//storage.googleapis.com/{name}", "name": name, "project_id": PROJECT,
                            "location": "europe-west1", "region": "europe-west1", "retention_period_days": None,
                            "retention_locked": False, "versioning": True, "labels": {}}
    data.update(overrides)
    return data


class TestPacketMirroringReady:
    def test_region_with_a_paused_policy_is_ready(self) -> None:
        """A prepared but paused policy counts; a region with VMs and no policy fails."""
        snap = gcp({"gcp.compute.instance": [vm("a"), vm("b", "us-central1-a")],
                    "gcp.compute.packet_mirroring": [mirroring("standby")]})
        found = findings(ev.packet_mirroring_ready, snap)
        assert by_region(found) == {"europe-west1": "pass", "us-central1": "fail"}
        assert one(found, "pass").evidence["active"] == []

    def test_no_vms_is_not_applicable(self) -> None:
        """Without VMs there is nothing to mirror."""
        snap = gcp({"gcp.compute.instance": [], "gcp.compute.packet_mirroring": []})
        assert statuses(findings(ev.packet_mirroring_ready, snap)) == ["not_applicable"]

    def test_unreadable_region_is_unknown(self) -> None:
        """A region whose mirroring policies could not be read is unknown, not failed."""
        snap = gcp({"gcp.compute.instance": [vm("a"), vm("b", "us-central1-a")],
                    "gcp.compute.packet_mirroring": [mirroring("standby")]},
                   errors=[denied("gcp.compute.packet_mirroring", region="us-central1",
                                  operation="packetMirrorings.list")])
        assert by_region(findings(ev.packet_mirroring_ready, snap)) == {"europe-west1": "pass",
                                                                         "us-central1": "unknown"}


class TestEvidenceBucketLocked:
    def test_locked_evidence_bucket_passes(self) -> None:
        """A bucket labelled as evidence with a locked retention policy passes."""
        snap = gcp({"gcp.storage.bucket": [bucket("ir-store", labels={"purpose": "evidence"},
                                                  retention_period_days=2555, retention_locked=True)]})
        assert one(findings(ev.evidence_bucket_locked, snap), "pass").resource_id == "//storage.googleapis.com/ir-store"

    def test_unlocked_or_missing_retention_fails(self) -> None:
        """An unlocked policy and no policy both fail, each named."""
        snap = gcp({"gcp.storage.bucket": [bucket("acme-evidence", retention_period_days=365),
                                           bucket("forensic-copies")]})
        messages = sorted(f.message for f in findings(ev.evidence_bucket_locked, snap))
        assert messages == ["Evidence bucket acme-evidence has a retention policy that is not locked",
                            "Evidence bucket forensic-copies has no retention policy"]

    def test_no_evidence_bucket_in_a_workload_project_is_not_applicable(self) -> None:
        """An ordinary project need not hold the locker."""
        snap = gcp({"gcp.storage.bucket": [bucket("app-data")]})
        assert statuses(findings(ev.evidence_bucket_locked, snap)) == ["not_applicable"]

    def test_forensic_project_without_locker_fails(self) -> None:
        """A project labelled for forensics must hold the locker."""
        snap = gcp({"gcp.storage.bucket": [bucket("tools")],
                    "gcp.project": [project(labels={"purpose": "forensics"})]})
        assert statuses(findings(ev.evidence_bucket_locked, snap)) == ["fail"]
