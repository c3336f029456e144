"""Log integrity and retention (LI) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import integrity as li

from tests.checks.aws_records import ACCOUNT, bucket, failure, log_group, trail
from tests.factories import findings, profile, snapshot, statuses


def key(key_id: str, rotation: bool | None, manager: str = "CUSTOMER", aliases: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"id": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{key_id}", "key_id": key_id, "region": "eu-west-1",
            "key_manager": manager, "key_state": "Enabled", "key_spec": "SYMMETRIC_DEFAULT",
            "rotation_enabled": rotation, "aliases": list(aliases)}


class TestLogFileValidation:
    def test_validated_trails_pass_and_unvalidated_fail(self) -> None:
        """Validation on every logging trail passes; on none fails."""
        on = snapshot(resources={li.TRAIL: [trail()]})
        off = snapshot(resources={li.TRAIL: [trail(log_file_validation=False)]})
        assert statuses(findings(li.log_file_validation, on)) == ["pass"]
        assert statuses(findings(li.log_file_validation, off)) == ["fail"]

    def test_stopped_trails_are_ignored(self) -> None:
        """A stopped trail without validation does not drag down the logging one."""
        snap = snapshot(resources={li.TRAIL: [trail(), trail(id="arn:x:trail/old", is_logging=False,
                                                              log_file_validation=False)]})
        assert statuses(findings(li.log_file_validation, snap)) == ["pass"]

    def test_mixed_is_partial(self) -> None:
        """One validated trail of two gives partial coverage 0.5."""
        snap = snapshot(resources={li.TRAIL: [trail(), trail(id="arn:x:trail/b", log_file_validation=False)]})
        found = findings(li.log_file_validation, snap)
        assert statuses(found) == ["partial"] and found[0].coverage == 0.5

    def test_no_logging_trail_is_not_applicable(self) -> None:
        """Without a logging trail there is nothing to validate (LC-01 reports the gap)."""
        assert statuses(findings(li.log_file_validation, snapshot(resources={li.TRAIL: []}))) == ["not_applicable"]


class TestTrailBucketObjectLock:
    def test_locked_bucket_passes_with_mode(self) -> None:
        """A trail bucket with a compliance-mode default retention passes and shows the mode."""
        snap = snapshot(resources={li.TRAIL: [trail()], li.BUCKET: [bucket("trail-logs", lock="COMPLIANCE")]})
        found = findings(li.bucket_object_lock, snap)
        assert statuses(found) == ["pass"]
        assert found[0].evidence["lock_modes"] == {"arn:aws:s3:::trail-logs": "COMPLIANCE"}

    def test_unlocked_bucket_fails(self) -> None:
        """Versioning alone is not write-once: the bucket fails."""
        snap = snapshot(resources={li.TRAIL: [trail()], li.BUCKET: [bucket("trail-logs")]})
        assert statuses(findings(li.bucket_object_lock, snap)) == ["fail"]

    def test_lock_without_default_retention_fails(self) -> None:
        """Object Lock enabled but with no default retention protects nothing written by CloudTrail."""
        unlocked = {**bucket("trail-logs"), "object_lock_enabled": True}
        snap = snapshot(resources={li.TRAIL: [trail()], li.BUCKET: [unlocked]})
        assert statuses(findings(li.bucket_object_lock, snap)) == ["fail"]

    def test_bucket_in_another_account_is_unknown(self) -> None:
        """A log bucket not owned here is unknown, pointing at the account that owns it."""
        snap = snapshot(resources={li.TRAIL: [trail(s3_bucket="org-archive")], li.BUCKET: []})
        found = findings(li.bucket_object_lock, snap)
        assert statuses(found) == ["unknown"]
        assert found[0].evidence["buckets_elsewhere"] == ["org-archive"]
        assert "log archive" in (found[0].reason or "")

    def test_bucket_error_is_unknown(self) -> None:
        """A denied GetObjectLockConfiguration is unknown with the operation named."""
        snap = snapshot(resources={li.TRAIL: [trail()], li.BUCKET: []},
                        errors=[failure("s3", "GetObjectLockConfiguration", [li.BUCKET])])
        found = findings(li.bucket_object_lock, snap)
        assert statuses(found) == ["unknown"] and "GetObjectLockConfiguration" in (found[0].reason or "")


class TestLogRetention:
    def test_never_expiring_and_long_retention_pass(self) -> None:
        """Null retention (never expires) and retention above the requirement both pass."""
        snap = snapshot(resources={li.LOG_GROUP: [log_group("a", None), log_group("b", 400)]})
        found = findings(li.log_retention, snap, profile(required_log_retention_days=365))
        assert statuses(found) == ["pass"]
        assert found[0].evidence["never_expire_count"] == 1

    def test_short_retention_is_partial_with_shortest(self) -> None:
        """A 30-day group next to a compliant one is partial and reports the shortest retention."""
        snap = snapshot(resources={li.LOG_GROUP: [log_group("a", 30), log_group("b", 3653)]})
        found = findings(li.log_retention, snap, profile(required_log_retention_days=365))
        assert statuses(found) == ["partial"]
        assert found[0].evidence["shortest_retention_days"] == 30
        assert found[0].evidence["required_days"] == 365

    def test_requirement_comes_from_the_profile(self) -> None:
        """The same 90-day group passes a 90-day requirement and fails a 365-day one."""
        snap = snapshot(resources={li.LOG_GROUP: [log_group("a", 90)]})
        assert statuses(findings(li.log_retention, snap, profile(required_log_retention_days=90))) == ["pass"]
        assert statuses(findings(li.log_retention, snap, profile(required_log_retention_days=365))) == ["fail"]

    def test_no_group_is_not_applicable_and_denied_is_unknown(self) -> None:
        """No log groups is not applicable; a denied DescribeLogGroups is unknown."""
        assert statuses(findings(li.log_retention, snapshot(resources={li.LOG_GROUP: []}))) == ["not_applicable"]
        denied = snapshot(resources={li.LOG_GROUP: []}, errors=[failure("logs", "DescribeLogGroups", [li.LOG_GROUP])])
        found = findings(li.log_retention, denied)
        assert statuses(found) == ["unknown"] and "DescribeLogGroups" in (found[0].reason or "")


class TestTrailKms:
    def test_kms_trail_passes_and_sse_s3_fails(self) -> None:
        """A trail with a KMS key passes; one with default SSE-S3 fails."""
        kms = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1"
        assert statuses(findings(li.trail_kms, snapshot(resources={li.TRAIL: [trail(kms_key_id=kms)]}))) == ["pass"]
        assert statuses(findings(li.trail_kms, snapshot(resources={li.TRAIL: [trail()]}))) == ["fail"]

    def test_no_trail_is_not_applicable(self) -> None:
        """No logging trail: not applicable."""
        assert statuses(findings(li.trail_kms, snapshot(resources={li.TRAIL: []}))) == ["not_applicable"]


class TestLogKeyRotation:
    def test_rotating_keys_pass_by_arn_and_alias(self) -> None:
        """Keys referenced by ARN (trail) and by alias ARN (log group) are found and rotate: pass."""
        trail_key = key("k1", True)
        group_key = key("k2", True, aliases=("alias/logs",))
        alias_arn = f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/logs"
        snap = snapshot(resources={li.TRAIL: [trail(kms_key_id=trail_key["id"])],
                                   li.LOG_GROUP: [log_group("a", key=alias_arn)],
                                   li.KMS_KEY: [trail_key, group_key]})
        found = findings(li.log_key_rotation, snap)
        assert statuses(found) == ["pass"]
        assert found[0].evidence["compliant_count"] == 2

    def test_non_rotating_customer_key_fails_aws_managed_passes(self) -> None:
        """A customer key without rotation fails; an AWS-managed key counts as rotated."""
        customer, managed = key("k1", False), key("k2", None, manager="AWS")
        snap = snapshot(resources={li.TRAIL: [trail(kms_key_id=customer["id"])],
                                   li.LOG_GROUP: [log_group("a", key=managed["id"])],
                                   li.KMS_KEY: [customer, managed]})
        found = findings(li.log_key_rotation, snap)
        assert statuses(found) == ["partial"]
        assert found[0].evidence["noncompliant"] == [customer["id"]]

    def test_key_from_another_account_is_unknown(self) -> None:
        """A key not in the snapshot (e.g. the log archive's) is unknown, not failed."""
        snap = snapshot(resources={li.TRAIL: [trail(kms_key_id="arn:aws:kms:eu-west-1:999999999999:key/x")],
                                   li.LOG_GROUP: [], li.KMS_KEY: []})
        found = findings(li.log_key_rotation, snap)
        assert statuses(found) == ["unknown"]
        assert found[0].evidence["keys_elsewhere_count"] == 1

    def test_nothing_encrypted_is_not_applicable(self) -> None:
        """No log store uses KMS: not applicable (LI-05 trail check reports the gap)."""
        snap = snapshot(resources={li.TRAIL: [trail()], li.LOG_GROUP: [log_group("a", 30)], li.KMS_KEY: []})
        assert statuses(findings(li.log_key_rotation, snap)) == ["not_applicable"]

    def test_rotation_status_error_is_unknown(self) -> None:
        """A denied GetKeyRotationStatus is unknown with the operation named."""
        snap = snapshot(resources={li.TRAIL: [trail(kms_key_id="k")], li.LOG_GROUP: [], li.KMS_KEY: []},
                        errors=[failure("kms", "GetKeyRotationStatus", [li.KMS_KEY], "eu-west-1")])
        found = findings(li.log_key_rotation, snap)
        assert statuses(found) == ["unknown"] and "GetKeyRotationStatus" in (found[0].reason or "")

