"""`collect azure`, `scan azure`, `permissions azure` and `import azure-resource-graph` end to end: the CLI as a
subprocess, the real azure-identity (MSAL client credentials), ResourceGraphClient and azure-core pipeline, against
the local HTTPS ARM server with a private CA (see azure_env.py).

The tenant holds a well-prepared subscription and a bare one with hostile names and tags. Faults: a subscription
the caller may not read, throttling (429 with Retry-After), ARM lists paged with nextLink, a refused secret.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.collectors.azure_env import ARM, EXPORT, SECRET, AzureTenant, export_rows, start_tenant

WHEN = "2026-11-01T12:00:00Z"
PROD = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
BARE = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
DENIED = "d0d0d0d0-1111-4222-8333-444455556666"
ANSWERS = {
    "version": 1,
    "profile": {
        "organization": "Azure test tenant",
        "onprem_capabilities": ["full_packet_capture", "netflow", "dns_logs", "siem", "central_log_management"],
        "workloads": [{"name": "portal", "provider": "azure", "service_model": "paas"}],
        "allowed_jurisdictions": ["EU", "US"],
        "required_log_retention_days": 365,
    },
}


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[AzureTenant]:
    started = start_tenant(tmp_path)
    yield started
    started.server.stop()


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(ANSWERS))
    return path


def snapshots(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.stem.removeprefix("azure-"): json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def findings_of(assessment: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """(check, subscription, resource) -> status, over every API finding of an assessment.json."""
    return {(f["check_id"], str(f["account_id"]), str(f.get("resource_id"))): f["status"]
            for c in assessment["controls"] for f in c["findings"] if f.get("check_id", "").startswith("azure.")}


def by_check(found: dict[tuple[str, str, str], str], subscription: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for (check, account, _), status in found.items():
        if account == subscription:
            out.setdefault(check, set()).add(status)
    return out


# --------------------------------------------------------------------------- scan: the whole path


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path, AzureTenant]]:
    """One tenant scan with every report, shared by the tests that read its outputs."""
    folder = tmp_path_factory.mktemp("azure-scan")
    tenant = start_tenant(folder)
    answers = folder / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS))
    out = folder / "scan"
    result = tenant.cli("scan", "azure", "--answers", answers, "--out", out, "--format", "html,json,pdf",
                        "--generated-at", WHEN)
    tenant.server.stop()
    assert result.returncode == 0, result.stderr
    yield result, out, tenant


def test_scan_finds_every_subscription_and_writes_the_reports(scanned: tuple[Any, Path, AzureTenant]) -> None:
    """With no scope option every readable subscription is scanned: one snapshot each, and the reports."""
    result, out, _ = scanned
    assert sorted(snapshots(out / "snapshots")) == sorted([PROD, BARE])
    assert (out / "report.html").stat().st_size > 10_000 and (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert "Collected 2 Azure subscription(s)" in result.stdout and "0 collection error(s)" in result.stdout


def test_scan_findings_follow_what_each_subscription_holds(scanned: tuple[Any, Path, AzureTenant]) -> None:
    """The prepared subscription passes where the bare one fails, on controls read from Resource Graph and ARM."""
    _, out, _ = scanned
    found = findings_of(json.loads((out / "assessment.json").read_text()))
    prod, bare = by_check(found, PROD), by_check(found, BARE)
    both = [c for c in prod if prod[c] == {"pass"} and bare.get(c) == {"fail"}]
    assert len(both) >= 8, (prod, bare)
    assert "unknown" not in {s for v in prod.values() for s in v}
    # ARM-only evidence, read live: Defender plans, Activity Log export, Entra logs.
    for check in ("azure.security.defender_plans", "azure.monitor.activity_log_export"):
        if check in prod:
            assert prod[check] == {"pass"}, check


def test_scan_snapshots_record_identity_calls_and_no_secret(scanned: tuple[Any, Path, AzureTenant]) -> None:
    """Snapshots name the app and tenant (never the secret or token) and count exactly the requests ARM answered."""
    _, out, tenant = scanned
    snaps = snapshots(out / "snapshots")
    for snap in snaps.values():
        assert snap["identity"] == f"app {tenant.server.client_id} (tenant {tenant.server.tenant})"
    for path in [*(out / "snapshots").glob("*.json"), out / "report.html", out / "assessment.json"]:
        text = path.read_text()
        assert SECRET not in text and tenant.server.token not in text
    calls = sum(c["count"] for s in snaps.values() for c in s["api_calls"])
    assert calls == len(tenant.server.requests)


def test_hostile_names_are_inert_in_html_and_pdf(scanned: tuple[Any, Path, AzureTenant]) -> None:
    """The subscription named with a script tag is escaped text in the HTML and literal text in the PDF."""
    from html.parser import HTMLParser

    from pypdf import PdfReader

    _, out, _ = scanned

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    parser = Tags()
    parser.feed((out / "report.html").read_text())
    assert "script" not in parser.tags
    assert "sandbox <script>alert(1)</script>" in "".join(parser.text)
    # Table cells wrap anywhere: compare with the whitespace taken out.
    pdf = "".join("".join((page.extract_text() or "") for page in PdfReader(out / "report.pdf").pages).split())
    assert "sandbox<script>alert(1)</script>" in pdf


# --------------------------------------------------------------------------- live path = offline import


def test_live_collection_and_export_import_give_the_same_findings(tenant: AzureTenant, answers: Path,
                                                                  tmp_path: Path) -> None:
    """The same rows through Resource Graph and through `import azure-resource-graph` give the same findings for
    every check an export can judge; the checks that need ARM are unknown offline and judged live."""
    live, offline = tmp_path / "live", tmp_path / "offline"
    assert tenant.cli("collect", "azure", "--out", live / "s", "--quiet").returncode == 0
    result = tenant.cli("import", "azure-resource-graph", EXPORT, "--out", offline / "s")
    assert result.returncode == 0, result.stderr
    assert "2 Azure subscription(s) written" in result.stderr
    for folder in (live, offline):
        done = tenant.cli("assess", "--snapshots", folder / "s", "--answers", answers, "--out", folder,
                          "--format", "json", "--generated-at", WHEN, "--quiet")
        assert done.returncode == 0, done.stderr
    a = findings_of(json.loads((live / "assessment.json").read_text()))
    b = findings_of(json.loads((offline / "assessment.json").read_text()))
    offline_unknown = {(c, s) for (c, s, _), st in b.items() if st == "unknown"}
    judged_offline = {k: v for k, v in b.items() if (k[0], k[1]) not in offline_unknown}
    assert judged_offline and all(a.get(k) == v for k, v in judged_offline.items())
    assert offline_unknown and all(st != "unknown" for (c, s, _), st in a.items() if (c, s) in offline_unknown)
    assert len({st for st in judged_offline.values()}) >= 2


# --------------------------------------------------------------------------- scopes and faults


def test_subscriptions_option_limits_the_scan(tenant: AzureTenant, tmp_path: Path) -> None:
    """--subscriptions reads exactly those subscriptions: no subscription listing, one snapshot."""
    result = tenant.cli("collect", "azure", "--subscriptions", PROD.upper(), "--out", tmp_path / "o", "--quiet")
    assert result.returncode == 0, result.stderr
    assert list(snapshots(tmp_path / "o")) == [PROD]
    assert not any(path == "/subscriptions" for _, path, _ in tenant.server.requests)
    assert not any(f"/subscriptions/{BARE}" in path.lower() for _, path, _ in tenant.server.requests)


def test_management_group_scope_finds_subscriptions_through_resource_graph(tenant: AzureTenant,
                                                                          tmp_path: Path) -> None:
    """--management-group asks Resource Graph for the group's subscriptions, then scans them."""
    result = tenant.cli("collect", "azure", "--management-group", "mg-contoso", "--out", tmp_path / "o", "--quiet")
    assert result.returncode == 0, result.stderr
    assert sorted(snapshots(tmp_path / "o")) == sorted([PROD, BARE])
    groups = [body.get("managementGroups") for method, _, body in tenant.server.requests if method == "POST" and body]
    assert ["mg-contoso"] in groups


