"""`import gcp-asset-export`: asset export lines into GCP snapshots, judged by the real GCP checks."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from ir_assessor_checks.gcp import elasticity, evidence, integrity, residency, support
from ir_assessor_checks.gcp import logging as lc

from assessor.cli_gcp import read_export
from assessor.collectors.gcp.assets import build_snapshots
from assessor.errors import InputError
from assessor.models import Snapshot
from tests.factories import findings, statuses

REPO = Path(__file__).resolve().parents[2]
EXPORT = Path(__file__).parent / "data" / "gcp-export.ndjson"
HOSTILE = "<script>alert(1)</script>"


def build(lines: list[dict[str, Any]]) -> dict[str, Snapshot]:
    snaps = build_snapshots(lines, collected_at=datetime(2026, 11, 26, tzinfo=UTC), tool_version="test")
    return {s.account_id: s for s in snaps}


@pytest.fixture(scope="module")
def snaps() -> dict[str, Snapshot]:
    return build(list(read_export([EXPORT])))


def by_name(snap: Snapshot, type_name: str) -> dict[str, dict[str, Any]]:
    return {str(r.get("name")): r for r in snap.resources[type_name]}


# --------------------------------------------------------------------------- records


def test_one_snapshot_per_project_named_by_id(snaps: dict[str, Snapshot]) -> None:
    """Projects named by number in CAI become snapshots keyed by project id, with org and display name."""
    assert sorted(snaps) == ["bare-prj", "ready-prj"]
    ready = snaps["ready-prj"]
    assert ready.provider == "gcp" and ready.organization_id == "111"
    assert ready.account_name == "Ready <b>prod</b>"
    project = ready.resources["gcp.project"][0]
    assert project["number"] == "1001" and project["parent"] == "folders/222"
    assert project["ancestors"] == ["projects/1001", "folders/222", "organizations/111"]
    assert project["labels"] == {"owner": HOSTILE}


def test_floats_come_back_as_integers(snaps: dict[str, Snapshot]) -> None:
    """retentionDays 400.0, priority 1000.0, targetSize 2.0 become ints; a year in seconds becomes 365 days."""
    ready = snaps["ready-prj"]
    bucket = by_name(ready, "gcp.logging.bucket")["_Default"]
    assert bucket["retention_days"] == 400 and isinstance(bucket["retention_days"], int)
    assert bucket["locked"] is True and bucket["region"] == "global" and bucket["project_id"] == "ready-prj"
    firewall = by_name(ready, "gcp.compute.firewall")["allow-lb"]
    assert firewall["priority"] == 1000 and isinstance(firewall["priority"], int)
    assert firewall["description"] == "{{ 7*7 }}"
    assert by_name(ready, "gcp.storage.bucket")["ready-evidence"]["retention_period_days"] == 365
    assert by_name(ready, "gcp.kms.crypto_key")["logs"]["rotation_period_days"] == 90


def test_regional_records_carry_lower_case_regions(snaps: dict[str, Snapshot]) -> None:
    """Subnet region from its self link, instance zone to region, bucket location lower-cased."""
    ready = snaps["ready-prj"]
    assert by_name(ready, "gcp.compute.subnetwork")["app"]["region"] == "europe-west1"
    instance = by_name(ready, "gcp.compute.instance")["web-1"]
    assert (instance["zone"], instance["region"]) == ("europe-west1-b", "europe-west1")
    assert instance["boot_disk_auto_delete"] is False and instance["labels"]["name"] == HOSTILE
    assert by_name(ready, "gcp.storage.bucket")["ready-evidence"]["region"] == "eu"
    assert "europe-west1" in ready.regions and "us-central1" not in ready.regions


def test_autoscaler_marks_its_group(snaps: dict[str, Snapshot]) -> None:
    """An Autoscaler asset targeting a group makes that group autoscaled with its mode."""
    group = by_name(snaps["ready-prj"], "gcp.compute.instance_group_manager")["web"]
    assert group["autoscaled"] is True and group["autoscaler_mode"] == "ON" and group["target_size"] == 2
    assert "_self_link" not in group


def test_org_records_reach_every_project(snaps: dict[str, Snapshot]) -> None:
    """The org sink, org audit config and org policy appear in both projects; project items stay home."""
    for name in ("ready-prj", "bare-prj"):
        snap = snaps[name]
        sink = by_name(snap, "gcp.logging.sink")["org-audit"]
        assert sink["include_children"] is True and sink["parent"] == "organizations/111"
        assert "project_id" not in sink
        assert any(c["parent"] == "organizations/111" for c in snap.resources["gcp.iam.audit_config"])
        policy = snap.resources["gcp.orgpolicy.policy"][0]
        assert policy["constraint"] == "gcp.resourceLocations" and policy["allowed_values"] == ["in:eu-locations"]
    assert "web-1" not in by_name(snaps["bare-prj"], "gcp.compute.instance")
    assert by_name(snaps["bare-prj"], "gcp.logging.bucket")["_Default"]["retention_days"] == 30


def test_numeric_audit_log_type_is_named(snaps: dict[str, Snapshot]) -> None:
    """A logType given as the protobuf number 3.0 becomes DATA_READ."""
    configs = {c["service"]: c for c in snaps["ready-prj"].resources["gcp.iam.audit_config"]}
    assert configs["storage.googleapis.com"]["log_types"] == ["DATA_READ"]
    assert configs["allServices"]["log_types"] == ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]


def test_types_outside_the_export_are_errors_not_empty(snaps: dict[str, Snapshot]) -> None:
    """SCC and Essential Contacts are not in the file: recorded as errors and absent, never as empty lists."""
    snap = snaps["bare-prj"]
    failed = {t for e in snap.errors for t in e.resource_types}
    assert {"gcp.scc.settings", "gcp.scc.notification_config", "gcp.essentialcontacts.contact"} <= failed
    assert "gcp.essentialcontacts.contact" not in snap.resources
    assert snap.resources["gcp.compute.backend_service"] == []  # RESOURCE content present: none exist


def test_missing_iam_content_makes_audit_configs_uncollected() -> None:
    """An export without IAM_POLICY lines records audit configs as not collected, so the check is unknown."""
    lines = [a for a in read_export([EXPORT]) if "iamPolicy" not in a]
    snap = build(lines)["ready-prj"]
    assert "gcp.iam.audit_config" not in snap.resources
    assert statuses(findings(lc.data_access_audit_logs, snap)) == ["unknown"]


def test_ancestor_outside_the_export_makes_inherited_types_unknown() -> None:
    """A project-scoped export without the organisation's lines cannot judge aggregated sinks or audit logs."""
    lines = [a for a in read_export([EXPORT]) if not str(a["name"]).startswith(
        ("//cloudresourcemanager.googleapis.com/organizations/", "//logging.googleapis.com/organizations/"))]
    snap = build(lines)["ready-prj"]
    assert statuses(findings(lc.org_aggregated_sink, snap)) == ["unknown"]
    assert statuses(findings(lc.data_access_audit_logs, snap)) == ["unknown"]


