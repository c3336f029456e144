"""`collect gcp`, `scan gcp` and `permissions gcp` end to end: the CLI as a subprocess, the real google-cloud-asset
client (REST) and google-auth, against the local Cloud Asset / SCC / Essential Contacts server on 127.0.0.1.

The organisation (see gcp_env.py) holds a well-prepared project and a bare one under one folder, with
hostile display names and labels. Faults: a project the caller may not read, an organisation the caller may
not read above readable projects, throttling (429) and outages (503) that must be ridden out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.collectors.gcp_env import CLIENT_EMAIL, EXPORT, ORG, GcpOrg, start_org

WHEN = "2026-11-01T12:00:00Z"
HOSTILE = "<script>alert(1)</script>"

ANSWERS = {
    "version": 1,
    "profile": {
        "organization": "GCP test org",
        "onprem_capabilities": ["full_packet_capture", "netflow", "dns_logs", "siem", "central_log_management"],
        "workloads": [{"name": "web", "provider": "gcp", "service_model": "iaas"}],
        "allowed_jurisdictions": ["EU", "US"],
        "required_log_retention_days": 365,
    },
}


@pytest.fixture
def org(tmp_path: Path) -> Iterator[GcpOrg]:
    started = start_org(tmp_path)
    yield started
    started.server.stop()


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(ANSWERS))
    return path


def snapshots(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def findings_of(assessment: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """(check, project, resource) -> status, over every finding of an assessment.json."""
    out = {}
    for control in assessment["controls"]:
        for finding in control["findings"]:
            if finding.get("check_id"):
                key = (finding["check_id"], str(finding["account_id"]), str(finding.get("resource_id")))
                out[key] = finding["status"]
    return out


# --------------------------------------------------------------------------- scan: the whole path


@pytest.fixture(scope="module")
def scanned_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path, GcpOrg]]:
    """One organisation scan with every report, shared by the tests that read its outputs."""
    folder = tmp_path_factory.mktemp("gcp-scan")
    org = start_org(folder)
    answers = folder / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS))
    out = folder / "scan"
    result = org.cli("scan", "gcp", "--organization", "111", "--answers", answers, "--out", out,
                     "--format", "html,json,pdf,junit", "--generated-at", WHEN,
                     "--history", f"sqlite:///{folder / 'history.db'}", "--summary-json", folder / "summary.json")
    org.server.stop()
    assert result.returncode == 0, result.stderr
    yield result, out, org


@pytest.fixture
def scanned(scanned_org: tuple[Any, Path, GcpOrg]) -> tuple[Any, Path]:
    return scanned_org[0], scanned_org[1]


def test_scan_writes_one_snapshot_per_project_and_the_reports(scanned: tuple[Any, Path]) -> None:
    """An organisation scan writes gcp-<project id>.json for both projects and the three reports."""
    result, out = scanned
    assert sorted(snapshots(out / "snapshots")) == ["gcp-bare-prj", "gcp-ready-prj"]
    assert (out / "report.html").stat().st_size > 10_000 and (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert "Collected 2 GCP project(s)" in result.stdout and "0 collection error(s)" in result.stdout


def test_scan_records_the_run_for_scheduled_use(scanned_org: tuple[Any, Path, GcpOrg]) -> None:
    """scan takes the scheduled-run options too: the run is in the history store, with the JUnit and summary files."""
    import subprocess
    import sys

    _, out, _ = scanned_org
    store = f"sqlite:///{out.parent / 'history.db'}"
    listed = subprocess.run([sys.executable, "-m", "assessor", "history", "list", "--history", store, "--json"],
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    (run,) = json.loads(listed.stdout)
    assert sorted(run["scope"]) == ["gcp:bare-prj", "gcp:ready-prj"]
    assert (out / "junit.xml").read_text().startswith("<?xml")
    assert json.loads((out.parent / "summary.json").read_text())["run_id"] == 1


def test_scan_findings_follow_what_each_project_holds(scanned: tuple[Any, Path]) -> None:
    """Network logging passes in the prepared project and fails in the bare one; org settings reach both."""
    _, out = scanned
    found = findings_of(json.loads((out / "assessment.json").read_text()))

    def status(check: str, project: str) -> set[str]:
        return {s for (c, scope, _), s in found.items() if c == check and project == scope}

    for check in ("gcp.compute.subnet_flow_logs", "gcp.compute.firewall_rule_logging", "gcp.dns.query_logging"):
        assert status(check, "ready-prj") == {"pass"}, check
        assert status(check, "bare-prj") == {"fail"}, check
    for project in ("ready-prj", "bare-prj"):
        # Inherited from the organisation, and read through SCC and Essential Contacts, not guessed.
        assert status("gcp.logging.org_aggregated_sink", project) == {"pass"}
        assert status("gcp.iam.data_access_audit_logs", project) == {"pass"}
        assert status("gcp.essentialcontacts.security_contact", project) == {"pass"}
        assert status("gcp.scc.findings_notification", project) == {"pass"}
        assert status("gcp.scc.security_health_analytics", project) == {"pass"}


def test_scan_snapshots_record_identity_calls_and_no_secret(scanned_org: tuple[Any, Path, GcpOrg]) -> None:
    """Snapshots name the service account (never the key), and count exactly the requests the server answered."""
    _, out, org = scanned_org
    snaps = snapshots(out / "snapshots")
    key = json.loads(org.key_file.read_text())
    for snap in snaps.values():
        assert CLIENT_EMAIL in snap["identity"] and snap["organization_id"] == "111"
    for path in [*(out / "snapshots").glob("*.json"), out / "report.html", out / "assessment.json"]:
        text = path.read_text()
        assert "PRIVATE KEY" not in text and key["private_key"][40:80] not in text and "ya29." not in text
    calls = sum(c["count"] for s in snaps.values() for c in s["api_calls"])
    answered = [p for p, _ in org.server.requests if p != "/token"]
    assert calls == len(answered)


def test_hostile_names_are_inert_in_the_html_report(scanned: tuple[Any, Path]) -> None:
    """A display name with markup and template syntax, and a script label, are escaped text in the HTML."""
    from html.parser import HTMLParser

    _, out = scanned
    html = (out / "report.html").read_text()

    class Scripts(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    parser = Scripts()
    parser.feed(html)
    assert "script" not in parser.tags and "b" not in parser.tags
    text = "".join(parser.text)
    assert "Ready <b>prod</b>" in text and "{{ 7*7 }}" in text


def test_hostile_names_are_plain_text_in_the_pdf(scanned: tuple[Any, Path]) -> None:
    """The PDF shows the hostile display names as literal text (not rendered markup, not an evaluated template)."""
    from pypdf import PdfReader

    _, out = scanned
    text = "\n".join(page.extract_text() or "" for page in PdfReader(out / "report.pdf").pages)
    flat = " ".join(text.split())
    assert "Ready <b>prod</b>" in flat and "{{ 7*7 }}" in flat


# --------------------------------------------------------------------------- live path = offline import


def test_live_collection_and_export_import_give_the_same_findings(org: GcpOrg, answers: Path,
                                                                  tmp_path: Path) -> None:
    """The same assets through ListAssets and through `import gcp-asset-export` give the same findings, except
    where the export cannot see (SCC, Essential Contacts: unknown offline, read live)."""
    live, offline = tmp_path / "live", tmp_path / "offline"
    assert org.cli("collect", "gcp", "--organization", "111", "--out", live / "s", "--quiet").returncode == 0
    assert org.cli("import", "gcp-asset-export", EXPORT, "--out", offline / "s", "--quiet").returncode == 0
    for folder in (live, offline):
        result = org.cli("assess", "--snapshots", folder / "s", "--answers", answers, "--out", folder,
                         "--format", "json", "--generated-at", WHEN, "--quiet")
        assert result.returncode == 0, result.stderr
    a = findings_of(json.loads((live / "assessment.json").read_text()))
    b = findings_of(json.loads((offline / "assessment.json").read_text()))
    export_blind = {"gcp.scc.", "gcp.essentialcontacts."}
    different = {k: (a.get(k), b.get(k)) for k in set(a) | set(b)
                 if a.get(k) != b.get(k) and not k[0].startswith(tuple(export_blind))}
    assert not different
    compared = [k for k in a if not k[0].startswith(tuple(export_blind))]
    assert len(compared) >= 30 and len({a[k] for k in compared}) >= 3  # pass, fail and more: a real comparison
    offline_blind = {(k[0], k[1]): s for k, s in b.items() if k[0].startswith(tuple(export_blind))}
    live_blind = {(k[0], k[1]): s for k, s in a.items() if k[0].startswith(tuple(export_blind))}
    assert offline_blind.keys() == live_blind.keys() and len(offline_blind) >= 8
    assert set(offline_blind.values()) == {"unknown"} and "unknown" not in live_blind.values()


def test_project_scope_equals_organisation_scope(org: GcpOrg, tmp_path: Path) -> None:
    """Collected project by project, each snapshot holds the same resources as from the organisation scan:
    inherited sinks, audit configs and org policies are read from the ancestors, in three listings for both."""
    assert org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "o", "--quiet").returncode == 0
    org.server.requests.clear()
    result = org.cli("collect", "gcp", "--project", "ready-prj,bare-prj", "--out", tmp_path / "p", "--quiet")
    assert result.returncode == 0, result.stderr
    by_org, by_project = snapshots(tmp_path / "o"), snapshots(tmp_path / "p")
    assert by_org.keys() == by_project.keys()
    for name in by_org:
        assert by_org[name]["resources"] == by_project[name]["resources"], name
        assert by_project[name]["errors"] == []
    at_org = [q.get("contentType") for p, q in org.server.requests if p == f"/v1/{ORG}/assets"]
    assert sorted(str(c) for c in at_org) == ["['1']", "['2']", "['4']"]


def test_folder_scope_equals_organisation_scope(org: GcpOrg, tmp_path: Path) -> None:
    """A folder scan lists under the folder and reads the organisation above it: same snapshots as the org scan."""
    assert org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "o", "--quiet").returncode == 0
    org.server.requests.clear()
    assert org.cli("collect", "gcp", "--folder", "222", "--out", tmp_path / "f", "--quiet").returncode == 0
    by_org, by_folder = snapshots(tmp_path / "o"), snapshots(tmp_path / "f")
    assert {k: v["resources"] for k, v in by_org.items()} == {k: v["resources"] for k, v in by_folder.items()}
    assert {p for p, _ in org.server.requests if p.endswith("/assets")} == {"/v1/folders/222/assets",
                                                                            f"/v1/{ORG}/assets"}


# --------------------------------------------------------------------------- faults: unknown, never pass


def test_denied_project_is_unknown_with_the_missing_permission(org: GcpOrg, answers: Path, tmp_path: Path) -> None:
    """A project the caller may not read gets a snapshot of errors naming the permission; its checks are unknown
    in the report; the readable project is judged as usual; the run finishes with a warning."""
    org.server.denied_parents.add("projects/secret-prj")
    out = tmp_path / "scan"
    result = org.cli("scan", "gcp", "--project", "ready-prj,secret-prj", "--answers", answers, "--out", out,
                     "--format", "json", "--generated-at", WHEN)
    assert result.returncode == 0, result.stderr
    assert "missing permissions: cloudasset.assets.listIamPolicy, cloudasset.assets.listOrgPolicy, " \
           "cloudasset.assets.listResource" in result.stderr
    secret = snapshots(out / "snapshots")["gcp-secret-prj"]
    assert secret["resources"] == {} and {e["code"] for e in secret["errors"]} == {"Forbidden"}
    found = findings_of(json.loads((out / "assessment.json").read_text()))
    mine = {s for (c, scope, _), s in found.items() if scope == "secret-prj"}
    theirs = {s for (c, scope, _), s in found.items() if scope == "ready-prj"}
    assert mine == {"unknown"} and "pass" in theirs


def test_unreadable_organisation_makes_inherited_settings_unknown(org: GcpOrg, tmp_path: Path) -> None:
    """Projects readable under an organisation that is not: org sinks, audit configs, policies, SCC and
    contacts are unknown with the reason, not failed; the project's own data is still judged."""
    org.server.denied_parents.add(ORG)
    out = tmp_path / "o"
    result = org.cli("collect", "gcp", "--project", "ready-prj", "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    snap = snapshots(out)["gcp-ready-prj"]
    unread = {t for e in snap["errors"] if ORG in e["message"] for t in e["resource_types"]}
    assert {"gcp.logging.sink", "gcp.iam.audit_config", "gcp.orgpolicy.policy", "gcp.scc.settings",
            "gcp.scc.notification_config", "gcp.essentialcontacts.contact"} <= unread
    assert all(e["code"] == "Forbidden" and e["permission"] for e in snap["errors"])
    assert len(snap["resources"]["gcp.compute.subnetwork"]) == 1


@pytest.mark.parametrize("status", [503, 429])
def test_outages_and_throttling_are_ridden_out(org: GcpOrg, tmp_path: Path, status: int) -> None:
    """Three 503s (or 429s, which the library's default retry would not retry) give the same snapshots as an
    undisturbed run, with no error recorded."""
    assert org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "calm", "--quiet").returncode == 0
    org.server.fault_status, org.server.unavailable_first = status, 3
    result = org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "storm", "--quiet")
    assert result.returncode == 0, result.stderr
    assert org.server.unavailable_first == 0
    calm, storm = snapshots(tmp_path / "calm"), snapshots(tmp_path / "storm")
    assert {k: v["resources"] for k, v in calm.items()} == {k: v["resources"] for k, v in storm.items()}
    assert all(s["errors"] == [] for s in storm.values())