def test_denied_subscription_is_unknown_with_the_missing_permission(tmp_path: Path, answers: Path) -> None:
    """A subscription the caller may not read gets a snapshot of errors; the others are still read and judged."""
    rows = [*export_rows(), {"id": f"/subscriptions/{DENIED}", "type": "microsoft.resources/subscriptions",
                             "name": "locked-away", "subscriptionId": DENIED, "tenantId": "t",
                             "properties": {"state": "Enabled"}}]
    tenant = start_tenant(tmp_path, rows=rows, denied_subscriptions={DENIED})
    try:
        out = tmp_path / "scan"
        result = tenant.cli("scan", "azure", "--answers", answers, "--out", out, "--format", "json",
                            "--generated-at", WHEN)
    finally:
        tenant.server.stop()
    assert result.returncode == 0, result.stderr
    assert "missing permissions: Microsoft.ResourceGraph/resources/read" in result.stderr
    snaps = snapshots(out / "snapshots")
    assert sorted(snaps) == sorted([PROD, BARE, DENIED])
    assert snaps[DENIED]["resources"] == {} and {e["code"] for e in snaps[DENIED]["errors"]} == {"AuthorizationFailed"}
    found = findings_of(json.loads((out / "assessment.json").read_text()))
    denied = {s for v in by_check(found, DENIED).values() for s in v}
    # Unknown everywhere, except IaaS-only checks that the PaaS workload profile rules out before any data.
    assert "unknown" in denied and denied <= {"unknown", "not_applicable"}
    assert "pass" in {s for v in by_check(found, PROD).values() for s in v}


