"""The example organisation's AWS snapshots, and properties every built-in AWS check holds."""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml

from assessor.catalogue import load_catalogue
from assessor.models import Answers, Finding, Profile, Snapshot
from assessor.plugins import ENTRY_POINT_GROUP, RegisteredCheck, load_checks
from assessor.resource_types.aws import TYPES
from assessor.snapshots import load_snapshot
from tests.factories import findings, snapshot

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme"
ERP, PLANT = "111122223333", "444455556666"
HOSTILE_NAME = '<script>alert(1)</script><img src="file:///etc/passwd">{{ 7*7 }}'
HOSTILE_FORMULA = '=HYPERLINK("http://169.254.169.254/")'


@pytest.fixture(scope="module")
def aws_checks() -> list[RegisteredCheck]:
    eps = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == "builtin-aws"]
    return load_checks(load_catalogue(), eps)


@pytest.fixture(scope="module")
def acme_profile() -> Profile:
    return Answers.model_validate(yaml.safe_load((ACME / "answers.yaml").read_text(encoding="utf-8"))).profile


@pytest.fixture(scope="module")
def acme() -> dict[str, Snapshot]:
    return {account: load_snapshot(ACME / "snapshots" / f"aws-{account}.json").snapshot for account in (ERP, PLANT)}


def run_all(checks: Iterable[RegisteredCheck], snap: Snapshot, prof: Profile | None = None) -> dict[str, list[Finding]]:
    return {c.spec.id: findings(c.function, snap, prof) for c in checks}


class TestExampleSnapshots:
    def test_both_validate_with_their_scope(self, acme: dict[str, Snapshot]) -> None:
        """Both example files load as snapshots with the agreed accounts, regions and identity."""
        erp, plant = acme[ERP], acme[PLANT]
        assert (erp.account_name, erp.regions) == ("acme-erp-prod", ["eu-west-1", "eu-central-1", "us-east-1"])
        assert (plant.account_name, plant.regions) == ("acme-plant-telemetry", ["eu-west-2", "eu-west-1"])
        assert erp.identity == f"arn:aws:sts::{ERP}:assumed-role/IRAssessorReadOnly/assessor"
        assert all(s.collected_at.isoformat() == "2026-11-01T09:00:00+00:00" for s in acme.values())
        assert erp.errors == [] and {e.code for e in plant.errors} == {"AccessDeniedException", "NotImplemented"}

    def test_records_have_exactly_the_declared_fields(self, acme: dict[str, Snapshot]) -> None:
        """Every example record carries exactly the fields its resource type documents."""
        for snap in acme.values():
            for type_name, records in snap.resources.items():
                declared = set(TYPES[type_name]["fields"])
                for record in records:
                    assert set(record) == declared, (type_name, record["id"], set(record) ^ declared)

    def test_failed_calls_appear_in_api_calls(self, acme: dict[str, Snapshot]) -> None:
        """An operation that failed was still called, so the api_calls list names it."""
        called = {(c.service, c.operation, c.region) for c in acme[PLANT].api_calls}
        assert all((e.service, e.operation, e.region) in called for e in acme[PLANT].errors)

    def test_all_statuses_appear_and_nothing_crashes(self, aws_checks: list[RegisteredCheck],
                                                     acme: dict[str, Snapshot], acme_profile: Profile) -> None:
        """Across both accounts the checks give pass, fail, partial and unknown, and never error."""
        seen = {f.status.value for snap in acme.values() for found in run_all(aws_checks, snap, acme_profile).values()
                for f in found}
        assert {"pass", "fail", "partial", "unknown"} <= seen
        assert "error" not in seen

    def test_the_designed_gaps_show(self, aws_checks: list[RegisteredCheck], acme: dict[str, Snapshot],
                                    acme_profile: Profile) -> None:
        """The gaps built into the example come out as intended, with reasons for the unknowns."""
        erp = run_all(aws_checks, acme[ERP], acme_profile)
        plant = run_all(aws_checks, acme[PLANT], acme_profile)
        assert [(f.status.value, f.coverage) for f in erp["aws.ec2.vpc_flow_logs"]] == [("partial", 2 / 3)]
        assert erp["aws.guardduty.all_regions"][0].evidence["noncompliant"] == ["us-east-1"]
        assert erp["aws.cloudtrail.bucket_object_lock"][0].status.value == "fail"
        assert {f.region: f.status.value for f in erp["aws.residency.data_regions"]}["us-east-1"] == "fail"
        guardduty = {f.region: f for f in plant["aws.guardduty.all_regions"]}
        assert "ListDetectors" in (guardduty["eu-west-2"].reason or "")
        assert {f.status.value for f in plant["aws.config.recorder_all_regions"]} == {"unknown"}
        assert "NotImplemented" in (plant["aws.config.recorder_all_regions"][0].reason or "")
        assert "ListPolicies" in (plant["aws.organizations.region_guardrail"][0].reason or "")

    def test_hostile_text_travels_as_data(self, aws_checks: list[RegisteredCheck], acme: dict[str, Snapshot],
                                          acme_profile: Profile) -> None:
        """Markup, template and formula strings from tags reach the evidence unchanged, as plain strings."""
        tags = next(b["tags"] for b in acme[ERP].resources["aws.s3.bucket"] if b["region"] == "us-east-1")
        assert {"{{ 7*7 }}", "file:///etc/passwd", HOSTILE_NAME, HOSTILE_FORMULA} <= set(tags.values())
        erp = run_all(aws_checks, acme[ERP], acme_profile)
        us = next(f for f in erp["aws.residency.data_regions"] if f.region == "us-east-1")
        assert HOSTILE_NAME in us.evidence["resource_names"]
        assert HOSTILE_FORMULA in erp["aws.cloudtrail.s3_data_events"][0].evidence["classifications_seen"]


