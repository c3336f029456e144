"""The PDF report: same content as the HTML in summary form, fetching nothing, embedding nothing."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pypdf
import pytest

from assessor.models import Assessment, Catalogue
from assessor.report import render_outputs
from assessor.report.pdf import FetchRefused, data_only_fetcher, html_to_pdf

from .conftest import DARK_SPOT_NAME, ORGANIZATION, UNKNOWN_REASON
from .helpers import squash

SENTINEL_TEXT = "SENTINEL-7f3a9c-must-never-appear"


class CountingServer:
    """A real HTTP server on 127.0.0.1 that counts every request it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                body = b"\x89PNG\r\n\x1a\n"
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[CountingServer]:
    with CountingServer() as running:
        yield running


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "sentinel.txt"
    path.write_text(SENTINEL_TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_assessment(assessment_factory: Callable[..., Assessment], server: CountingServer,
                       sentinel: Path) -> Assessment:
    base = f"http://127.0.0.1:{server.port}"
    url = sentinel.as_uri()
    extra = [
        f'<img src="{base}/img.png">',
        f"{base}/plain-url.png",
        f'<link rel="attachment" href="{url}">',
        f'<link rel="stylesheet" href="{base}/style.css">',
        f'<a rel="attachment" href="{url}">attach</a>',
        f'<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}</style>',
        f'<div style="background-image: url({base}/inline.png)">x</div>',
        f'<iframe src="{url}"></iframe><object data="{base}/object"></object>',
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/svg.png"/></svg>',
        url,
        str(sentinel),
    ]
    return assessment_factory(extra=extra)


@pytest.fixture(scope="module")
def hostile_pdf(hostile_assessment: Assessment, catalogue: Catalogue) -> bytes:
    return render_outputs(hostile_assessment, catalogue, ["pdf"])["report.pdf"]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_pdf_holds_the_key_facts(hostile_pdf: bytes) -> None:
    """Organisation, readiness index, a dark spot and an unknown reason are in the PDF text."""
    text = squash(pdf_text(hostile_pdf))
    for fact in (ORGANIZATION, "57/100", "Readinessindex", DARK_SPOT_NAME, UNKNOWN_REASON, "Developing",
                 "<script>alert(1)</script>", "{{7*7}}analytics", "Organisation summary by account",
                 "Gaps shared by several accounts", "111111111111"):
        assert squash(fact) in text, fact


def test_pdf_fetches_nothing(hostile_pdf: bytes, server: CountingServer) -> None:
    """URLs, <img>, <link rel=attachment>, @import and url() in cloud data never reach the network."""
    assert hostile_pdf.startswith(b"%PDF")
    assert server.requests == []


def test_pdf_embeds_no_file(hostile_pdf: bytes) -> None:
    """No embedded files, no file-attachment annotations, no links out, and no sentinel content."""
    reader = pypdf.PdfReader(io.BytesIO(hostile_pdf))
    names = reader.root_object.get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert reader.attachments == {}
    annotations = [ref.get_object() for page in reader.pages for ref in page.get("/Annots") or []]
    assert annotations, "the contents page links to each section"
    for annot in annotations:
        assert isinstance(annot, pypdf.generic.DictionaryObject)
        assert annot.get("/Subtype") == "/Link"
        action = annot.get("/A")
        assert action is None or action.get_object().get("/S") != "/URI"
    assert SENTINEL_TEXT not in pdf_text(hostile_pdf)
    assert SENTINEL_TEXT.encode() not in hostile_pdf


def test_fetcher_serves_data_urls_only(sentinel: Path, server: CountingServer) -> None:
    """The fetcher refuses http, https and file URLs before any I/O and still serves data: URLs."""
    fetcher = data_only_fetcher()
    for url in (f"http://127.0.0.1:{server.port}/direct", "https://169.254.169.254/latest/meta-data/",
                sentinel.as_uri(), "ftp://127.0.0.1/x"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert server.requests == []
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_first_page_renders_to_a_non_blank_image(hostile_pdf: bytes, tmp_path: Path) -> None:
    """Page 1 rasterises to an A4 image with real content on it."""
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(hostile_pdf)
    width, height = document[0].get_size()
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 in points
    image = document[0].render(scale=1).to_pil().convert("L")
    image.save(tmp_path / "page-1.png")
    histogram = image.histogram()
    count = sum(histogram)
    mean = sum(level * n for level, n in enumerate(histogram)) / count
    variance = sum(n * (level - mean) ** 2 for level, n in enumerate(histogram)) / count
    assert variance > 500
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_page_count_stays_bounded_for_a_large_estate(
        assessment: Assessment, assessment_factory: Any, catalogue: Catalogue) -> None:
    """20,000 findings over 300 accounts add a few pages, not hundreds."""
    small = len(pypdf.PdfReader(io.BytesIO(render_outputs(assessment, catalogue, ["pdf"])["report.pdf"])).pages)
    big_assessment = assessment_factory(bulk_findings=20_000, bulk_accounts=300)
    big = render_outputs(big_assessment, catalogue, ["pdf"])["report.pdf"]
    pages = len(pypdf.PdfReader(io.BytesIO(big)).pages)
    assert pages < 60
    assert pages - small < 20
    assert "report.html,findings.csvandassessment.jsonlisteveryfinding" in squash(pdf_text(big))


def test_html_of_the_same_data_references_nothing(hostile_assessment: Assessment, catalogue: Catalogue,
                                                  sentinel: Path) -> None:
    """The URLs and file paths planted in the data stay text in the HTML as well."""
    from .helpers import parse_html

    html = render_outputs(hostile_assessment, catalogue, ["html"])["report.html"].decode()
    page = parse_html(html)
    assert all((v or "").startswith(("#", "data:")) for _, n, v in page.attrs if n in ("href", "src", "data"))
    assert {"img", "link", "iframe", "object", "image", "script"}.isdisjoint(page.tags)
    assert sentinel.as_uri() in page.joined_text


def test_even_raw_markup_cannot_fetch_or_attach(server: CountingServer, sentinel: Path) -> None:
    """Second wall: HTML that does hold <img>, <link rel=attachment> and url() still fetches and embeds
    nothing, because the fetcher refuses every scheme but data: and there is no base URL."""
    base = f"http://127.0.0.1:{server.port}"
    html = (f'<html><head><link rel="attachment" href="{sentinel.as_uri()}">'
            f'<link rel="stylesheet" href="{base}/s.css"><style>@import url({base}/i.css);'
            f'p {{ background: url({base}/bg.png) }}</style></head><body>'
            f'<p>visible</p><img src="{base}/x.png"><img src="{sentinel.as_uri()}">'
            f'<a rel="attachment" href="{sentinel.as_uri()}">file</a><img src="relative.png">'
            f'<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E"></body></html>')
    pdf = html_to_pdf(html)
    assert server.requests == []
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert "visible" in reader.pages[0].extract_text()
    assert SENTINEL_TEXT.encode() not in pdf
