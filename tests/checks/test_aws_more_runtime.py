"""Runtime visibility and history checks: GuardDuty plans (EL-04, DT-04), Lambda logs (EL-04), IAM history."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import more_runtime as rt

from tests.checks.aws_records import ACCOUNT, failure, log_group, only
from tests.factories import findings, profile, snapshot, statuses

ALL_ON = {"RUNTIME_MONITORING": "ENABLED", "EKS_AUDIT_LOGS": "ENABLED", "LAMBDA_NETWORK_LOGS": "ENABLED",
          "EBS_MALWARE_PROTECTION": "ENABLED"}
TWO = ["eu-west-1", "eu-central-1"]


def detector(region: str = "eu-west-1", status: str = "ENABLED", **features: str) -> dict[str, Any]:
    return {"id": f"arn:aws:guardduty:{region}:{ACCOUNT}:detector/d", "detector_id": "d", "region": region,
            "status": status, "finding_publishing_frequency": "SIX_HOURS", "features": features}


def function(name: str, region: str = "eu-west-1", group: str | None = None) -> dict[str, Any]:
    return {"id": f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}", "name": name, "region": region,
            "runtime": "python3.12", "package_type": "Zip", "log_group": group or f"/aws/lambda/{name}"}


def recorder(region: str = "eu-west-1", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"arn:aws:config:{region}:{ACCOUNT}:configuration-recorder/default", "name": "default",
        "region": region, "recording": True, "last_status": "SUCCESS", "all_supported": True,
        "include_global_resource_types": True, "resource_types": [], "role_arn": "arn:r"}
    data.update(overrides)
    return data


class TestRuntimeProtection:
    def test_all_plans_on_passes(self) -> None:
        """Runtime, EKS and Lambda plans on in the only region: pass."""
        snap = snapshot(resources={rt.DETECTOR: [detector(**ALL_ON)]})
        assert statuses(findings(rt.runtime_protection, snap)) == ["pass"]

    def test_lambda_plan_not_required_without_functions(self) -> None:
        """With functions and clusters read and absent, runtime monitoring alone suffices."""
        snap = snapshot(resources={rt.DETECTOR: [detector(RUNTIME_MONITORING="ENABLED")], rt.EKS: [],
                                   rt.FUNCTION: []})
        assert statuses(findings(rt.runtime_protection, snap)) == ["pass"]

    def test_missing_plan_is_named_per_region(self) -> None:
        """A region lacking Lambda Protection while functions are unread fails it and says which plan."""
        snap = snapshot(regions=TWO, resources={rt.DETECTOR: [
            detector(**ALL_ON), detector("eu-central-1", RUNTIME_MONITORING="ENABLED", EKS_AUDIT_LOGS="ENABLED")]})
        found = only(findings(rt.runtime_protection, snap), "partial")
        assert found.evidence["missing"] == {"eu-central-1": ["LAMBDA_NETWORK_LOGS"]}
        assert found.evidence["lambda_read"] is False

    def test_disabled_detector_fails(self) -> None:
        """A suspended detector protects nothing, whatever its plans say."""
        snap = snapshot(resources={rt.DETECTOR: [detector(status="DISABLED", **ALL_ON)]})
        found = only(findings(rt.runtime_protection, snap), "fail")
        assert found.evidence["missing"] == {"eu-west-1": ["detector"]}

    def test_unreadable_detector_is_unknown(self) -> None:
        """GetDetector denied: unknown."""
        snap = snapshot(resources={rt.DETECTOR: []},
                        errors=[failure("guardduty", "GetDetector", [rt.DETECTOR], "eu-west-1")])
        assert statuses(findings(rt.runtime_protection, snap)) == ["unknown"]


class TestMalwareProtection:
    def test_enabled_passes(self) -> None:
        """EBS malware protection on: pass."""
        snap = snapshot(resources={rt.DETECTOR: [detector(EBS_MALWARE_PROTECTION="ENABLED")]})
        assert statuses(findings(rt.malware_protection, snap)) == ["pass"]

    def test_region_without_detector_is_listed(self) -> None:
        """Of two regions, the one without a detector is noncompliant and listed."""
        snap = snapshot(regions=TWO, resources={rt.DETECTOR: [detector(EBS_MALWARE_PROTECTION="ENABLED")]})
        found = only(findings(rt.malware_protection, snap), "partial")
        assert found.evidence["regions_without_detector"] == ["eu-central-1"]

    def test_feature_disabled_fails(self) -> None:
        """Detector on, malware plan off: fail."""
        snap = snapshot(resources={rt.DETECTOR: [detector(EBS_MALWARE_PROTECTION="DISABLED")]})
        assert statuses(findings(rt.malware_protection, snap)) == ["fail"]


class TestLambdaLogRetention:
    def test_never_expiring_group_passes(self) -> None:
        """A function whose group never expires passes."""
        snap = snapshot(resources={rt.FUNCTION: [function("f")], rt.LOG_GROUP: [log_group("/aws/lambda/f")]})
        assert statuses(findings(rt.lambda_log_retention, snap)) == ["pass"]

    def test_custom_group_and_short_retention(self) -> None:
        """A custom group is matched by name; a 30-day group under a 365-day requirement is too short."""
        snap = snapshot(resources={rt.FUNCTION: [function("f", group="shared"), function("g")],
                                   rt.LOG_GROUP: [log_group("shared", 400), log_group("/aws/lambda/g", 30)]})
        found = only(findings(rt.lambda_log_retention, snap, profile(required_log_retention_days=365)), "partial")
        assert found.evidence["short_retention"] == [function("g")["id"]]

    def test_missing_group_fails(self) -> None:
        """A function without any log group fails and is listed."""
        snap = snapshot(resources={rt.FUNCTION: [function("f")], rt.LOG_GROUP: []})
        found = only(findings(rt.lambda_log_retention, snap), "fail")
        assert found.evidence["without_log_group"] == [function("f")["id"]]

    def test_group_in_other_region_does_not_count(self) -> None:
        """A same-named group in another region is not the function's group."""
        snap = snapshot(regions=TWO, resources={rt.FUNCTION: [function("f")],
                                               rt.LOG_GROUP: [log_group("/aws/lambda/f", region="eu-central-1")]})
        assert statuses(findings(rt.lambda_log_retention, snap)) == ["fail"]

    def test_no_function_is_not_applicable(self) -> None:
        """No functions: not applicable."""
        snap = snapshot(resources={rt.FUNCTION: [], rt.LOG_GROUP: []})
        assert statuses(findings(rt.lambda_log_retention, snap)) == ["not_applicable"]

    def test_unreadable_log_groups_are_unknown(self) -> None:
        """DescribeLogGroups denied in the region: unknown, never fail."""
        snap = snapshot(resources={rt.FUNCTION: [function("f")], rt.LOG_GROUP: []},
                        errors=[failure("logs", "DescribeLogGroups", [rt.LOG_GROUP], "eu-west-1")])
        assert statuses(findings(rt.lambda_log_retention, snap)) == ["unknown"]


