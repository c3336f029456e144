"""The example organisation's GCP snapshot is valid and gives a mixed, explainable result."""

from __future__ import annotations

import json
from pathlib import Path

from assessor.models import Finding, Snapshot, Workload
from tests.checks.test_gcp_contract import GCP_CHECKS
from tests.factories import findings, profile

EXAMPLE = Path(__file__).resolve().parents[2] / "examples/acme/snapshots/gcp-acme-analytics-prod.json"
HOSTILE = ("<img src=x onerror=alert(1)>", "{{ 7*7 }}", "http://169.254.169.254/computeMetadata/v1/", "\u202e")


def load() -> Snapshot:
    return Snapshot.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))


def run_all() -> dict[str, list[Finding]]:
    prof = profile(organization="Acme Hybrid Manufacturing", allowed_jurisdictions=["EU", "UK"],
                   workloads=[Workload(name="analytics", provider="gcp", service_model="paas",
                                       accounts=["acme-analytics-prod"])])
    snap = load()
    return {c.spec.id: findings(c.function, snap, prof) for c in GCP_CHECKS}


def test_example_validates() -> None:
    """The file is a format-1 Snapshot of the acme-analytics-prod project."""
    snap = load()
    assert (snap.format_version, snap.provider, snap.account_id) == (1, "gcp", "acme-analytics-prod")
    assert snap.organization_id == "123456789012"
    assert snap.regions == ["europe-west1", "europe-west4", "us-central1"]
    assert snap.collected_at.isoformat() == "2026-11-01T09:00:00+00:00"
    assert any(c.service == "cloudasset" and c.operation == "ListAssets" and c.count > 1 for c in snap.api_calls)


def test_example_carries_hostile_strings_as_data() -> None:
    """One resource's labels hold HTML, a template, a metadata URL, an RTL override and 10k characters."""
    labels = [str(v) for records in load().resources.values() for r in records
              for v in (r.get("labels") or {}).values()]
    for text in HOSTILE:
        assert any(text in value for value in labels), text
    assert any(len(value) >= 10_000 for value in labels)


def test_all_checks_give_pass_fail_and_unknown() -> None:
    """Running every GCP check over the example yields at least one pass, one fail and one unknown."""
    statuses = {f.status.value for found in run_all().values() for f in found}
    assert {"pass", "fail", "unknown", "partial"} <= statuses
    assert "error" not in statuses


def test_example_tells_the_intended_story() -> None:
    """Aggregated sink to BigQuery but not Pub/Sub, partial flow logs, a US bucket, contacts unknown."""
    found = run_all()
    status = {k: sorted(f.status.value for f in v) for k, v in found.items()}
    assert status["gcp.logging.org_aggregated_sink"] == ["pass"]
    assert status["gcp.logging.siem_pubsub_sink"] == ["fail"]
    assert status["gcp.iam.data_access_audit_logs"] == ["partial"]
    assert status["gcp.scc.threat_detection"] == ["fail"]
    flows = {f.region: f.status.value for f in found["gcp.compute.subnet_flow_logs"]}
    assert flows == {"europe-west1": "pass", "europe-west4": "partial", "us-central1": "fail"}
    residency = {f.region: f.status.value for f in found["gcp.asset.data_locations"]}
    assert residency["us"] == "fail" and residency["global"] == "fail" and residency["eu"] == "pass"
    contacts = found["gcp.essentialcontacts.security_contact"]
    assert [f.status.value for f in contacts] == ["unknown"]
    assert "organizations.contacts.list" in (contacts[0].reason or "")


def test_findings_are_small_and_serialisable() -> None:
    """Evidence survives JSON round trips and no id list exceeds the cap."""
    for found in run_all().values():
        for finding in found:
            json.loads(finding.model_dump_json())
            for value in finding.evidence.values():
                if isinstance(value, list):
                    assert len(value) <= 50