class TestEveryAwsCheck:
    def test_metadata_is_valid_and_domains_are_covered(self, aws_checks: list[RegisteredCheck]) -> None:
        """All AWS checks load against the real catalogue, and every automatable domain has one."""
        assert len(aws_checks) >= 20
        domains = {c.spec.control.split("-")[0] for c in aws_checks}
        assert {"LC", "LI", "DR", "SR", "EV", "CT", "EL", "IN", "DT"} <= domains

    def test_nothing_collected_is_unknown_everywhere(self, aws_checks: list[RegisteredCheck]) -> None:
        """With no resource type collected, every check is unknown: never pass, fail or not applicable."""
        for check_id, found in run_all(aws_checks, snapshot(resources={})).items():
            assert {f.status.value for f in found} == {"unknown"}, check_id

    def test_an_empty_account_passes_nothing(self, aws_checks: list[RegisteredCheck]) -> None:
        """Every type collected and empty: no check passes, none crashes."""
        empty = snapshot(resources={t: [] for t in TYPES})
        for check_id, found in run_all(aws_checks, empty).items():
            assert {f.status.value for f in found} <= {"fail", "not_applicable"}, check_id

    def test_needs_declare_every_type_read(self, aws_checks: list[RegisteredCheck], acme: dict[str, Snapshot],
                                           acme_profile: Profile) -> None:
        """Given only the types in its `needs`, no check reports a type as not collected."""
        for check in aws_checks:
            data = acme[ERP].model_dump()
            data["resources"] = {t: v for t, v in data["resources"].items() if t in check.spec.needs}
            for f in findings(check.function, Snapshot.model_validate(data), acme_profile):
                assert "not collected" not in (f.reason or ""), check.spec.id

    def test_evidence_is_small_json(self, aws_checks: list[RegisteredCheck], acme: dict[str, Snapshot],
                                    acme_profile: Profile) -> None:
        """Evidence serialises to JSON and no evidence list is longer than 50 entries."""
        for snap in acme.values():
            for found in run_all(aws_checks, snap, acme_profile).values():
                for f in found:
                    json.dumps(f.evidence)
                    assert all(len(v) <= 50 for v in f.evidence.values() if isinstance(v, list))

    def test_long_lists_are_capped_with_their_count(self, aws_checks: list[RegisteredCheck]) -> None:
        """600 VPCs without flow logs give 50 listed ids and the true count."""
        from tests.checks.aws_records import vpc

        check = next(c for c in aws_checks if c.spec.id == "aws.ec2.vpc_flow_logs")
        snap = snapshot(resources={"aws.ec2.vpc": [vpc(f"vpc-{i:04d}") for i in range(600)], "aws.ec2.flow_log": []})
        evidence = findings(check.function, snap)[0].evidence
        assert len(evidence["noncompliant"]) == 50 and evidence["noncompliant_count"] == 600
        assert evidence["noncompliant"] == sorted(evidence["noncompliant"])