def test_small_pages_give_the_same_snapshots_and_more_calls(org: GcpOrg, tmp_path: Path) -> None:
    """With two assets a page the listings take many pages: same resources, and the call count follows pages."""
    assert org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "big", "--quiet").returncode == 0
    big_calls = sum(c["count"] for s in snapshots(tmp_path / "big").values() for c in s["api_calls"])
    org.server.page_size_cap = 2
    org.server.requests.clear()
    assert org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "small", "--quiet").returncode == 0
    big, small = snapshots(tmp_path / "big"), snapshots(tmp_path / "small")
    assert {k: v["resources"] for k, v in big.items()} == {k: v["resources"] for k, v in small.items()}
    small_calls = sum(c["count"] for s in small.values() for c in s["api_calls"])
    pages = [q for p, q in org.server.requests if p.endswith("/assets")]
    assert small_calls > big_calls + 10 and any("pageToken" in q for q in pages)


def test_no_credentials_is_one_clean_line(org: GcpOrg, tmp_path: Path) -> None:
    """Without --key-file and with no Application Default Credentials, exit 2 with what to do; no traceback."""
    result = org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "o", key=False)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "gcloud auth application-default login" in lines[0], result.stderr
    assert not (tmp_path / "o").exists()


def test_application_default_credentials_are_used(org: GcpOrg, tmp_path: Path) -> None:
    """GOOGLE_APPLICATION_CREDENTIALS pointing at the key is found by the standard chain."""
    result = org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "o", "--quiet", key=False,
                     env=org.env(GOOGLE_APPLICATION_CREDENTIALS=str(org.key_file)))
    assert result.returncode == 0, result.stderr
    snap = snapshots(tmp_path / "o")["gcp-ready-prj"]
    assert snap["identity"] == f"service account {CLIENT_EMAIL} (application default credentials)"