def test_throttling_and_paging_give_the_same_snapshots(tenant: AzureTenant, tmp_path: Path) -> None:
    """Three 429s (Retry-After: 1) and ARM lists of one item a page change nothing in the snapshots."""
    assert tenant.cli("collect", "azure", "--out", tmp_path / "calm", "--quiet").returncode == 0
    calm_requests = len(tenant.server.requests)
    tenant.server.throttle_first, tenant.server.page_size = 3, 1
    result = tenant.cli("collect", "azure", "--out", tmp_path / "storm", "--quiet")
    assert result.returncode == 0, result.stderr
    assert tenant.server.throttle_first == 0
    calm, storm = snapshots(tmp_path / "calm"), snapshots(tmp_path / "storm")
    assert {k: v["resources"] for k, v in calm.items()} == {k: v["resources"] for k, v in storm.items()}
    assert all(s["errors"] == [] for s in storm.values())
    assert len(tenant.server.requests) - calm_requests > calm_requests + 3  # the extra pages were really fetched


def test_refused_secret_is_one_clean_line(tenant: AzureTenant, tmp_path: Path) -> None:
    """A client secret the authority refuses stops the run before any ARM call, with one actionable line."""
    result = tenant.cli("collect", "azure", "--out", tmp_path / "o", env=tenant.env(AZURE_CLIENT_SECRET="wrong"))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "az login" in lines[0] and "wrong" not in lines[0], result.stderr
    assert tenant.server.requests == [] and not (tmp_path / "o").exists()


@pytest.mark.parametrize(("args", "needle"), [
    (["--subscriptions", "not-a-guid"], "--subscriptions: not subscription ids"),
    (["--management-group", "bad group!"], "--management-group"),
    (["--max-workers", "0"], "--max-workers and --max-attempts must be at least 1"),
    (["--tenant", "x y"], "--tenant"),
])
def test_bad_options_are_one_line_and_exit_2(tenant: AzureTenant, tmp_path: Path, args: list[str],
                                             needle: str) -> None:
    """Bad options are rejected before any call, in one line, exit 2."""
    result = tenant.cli("collect", "azure", *args, "--out", tmp_path / "o")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert tenant.server.requests == [] and tenant.server.tokens_issued == 0