def test_no_resource_content_records_errors() -> None:
    """IAM_POLICY-only lines give no project record, hence no snapshot to guess from."""
    lines = [a for a in read_export([EXPORT]) if "resource" not in a]
    assert build(lines) == {}


# --------------------------------------------------------------------------- findings of the real checks


def test_org_sink_covers_both_projects(snaps: dict[str, Snapshot]) -> None:
    """The org sink with includeChildren and an audit-log filter passes for both projects."""
    for name in ("ready-prj", "bare-prj"):
        assert statuses(findings(lc.org_aggregated_sink, snaps[name])) == ["pass"]


def test_data_access_audit_logs_from_org_policy(snaps: dict[str, Snapshot]) -> None:
    """Org-level allServices audit config makes Data Access logs pass for both projects."""
    for name in ("ready-prj", "bare-prj"):
        assert statuses(findings(lc.data_access_audit_logs, snaps[name])) == ["pass"]


def test_network_logging_differs_between_projects(snaps: dict[str, Snapshot]) -> None:
    """Flow logs, firewall logging and DNS logging pass in the prepared project and fail in the bare one."""
    ready, bare = snaps["ready-prj"], snaps["bare-prj"]
    for check in (lc.subnet_flow_logs, lc.firewall_rule_logging, lc.dns_query_logging):
        assert statuses(findings(check, ready)) == ["pass"], check.__name__
        assert statuses(findings(check, bare)) == ["fail"], check.__name__
    assert statuses(findings(lc.backend_service_logging, bare)) == ["not_applicable"]


def test_log_bucket_lock_and_elasticity(snaps: dict[str, Snapshot]) -> None:
    """Locked buckets pass only in the prepared project; its autoscaled boot disk is kept."""
    assert statuses(findings(integrity.bucket_locked, snaps["ready-prj"])) == ["pass"]
    assert "pass" not in statuses(findings(integrity.bucket_locked, snaps["bare-prj"]))
    assert statuses(findings(elasticity.autoscaled_boot_disk_retained, snaps["ready-prj"])) == ["pass"]
    assert statuses(findings(evidence.evidence_bucket_locked, snaps["ready-prj"])) == ["pass"]


def test_uncollected_types_give_unknown(snaps: dict[str, Snapshot]) -> None:
    """Essential Contacts absent from the export: unknown, never pass; the org location policy is read."""
    assert statuses(findings(support.security_contact, snaps["ready-prj"])) == ["unknown"]
    assert "unknown" not in statuses(findings(residency.resource_locations_policy, snaps["bare-prj"]))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("line", "expect"), [
    ("not json at all", ":2: not JSON"),
    ("[1, 2]", ":2: not a JSON object"),
    ('{"assetType": "storage.googleapis.com/Bucket"}', ":2: name: missing"),
    ('{"name": "//storage.googleapis.com/b", "assetType": 3}', ":2: assetType: missing"),
])
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, expect: str) -> None:
    """A malformed second line raises InputError with file:line and the key."""
    path = tmp_path / "bad.ndjson"
    path.write_text(EXPORT.read_text().split("\n", 1)[0] + "\n" + line + "\n")
    with pytest.raises(InputError) as caught:
        list(read_export([path]))
    assert f"bad.ndjson{expect}" in str(caught.value)


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assessor", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=300, check=False)