def test_refused_token_is_one_clean_line(org: GcpOrg, tmp_path: Path) -> None:
    """A key the token endpoint refuses stops the run before any listing, with one actionable line."""
    key = json.loads(org.key_file.read_text())
    key["token_uri"] = f"{org.server.url}/no-such-token-endpoint"
    org.key_file.write_text(json.dumps(key))
    result = org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "o")
    assert result.returncode == 2
    assert "cannot obtain a Google access token" in result.stderr and "Traceback" not in result.stderr
    assert not any(p.endswith("/assets") for p, _ in org.server.requests)


@pytest.mark.parametrize(("args", "needle"), [
    (["--folder", "abc"], "--folder: 'abc' is not a numeric id"),
    (["--project", "UPPER_case"], "--project: not project ids"),
    (["--organization", "111", "--endpoint", "ftp=x"], "--endpoint 'ftp=x'"),
    (["--organization", "111", "--max-workers", "0"], "--max-workers must be at least 1"),
])
def test_bad_options_are_one_line_and_exit_2(org: GcpOrg, tmp_path: Path, args: list[str], needle: str) -> None:
    """Bad scope or option values are rejected before any call, in one line, exit 2."""
    result = org.cli("collect", "gcp", *args, "--out", tmp_path / "o")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert org.server.requests == []


