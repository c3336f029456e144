"""Evidence acquisition (EV) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import evidence as ev

from tests.checks.aws_records import ACCOUNT, bucket, failure, instance, only
from tests.factories import findings, snapshot, statuses


def target(region: str) -> dict[str, Any]:
    return {"id": f"arn:aws:ec2:{region}:{ACCOUNT}:traffic-mirror-target/tmt-{region}",
            "target_id": f"tmt-{region}", "region": region, "type": "network-load-balancer",
            "description": "capture appliance", "tags": {}}


class TestTrafficMirroring:
    def test_target_in_every_instance_region_passes(self) -> None:
        """A target where the instances run passes; sessions are counted as evidence."""
        snap = snapshot(resources={ev.INSTANCE: [instance("i-1")], ev.MIRROR_TARGET: [target("eu-west-1")],
                                   ev.MIRROR_SESSION: []})
        found = findings(ev.traffic_mirroring_ready, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["sessions"] == 0

    def test_target_in_one_of_two_regions_is_partial(self) -> None:
        """Instances in two regions, a target in one: partial 0.5, the other region named."""
        snap = snapshot(resources={ev.INSTANCE: [instance("i-1"), instance("i-2", "eu-central-1")],
                                   ev.MIRROR_TARGET: [target("eu-west-1")], ev.MIRROR_SESSION: []},
                        regions=["eu-west-1", "eu-central-1"])
        found = findings(ev.traffic_mirroring_ready, snap)
        assert statuses(found) == ["partial"] and found[0].evidence["noncompliant"] == ["eu-central-1"]

    def test_no_target_fails_and_unreadable_sessions_are_tolerated(self) -> None:
        """No target fails; sessions that could not be read only blank that evidence."""
        snap = snapshot(resources={ev.INSTANCE: [instance("i-1")], ev.MIRROR_TARGET: []},
                        errors=[failure("ec2", "DescribeTrafficMirrorSessions", [ev.MIRROR_SESSION])])
        found = findings(ev.traffic_mirroring_ready, snap)
        assert statuses(found) == ["fail"] and found[0].evidence["sessions"] is None

    def test_no_instances_is_not_applicable(self) -> None:
        """Nothing to mirror: not applicable."""
        snap = snapshot(resources={ev.INSTANCE: [], ev.MIRROR_TARGET: []})
        assert statuses(findings(ev.traffic_mirroring_ready, snap)) == ["not_applicable"]

    def test_denied_targets_in_a_region_is_unknown_there(self) -> None:
        """A denied DescribeTrafficMirrorTargets in one region is unknown for that region only."""
        snap = snapshot(resources={ev.INSTANCE: [instance("i-1"), instance("i-2", "eu-west-2")],
                                   ev.MIRROR_TARGET: [target("eu-west-1")]}, regions=["eu-west-1", "eu-west-2"],
                        errors=[failure("ec2", "DescribeTrafficMirrorTargets", [ev.MIRROR_TARGET], "eu-west-2")])
        found = findings(ev.traffic_mirroring_ready, snap)
        assert statuses(found) == ["pass", "unknown"]
        assert only(found, "unknown").region == "eu-west-2"


class TestEvidenceLocker:
    def test_locked_evidence_bucket_passes(self) -> None:
        """A bucket tagged purpose=evidence with compliance-mode retention passes."""
        snap = snapshot(resources={ev.BUCKET: [bucket("ir-locker", lock="COMPLIANCE",
                                                      tags={"purpose": "evidence"})]})
        found = findings(ev.evidence_locker, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["compliance_mode"] == ["arn:aws:s3:::ir-locker"]

    def test_unlocked_forensic_bucket_fails(self) -> None:
        """A bucket named for forensics but without Object Lock fails."""
        snap = snapshot(resources={ev.BUCKET: [bucket("acme-forensics")]})
        found = findings(ev.evidence_locker, snap)
        assert statuses(found) == ["fail"] and found[0].evidence["noncompliant"] == ["arn:aws:s3:::acme-forensics"]

    def test_no_locker_fails(self) -> None:
        """An account with no evidence bucket at all fails, telling how a locker is recognised."""
        found = findings(ev.evidence_locker, snapshot(resources={ev.BUCKET: [bucket("web")]}))
        assert statuses(found) == ["fail"] and "evidence" in found[0].message

    def test_bucket_error_is_unknown(self) -> None:
        """A denied GetObjectLockConfiguration is unknown, naming the operation."""
        snap = snapshot(errors=[failure("s3", "GetObjectLockConfiguration", [ev.BUCKET])])
        found = findings(ev.evidence_locker, snap)
        assert statuses(found) == ["unknown"] and "GetObjectLockConfiguration" in (found[0].reason or "")