def test_cli_bad_line_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """The command stops with exit 2, file:line on stderr, no traceback and no snapshot written."""
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"name": "x", "assetType": "y"}\n{oops\n')
    out = tmp_path / "out"
    result = cli("import", "gcp-asset-export", EXPORT, bad, "--out", out)
    assert result.returncode == 2
    assert "bad.ndjson:2" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_import_then_assess_end_to_end(tmp_path: Path) -> None:
    """import writes gcp-<project>.json; assess turns them into a report where hostile text stays inert."""
    out = tmp_path / "snaps"
    result = cli("import", "gcp-asset-export", EXPORT, "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["gcp-bare-prj.json", "gcp-ready-prj.json"]
    saved = Snapshot.model_validate_json((out / "gcp-ready-prj.json").read_text())
    assert saved.resources["gcp.logging.bucket"][0]["retention_days"] in (400, 3650)
    data = yaml.safe_load((REPO / "examples" / "acme" / "answers.yaml").read_text())
    data["profile"]["workloads"] = [
        {"name": "shop", "provider": "gcp", "service_model": "iaas", "accounts": ["ready-prj"]},
        {"name": "lab", "provider": "gcp", "service_model": "paas", "accounts": ["bare-prj"]},
    ]
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data, sort_keys=False))
    report = tmp_path / "report"
    result = cli("assess", "--snapshots", out, "--answers", answers, "--out", report, "--format", "html,json",
                 "--quiet", "--generated-at", "2026-11-26T00:00:00Z")
    assert result.returncode == 0, result.stderr
    assessment = json.loads((report / "assessment.json").read_text())
    found = {(f["account_id"], f["check_id"]): f["status"] for c in assessment["controls"] for f in c["findings"]}
    assert found[("ready-prj", "gcp.compute.subnet_flow_logs")] == "pass"
    assert found[("bare-prj", "gcp.compute.subnet_flow_logs")] == "fail"
    assert found[("bare-prj", "gcp.logging.org_aggregated_sink")] == "pass"
    assert found[("bare-prj", "gcp.essentialcontacts.security_contact")] == "unknown"
    html = (report / "report.html").read_text()
    assert HOSTILE not in html and "<b>prod</b>" not in html


def test_region_falls_back_on_asset_location() -> None:
    """A subnet whose data names no region takes `resource.location`; a bucket IAM line adds no audit config."""
    lines = list(read_export([EXPORT]))
    lines.append({"name": "//compute.googleapis.com/projects/bare-prj/regions/europe-west4/subnetworks/x",
                  "assetType": "compute.googleapis.com/Subnetwork",
                  "ancestors": ["projects/1002", "folders/222", "organizations/111"],
                  "resource": {"data": {"name": "x"}, "location": "europe-west4"}})
    lines.append({"name": "//storage.googleapis.com/b", "assetType": "storage.googleapis.com/Bucket",
                  "ancestors": ["projects/1002", "folders/222", "organizations/111"],
                  "iamPolicy": {"auditConfigs": [{"service": "allServices",
                                                  "auditLogConfigs": [{"logType": "DATA_READ"}]}]}})
    snap = build(lines)["bare-prj"]
    assert by_name(snap, "gcp.compute.subnetwork")["x"]["region"] == "europe-west4"
    assert [c["parent"] for c in snap.resources["gcp.iam.audit_config"]] == ["organizations/111"]


def test_firewall_without_priority_gets_the_api_default() -> None:
    """CAI omits a default priority; the record carries 1000 so the quarantine check can compare rules."""
    lines = list(read_export([EXPORT]))
    lines.append({"name": "//compute.googleapis.com/projects/bare-prj/global/firewalls/nopri",
                  "assetType": "compute.googleapis.com/Firewall",
                  "ancestors": ["projects/1002", "folders/222", "organizations/111"],
                  "resource": {"data": {"name": "nopri", "direction": "INGRESS",
                                        "denied": [{"IPProtocol": "all"}]}, "location": "global"}})
    rule = by_name(build(lines)["bare-prj"], "gcp.compute.firewall")["nopri"]
    assert rule["priority"] == 1000 and rule["denied"] == [{"protocol": "all", "ports": []}]


def test_cli_export_without_projects_exits_2(tmp_path: Path) -> None:
    """An export with no Project RESOURCE line cannot make a snapshot: exit 2 and an actionable message."""
    only_iam = tmp_path / "iam.ndjson"
    only_iam.write_text("".join(line + "\n" for line in EXPORT.read_text().splitlines() if '"iamPolicy"' in line))
    result = cli("import", "gcp-asset-export", only_iam, "--out", tmp_path / "out")
    assert result.returncode == 2 and "content-type=resource" in result.stderr
    assert not (tmp_path / "out").exists()
