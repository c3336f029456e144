"""Scheduled scans end to end through the CLI: `assess --history` twice with a change in between, the report's
"Since last assessment" section, `history list`, `diff`, `--fail-on-regression` (exit 4), `--summary-json`, the JUnit
and OCSF outputs, and a corrupt store refused with exit 2. SQLite here; PostgreSQL in tests/history/."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "acme"
AWS = "aws-111122223333.json"


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assessor", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=600)


def assess(snapshots: Path, out: Path, store: str, *extra: str, when: str) -> subprocess.CompletedProcess[str]:
    return cli("assess", "--snapshots", snapshots, "--answers", EXAMPLE / "answers.yaml", "--out", out,
               "--generated-at", when, "--history", store, *extra)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run 1 on the example; run 2 after the AWS account lost its VPC flow-log visibility (type no longer read)."""
    root = tmp_path_factory.mktemp("scheduled")
    snapshots = root / "snapshots"
    shutil.copytree(EXAMPLE / "snapshots", snapshots)
    store = f"sqlite:///{root / 'history.db'}"
    first = assess(snapshots, root / "run1", store, "--format", "json", "--fail-on-regression",
                   when="2026-11-01T02:00:00Z")
    data = json.loads((snapshots / AWS).read_text())
    del data["resources"]["aws.ec2.flow_log"]  # collected no more: the flow-log checks turn unknown
    (snapshots / AWS).write_text(json.dumps(data))
    second = assess(snapshots, root / "run2", store, "--format", "html,json,junit,ocsf", "--fail-on-regression",
                    "--summary-json", root / "summary.json", when="2026-11-02T02:00:00Z")
    return {"root": root, "store": store, "first": first, "second": second}


def test_first_run_has_no_regression_and_second_run_exits_4(two_runs: dict[str, Any]) -> None:
    """The first run of a scope cannot regress; the second, having lost visibility, exits 4 naming controls."""
    assert two_runs["first"].returncode == 0, two_runs["first"].stderr
    second = two_runs["second"]
    assert second.returncode == 4, second.stderr
    assert "LC-03" in second.stderr and "worse than run 1" in second.stderr
    assert (two_runs["root"] / "run2" / "report.html").exists()  # the reports are written before the verdict


def test_report_shows_what_changed_and_the_trend(two_runs: dict[str, Any]) -> None:
    """The HTML gains the section with the before/after badges and an inline SVG trend, no external reference."""
    html = (two_runs["root"] / "run2" / "report.html").read_text()
    section = html[html.index('id="since"'):html.index('id="accounts"')]
    assert "Since last assessment" in section and "compared with run 1" in section
    # LC-03 spans the organisation: one account's flow logs unseen lowers its score, so it is listed as worse.
    assert "Worse" in section and "LC-03" in section
    assert "<polyline" in section and "Readiness index over the last 2 runs" in section
    assert "http://" not in section and "https://" not in section


def test_history_list_and_diff(two_runs: dict[str, Any]) -> None:
    """history list shows both runs newest first; diff defaults to the newest two and matches the report."""
    listed = cli("history", "list", "--history", two_runs["store"], "--json")
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert [r["run_id"] for r in runs] == [2, 1] and runs[0]["scope_key"] == runs[1]["scope_key"]
    change = cli("diff", "--history", two_runs["store"], "--json")
    assert change.returncode == 0, change.stderr
    data = json.loads(change.stdout)
    assert data["before"]["run_id"] == 1 and data["after"]["run_id"] == 2
    assert "LC-03" in {c["control_id"] for c in data["regressions"]}
    lost = {(f["control_id"], f["account_id"]) for f in data["new_unknown_findings"]}
    assert ("LC-03", "111122223333") in lost and data["new_unknown_findings_total"] == len(lost)
    text = cli("diff", "1", "2", "--history", two_runs["store"], "--fail-on-regression")
    assert text.returncode == 4 and "regressions: " in text.stdout and "LC-03" in text.stdout