def test_scope_is_required_and_exclusive(org: GcpOrg, tmp_path: Path) -> None:
    """No scope, or two scopes, is a usage error."""
    assert org.cli("collect", "gcp", "--out", tmp_path / "o").returncode == 2
    assert org.cli("collect", "gcp", "--folder", "1", "--organization", "2", "--out", tmp_path / "o").returncode == 2


def test_missing_google_sdk_names_the_extra(org: GcpOrg, tmp_path: Path) -> None:
    """Without google-cloud-asset, collect exits 2 with one line naming the [gcp] extra; permissions still works."""
    shadow = tmp_path / "shadow" / "google" / "cloud" / "asset_v1"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('google-cloud-asset is not installed here')\n")
    env = org.env(PYTHONPATH=f"{tmp_path / 'shadow'}:{org.env()['PYTHONPATH']}")
    result = org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "o", env=env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "ir-assessor[gcp]" in lines[0], result.stderr
    assert org.cli("permissions", "gcp", env=env).returncode == 0


# --------------------------------------------------------------------------- read-only, declared, least privilege


def test_every_request_is_a_declared_read_granted_by_the_role(org: GcpOrg, tmp_path: Path) -> None:
    """Every request of a scan is a GET to a declared operation, and `permissions gcp` grants exactly the
    permissions of the declared operations."""
    from assessor.collectors.gcp.collector import OPERATIONS

    assert org.cli("collect", "gcp", "--project", "ready-prj", "--out", tmp_path / "o", "--quiet").returncode == 0
    kinds = {"/assets": "cloudasset", "/subscription": "securitycenter", "/securityCenterServices":
             "securitycentermanagement", "/notificationConfigs": "securitycenter", "/contacts": "essentialcontacts"}
    for path, _ in org.server.requests:
        if path == "/token":
            continue
        assert any(path.endswith(suffix) for suffix in kinds), path
    assert {m for m in org.server.methods if m != "POST /token"} == {"GET"}
    result = org.cli("permissions", "gcp")
    assert result.returncode == 0
    role = yaml.safe_load(result.stdout)
    assert set(role["includedPermissions"]) == {op.permission for op in OPERATIONS.values()}
    assert all(".list" in p or p.endswith((".get", "listResource", "listIamPolicy", "listOrgPolicy"))
               for p in role["includedPermissions"])
    assert role["stage"] == "GA" and role["title"]


