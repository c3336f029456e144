"""Render one Assessment into report.html, report.pdf, assessment.json, findings.csv and manifest.json.

Everything is rendered in memory first; only then is each file written to a temporary name and renamed,
so a rendering failure leaves no file behind and an interruption leaves no half-written one.
manifest.json is written last and lists the digest of every input and every output of this run.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from assessor.errors import InputError
from assessor.inputs import atomic_write
from assessor.models import Assessment, Catalogue
from assessor.report.csvout import render_csv
from assessor.report.html import render_html
from assessor.report.jsonout import assessment_json_schema, render_json
from assessor.report.manifest import MANIFEST_NAME, render_manifest, sha256
from assessor.report.view import build_view

__all__ = ["FORMATS", "OUTPUT_NAMES", "assessment_json_schema", "render_outputs", "write_reports"]

# Written in this order: the machine outputs first, the PDF (slowest) last.
OUTPUT_NAMES = {"json": "assessment.json", "csv": "findings.csv", "junit": "junit.xml", "ocsf": "findings.ocsf.json",
                "html": "report.html", "pdf": "report.pdf"}
FORMATS = tuple(OUTPUT_NAMES)


def render_outputs(assessment: Assessment, catalogue: Catalogue, formats: Collection[str],
                   history: Any = None) -> dict[str, bytes]:
    """File name -> content for the requested formats, in the order they are written. `history` (a HistoryContext
    from assessor.report.since) adds the "Since last assessment" section to the HTML and PDF."""
    unknown = sorted(set(formats) - set(OUTPUT_NAMES))
    if unknown:
        raise InputError(f"unknown report format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    # The HTML and PDF quote the digest of assessment.json, so it is always rendered (written only on request).
    assessment_json = render_json(assessment)
    digest = sha256(assessment_json)
    outputs: dict[str, bytes] = {}
    for fmt in FORMATS:
        if fmt not in formats:
            continue
        if fmt == "json":
            data = assessment_json
        elif fmt == "csv":
            data = render_csv(assessment)
        elif fmt == "html":
            data = render_html(build_view(assessment, catalogue, "html", digest, history)).encode("utf-8")
        elif fmt == "junit":
            from assessor.report.junit import junit_xml

            data = junit_xml(assessment).encode("utf-8")
        elif fmt == "ocsf":
            from assessor.report.ocsf import ocsf_findings

            data = ocsf_findings(assessment).encode("utf-8")
        else:
            from assessor.report.pdf import render_pdf  # WeasyPrint is heavy; load it only for a PDF

            data = render_pdf(build_view(assessment, catalogue, "pdf", digest, history))
        outputs[OUTPUT_NAMES[fmt]] = data
    return outputs


def write_reports(assessment: Assessment, catalogue: Catalogue, out_dir: Path,
                  formats: Collection[str], history: Any = None) -> list[Path]:
    """Write the requested formats and then manifest.json into out_dir; returns the paths written."""
    outputs = render_outputs(assessment, catalogue, formats, history)
    manifest = render_manifest(assessment, list(outputs.items()))
    written: list[Path] = []
    for name, data in [*outputs.items(), (MANIFEST_NAME, manifest)]:
        path = out_dir / name
        atomic_write(path, data)
        written.append(path)
    return written