def test_diff_and_history_list_load_neither_pydantic_nor_alembic(two_runs: dict[str, Any]) -> None:
    """The read-only commands stay light: their store is up to date (no Alembic) and their types are dataclasses.

    Importing those two is a quarter of the PostgreSQL `diff` command's second; this is what keeps it out.
    """
    probe = ("import sys, io, contextlib\n"
             "from assessor.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
             "    codes = [main(['diff', '--history', sys.argv[1], '--json']),\n"
             "             main(['history', 'list', '--history', sys.argv[1]])]\n"
             "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'alembic', 'sqlalchemy'})\n"
             "print(codes, loaded, len(out.getvalue()) > 100)\n")
    result = subprocess.run([sys.executable, "-c", probe, two_runs["store"]], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "[0, 0] ['sqlalchemy'] True"


def test_summary_json_junit_and_ocsf(two_runs: dict[str, Any]) -> None:
    """The one-line summary carries the run and the regressions; junit.xml parses; the OCSF file is a JSON array."""
    summary_text = (two_runs["root"] / "summary.json").read_text()
    assert summary_text.count("\n") == 1
    summary = json.loads(summary_text)
    assert summary["run_id"] == 2 and summary["regressions"] >= 1
    suites = ET.parse(two_runs["root"] / "run2" / "junit.xml").getroot()
    assert int(suites.get("tests") or 0) > 50 and int(suites.get("failures") or 0) > 0
    events = json.loads((two_runs["root"] / "run2" / "findings.ocsf.json").read_text())
    assert events and all(e["class_uid"] == 2003 for e in events)


def test_history_options_need_a_store(tmp_path: Path) -> None:
    """--fail-on-regression and --notify-webhook without --history are refused before any work (exit 2)."""
    for option in (["--fail-on-regression"], ["--notify-webhook", "https://hooks.example.com/x"]):
        result = cli("assess", "--snapshots", EXAMPLE / "snapshots", "--answers", EXAMPLE / "answers.yaml",
                     "--out", tmp_path / "o", *option)
        assert result.returncode == 2 and "needs --history" in result.stderr
        assert not (tmp_path / "o").exists()


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    """A corrupted history file stops the run with exit 2, a clear message, and no report written."""
    bad = tmp_path / "history.db"
    bad.write_bytes(b"this is not a database" * 100)
    result = assess(EXAMPLE / "snapshots", tmp_path / "o", f"sqlite:///{bad}", "--format", "json",
                    when="2026-11-01T02:00:00Z")
    assert result.returncode == 2, result.stderr
    assert "history.db" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o" / "assessment.json").exists()


def test_webhook_posts_once_when_a_control_regresses(tmp_path: Path) -> None:
    """No message after a first run; one Slack-style message after a regressing run, without account ids."""
    from http.server import BaseHTTPRequestHandler

    from tests.collectors.local_http import LocalServer

    received: list[dict[str, Any]] = []

    def handle(handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        received.append(json.loads(body))
        handler.send_response(200)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    server = LocalServer(handle)
    try:
        snapshots = tmp_path / "snapshots"
        shutil.copytree(EXAMPLE / "snapshots", snapshots)
        store = f"sqlite:///{tmp_path / 'history.db'}"
        hook = f"{server.url}/hooks/T000/B000/secret-token"
        first = assess(snapshots, tmp_path / "a", store, "--format", "json", "--notify-webhook", hook,
                       when="2026-11-01T02:00:00Z")
        assert first.returncode == 0 and received == []
        data = json.loads((snapshots / AWS).read_text())
        del data["resources"]["aws.ec2.flow_log"]
        (snapshots / AWS).write_text(json.dumps(data))
        second = assess(snapshots, tmp_path / "b", store, "--format", "json", "--notify-webhook", hook,
                        when="2026-11-02T02:00:00Z")
    finally:
        server.stop()
    assert second.returncode == 0, second.stderr
    assert len(received) == 1
    text = json.dumps(received[0])
    assert "LC-03" in text and "text" in received[0]
    assert "111122223333" not in text and "secret-token" not in second.stdout + second.stderr
