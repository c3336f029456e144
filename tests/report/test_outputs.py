"""assessment.json, findings.csv, manifest.json and write_reports: exhaustive, stable, atomic."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from assessor.errors import InputError
from assessor.models import Assessment, Catalogue, InputDigest
from assessor.report import assessment_json_schema, render_outputs, write_reports
from assessor.report.csvout import COLUMNS, neutralise, render_csv
from assessor.report.jsonout import render_json

from .conftest import FORMULA, SCRIPT

# --------------------------------------------------------------------------- JSON


def test_json_is_byte_identical_across_renders(assessment_factory: Any) -> None:
    """Equal assessments give equal bytes: sorted keys, fixed indentation, trailing newline."""
    first, second = render_json(assessment_factory()), render_json(assessment_factory())
    assert first == second
    assert first.endswith(b"}\n")
    data = json.loads(first)
    assert json.dumps(data, sort_keys=True, indent=2, ensure_ascii=True).encode() + b"\n" == first


def test_json_round_trips_to_the_same_assessment(assessment: Assessment) -> None:
    """assessment.json parses back into an equal Assessment."""
    assert Assessment.model_validate_json(render_json(assessment)) == assessment


def test_json_is_ascii_and_keeps_hostile_strings_as_escaped_text(assessment: Assessment) -> None:
    """Non-ASCII and override characters are \\u-escaped; markup stays a plain JSON string."""
    data = render_json(assessment)
    data.decode("ascii")
    assert b"\\u202e" in data
    assert json.dumps(SCRIPT).encode() in data


def test_json_validates_against_the_published_schema(assessment: Assessment) -> None:
    """The schema printed by `ir-assessor schema assessment` accepts the JSON the tool writes."""
    import jsonschema
    schema = assessment_json_schema()
    assert schema["title"] == "ir-assessor assessment"
    assert {"controls", "gaps", "inputs", "readiness_index"} <= set(schema["properties"])
    jsonschema.validate(json.loads(render_json(assessment)), schema)
    broken = json.loads(render_json(assessment))
    broken["controls"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


# --------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+1", "'=1+1"),
    ("+cmd", "'+cmd"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\n=1", "'\n=1"),
    ("  =1", "'  =1"),
    ("\u00a0\u3000+1", "'\u00a0\u3000+1"),
    ("\u200b=1", "'\u200b=1"),
    ("\u202e=1", "'\u202e=1"),
    ("\uff1dcmd", "'\uff1dcmd"),
    ("\uff0b1", "'\uff0b1"),
    ("\uff0d1", "'\uff0d1"),
    ("\uff20x", "'\uff20x"),
    ("\t", "'\t"),
    ("", ""),
    ("   ", "   "),
    ("vpc-0a1", "vpc-0a1"),
    ("a=b", "a=b"),
    ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket"),
    ("'quoted", "'quoted"),
])
def test_formula_cells_are_neutralised(cell: str, expected: str) -> None:
    """Any cell a spreadsheet would evaluate starts with a single quote; other cells are untouched."""
    assert neutralise(cell) == expected


def test_csv_has_one_row_per_finding(assessment: Assessment) -> None:
    """Every finding of every control is a row with the documented columns, formulas neutralised."""
    rows = list(csv.reader(io.StringIO(render_csv(assessment).decode("utf-8"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == sum(len(c.findings) for c in assessment.controls)
    assert all(len(r) == len(COLUMNS) for r in rows)
    starts = [cell for row in rows[1:] for cell in row if cell.lstrip()[:1] in ("=", "+", "-", "@")]
    assert starts == []
    assert "'" + FORMULA in [r[COLUMNS.index("resource")] for r in rows[1:]]
    unknown = [r for r in rows[1:] if r[COLUMNS.index("status")] == "unknown"]
    assert unknown and all(r[COLUMNS.index("reason")] for r in unknown)


def test_csv_is_exhaustive_for_a_large_estate(assessment_factory: Any) -> None:
    """The CSV keeps every one of 20,000 extra findings: no cap applies to it."""
    big = assessment_factory(bulk_findings=20_000)
    data = render_csv(big)
    assert data.count(b"\r\n") == 1 + sum(len(c.findings) for c in big.controls)


# --------------------------------------------------------------------------- write_reports and manifest


def test_writes_every_format_then_the_manifest(assessment: Assessment, catalogue: Catalogue,
                                               tmp_path: Path) -> None:
    """All requested files are written, manifest.json last, each digest and size matching the file."""
    written = write_reports(assessment, catalogue, tmp_path / "out", ["csv", "json", "html", "pdf"])
    names = [p.name for p in written]
    assert names == ["assessment.json", "findings.csv", "report.html", "report.pdf", "manifest.json"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["tool_version"] == assessment.tool_version
    assert manifest["generated_at"] == "2026-11-02T09:30:00+00:00"
    assert [o["path"] for o in manifest["outputs"]] == sorted(names[:-1])
    for output in manifest["outputs"]:
        data = (tmp_path / "out" / output["path"]).read_bytes()
        assert output["sha256"] == hashlib.sha256(data).hexdigest()
        assert output["size"] == len(data)
    assert [i["sha256"] for i in manifest["inputs"]] == [i.sha256 for i in
                                                           sorted(assessment.inputs, key=lambda i: (i.kind, i.path))]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)


def test_manifest_records_each_input_size(assessment: Assessment, catalogue: Catalogue, tmp_path: Path) -> None:
    """Each input appears in the manifest with the digest and byte size the assessment recorded."""
    inputs = [InputDigest(path="answers.yaml", kind="answers", sha256="a" * 64, size=11),
              InputDigest(path="snap.json", kind="snapshot", sha256="b" * 64, size=2048)]
    write_reports(assessment.model_copy(update={"inputs": inputs}), catalogue, tmp_path / "out", ["json"])
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert {i["path"]: (i["sha256"][0], i["size"]) for i in manifest["inputs"]} == {
        "answers.yaml": ("a", 11), "snap.json": ("b", 2048)}


def test_a_rendering_failure_leaves_no_file(assessment: Assessment, catalogue: Catalogue, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """If the PDF cannot be rendered, nothing at all is written, not even the outputs rendered before it."""
    import assessor.report.pdf as pdf

    def broken(*args: object) -> bytes:
        raise RuntimeError("pango exploded")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeError, match="pango"):
        write_reports(assessment, catalogue, out, ["json", "csv", "html", "pdf"])
    assert list(out.iterdir()) == []


def test_a_write_failure_leaves_no_temporary_file_and_no_manifest(
        assessment: Assessment, catalogue: Catalogue, tmp_path: Path) -> None:
    """A file that cannot be replaced stops the run: earlier outputs stay, no temp file, no manifest."""
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)  # a folder where the report should go: the rename fails
    with pytest.raises(OSError):
        write_reports(assessment, catalogue, out, ["json", "html"])
    assert sorted(p.name for p in out.iterdir()) == ["assessment.json", "report.html"]
    assert (out / "report.html").is_dir()


def test_rejects_an_unknown_format(assessment: Assessment, catalogue: Catalogue, tmp_path: Path) -> None:
    """A format outside the known ones is an input error naming the choices, and writes nothing."""
    with pytest.raises(InputError, match=r"docx.*choose from json, csv, junit, ocsf, html, pdf"):
        write_reports(assessment, catalogue, tmp_path / "out", ["html", "docx"])
    assert not (tmp_path / "out").exists()


def test_only_the_requested_formats_are_written(assessment: Assessment, catalogue: Catalogue,
                                                tmp_path: Path) -> None:
    """Asking for CSV alone writes findings.csv and the manifest, nothing else."""
    written = write_reports(assessment, catalogue, tmp_path, {"csv"})
    assert [p.name for p in written] == ["findings.csv", "manifest.json"]
    assert render_outputs(assessment, catalogue, ["csv"]).keys() == {"findings.csv"}
