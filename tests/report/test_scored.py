"""The renderer against assessments the real scoring produces, with the catalogue the product ships."""

from __future__ import annotations

import io

import pypdf
import pytest

from assessor.models import Assessment, Catalogue
from assessor.report import render_outputs
from assessor.report.view import SECTIONS

from .conftest import ORGANIZATION, scored_assessment
from .helpers import parse_html, squash


@pytest.fixture(scope="module")
def shipped_catalogue() -> Catalogue:
    from assessor.catalogue import load_catalogue

    return load_catalogue()


def test_scoring_output_renders_in_every_format(catalogue: Catalogue) -> None:
    """An assessment from scoring.assess over the test catalogue renders, and the JSON round-trips."""
    assessment = scored_assessment(catalogue)
    outputs = render_outputs(assessment, catalogue, ["html", "json", "csv"])
    page = parse_html(outputs["report.html"].decode())
    assert page.section_ids == [a for a, _ in SECTIONS]
    assert ORGANIZATION in page.joined_text
    assert Assessment.model_validate_json(outputs["assessment.json"]) == assessment


def test_shipped_catalogue_with_100k_findings_stays_bounded(shipped_catalogue: Catalogue) -> None:
    """With all 64 controls and 100,000 findings the HTML stays under 15 MB and the PDF under 60 pages."""
    assessment = scored_assessment(shipped_catalogue, bulk_findings=100_000)
    outputs = render_outputs(assessment, shipped_catalogue, ["html", "pdf"])
    assert len(outputs["report.html"]) < 15 * 1024 * 1024
    reader = pypdf.PdfReader(io.BytesIO(outputs["report.pdf"]))
    assert len(reader.pages) < 60
    assert squash(ORGANIZATION) in squash(reader.pages[0].extract_text())
