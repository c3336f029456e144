"""Detection (DT) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import detection as dt

from tests.checks.aws_records import ACCOUNT, failure, only
from tests.factories import findings, snapshot, statuses

REGIONS = ["eu-west-1", "eu-central-1", "us-east-1"]


def detector(region: str, status: str = "ENABLED") -> dict[str, Any]:
    return {"id": f"arn:aws:guardduty:{region}:{ACCOUNT}:detector/d-{region}", "detector_id": f"d-{region}",
            "region": region, "status": status, "finding_publishing_frequency": "FIFTEEN_MINUTES",
            "features": {"S3_DATA_EVENTS": "ENABLED"}}


def hub(region: str) -> dict[str, Any]:
    return {"id": f"arn:aws:securityhub:{region}:{ACCOUNT}:hub/default", "region": region,
            "subscribed_at": "2026-01-01T00:00:00Z", "auto_enable_controls": True}


def standard(region: str, status: str = "READY") -> dict[str, Any]:
    return {"id": f"arn:aws:securityhub:{region}:{ACCOUNT}:subscription/aws-foundational-security-best-practices"
                  "/v/1.0.0", "region": region, "status": status,
            "standard_arn": f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices"
                            "/v/1.0.0"}


class TestGuardDuty:
    def test_every_region_enabled_passes(self) -> None:
        """An enabled detector in every swept region passes."""
        snap = snapshot(resources={dt.DETECTOR: [detector(r) for r in REGIONS]}, regions=REGIONS)
        assert statuses(findings(dt.guardduty_all_regions, snap)) == ["pass"]

    def test_missing_and_disabled_regions_are_partial(self) -> None:
        """A missing and a suspended detector leave two of three regions unwatched."""
        snap = snapshot(resources={dt.DETECTOR: [detector("eu-west-1"), detector("eu-central-1", "DISABLED")]},
                        regions=REGIONS)
        found = findings(dt.guardduty_all_regions, snap)
        assert statuses(found) == ["partial"]
        assert found[0].coverage == 1 / 3
        assert found[0].evidence["noncompliant"] == ["eu-central-1", "us-east-1"]

    def test_no_detector_fails(self) -> None:
        """No detector anywhere fails."""
        assert statuses(findings(dt.guardduty_all_regions, snapshot(resources={dt.DETECTOR: []}))) == ["fail"]

    def test_denied_region_is_unknown_and_never_counted(self) -> None:
        """A region where ListDetectors was denied is unknown, not counted as missing."""
        snap = snapshot(resources={dt.DETECTOR: [detector("eu-west-1")]}, regions=["eu-west-1", "eu-west-2"],
                        errors=[failure("guardduty", "ListDetectors", [dt.DETECTOR], "eu-west-2")])
        found = findings(dt.guardduty_all_regions, snap)
        assert statuses(found) == ["pass", "unknown"]
        unknown = only(found, "unknown")
        assert unknown.region == "eu-west-2" and "ListDetectors" in (unknown.reason or "")

    def test_all_regions_denied_gives_only_unknowns(self) -> None:
        """When every region was denied there is no verdict, only unknowns."""
        snap = snapshot(resources={dt.DETECTOR: []}, regions=["eu-west-1"],
                        errors=[failure("guardduty", "ListDetectors", [dt.DETECTOR], "eu-west-1")])
        assert statuses(findings(dt.guardduty_all_regions, snap)) == ["unknown"]


class TestSecurityHub:
    def test_hub_with_standard_everywhere_passes(self) -> None:
        """Hub plus a ready standard in each region passes."""
        snap = snapshot(resources={dt.HUB: [hub(r) for r in REGIONS], dt.STANDARD: [standard(r) for r in REGIONS]},
                        regions=REGIONS)
        assert statuses(findings(dt.securityhub_enabled, snap)) == ["pass"]

    def test_hub_without_standard_counts_as_missing(self) -> None:
        """A hub with no ready standard assesses nothing: listed as idle, region not compliant."""
        snap = snapshot(resources={dt.HUB: [hub("eu-west-1"), hub("eu-central-1")],
                                   dt.STANDARD: [standard("eu-west-1"), standard("eu-central-1", "FAILED")]},
                        regions=["eu-west-1", "eu-central-1"])
        found = findings(dt.securityhub_enabled, snap)
        assert statuses(found) == ["partial"] and found[0].evidence["hub_without_standard"] == ["eu-central-1"]

    def test_unreadable_standards_matter_only_where_a_hub_exists(self) -> None:
        """Standards not implemented (moto) make hub regions unknown; regions without a hub still fail."""
        snap = snapshot(resources={dt.HUB: [hub("eu-west-1")]}, regions=["eu-west-1", "us-east-1"],
                        errors=[failure("securityhub", "GetEnabledStandards", [dt.STANDARD], code="NotImplemented")])
        found = findings(dt.securityhub_enabled, snap)
        assert statuses(found) == ["fail", "unknown"]
        assert only(found, "unknown").region == "eu-west-1"
        assert "GetEnabledStandards" in (only(found, "unknown").reason or "")
        assert only(found, "fail").evidence["noncompliant"] == ["us-east-1"]

    def test_no_hub_fails(self) -> None:
        """No hub anywhere fails."""
        snap = snapshot(resources={dt.HUB: [], dt.STANDARD: []})
        assert statuses(findings(dt.securityhub_enabled, snap)) == ["fail"]

    def test_denied_describe_hub_is_unknown(self) -> None:
        """A denied DescribeHub is unknown, naming the operation."""
        snap = snapshot(resources={dt.STANDARD: []}, errors=[failure("securityhub", "DescribeHub", [dt.HUB])])
        found = findings(dt.securityhub_enabled, snap)
        assert statuses(found) == ["unknown"] and "DescribeHub" in (found[0].reason or "")
