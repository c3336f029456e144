"""Hostile strings in snapshots and answers, end to end through the CLI: inert in HTML, PDF, CSV and JSON."""

from __future__ import annotations

import csv
import http.server
import json
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.test_cli import EXAMPLE, assess

SENTINEL_TEXT = "SENTINEL-7f3a-file-must-not-be-read"


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def counting_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def hostile_strings(base: str, sentinel: Path) -> list[str]:
    return [
        "<script>alert('x')</script>",
        '"><img src=x onerror=alert(1)>',
        "{{ 7*7 }}{% if true %}JINJA-RAN{% endif %}",
        f"file://{sentinel}",
        f'<img src="file://{sentinel}"><link rel="attachment" href="file://{sentinel}">',
        f'<img src="{base}/tracker.png"><link rel=stylesheet href="{base}/x.css">',
        "http://169.254.169.254/latest/meta-data/",
        "=HYPERLINK(\"http://evil.example/\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\u202eexe.txt",
        "Z" * 10_000,
    ]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, counting_server: str) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    sentinel = root / "sentinel.txt"
    sentinel.write_text(SENTINEL_TEXT)
    evil = hostile_strings(counting_server, sentinel)
    snaps = root / "snaps"
    snaps.mkdir()
    for source in sorted((EXAMPLE / "snapshots").glob("*.json")):
        data = json.loads(source.read_text())
        data["account_name"] = evil[1]
        data["identity"] = evil[4]
        data["errors"].append({"service": evil[0], "operation": evil[2], "code": evil[7], "message": evil[5],
                               "region": evil[10], "resource_types": []})
        for records in data["resources"].values():
            for n, record in enumerate(records):
                # Every other id is a spreadsheet formula, the rest cycle through the other hostile strings.
                record["id"] = (evil[7] if n % 2 == 0 else evil[n % len(evil)]) + f"-{n}"
        (snaps / source.name).write_text(json.dumps(data))
    answers = yaml.safe_load((EXAMPLE / "answers.yaml").read_text())
    answers["profile"]["organization"] = evil[2] + evil[0]
    answers["profile"]["workloads"][0]["name"] = evil[4]
    for n, answer in enumerate(answers["answers"].values()):
        answer["note"] = evil[n % len(evil)]
        answer["evidence"] = evil[(n + 3) % len(evil)]
    (root / "answers.yaml").write_text(yaml.safe_dump(answers, allow_unicode=True))
    _Counter.hits.clear()
    out = root / "out"
    result = assess(out, snapshots=snaps, answers=root / "answers.yaml")
    assert result.returncode == 0, result.stderr
    return out


class _ActiveContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "base", "link", "form", "frame"):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and ("http-equiv", "refresh") in [(n, (v or "").lower()) for n, v in attrs]:
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("src", "href", "action", "formaction", "xlink:href", "srcset", "poster") and value and not (
                    value.startswith("#") or value.startswith("data:")):
                self.problems.append(f"{tag}[{name}={value[:40]}]")


def test_html_has_no_active_content_from_data(hostile_run: Path) -> None:
    """Parsed HTML: no script, no event handler, no external URL; the hostile text is printed as text."""
    html = (hostile_run / "report.html").read_text()
    parser = _ActiveContent()
    parser.feed(html)
    assert parser.problems == []
    assert "&lt;script&gt;alert(" in html
    assert "{{ 7*7 }}" in html
    # Template syntax in data is printed as written: every JINJA-RAN sits inside its literal {% %} tags.
    assert html.count("JINJA-RAN") == html.count("{% if true %}JINJA-RAN{% endif %}") > 0


def test_pdf_fetched_nothing_and_embedded_no_file(hostile_run: Path) -> None:
    """The PDF render made no HTTP request and read no local file named in the data."""
    from pypdf import PdfReader

    assert _Counter.hits == []
    reader = PdfReader(hostile_run / "report.pdf")
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert SENTINEL_TEXT not in text
    assert not reader.attachments
    raw = (hostile_run / "report.pdf").read_bytes()
    assert SENTINEL_TEXT.encode() not in raw
    # The organisation name is printed on the cover exactly as written: template syntax in data stays text.
    assert "{{ 7*7 }}{% if true %}JINJA-RAN{% endif %}" in text


def test_csv_neutralises_formulas(hostile_run: Path) -> None:
    """No CSV cell starts with a formula trigger."""
    with open(hostile_run / "findings.csv", newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_json_keeps_data_verbatim(hostile_run: Path) -> None:
    """JSON is data, not markup: hostile strings round-trip unchanged."""
    data = json.loads((hostile_run / "assessment.json").read_text())
    assert data["organization"].startswith("{{ 7*7 }}")
    ids = {f["resource_id"] for c in data["controls"] for f in c["findings"] if f["resource_id"]}
    assert any(i.startswith("=HYPERLINK(") for i in ids)  # neutralised only in CSV, never altered in JSON