LONELY = "projects/3003"


def lonely_project() -> list[dict[str, Any]]:
    """A project outside any organisation, with nothing prepared: the bare-project scenario."""
    crm = "//cloudresourcemanager.googleapis.com/"
    return [
        {"name": f"{crm}{LONELY}", "assetType": "cloudresourcemanager.googleapis.com/Project", "ancestors": [LONELY],
         "resource": {"version": "v1", "data": {"projectId": "lonely-prj", "projectNumber": "3003",
                                                "lifecycleState": "ACTIVE", "labels": {"x": HOSTILE}}}},
        {"name": f"{crm}{LONELY}", "assetType": "cloudresourcemanager.googleapis.com/Project", "ancestors": [LONELY],
         "iamPolicy": {"bindings": [{"role": "roles/owner", "members": ["user:dev@example.com"]}]}},
        {"name": "//logging.googleapis.com/projects/lonely-prj/locations/global/buckets/_Default",
         "assetType": "logging.googleapis.com/LogBucket", "ancestors": [LONELY],
         "resource": {"version": "v2", "location": "global", "data": {"retentionDays": 30.0}}},
        {"name": "//compute.googleapis.com/projects/lonely-prj/regions/us-east1/subnetworks/default",
         "assetType": "compute.googleapis.com/Subnetwork", "ancestors": [LONELY],
         "resource": {"version": "v1", "location": "us-east1",
                      "data": {"name": "default", "region": "us-east1", "ipCidrRange": "10.142.0.0/20"}}},
    ]


