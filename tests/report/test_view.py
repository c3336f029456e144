"""View models: formatting rules, clipping, ordering and the caps that keep each format bounded."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from markupsafe import Markup

from assessor.models import Assessment, Catalogue, Status
from assessor.report.view import (
    HTML_LIMITS,
    PDF_LIMITS,
    anchor,
    build_view,
    display,
    format_index,
    format_percent,
    name_list,
    shorten,
)

from .conftest import DARK_SPOT_NAME, UNKNOWN_REASON

DIGEST = "ab" * 32


@pytest.mark.parametrize(("share", "shown"), [
    (0.0, "0"),
    (1.0, "100"),
    (0.996, "99"),
    (0.995, "99"),
    (0.9999999, "99"),
    (1 - 1e-15, "99"),
    (0.004, "<1"),
    (0.0049, "<1"),
    (1e-12, "<1"),
    (5e-324, "<1"),
    (0.005, "1"),
    (0.01, "1"),
    (0.125, "13"),
    (0.285, "29"),
    (0.5, "50"),
    (0.62, "62"),
])
def test_format_percent_never_claims_an_extreme_it_did_not_reach(share: float, shown: str) -> None:
    """Only exactly 0 shows as 0 and only exactly 1 as 100; half-way rounds up as a reader expects."""
    assert format_percent(share) == shown


@pytest.mark.parametrize("bad", [-0.01, 1.0001, math.nan, math.inf])
def test_format_percent_rejects_values_outside_a_share(bad: float) -> None:
    """A share outside 0..1 is a bug upstream, not something to print."""
    with pytest.raises(ValueError, match=r"0\.\.1"):
        format_percent(bad)


@pytest.mark.parametrize(("index", "shown"), [
    (None, "n/a"), (100.0, "100"), (99.96, "99"), (0.0, "0"), (0.01, "<1"), (57.26, "57"), (100.0000001, "100"),
])
def test_format_index_applies_the_same_rule_to_the_0_100_index(index: float | None, shown: str) -> None:
    """The readiness index is on 0..100 and follows the never-round-to-an-extreme rule."""
    assert format_index(index) == shown


def test_display_reveals_bidi_and_control_characters() -> None:
    """Override and control characters become visible code points instead of reordering text."""
    assert display("invoice\u202egpj.exe\x00", 100) == "invoice[U+202E]gpj.exe[U+0000]"
    assert display("tab\tand\nnewline", 100) == "tab\tand\nnewline"


def test_display_clips_and_says_how_much_was_cut() -> None:
    """A 10,000-character value is clipped with a note of how many characters were left out."""
    assert display("x" * 10_000, 10) == "x" * 10 + "… [9,990 more characters]"
    assert display(None, 5) == ""


def test_shorten_and_name_list_stay_within_bounds() -> None:
    """Chart labels get an ellipsis; lists of names say how many more there are."""
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 4) == "abc"
    assert name_list(["a", "b", "c", "d"], 2, 10) == "a, b and 2 more"
    assert name_list([], 2, 10) == ""


def test_anchor_keeps_only_safe_characters() -> None:
    """Element ids never carry quotes, spaces or angle brackets, whatever the input."""
    assert anchor("control", 'LC-01"><x') == "control-LC-01---x"


def _walk(value: Any) -> list[Any]:
    out = [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            out += _walk(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            out += _walk(item)
    return out


@pytest.mark.parametrize("mode", ["html", "pdf"])
def test_view_holds_no_markup_so_everything_is_escaped(assessment: Assessment, catalogue: Catalogue,
                                                      mode: str) -> None:
    """No value in the view is pre-marked safe: the templates escape every one of them."""
    view = build_view(assessment, catalogue, mode, DIGEST)  # type: ignore[arg-type]
    values = _walk(view)
    assert len(values) > 500
    assert not [v for v in values if isinstance(v, Markup)]


def test_summary_ranks_dark_spots_and_keeps_five_actions(assessment: Assessment, catalogue: Catalogue) -> None:
    """The top dark spot is the capability lost in the most workloads; at most five actions are listed."""
    summary = build_view(assessment, catalogue, "html", DIGEST).summary
    assert summary.dark_spots[0].name == DARK_SPOT_NAME
    assert summary.dark_spots[0].count == "4 workloads"
    assert [a.rank for a in summary.actions] == ["1", "2", "3", "4", "5"]
    assert summary.readiness == "57"


def test_scope_groups_every_undetermined_finding_by_reason(assessment: Assessment, catalogue: Catalogue) -> None:
    """Each unknown or error reason appears once, with its count; every collection error is listed."""
    scope = build_view(assessment, catalogue, "html", DIGEST).scope
    reasons = [u.reason for u in scope.unseen]
    expected = {f.reason for c in assessment.controls for f in c.findings
                if f.status in (Status.UNKNOWN, Status.ERROR)}
    assert set(reasons) == expected
    assert len(reasons) == len(set(reasons))
    assert UNKNOWN_REASON in reasons
    assert scope.errors_total == "3"
    assert reasons[0] == "KeyError: 'IsMultiRegionTrail'"  # errors first: a crashed check is the loudest


def test_findings_are_listed_most_actionable_first(assessment: Assessment, catalogue: Catalogue) -> None:
    """Fail comes before unknown, unknown before pass, within each control."""
    view = build_view(assessment, catalogue, "html", DIGEST)
    order = ["Fail", "Error", "Unknown", "Partial", "Needs answer", "Risk accepted", "Pass", "Not applicable"]
    for domain in view.controls:
        for control in domain.controls:
            labels = [order.index(f.status.label) for f in control.findings]
            assert labels == sorted(labels), control.id


def test_pdf_view_caps_findings_and_points_to_the_exhaustive_outputs(
        assessment_factory: Any, catalogue: Catalogue) -> None:
    """The PDF view shows a few findings per failing control and says where the rest are."""
    big = assessment_factory(bulk_findings=5000, bulk_accounts=120)
    view = build_view(big, catalogue, "pdf", DIGEST)
    controls = [c for d in view.controls for c in d.controls]
    assert max(len(c.findings) for c in controls) <= PDF_LIMITS.findings_per_control
    assert sum(len(c.findings) for c in controls) <= PDF_LIMITS.findings_total
    capped = [c for c in controls if c.omitted]
    assert capped and all("findings.csv and assessment.json" in c.omitted_text for c in capped)
    assert len(view.scope.accounts) == PDF_LIMITS.rows and view.scope.accounts_omitted == 123 - PDF_LIMITS.rows
    passing = [c for c in controls if c.status.label == "Pass"]
    assert passing and all(not c.findings and not c.remediation for c in passing)


def test_html_view_caps_per_control_detail_too(assessment_factory: Any, catalogue: Catalogue) -> None:
    """Even the HTML shows at most the per-control cap; the CSV and JSON stay exhaustive."""
    big = assessment_factory(bulk_findings=20_000)
    view = build_view(big, catalogue, "html", DIGEST)
    shown = [len(c.findings) for d in view.controls for c in d.controls]
    assert max(shown) == HTML_LIMITS.findings_per_control
    assert int(view.findings_omitted.replace(",", "")) == sum(len(c.findings) for c in big.controls) - sum(shown)


def test_gap_matrix_has_one_column_per_workload_and_flags_dark_spots(
        assessment: Assessment, catalogue: Catalogue) -> None:
    """Columns follow workload names; every dark spot of the assessment is flagged in a cell and listed."""
    gaps = build_view(assessment, catalogue, "html", DIGEST).gaps
    assert [c.workload for c in gaps.columns] == sorted(w.name for w in assessment.profile.workloads)
    flagged = sum(cell.dark_spot for row in gaps.rows for cell in row.cells)
    assert flagged == len(gaps.dark_spots) == sum(g.dark_spot for g in assessment.gaps)
    assert gaps.rows[0].name == DARK_SPOT_NAME  # catalogue order is kept
    assert len(gaps.improvements) == sum(g.improvement for g in assessment.gaps)


def test_domain_chart_draws_no_bar_for_an_unscored_domain(assessment: Assessment, catalogue: Catalogue) -> None:
    """A domain with score None shows n/a and no bar, never an empty 0% bar."""
    domains = build_view(assessment, catalogue, "html", DIGEST).domains
    unscored = [b for b in domains.bars if b.score == "n/a"]
    assert unscored and all(b.width == "" for b in unscored)
    assert [r.id for r in domains.rows] == [d.id for d in catalogue.domains]


def test_account_rows_separate_unseen_from_out_of_scope(assessment: Assessment, catalogue: Catalogue) -> None:
    """An account no workload reaches reads 'no workload' and is counted apart from accounts that were unseen."""
    from assessor.models import AccountPosture

    extra = [
        AccountPosture(provider="aws", account_id="999900000001", account_name="dark", readiness_index=None,
                       counts={Status.UNKNOWN: 4}, failing=[], undetermined=["LC-01"], errors=2),
        AccountPosture(provider="aws", account_id="999900000002", account_name="idle", readiness_index=None,
                       counts={Status.NOT_APPLICABLE: 9}, in_scope=False, failing=[], undetermined=[], errors=0),
    ]
    view = build_view(assessment.model_copy(update={"accounts": [extra[0], *assessment.accounts, extra[1]]}),
                      catalogue, "html", DIGEST).accounts
    rows = {r.account: r for r in view.rows}
    assert rows["999900000001"].index == "n/a" and rows["999900000001"].bar_width == ""
    assert rows["999900000002"].index == "n/a (no workload)"
    figures = {f.label: f.value for f in view.figures}
    assert figures["Accounts nothing could be scored in"] == "1"
    assert figures["Accounts in no workload (not judged)"] == "1"
    assert figures["Accounts assessed"] == str(len(assessment.accounts) + 2)
