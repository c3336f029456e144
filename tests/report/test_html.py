"""The HTML report: self-contained, inert, escaped, complete, ordered, deterministic and bounded."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from assessor.models import Assessment, Catalogue
from assessor.report import render_outputs
from assessor.report.html import stylesheet
from assessor.report.view import SECTIONS, format_index

from .conftest import (
    DARK_SPOT_NAME,
    FORMULA,
    IMG_ONERROR,
    LINK_ATTACH,
    ORGANIZATION,
    SCRIPT,
    TEMPLATE,
    UNKNOWN_REASON,
)
from .helpers import parse_html

ROOT = Path(__file__).resolve().parents[2]


def render(assessment: Assessment, catalogue: Catalogue) -> str:
    return render_outputs(assessment, catalogue, ["html"])["report.html"].decode("utf-8")


@pytest.fixture(scope="module")
def html(assessment: Assessment, catalogue: Catalogue) -> str:
    return render(assessment, catalogue)


def test_no_script_no_handlers_no_external_references(html: str) -> None:
    """No <script>, no on* attribute, no <link>, and every href/src is an in-page anchor or data: URL."""
    page = parse_html(html)
    assert "script" not in page.tags
    assert "link" not in page.tags and "iframe" not in page.tags and "img" not in page.tags
    assert not [a for a in page.attrs if a[1].startswith("on")]
    refs = [(tag, name, value) for tag, name, value in page.attrs if name in ("href", "src", "srcset", "action")]
    assert refs, "the contents and control links should be there"
    assert all((value or "").startswith(("#", "data:")) for _, _, value in refs), refs
    assert not [a for a in page.attrs if a[1] == "style"]
    assert page.tags.count("style") == 1


def test_content_security_policy_forbids_scripts_and_fetches(html: str) -> None:
    """A browser opening the file is also told to run nothing and fetch nothing."""
    page = parse_html(html)
    csp = [v for tag, name, v in page.attrs if tag == "meta" and name == "content" and v and "default-src" in v]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
                   "base-uri 'none'"]


def test_hostile_strings_are_printed_as_text(html: str) -> None:
    """Markup, template syntax and formulas from cloud data appear literally, never interpreted."""
    text = parse_html(html).joined_text
    for hostile in (SCRIPT, TEMPLATE, IMG_ONERROR, LINK_ATTACH, FORMULA):
        assert hostile in text, hostile
    assert f"{TEMPLATE} analytics" in text
    assert "49 analytics" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_bidi_override_is_shown_not_obeyed(html: str) -> None:
    """The right-to-left override in a resource name is revealed as a code point."""
    assert "\u202e" not in html
    assert "invoice[U+202E]gpj.exe" in parse_html(html).joined_text


def test_huge_values_are_clipped(html: str) -> None:
    """A 10,000-character name is clipped and the cut is stated."""
    assert "L" * 4001 not in html
    assert "more characters]" in html


def test_sections_come_in_the_reading_order(html: str) -> None:
    """Summary, scope, gaps, domains, responsibility, residency, controls, answers, plan, appendix."""
    assert parse_html(html).section_ids == [anchor for anchor, _ in SECTIONS]


def test_every_anchor_link_has_a_target(html: str) -> None:
    """In-page links all point at an element that exists."""
    page = parse_html(html)
    targets = {v[1:] for _, name, v in page.attrs if name == "href" and v}
    assert targets <= set(page.ids)
    assert len(page.ids) == len(set(page.ids))


def test_key_facts_are_present(html: str) -> None:
    """Organisation, index, a dark spot, an unknown reason, a collection error and input digests appear."""
    text = parse_html(html).joined_text
    for fact in (ORGANIZATION, "Developing", DARK_SPOT_NAME, UNKNOWN_REASON, "guardduty:ListDetectors",
                 "cloudasset.assets.searchAllIamPolicies", "0123456789abcdef" * 4, "snapshots/azure-claims.json",
                 "CIS AWS Foundations 7.0.0: 4.1", "Risk accepted", "Not answered"):
        assert fact in text, fact


def test_quotes_the_digest_of_assessment_json(assessment: Assessment, catalogue: Catalogue, html: str) -> None:
    """The report names the SHA-256 of the assessment.json rendered from the same assessment."""
    outputs = render_outputs(assessment, catalogue, ["json"])
    assert hashlib.sha256(outputs["assessment.json"]).hexdigest() in html


def test_same_assessment_gives_identical_bytes(assessment_factory: Any, catalogue: Catalogue) -> None:
    """Two renders of equal assessments built separately are byte-identical."""
    assert render(assessment_factory(), catalogue) == render(assessment_factory(), catalogue)


def test_identical_across_processes_with_different_hash_seeds() -> None:
    """No set or dict iteration order leaks into the output: other hash seeds, same bytes."""
    code = (
        "import hashlib, sys; sys.path.insert(0, '.');"
        "from tests.report.conftest import build_catalogue, make_assessment;"
        "from assessor.report import render_outputs;"
        "c = build_catalogue(); o = render_outputs(make_assessment(c), c, ['html', 'json', 'csv']);"
        "print(*(hashlib.sha256(o[k]).hexdigest() for k in sorted(o)))"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_html_for_100k_findings_stays_under_15_mb(assessment_factory: Any, catalogue: Catalogue) -> None:
    """Per-control detail is capped, so a huge estate still gives a file a browser opens."""
    huge = assessment_factory(bulk_findings=100_000, bulk_accounts=500)
    html = render(huge, catalogue)
    assert len(html.encode("utf-8")) < 15 * 1024 * 1024
    assert "more findings not shown here; findings.csv and assessment.json list every finding." in html


def test_templates_never_mark_data_safe() -> None:
    """No template uses |safe, Markup or turns autoescaping off."""
    folder = resources.files("ir_assessor_templates")
    names = [p.name for p in folder.iterdir() if p.name.endswith(".j2")]
    assert "report.html.j2" in names
    for name in names:
        source = folder.joinpath(name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe|autoescape\s+false|Markup", source), name


def test_stylesheet_is_local_and_every_width_class_is_defined() -> None:
    """The inlined CSS fetches nothing and defines every column-width class the templates use."""
    css = str(stylesheet())
    assert "url(" not in css and "@import" not in css and "</" not in css
    folder = resources.files("ir_assessor_templates")
    used = set()
    for p in folder.iterdir():
        if p.name.endswith(".j2"):
            used |= set(re.findall(r'class="[^"]*\b(w\d+)\b', p.read_text(encoding="utf-8")))
    assert used
    assert not [w for w in used if f".{w} {{" not in css]


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


def test_organisation_summary_lists_every_account_weakest_first(assessment: Assessment, html: str) -> None:
    """One row per scope in the posture order, with its index; hostile names stay text."""
    part = _section(html, "accounts")
    text = parse_html(part).joined_text
    ids = [a.account_id for a in assessment.accounts]
    assert sorted(ids) == sorted(s.account_id for s in assessment.scopes)
    positions = [text.index(account_id) for account_id in ids]
    assert positions == sorted(positions)
    for posture in assessment.accounts:
        assert format_index(posture.readiness_index) in text
    assert f"prod {SCRIPT}" in text
    assert "<script>" not in part


def test_organisation_summary_names_gaps_shared_by_accounts(assessment: Assessment, html: str) -> None:
    """A control failing in several accounts is listed once with how many accounts it fails in."""
    where: dict[str, int] = {}
    for posture in assessment.accounts:
        for control_id in posture.failing:
            where[control_id] = where.get(control_id, 0) + 1
    shared = {c: n for c, n in where.items() if n > 1}
    assert shared, "the hand-built assessment must have a shared gap for this test to mean anything"
    rows = parse_html(_section(html, "accounts").split("Gaps shared by several accounts", 1)[1]).joined_text
    total = len(assessment.accounts)
    for control_id, n in shared.items():
        assert control_id in rows
        assert f"{n} of {total}" in rows
    lone = [c for c, n in where.items() if n == 1]
    for control_id in lone:
        assert f">{control_id}<" not in _section(html, "accounts").split("Gaps shared", 1)[1]