def test_http_endpoint_is_refused(tenant: AzureTenant, tmp_path: Path) -> None:
    """An ARM endpoint over plain http is refused (bearer tokens must not travel in clear)."""
    result = tenant.cli("collect", "azure", "--out", tmp_path / "o", "--arm-endpoint", "http://127.0.0.1:9")
    assert result.returncode == 2 and "must be an https:// URL" in result.stderr


def test_missing_azure_sdk_names_the_extra(tenant: AzureTenant, tmp_path: Path) -> None:
    """Without azure-identity, collect exits 2 with one line naming the [azure] extra; permissions still works."""
    shadow = tmp_path / "shadow" / "azure" / "identity"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('azure-identity is not installed here')\n")
    env = tenant.env(PYTHONPATH=f"{tmp_path / 'shadow'}:{tenant.env()['PYTHONPATH']}")
    result = tenant.cli("collect", "azure", "--out", tmp_path / "o", env=env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "ir-assessor[azure]" in lines[0], result.stderr
    assert tenant.cli("permissions", "azure", env=env).returncode == 0


def test_bad_export_file_is_one_line_exit_2_and_nothing_written(tenant: AzureTenant, tmp_path: Path) -> None:
    """A malformed export names the file and the key; no snapshot is written."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data": [{"id": 3, "type": "x"}]}))
    result = tenant.cli("import", "azure-resource-graph", bad, "--out", tmp_path / "o")
    assert result.returncode == 2 and "bad.json" in result.stderr and "data[0].id" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- read-only, declared, least privilege


def test_every_request_is_a_declared_read_granted_by_the_role(tenant: AzureTenant, tmp_path: Path) -> None:
    """Every ARM request is a GET to a declared operation's path, the only POST is the Resource Graph query, and
    `permissions azure` grants the declared operations' actions and nothing that writes."""
    from assessor.collectors.azure.collector import OPERATIONS

    assert tenant.cli("collect", "azure", "--out", tmp_path / "o", "--quiet").returncode == 0
    tails = {op.path.rsplit("}", 1)[-1].lower() for op in OPERATIONS.values()}
    for method, path, _ in tenant.server.requests:
        if method == "POST":
            assert path == "/providers/Microsoft.ResourceGraph/resources"
        else:
            assert method == "GET" and any(path.lower().endswith(t) for t in tails), path
    result = tenant.cli("permissions", "azure", "--scope", f"/subscriptions/{PROD}")
    assert result.returncode == 0
    role = json.loads(result.stdout)
    actions = set(role["Actions"])
    declared = {op.action for op in OPERATIONS.values() if not op.action.lower().startswith("microsoft.aadiam")}
    assert declared <= actions and all(a.endswith("/read") or a.endswith("/Read") for a in actions)
    assert role["AssignableScopes"] == [f"/subscriptions/{PROD}"] and role["DataActions"] == []
    assert "microsoft.aadiam/diagnosticSettings/read" in role["Description"]


def test_arm_documents_fixture_is_served_at_declared_paths() -> None:
    """Every kind in the ARM documents fixture is one the collector declares (the fixture cannot drift)."""
    from assessor.collectors.azure.collector import OPERATIONS

    kinds = set(json.loads(ARM.read_text()))
    assert kinds <= {op.kind for op in OPERATIONS.values()}


def test_shards_cover_the_tenant_once(tenant: AzureTenant, tmp_path: Path) -> None:
    """--shard 1/2 and 2/2 together write every subscription of the unsharded run exactly once."""
    assert tenant.cli("collect", "azure", "--out", tmp_path / "all", "--quiet").returncode == 0
    parts = []
    for index in (1, 2):
        result = tenant.cli("collect", "azure", "--shard", f"{index}/2", "--out", tmp_path / f"s{index}", "--quiet")
        assert result.returncode == 0, result.stderr
        parts.append(set(snapshots(tmp_path / f"s{index}")))
    assert not parts[0] & parts[1] and parts[0] | parts[1] == set(snapshots(tmp_path / "all"))