def test_bare_project_without_organisation_fails_plainly(tmp_path: Path, answers: Path) -> None:
    """A lone project with nothing set up: no ancestor to read, SCC not activated; its gaps are failures with
    reasons, not unknowns, and nothing was left unread."""
    org = start_org(tmp_path, assets=lonely_project(), scc_tiers={}, scc_services={}, scc_notifications={},
                    contacts={})
    try:
        out = tmp_path / "scan"
        result = org.cli("scan", "gcp", "--project", "lonely-prj", "--answers", answers, "--out", out,
                         "--format", "json", "--generated-at", WHEN)
    finally:
        org.server.stop()
    assert result.returncode == 0, result.stderr
    snap = snapshots(out / "snapshots")["gcp-lonely-prj"]
    assert snap["errors"] == [] and snap["organization_id"] is None
    found = findings_of(json.loads((out / "assessment.json").read_text()))
    by_check = {c: s for (c, _, _), s in found.items()}
    for check in ("gcp.logging.org_aggregated_sink", "gcp.iam.data_access_audit_logs", "gcp.compute.subnet_flow_logs",
                  "gcp.scc.threat_detection", "gcp.essentialcontacts.security_contact"):
        assert by_check[check] == "fail", check
    assert not [c for c, s in by_check.items() if c.startswith("gcp.") and s == "unknown"]
    assert not any("/v1/organizations/" in p or "/v1beta2/" in p for p, _ in org.server.requests)


@pytest.mark.parametrize("count", [2, 3])
def test_shards_cover_the_organisation_once(org: GcpOrg, tmp_path: Path, count: int) -> None:
    """--shard I/N for I = 1..N writes every project of the unsharded run exactly once, with the same records."""
    assert org.cli("collect", "gcp", "--organization", "111", "--out", tmp_path / "all", "--quiet").returncode == 0
    whole = snapshots(tmp_path / "all")
    seen: dict[str, dict[str, Any]] = {}
    for index in range(1, count + 1):
        result = org.cli("collect", "gcp", "--organization", "111", "--shard", f"{index}/{count}",
                         "--out", tmp_path / f"s{index}", "--quiet")
        assert result.returncode == 0, result.stderr
        for name, snap in snapshots(tmp_path / f"s{index}").items():
            assert name not in seen, f"{name} in two shards"
            seen[name] = snap
    assert seen.keys() == whole.keys()
    assert all(seen[n]["resources"] == whole[n]["resources"] for n in whole)
