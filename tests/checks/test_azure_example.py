"""The example organisation's Azure snapshot: valid, well-formed, and judged as its story says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.catalogue import load_catalogue
from assessor.models import Finding, Status
from assessor.plugins import load_checks
from assessor.resource_types import RESOURCE_TYPES
from assessor.snapshots import load_snapshot
from tests.factories import findings, profile

SUB = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme" / "snapshots" / f"azure-{SUB}.json"
# Types that have no location of their own (tenant- or subscription-level settings).
UNREGIONED = {"azure.subscription", "azure.monitor.diagnostic_setting", "azure.monitor.log_profile",
              "azure.security.pricing", "azure.security.contact", "azure.aadiam.diagnostic_setting",
              "azure.policy.assignment", "azure.locks.lock"}
HOSTILE = ['"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "file:///etc/passwd", "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.fixture(scope="module")
def example_findings() -> dict[str, list[Finding]]:
    snap = load_snapshot(EXAMPLE).snapshot
    prof = profile(organization="Acme Hybrid Manufacturing", allowed_jurisdictions=["EU", "UK"],
                   required_log_retention_days=365)
    azure_checks = [c for c in load_checks(load_catalogue()) if c.spec.provider == "azure"]
    return {c.spec.id: findings(c.function, snap, prof) for c in azure_checks}


def test_example_loads_through_the_snapshot_reader() -> None:
    """The file is a valid version-1 snapshot for the documented subscription."""
    snap = load_snapshot(EXAMPLE).snapshot
    assert (snap.provider, snap.account_id, snap.account_name) == ("azure", SUB, "acme-customer-portal")
    assert snap.regions == ["westeurope", "northeurope", "uksouth", "eastus"]
    assert snap.collected_at.isoformat() == "2026-11-01T09:00:00+00:00"
    assert snap.tool_version == "0.1.0" and snap.api_calls


def test_example_records_follow_the_registry() -> None:
    """Every type is registered, every record has an id, regional records have a region."""
    snap = load_snapshot(EXAMPLE).snapshot
    for type_name, records in snap.resources.items():
        assert type_name in RESOURCE_TYPES, type_name
        for record in records:
            assert record["id"], type_name
            if type_name not in UNREGIONED:
                assert record.get("region"), (type_name, record["id"])


def test_example_holds_no_secret_and_carries_hostile_tags() -> None:
    """Hostile tag values are present as plain data for the report tests; no key or token is stored."""
    text = EXAMPLE.read_text(encoding="utf-8")
    tags = json.dumps([r.get("tags") for r in json.loads(text)["resources"]["azure.resource"]])
    for value in HOSTILE:
        assert json.dumps(value)[1:-1] in tags, value
    for secret_marker in ("AccountKey=", "SharedAccessKey=", "client_secret", "BEGIN PRIVATE KEY"):
        assert secret_marker not in text


def test_all_azure_checks_run_and_give_pass_fail_and_unknown(example_findings: dict[str, list[Finding]]) -> None:
    """Every Azure check runs without crashing, and the example shows each kind of outcome."""
    statuses = {f.status for found in example_findings.values() for f in found}
    assert Status.ERROR not in statuses, [f.reason for fs in example_findings.values() for f in fs if f.reason]
    for found in example_findings.values():
        for finding in found:
            assert len(json.dumps(finding.evidence)) < 20_000, finding.check_id  # small, JSON-ready evidence
    assert {Status.PASS, Status.FAIL, Status.UNKNOWN, Status.PARTIAL} <= statuses


def test_example_story(example_findings: dict[str, list[Finding]]) -> None:
    """The findings match the scenario the example is built around."""
    (entra,) = example_findings["azure.entra.signin_audit_export"]
    assert entra.status == Status.UNKNOWN and "microsoft.aadiam/diagnosticSettings/read" in (entra.reason or "")
    (activity,) = example_findings["azure.monitor.activity_log_export"]
    assert activity.status == Status.PARTIAL and activity.evidence["missing_categories"] == ["Policy"]
    (flows,) = example_findings["azure.network.vnet_flow_logs"]
    assert flows.status == Status.FAIL and flows.evidence["nsg_flow_logs_only"]["count"] == 1
    (retention,) = example_findings["azure.loganalytics.retention"]
    assert retention.status == Status.FAIL and retention.evidence["shortest_days"] == 90
    regions = {f.region: f.status for f in example_findings["azure.resource.data_locations"]}
    assert regions["eastus"] == Status.FAIL and regions["westeurope"] == Status.PASS
    (guardrail,) = example_findings["azure.policy.allowed_locations"]
    assert guardrail.status == Status.FAIL and "eastus" in guardrail.message
    (plans,) = example_findings["azure.security.defender_plans"]
    assert plans.status == Status.PARTIAL
