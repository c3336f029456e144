"""Log integrity and retention (LI) GCP checks."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import integrity as li

from tests.checks.test_gcp_fixtures import NUMBER, ORG, PROJECT, gcp, held, one
from tests.factories import findings, profile, statuses

KEY = f"projects/{PROJECT}/locations/europe-west1/keyRings/logs/cryptoKeys/log-key"


def log_bucket(name: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"//logging.googleapis.com/projects/{PROJECT}/locations/global/buckets/{name}", "name": name,
        "project_id": PROJECT, "parent": f"projects/{NUMBER}", "location": "global", "region": "global",
        "retention_days": 30, "locked": False, "cmek_key_name": None, "lifecycle_state": "ACTIVE",
        "analytics_enabled": False,
    }
    data.update(overrides)
    return data


def required() -> dict[str, Any]:
    return log_bucket("_Required", retention_days=400, locked=True)


def gcs(name: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"//storage.googleapis.com/{name}", "name": name, "project_id": PROJECT, "location": "eu",
        "location_type": "multi-region", "region": "eu", "data_locations": [], "retention_period_days": None,
        "retention_locked": False, "versioning": False, "default_kms_key": None, "labels": {},
    }
    data.update(overrides)
    return data


def storage_sink(bucket: str) -> dict[str, Any]:
    return {"id": f"//logging.googleapis.com/{ORG}/sinks/archive", "name": "archive", **held(ORG),
            "destination": f"storage.googleapis.com/{bucket}", "filter": "", "exclusions": [],
            "disabled": False, "include_children": True, "writer_identity": "serviceAccount:w@x"}


class TestBucketLocked:
    def test_required_bucket_is_left_out(self) -> None:
        """_Required is Google-managed; only _Default counts here and it is unlocked."""
        found = findings(li.bucket_locked, gcp({"gcp.logging.bucket": [required(), log_bucket("_Default")]}))
        assert one(found, "fail").evidence["assessed"] == 1

    def test_some_locked_is_partial(self) -> None:
        """A locked audit bucket beside an unlocked _Default is partial."""
        buckets = [log_bucket("_Default"), log_bucket("audit-archive", locked=True, retention_days=400)]
        assert one(findings(li.bucket_locked, gcp({"gcp.logging.bucket": buckets})), "partial").coverage == 0.5

    def test_all_locked_passes_and_only_required_is_not_applicable(self) -> None:
        """All managed buckets locked pass; a project with only _Required has nothing to judge."""
        locked = gcp({"gcp.logging.bucket": [log_bucket("a", locked=True)]})
        assert statuses(findings(li.bucket_locked, locked)) == ["pass"]
        assert statuses(findings(li.bucket_locked, gcp({"gcp.logging.bucket": [required()]}))) == ["not_applicable"]


class TestLogExportBucketLocked:
    def test_locked_export_bucket_passes(self) -> None:
        """A sink to a bucket with a locked retention policy passes."""
        snap = gcp({"gcp.logging.sink": [storage_sink("acme-logs")],
                    "gcp.storage.bucket": [gcs("acme-logs", retention_period_days=400, retention_locked=True)]})
        assert statuses(findings(li.log_export_bucket_locked, snap)) == ["pass"]

    def test_unlocked_export_bucket_fails(self) -> None:
        """A retention policy that is not locked can be removed: fail."""
        snap = gcp({"gcp.logging.sink": [storage_sink("acme-logs")],
                    "gcp.storage.bucket": [gcs("acme-logs", retention_period_days=400)]})
        assert statuses(findings(li.log_export_bucket_locked, snap)) == ["fail"]

    def test_bucket_in_another_project_is_unknown(self) -> None:
        """The destination bucket is not in this snapshot: unknown, never a guess."""
        snap = gcp({"gcp.logging.sink": [storage_sink("central-logs")], "gcp.storage.bucket": []})
        assert "central-logs" in str(one(findings(li.log_export_bucket_locked, snap), "unknown").reason)

    def test_no_storage_sink_is_not_applicable(self) -> None:
        """Without a sink to Cloud Storage there is no export bucket to lock."""
        snap = gcp({"gcp.logging.sink": [], "gcp.storage.bucket": [gcs("data")]})
        assert statuses(findings(li.log_export_bucket_locked, snap)) == ["not_applicable"]


class TestBucketRetention:
    def test_default_thirty_days_fails_a_year_requirement(self) -> None:
        """_Default at 30 days (0 in the API) fails a 365-day requirement."""
        buckets = [required(), log_bucket("_Default", retention_days=0)]
        found = findings(li.bucket_retention, gcp({"gcp.logging.bucket": buckets}))
        result = one(found, "fail")
        assert result.evidence["required_days"] == 365
        assert list(result.evidence["retention_days_of_short"].values()) == [30]

    def test_requirement_comes_from_the_profile(self) -> None:
        """The same bucket passes when the organisation only needs 30 days."""
        found = findings(li.bucket_retention, gcp({"gcp.logging.bucket": [log_bucket("_Default")]}),
                         profile(required_log_retention_days=30))
        assert statuses(found) == ["pass"]

    def test_mixed_retention_is_partial(self) -> None:
        """One long-retention bucket and one short one is partial."""
        buckets = [log_bucket("_Default"), log_bucket("audit", retention_days=400)]
        assert one(findings(li.bucket_retention, gcp({"gcp.logging.bucket": buckets})), "partial").coverage == 0.5


class TestBucketCmek:
    def test_cmek_passes_and_unrotated_key_is_noted(self) -> None:
        """A CMEK bucket passes; a key without rotation is named in the evidence."""
        key = {"id": f"//cloudkms.googleapis.com/{KEY}", "name": "log-key", "project_id": PROJECT,
               "rotation_period_days": None}
        snap = gcp({"gcp.logging.bucket": [log_bucket("_Default", cmek_key_name=KEY)], "gcp.kms.crypto_key": [key]})
        assert one(findings(li.bucket_cmek, snap), "pass").evidence["keys_without_rotation"] == [KEY]

    def test_google_managed_keys_fail(self) -> None:
        """Buckets on Google-managed keys fail, even when KMS keys could not be read."""
        snap = gcp({"gcp.logging.bucket": [log_bucket("_Default")]})
        assert statuses(findings(li.bucket_cmek, snap)) == ["fail"]