class TestGlobalResourceHistory:
    def test_recorder_with_global_types_passes(self) -> None:
        """One running recorder including global types: pass."""
        assert statuses(findings(rt.global_resource_history, snapshot(resources={rt.RECORDER: [recorder()]}))) == [
            "pass"]

    def test_explicit_iam_types_count(self) -> None:
        """A recorder listing AWS::IAM::Role explicitly also records IAM history."""
        snap = snapshot(resources={rt.RECORDER: [recorder(all_supported=False, include_global_resource_types=False,
                                                          resource_types=["AWS::IAM::Role"])]})
        assert statuses(findings(rt.global_resource_history, snap)) == ["pass"]

    def test_stopped_or_regional_only_fails(self) -> None:
        """A stopped global recorder and a running regional-only one: fail."""
        snap = snapshot(regions=TWO, resources={rt.RECORDER: [
            recorder(recording=False), recorder("eu-central-1", include_global_resource_types=False)]})
        found = only(findings(rt.global_resource_history, snap), "fail")
        assert found.evidence["running_recorders"] == [recorder("eu-central-1")["id"]]

    def test_unread_region_without_match_is_unknown(self) -> None:
        """No match in readable regions and one region unread: unknown for that region, not fail."""
        snap = snapshot(regions=TWO, resources={rt.RECORDER: [recorder(include_global_resource_types=False)]},
                        errors=[failure("config", "DescribeConfigurationRecorders", [rt.RECORDER], "eu-central-1")])
        found = findings(rt.global_resource_history, snap)
        assert statuses(found) == ["unknown"]
        assert found[0].region == "eu-central-1"
