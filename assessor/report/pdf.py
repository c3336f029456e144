"""Render the print variant of the report to PDF with WeasyPrint, unable to fetch anything.

Hostile text is escaped before it reaches WeasyPrint, so it cannot become an <img>, a stylesheet or a
<link rel=attachment>. The fetcher is the second wall: it serves only inline `data:` URLs and refuses
every other scheme (http to a metadata service, file:// to a local secret), and no base URL is given,
so relative references resolve to nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from assessor.report.html import render_html
from assessor.report.view import ReportView

logger = logging.getLogger(__name__)


class FetchRefused(ValueError):
    """Raised for any URL that is not an inline data: URL. WeasyPrint logs it and draws nothing."""


def data_only_fetcher() -> Any:
    """The fetcher WeasyPrint gets: inline data: URLs only."""
    from weasyprint.urls import URLFetcher  # WeasyPrint loads pango at import: keep it lazy

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                logger.warning("report PDF: refused to fetch %.200r", url)
                raise FetchRefused(f"the report renderer fetches nothing; refused {url[:200]!r}")
            return super().fetch(url, headers)

    return DataOnlyFetcher(timeout=1, allowed_protocols={"data"}, allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """Any HTML to PDF with the data-only fetcher and no base URL: the wall that holds even if markup
    from data ever reached this point."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=None, url_fetcher=data_only_fetcher())
    pdf: bytes = document.write_pdf(attachments=None)
    return pdf


def render_pdf(view: ReportView) -> bytes:
    return html_to_pdf(render_html(view))
