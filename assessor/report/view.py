"""View models for the report templates: everything sorted, formatted and classed here.

The templates only loop, branch and print. Strings that came from a cloud account or an answers file
stay plain `str`: Jinja2 autoescaping turns them into text, never markup. `display()` also makes
control and bidirectional-override characters visible and clips huge values, so a hostile resource
name can neither reorder the text around it nor blow up the page.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from assessor.models import (
    SERVICE_MODELS,
    AccountPosture,
    Assessment,
    CapabilityGap,
    Catalogue,
    CollectionError,
    ControlResult,
    Finding,
    Reference,
    RemediationItem,
    ResidencyEntry,
    RiskAcceptance,
    Scope,
    Status,
)

Mode = Literal["html", "pdf"]

# --------------------------------------------------------------------------- formatting


def format_percent(x: float) -> str:
    """A share 0..1 as a whole percentage that never claims 100 or 0 unless it is exact."""
    if math.isnan(x) or x < 0.0 or x > 1.0:
        raise ValueError(f"a share must lie in 0..1, got {x!r}")
    if x == 1.0:
        return "100"
    if x == 0.0:
        return "0"
    # Decimal of the shortest repr rounds 0.285 to 29 as a reader expects, not to 28.
    value = int((Decimal(repr(x)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if value >= 100:
        return "99"
    if value <= 0:
        return "<1"
    return str(value)


def format_share(x: float | None) -> str:
    return "n/a" if x is None else format_percent(x) + "%"


def format_index(index: float | None) -> str:
    """The readiness index (0..100) with the same never-round-to-an-extreme rule."""
    if index is None:
        return "n/a"
    return format_percent(min(max(index / 100.0, 0.0), 1.0))


def format_count(n: int) -> str:
    return f"{n:,}"


def format_time(value: datetime) -> str:
    """UTC to the minute; a naive time is taken as UTC (the scoring clock is injected in UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{format_count(n)} {word if n == 1 else (many or word + 's')}"


# Control characters and bidirectional overrides are shown as code points: an auditor must see that a
# name holds U+202E rather than have the browser silently reverse the text around it.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def _reveal(match: re.Match[str]) -> str:
    return f"[U+{ord(match.group()):04X}]"


def display(value: object, limit: int) -> str:
    """Any data value as safe-to-print text: invisible characters revealed, clipped to `limit` chars."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = f"{text[:limit]}… [{format_count(len(text) - limit)} more characters]"
    return _INVISIBLE.sub(_reveal, text)


def shorten(text: str, limit: int) -> str:
    """A label cut to `limit` characters with an ellipsis, for charts where space is fixed."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def anchor(*parts: str) -> str:
    """An element id from trusted ids; anything outside [A-Za-z0-9_-] becomes '-'."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", "-".join(parts))


def evidence_text(evidence: Mapping[str, Any], limit: int, indent: int | None = 2) -> str:
    """Evidence as JSON text: indented for the browser, on one wrapping line for print."""
    if not evidence:
        return ""
    text = json.dumps(evidence, indent=indent, sort_keys=True, ensure_ascii=False, default=str)
    return display(text, limit)


# --------------------------------------------------------------------------- labels and classes


@dataclass(frozen=True)
class Badge:
    """A coloured label: the colour comes from `css`, the meaning is always in `label` too."""

    label: str
    css: str


STATUS_LABELS: dict[Status, str] = {
    Status.PASS: "Pass",
    Status.FAIL: "Fail",
    Status.PARTIAL: "Partial",
    Status.UNKNOWN: "Unknown",
    Status.NOT_APPLICABLE: "Not applicable",
    Status.MANUAL: "Needs answer",
    Status.ERROR: "Error",
    Status.ACCEPTED: "Risk accepted",
}
# How the counts read left to right: good, mixed, bad, unseen, then the rest.
STATUS_DISPLAY_ORDER: tuple[Status, ...] = (
    Status.PASS, Status.PARTIAL, Status.FAIL, Status.UNKNOWN, Status.ERROR, Status.MANUAL,
    Status.ACCEPTED, Status.NOT_APPLICABLE,
)
# Findings are listed most actionable first, so a capped list still shows what matters.
_FINDING_PRIORITY: dict[Status, int] = {
    s: n for n, s in enumerate((
        Status.FAIL, Status.ERROR, Status.UNKNOWN, Status.PARTIAL, Status.MANUAL, Status.ACCEPTED,
        Status.PASS, Status.NOT_APPLICABLE,
    ))
}
STATUS_MEANINGS: dict[Status, str] = {
    Status.PASS: "Verified in place for every resource and region checked.",
    Status.PARTIAL: "In place for some resources or regions only.",
    Status.FAIL: "Verified missing.",
    Status.UNKNOWN: "Could not be read (permission, API or region); never scored.",
    Status.ERROR: "A check failed to run; never scored.",
    Status.MANUAL: "Needs a questionnaire answer that is missing.",
    Status.ACCEPTED: "A documented, unexpired risk acceptance covers it.",
    Status.NOT_APPLICABLE: "Does not apply to the service models or resources in scope.",
}


def status_badge(status: Status) -> Badge:
    return Badge(STATUS_LABELS[status], "s-" + status.value.replace("_", "-"))


def severity_badge(severity: str) -> Badge:
    return Badge(severity.capitalize(), "sev-" + severity)


GAP_STATES: dict[str, tuple[str, int]] = {
    # state: (label, how bad it is for a reader; lower is worse)
    "no_counterpart": ("No counterpart", 0),
    "available_not_enabled": ("Available, not enabled", 1),
    "unknown": ("Unknown", 2),
    "partial": ("Partial", 3),
    "provider_owned": ("Provider-owned", 4),
    "in_place": ("In place", 5),
}


def gap_badge(state: str) -> Badge:
    label = GAP_STATES.get(state, (state, 9))[0]
    return Badge(label, "g-" + state.replace("_", "-"))


OWNER_LABELS = {"customer": "Customer", "shared": "Shared", "provider": "Provider", "none": "None"}
PROVIDER_LABELS = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}
MODEL_LABELS = {"iaas": "IaaS", "paas": "PaaS", "saas": "SaaS"}
FRAMEWORK_LABELS = {
    "aws-waf": "AWS Well-Architected",
    "aws-sirg": "AWS Security Incident Response Guide",
    "csa-ccm": "CSA Cloud Controls Matrix",
    "caiq": "CSA CAIQ",
    "nist-csf": "NIST CSF",
    "nist-800-61": "NIST SP 800-61",
    "nist-800-86": "NIST SP 800-86",
    "nistir-8006": "NISTIR 8006",
    "cis-aws": "CIS AWS Foundations",
    "cis-azure": "CIS Azure Foundations",
    "cis-gcp": "CIS GCP Foundations",
    "attack-dc": "MITRE ATT&CK data component",
}


# Inline SVG does not take the page's CSS in every renderer (WeasyPrint ignores it), so charts get
# their colours as attributes; the same hues as the stylesheet.
STATUS_FILLS: dict[Status, str] = {
    Status.PASS: "#2e9a5c", Status.PARTIAL: "#e0a526", Status.FAIL: "#c8372d", Status.UNKNOWN: "#7a5cc0",
    Status.ERROR: "#a3305f", Status.MANUAL: "#3a78c2", Status.ACCEPTED: "#3f8c8c", Status.NOT_APPLICABLE: "#b9c0ca",
}
BAND_FILLS = {"band-good": "#2e9a5c", "band-fair": "#e0a526", "band-poor": "#c8372d", "band-na": "#b9c0ca"}


def score_css(score: float | None) -> str:
    if score is None:
        return "band-na"
    if score >= 0.8:
        return "band-good"
    if score >= 0.5:
        return "band-fair"
    return "band-poor"


# --------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """How much per-resource detail a format shows; CSV and JSON always hold everything."""

    findings_per_control: int
    findings_total: int
    findings_chars: int  # rough budget for all finding text, so hostile 10k-char values cannot bloat it
    text_chars: int
    evidence_chars: int
    rows: int  # accounts, collection errors, unknown groups, residency rows
    names_per_cell: int
    elsewhere: str  # where a reader finds what this format leaves out
    evidence_indent: int | None
    remediation_rows: int
    action_chars: int
    gap_items: int  # rows in each of the dark-spot and improvement lists
    summary_only: frozenset[Status]  # control statuses shown without their findings


HTML_LIMITS = Limits(findings_per_control=200, findings_total=6000, findings_chars=9_000_000,
                     text_chars=2000, evidence_chars=4000, rows=2000, names_per_cell=25,
                     elsewhere="findings.csv and assessment.json list every finding", evidence_indent=2,
                     remediation_rows=10_000, action_chars=4000, gap_items=100_000, summary_only=frozenset())
PDF_LIMITS = Limits(findings_per_control=3, findings_total=90, findings_chars=80_000,
                    text_chars=240, evidence_chars=160, rows=15, names_per_cell=3,
                    elsewhere="report.html, findings.csv and assessment.json list every finding",
                    evidence_indent=None, remediation_rows=25, action_chars=220, gap_items=20,
                    summary_only=frozenset({Status.PASS, Status.NOT_APPLICABLE}))

def name_list(names: Sequence[str], limit: int, text_chars: int) -> str:
    """'a, b and 3 more': a bounded list of data values for one table cell."""
    shown = [display(n, text_chars) for n in names[:limit]]
    rest = len(names) - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {format_count(rest)} more"
    return ", ".join(shown)


# --------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class StatusCount:
    badge: Badge
    count: str


@dataclass(frozen=True)
class StatusRow:
    """Findings and controls with one status, side by side."""

    badge: Badge
    findings: str
    findings_share: str
    controls: str
    controls_share: str


@dataclass(frozen=True)
class BarSegment:
    """One slice of a horizontal stacked bar (SVG user units)."""

    x: str
    width: str
    fill: str
    title: str


@dataclass(frozen=True)
class Gauge:
    track: str
    arc: str  # SVG path of the filled part; empty when the index is 0 or unknown
    fill: str


@dataclass(frozen=True)
class DarkSpotSummary:
    name: str
    badge: Badge
    workloads: str
    count: str


@dataclass(frozen=True)
class ActionView:
    rank: str
    control_id: str
    href: str
    title: str
    severity: Badge
    effort: str
    status: Badge
    risk: str
    action: str
    scopes: str


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    css: str = ""


@dataclass(frozen=True)
class SummaryView:
    readiness: str
    readiness_css: str
    maturity: str
    confidence: str
    gauge: Gauge
    figures: list[KeyFigure]
    status_bar: list[BarSegment]
    status_rows: list[StatusRow]
    dark_spots: list[DarkSpotSummary]
    dark_spots_total: str
    actions: list[ActionView]
    unseen_note: str
    unseen_css: str
    scope_line: str
    legend: list[tuple[Badge, str]]


@dataclass(frozen=True)
class ScopeRow:
    provider: str
    account: str
    name: str
    regions: str
    collected_at: str
    identity: str
    api_calls: str
    errors: str
    errors_css: str


@dataclass(frozen=True)
class WorkloadRow:
    name: str
    provider: str
    model: str
    classification: str
    accounts: str
    description: str


@dataclass(frozen=True)
class ErrorRow:
    """Collection errors that share a call, region, code and permission, with the accounts that met them."""

    provider: str
    accounts: str
    count: str
    call: str
    region: str
    code: str
    message: str
    permission: str
    resource_types: str


@dataclass(frozen=True)
class UnseenGroup:
    """Unknown or error findings that share a reason (often one missing permission), across controls."""

    status: Badge
    reason: str
    count: str
    controls: list[tuple[str, str]]  # (control id, href)
    controls_more: str
    where: str


@dataclass(frozen=True)
class PostureRow:
    """One account in the organisation summary."""

    provider: str
    account: str
    name: str
    index: str
    index_css: str
    bar_width: str  # SVG user units of 100; "" when nothing could be scored
    bar_fill: str
    counts: list[StatusCount]
    failing: list[tuple[str, str]]  # (control id, href), worst first
    failing_more: str
    undetermined: str
    errors: str
    errors_css: str


@dataclass(frozen=True)
class SharedGapRow:
    """A control failing in several accounts: one fix at organisation level (SCP, org trail, policy)."""

    control_id: str
    href: str
    title: str
    severity: Badge
    accounts: str
    share: str
    where: str


@dataclass(frozen=True)
class AccountsView:
    figures: list[KeyFigure]
    rows: list[PostureRow]
    rows_omitted: int
    shared: list[SharedGapRow]
    shared_omitted: int
    many: bool  # more than one account: the shared-gaps table means something


@dataclass(frozen=True)
class ScopeView:
    accounts: list[ScopeRow]
    accounts_omitted: int
    workloads: list[WorkloadRow]
    jurisdictions: str
    retention: str
    onprem: str
    identities: str
    api_calls: str
    collected: str
    errors: list[ErrorRow]
    errors_total: str
    errors_omitted: int
    unseen: list[UnseenGroup]
    unseen_findings: str
    unseen_omitted: int


@dataclass(frozen=True)
class GapColumn:
    workload: str
    provider: str
    model: str


@dataclass(frozen=True)
class GapCell:
    badge: Badge
    counterpart: str
    dark_spot: bool
    improvement: bool


@dataclass(frozen=True)
class GapRow:
    name: str
    onprem: str
    onprem_css: str
    cells: list[GapCell]


@dataclass(frozen=True)
class GapItem:
    capability: str
    workload: str
    where: str
    badge: Badge
    counterpart: str
    note: str
    controls: list[tuple[str, str]]  # (control id, href)


@dataclass(frozen=True)
class GapView:
    columns: list[GapColumn]
    rows: list[GapRow]
    legend: list[Badge]
    dark_spots: list[GapItem]
    improvements: list[GapItem]
    dark_spots_omitted: str  # "" when every item is listed
    improvements_omitted: str


@dataclass(frozen=True)
class DomainBar:
    label: str
    y: str
    text_y: str
    width: str  # empty when there is no score to draw
    score: str
    fill: str
    score_x: str


@dataclass(frozen=True)
class DomainRow:
    id: str
    href: str
    name: str
    score: str
    css: str
    weight: str
    scored: str
    unknown: str


@dataclass(frozen=True)
class DomainsView:
    chart_height: str
    chart_width: str
    bar_x: str
    bar_span: str
    bar_height: str
    ticks: list[tuple[str, str]]  # (x, label)
    bars: list[DomainBar]
    rows: list[DomainRow]


@dataclass(frozen=True)
class ResponsibilityCell:
    badge: Badge
    note: str


@dataclass(frozen=True)
class ResponsibilityRow:
    name: str
    cells: list[ResponsibilityCell]


@dataclass(frozen=True)
class ResponsibilityView:
    columns: list[tuple[str, bool]]  # (label, a workload uses this model)
    rows: list[ResponsibilityRow]


@dataclass(frozen=True)
class ResidencyRow:
    provider: str
    region: str
    jurisdiction: str
    badge: Badge
    accounts: str
    resources: str


@dataclass(frozen=True)
class ResidencyDetail:
    provider: str
    account: str
    region: str
    jurisdiction: str
    badge: Badge
    resources: str


@dataclass(frozen=True)
class ResidencyView:
    allowed: str
    regions: list[ResidencyRow]
    outside: str
    outside_css: str
    undetermined: str
    details: list[ResidencyDetail]
    details_omitted: int


@dataclass(frozen=True)
class FindingRow:
    status: Badge
    check: str
    provider: str
    account: str
    region: str
    resource: str
    message: str
    reason: str
    coverage: str
    evidence: str


@dataclass(frozen=True)
class AcceptanceView:
    control_id: str
    reason: str
    owner: str
    expires: str


@dataclass(frozen=True)
class ControlView:
    id: str
    href: str
    anchor: str
    title: str
    status: Badge
    severity: Badge
    score: str
    score_css: str
    effort: str
    models: str
    capability: str
    rationale: str
    remediation: str  # empty when this format leaves it out (a passing control in the PDF)
    checks: str
    questions: str
    counts: list[StatusCount]
    accepted: AcceptanceView | None
    findings: list[FindingRow]
    findings_total: str
    omitted: int
    omitted_text: str


@dataclass(frozen=True)
class DomainSection:
    id: str
    anchor: str
    name: str
    description: str
    score: str
    controls: list[ControlView]


@dataclass(frozen=True)
class AnswerRow:
    id: str
    text: str
    kind: str
    answer: str
    answered: bool
    status: Badge
    message: str
    note: str
    evidence: str
    controls: list[tuple[str, str]]


@dataclass(frozen=True)
class AnswersView:
    rows: list[AnswerRow]
    answered: str
    acceptances: list[AcceptanceView]


@dataclass(frozen=True)
class ReferenceRow:
    control_id: str
    href: str
    title: str
    references: list[str]


@dataclass(frozen=True)
class InputRow:
    path: str
    kind: str
    sha256: str


@dataclass(frozen=True)
class AppendixView:
    references: list[ReferenceRow]
    inputs: list[InputRow]
    inputs_omitted: str  # "" when every input is listed
    assessment_sha256: str
    tool_version: str
    format_version: str
    generated_at: str


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    label: str


@dataclass(frozen=True)
class ReportView:
    mode: Mode
    title: str
    organization: str
    generated_at: str
    tool_version: str
    toc: list[TocEntry]
    summary: SummaryView
    accounts: AccountsView
    scope: ScopeView
    gaps: GapView
    domains: DomainsView
    responsibility: ResponsibilityView
    residency: ResidencyView
    controls: list[DomainSection]
    answers: AnswersView
    remediation: list[ActionView]
    remediation_omitted: int
    appendix: AppendixView
    findings_omitted: str
    findings_note: str
    since: Any = None  # SinceView (assessor.report.since) when the run was recorded in a history store


SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Executive summary"),
    ("accounts", "Organisation summary by account"),
    ("scope", "Scope and method"),
    ("gaps", "Gap analysis against on-prem"),
    ("domains", "Domain scores"),
    ("responsibility", "Shared responsibility"),
    ("residency", "Data residency"),
    ("controls", "Controls, findings and evidence"),
    ("answers", "Questionnaire answers"),
    ("remediation", "Remediation plan"),
    ("appendix", "Appendix"),
)

# --------------------------------------------------------------------------- builders


def build_view(assessment: Assessment, catalogue: Catalogue, mode: Mode,
               assessment_sha256: str, history: Any = None) -> ReportView:
    """The whole report as plain, pre-formatted data for one output format; `history` (a HistoryContext) adds the
    "Since last assessment" section."""
    limits = HTML_LIMITS if mode == "html" else PDF_LIMITS
    since = None
    toc = [TocEntry(a, label) for a, label in SECTIONS]
    if history is not None:
        from assessor.report.since import build_since

        since = build_since(history, row_limit=limits.rows,
                            domain_names={d.domain: d.name for d in assessment.domains})
        toc.insert(1, TocEntry("since", "Since last assessment"))
    controls = _control_sections(assessment, catalogue, limits)
    plan = sorted(assessment.remediation, key=lambda r: r.rank)
    omitted = sum(c.omitted for d in controls for c in d.controls)
    return ReportView(
        mode=mode,
        title="Cloud incident-response readiness assessment",
        organization=display(assessment.organization, 300),
        generated_at=format_time(assessment.generated_at),
        tool_version=display(assessment.tool_version, 100),
        toc=toc,
        since=since,
        summary=_summary(assessment, limits),
        accounts=_accounts(assessment, limits),
        scope=_scope(assessment, catalogue, limits),
        gaps=_gaps(assessment.gaps, limits),
        domains=_domains(assessment),
        responsibility=_responsibility(assessment, catalogue),
        residency=_residency(assessment, limits),
        controls=controls,
        answers=_answers(assessment, limits),
        remediation=[_action(item, limits) for item in plan[:limits.remediation_rows]],
        remediation_omitted=max(0, len(plan) - limits.remediation_rows),
        appendix=_appendix(assessment, assessment_sha256, limits),
        findings_omitted=format_count(omitted),
        findings_note=_findings_note(omitted, mode),
    )


def _findings_note(omitted: int, mode: Mode) -> str:
    if not omitted:
        return ""
    where = "summary" if mode == "pdf" else "page"
    return (f"{plural(omitted, 'finding')} {'is' if omitted == 1 else 'are'} not shown in this {where}; each "
            "control says how many and where they are.")


def _control_counts(assessment: Assessment) -> Counter[Status]:
    return Counter(c.status for c in assessment.controls)


def _counts(counts: Mapping[Status, int]) -> list[StatusCount]:
    return [StatusCount(status_badge(s), format_count(counts[s])) for s in STATUS_DISPLAY_ORDER if counts.get(s)]


def _status_rows(findings: Mapping[Status, int], controls: Mapping[Status, int]) -> list[StatusRow]:
    f_total, c_total = sum(findings.values()), sum(controls.values())

    def share(n: int, total: int) -> str:
        return format_share(n / total) if total else "n/a"

    return [
        StatusRow(status_badge(s), format_count(findings.get(s, 0)), share(findings.get(s, 0), f_total),
                  format_count(controls.get(s, 0)), share(controls.get(s, 0), c_total))
        for s in STATUS_DISPLAY_ORDER if findings.get(s) or controls.get(s)
    ]


def _status_bar(counts: Mapping[Status, int], width: float = 1000.0) -> list[BarSegment]:
    total = sum(counts.values())
    if not total:
        return []
    out: list[BarSegment] = []
    x = 0.0
    for status in STATUS_DISPLAY_ORDER:
        n = counts.get(status, 0)
        if not n:
            continue
        w = width * n / total
        out.append(BarSegment(f"{x:.2f}", f"{w:.2f}", STATUS_FILLS[status],
                              f"{STATUS_LABELS[status]}: {format_count(n)}"))
        x += w
    return out


def _gauge(index: float | None) -> Gauge:
    """A 270-degree ring: the track, and an arc for the index (pre-computed SVG paths)."""
    cx, cy, r = 60.0, 60.0, 48.0
    start = 135.0  # degrees, clockwise from the x axis (SVG y points down)

    def point(deg: float) -> str:
        rad = math.radians(deg)
        return f"{cx + r * math.cos(rad):.2f} {cy + r * math.sin(rad):.2f}"

    def arc(sweep: float) -> str:
        large = 1 if sweep > 180 else 0
        return f"M {point(start)} A {r:.0f} {r:.0f} 0 {large} 1 {point(start + sweep)}"

    filled = "" if not index else arc(270.0 * min(index, 100.0) / 100.0)
    band = score_css(None if index is None else index / 100.0)
    return Gauge(track=arc(270.0), arc=filled, fill=BAND_FILLS[band])


def _dark_spot_summary(gaps: Sequence[CapabilityGap], limits: Limits) -> list[DarkSpotSummary]:
    order: dict[str, int] = {}
    by_cap: dict[str, list[CapabilityGap]] = {}
    for gap in gaps:
        order.setdefault(gap.capability, len(order))
        if gap.dark_spot:
            by_cap.setdefault(gap.capability, []).append(gap)

    def rank(cap: str) -> tuple[int, int, int]:
        worst = min(GAP_STATES.get(g.state, ("", 9))[1] for g in by_cap[cap])
        return (-len(by_cap[cap]), worst, order[cap])

    out = []
    for cap in sorted(by_cap, key=rank)[:5]:
        items = by_cap[cap]
        worst = min(items, key=lambda g: (GAP_STATES.get(g.state, ("", 9))[1], g.workload))
        out.append(DarkSpotSummary(
            name=display(items[0].name, limits.text_chars),
            badge=gap_badge(worst.state),
            workloads=name_list(sorted({g.workload for g in items}), limits.names_per_cell, 80),
            count=plural(len(items), "workload"),
        ))
    return out


def _summary(assessment: Assessment, limits: Limits) -> SummaryView:
    findings = Counter({Status(k): v for k, v in assessment.status_counts.items()})
    controls = _control_counts(assessment)
    dark = [g for g in assessment.gaps if g.dark_spot]
    improvements = [g for g in assessment.gaps if g.improvement]
    errors = sum(len(s.errors) for s in assessment.scopes)
    unseen = findings.get(Status.UNKNOWN, 0) + findings.get(Status.ERROR, 0)
    regions = {(s.provider, r) for s in assessment.scopes for r in s.regions}
    figures = [
        KeyFigure("Accounts in scope", format_count(len(assessment.scopes))),
        KeyFigure("Regions swept", format_count(len(regions))),
        KeyFigure("Findings", format_count(sum(findings.values()))),
        KeyFigure("Dark spots", format_count(len(dark)), "fig-bad" if dark else ""),
        KeyFigure("Improvements", format_count(len(improvements)),
                  "fig-good" if improvements else ""),
        KeyFigure("Could not be seen", format_count(unseen + errors), "fig-warn" if unseen + errors else ""),
    ]
    if unseen or errors:
        unseen_note = (f"{plural(unseen, 'finding')} could not be determined and "
                       f"{plural(errors, 'API call')} failed during collection; they are never counted as a "
                       "pass or a fail and are listed under Scope and method.")
    else:
        unseen_note = "Every check could read the data it needs; no API call failed during collection."
    index = assessment.readiness_index
    return SummaryView(
        readiness=format_index(index),
        readiness_css=score_css(None if index is None else index / 100),
        maturity=display(assessment.maturity, 100),
        confidence=format_share(min(max(assessment.confidence, 0.0), 1.0)),
        gauge=_gauge(assessment.readiness_index),
        figures=figures,
        status_bar=_status_bar(findings),
        status_rows=_status_rows(findings, controls),
        dark_spots=_dark_spot_summary(assessment.gaps, limits),
        dark_spots_total=plural(len(dark), "dark spot"),
        actions=[_action(item, limits) for item in sorted(assessment.remediation, key=lambda r: r.rank)[:5]],
        unseen_note=unseen_note,
        unseen_css="callout-warn" if unseen or errors else "callout-ok",
        scope_line=_scope_line(assessment, len(regions), len(dark)),
        legend=[(status_badge(st), STATUS_MEANINGS[st]) for st in STATUS_DISPLAY_ORDER],
    )


def _scope_line(assessment: Assessment, regions: int, dark: int) -> str:
    providers = sorted({s.provider for s in assessment.scopes} | {w.provider for w in assessment.profile.workloads})
    clouds = [PROVIDER_LABELS[p] for p in providers]
    joined = ", ".join(clouds[:-1]) + " and " + clouds[-1] if len(clouds) > 1 else "".join(clouds)
    accounts = plural(len(assessment.scopes), "account, subscription or project",
                      "accounts, subscriptions and projects")
    workloads = plural(len(assessment.profile.workloads), "workload")
    controls = plural(len(assessment.controls), "control")
    return (f"{accounts} on {joined or 'no cloud'}, {plural(regions, 'region')}, {workloads} and {controls} "
            f"assessed; {plural(dark, 'dark spot')} against the on-prem baseline.")


def _action(item: RemediationItem, limits: Limits) -> ActionView:
    return ActionView(
        rank=str(item.rank),
        control_id=display(item.control_id, 40),
        href="#" + anchor("control", item.control_id),
        title=display(item.title, limits.text_chars),
        severity=severity_badge(item.severity),
        effort=item.effort.capitalize(),
        status=status_badge(item.status),
        risk=f"{item.risk:.2f}",
        action=shorten(display(item.action, 10_000), limits.action_chars),
        scopes=name_list(item.scopes, limits.names_per_cell, 80) or "Organisation-wide",
    )


def _accounts(assessment: Assessment, limits: Limits) -> AccountsView:
    """The organisation summary: each account on its own API evidence, weakest first, and the gaps they share."""
    t = limits.text_chars
    postures = assessment.accounts
    failing_links = max(2, limits.names_per_cell)
    rows = [
        PostureRow(
            provider=PROVIDER_LABELS[a.provider], account=display(a.account_id, t), name=display(a.account_name, t),
            index=format_index(a.readiness_index) if a.in_scope else "n/a (no workload)",
            index_css=score_css(None if a.readiness_index is None else a.readiness_index / 100.0),
            bar_width="" if not a.readiness_index else f"{min(a.readiness_index, 100.0):.1f}",
            bar_fill=BAND_FILLS[score_css(None if a.readiness_index is None else a.readiness_index / 100.0)],
            counts=_counts({Status(k): v for k, v in a.counts.items()}),
            failing=[(display(c, 40), "#" + anchor("control", c)) for c in a.failing[:failing_links]],
            failing_more=f"and {format_count(len(a.failing) - failing_links)} more"
            if len(a.failing) > failing_links else "",
            undetermined=format_count(len(a.undetermined)),
            errors=format_count(a.errors), errors_css="cell-warn" if a.errors else "",
        )
        for a in postures[:limits.rows]
    ]
    shared, shared_total = _shared_gaps(assessment, postures, limits)
    scored = [a.readiness_index for a in postures if a.readiness_index is not None]
    dark = sum(1 for a in postures if a.in_scope and a.readiness_index is None)
    outside = sum(1 for a in postures if not a.in_scope)
    figures = [
        KeyFigure("Accounts assessed", format_count(len(postures))),
        KeyFigure("Lowest account index", format_index(min(scored)) if scored else "n/a",
                  score_css(min(scored) / 100.0) if scored else "band-na"),
        KeyFigure("Highest account index", format_index(max(scored)) if scored else "n/a",
                  score_css(max(scored) / 100.0) if scored else "band-na"),
        KeyFigure("Accounts nothing could be scored in", format_count(dark), "cell-warn" if dark else ""),
        KeyFigure("Accounts with collection errors", format_count(sum(1 for a in postures if a.errors)),
                  "cell-warn" if any(a.errors for a in postures) else ""),
    ]
    if outside:
        figures.append(KeyFigure("Accounts in no workload (not judged)", format_count(outside)))
    return AccountsView(
        figures=figures, rows=rows, rows_omitted=max(0, len(postures) - limits.rows),
        shared=shared[:limits.rows], shared_omitted=max(0, shared_total - limits.rows), many=len(postures) > 1,
    )


def _shared_gaps(assessment: Assessment, postures: Sequence[AccountPosture],
                 limits: Limits) -> tuple[list[SharedGapRow], int]:
    """Controls failing in two or more accounts, the most widespread and severe first."""
    where: dict[str, list[str]] = {}
    for a in postures:
        for control_id in a.failing:
            where.setdefault(control_id, []).append(a.account_id)
    controls = {c.control_id: c for c in assessment.controls}
    severity_rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    widespread = sorted(
        (c for c, accounts in where.items() if len(accounts) > 1),
        key=lambda c: (-len(where[c]), severity_rank.get(controls[c].severity, 9), c),
    )
    rows = [
        SharedGapRow(
            control_id=display(c, 40), href="#" + anchor("control", c), title=display(controls[c].title, 200),
            severity=severity_badge(controls[c].severity),
            accounts=f"{format_count(len(where[c]))} of {format_count(len(postures))}",
            share=format_share(len(where[c]) / len(postures)),
            where=name_list(sorted(where[c]), limits.names_per_cell, 40),
        )
        for c in widespread[:limits.rows]
    ]
    return rows, len(widespread)


def _scope(assessment: Assessment, catalogue: Catalogue, limits: Limits) -> ScopeView:
    t = limits.text_chars
    scopes = sorted(assessment.scopes, key=lambda s: (s.provider, s.account_id))
    accounts = [
        ScopeRow(
            provider=PROVIDER_LABELS[s.provider], account=display(s.account_id, t),
            name=display(s.account_name, t),
            regions=name_list(s.regions, limits.names_per_cell * 2, 40) or "(none)",
            collected_at=format_time(s.collected_at), identity=display(s.identity or "not recorded", t),
            api_calls=format_count(s.api_calls), errors=format_count(len(s.errors)),
            errors_css="cell-warn" if s.errors else "",
        )
        for s in scopes[:limits.rows]
    ]
    error_rows, error_count = _error_groups(scopes, limits)
    unseen, unseen_count = _unseen_groups(assessment.controls, limits)
    capability_names = {c.id: c.name for c in catalogue.capabilities}
    profile = assessment.profile
    workloads = [
        WorkloadRow(
            name=display(w.name, t), provider=PROVIDER_LABELS[w.provider],
            model=MODEL_LABELS[w.service_model],
            classification=w.data_classification.capitalize(),
            accounts=name_list(sorted(w.accounts), limits.names_per_cell, 80) or "All in scope",
            description=display(w.description, t),
        )
        for w in sorted(profile.workloads, key=lambda w: (w.name, w.provider))
    ]
    identities = sorted({s.identity for s in scopes if s.identity})
    times = sorted(s.collected_at for s in scopes)
    if not times:
        collected = "No snapshot"
    elif times[0] == times[-1]:
        collected = format_time(times[0])
    else:
        collected = f"{format_time(times[0])} to {format_time(times[-1])}"
    return ScopeView(
        accounts=accounts,
        accounts_omitted=max(0, len(scopes) - limits.rows),
        workloads=workloads,
        jurisdictions=name_list(sorted(profile.allowed_jurisdictions), 50, 40),
        retention=plural(profile.required_log_retention_days, "day"),
        onprem=name_list(sorted(capability_names.get(c, c) for c in profile.onprem_capabilities), 100, 200)
        or "None declared",
        identities=name_list(identities, limits.names_per_cell, t) or "Not recorded",
        api_calls=format_count(sum(s.api_calls for s in scopes)),
        collected=collected,
        errors=error_rows[:limits.rows],
        errors_total=format_count(error_count),
        errors_omitted=max(0, len(error_rows) - limits.rows),
        unseen=unseen[:limits.rows],
        unseen_findings=format_count(unseen_count),
        unseen_omitted=max(0, len(unseen) - limits.rows),
    )


def _error_groups(scopes: Sequence[Scope], limits: Limits) -> tuple[list[ErrorRow], int]:
    """Every collection error, grouped so that one denied call across 300 accounts is one row.

    Messages are left out of the key: AWS puts the caller's ARN in them, which differs per account.
    """
    groups: dict[tuple[str, str, str, str, str, str, tuple[str, ...]], list[tuple[str, CollectionError]]] = {}
    for scope in scopes:
        for e in scope.errors:
            key = (scope.provider, f"{e.service}:{e.operation}", e.region or "global", e.code, e.permission or "",
                   "", tuple(sorted(e.resource_types)))
            groups.setdefault(key, []).append((scope.account_id, e))
    t = limits.text_chars
    rows = []
    for (provider, call, region, code, permission, _, types), items in sorted(groups.items()):
        messages = sorted({e.message for _, e in items if e.message})
        message = messages[0] if messages else ""
        if len(messages) > 1:
            message += f" (and {plural(len(messages) - 1, 'other message')})"
        rows.append(ErrorRow(
            provider=PROVIDER_LABELS[provider],
            accounts=name_list(sorted({a for a, _ in items}), limits.names_per_cell, 80),
            count=format_count(len(items)), call=display(call, t), region=display(region, t),
            code=display(code, t), message=display(message, t), permission=display(permission, t),
            resource_types=name_list(list(types), limits.names_per_cell, 80),
        ))
    return rows, sum(len(v) for v in groups.values())


def _unseen_groups(controls: Sequence[ControlResult], limits: Limits) -> tuple[list[UnseenGroup], int]:
    """Every unknown or error finding, grouped by status and reason: one row per thing to fix."""
    groups: dict[tuple[Status, str], list[Finding]] = {}
    for control in controls:
        for f in control.findings:
            if f.status in (Status.UNKNOWN, Status.ERROR):
                groups.setdefault((f.status, f.reason or f.message), []).append(f)
    out = []
    ordered = sorted(groups.items(), key=lambda kv: (_FINDING_PRIORITY[kv[0][0]], -len(kv[1]), kv[0][1]))
    for (status, reason), items in ordered:
        control_ids = sorted({f.control_id for f in items})
        shown = control_ids[:limits.names_per_cell * 2]
        # Where, at account level: the resources themselves are listed under each control.
        accounts = sorted({f.account_id for f in items if f.account_id})
        out.append(UnseenGroup(
            status=status_badge(status), reason=display(reason, limits.text_chars * 2),
            count=format_count(len(items)),
            controls=[(display(c, 40), "#" + anchor("control", c)) for c in shown],
            controls_more=f"and {format_count(len(control_ids) - len(shown))} more"
            if len(control_ids) > len(shown) else "",
            where=name_list(accounts, limits.names_per_cell, 80) or "Organisation-wide",
        ))
    return out, sum(len(v) for v in groups.values())


NOT_ASSESSED = GapCell(Badge("Not assessed", "g-none"), "", False, False)


def _gaps(gaps: Sequence[CapabilityGap], limits: Limits) -> GapView:
    t = limits.text_chars
    columns: dict[str, GapColumn] = {}
    rows: dict[str, dict[str, CapabilityGap]] = {}
    names: dict[str, CapabilityGap] = {}
    for gap in sorted(gaps, key=lambda g: g.workload):
        columns.setdefault(gap.workload, GapColumn(display(gap.workload, 80), PROVIDER_LABELS[gap.provider],
                                                   MODEL_LABELS[gap.service_model]))
    for gap in gaps:  # capability rows keep the catalogue's order, which groups related capabilities
        rows.setdefault(gap.capability, {})[gap.workload] = gap
        names.setdefault(gap.capability, gap)
    matrix = []
    for cap, cells in rows.items():
        first = names[cap]
        matrix.append(GapRow(
            name=display(first.name, t),
            onprem="Yes" if first.onprem else "No",
            onprem_css="onprem-yes" if first.onprem else "onprem-no",
            cells=[
                GapCell(gap_badge(g.state), display(g.counterpart, t), g.dark_spot, g.improvement)
                if (g := cells.get(w)) is not None else NOT_ASSESSED
                for w in columns
            ],
        ))
    cap_order = {cap: n for n, cap in enumerate(rows)}

    def item(g: CapabilityGap) -> GapItem:
        return GapItem(
            capability=display(g.name, t), workload=display(g.workload, 80),
            where=f"{PROVIDER_LABELS[g.provider]} {MODEL_LABELS[g.service_model]}", badge=gap_badge(g.state),
            counterpart=display(g.counterpart, t), note=display(g.note, t),
            controls=[(display(c, 40), "#" + anchor("control", c)) for c in g.controls],
        )

    def key(g: CapabilityGap) -> tuple[int, int, str]:
        return (cap_order[g.capability], GAP_STATES.get(g.state, ("", 9))[1], g.workload)

    def worst_first(g: CapabilityGap) -> tuple[int, int, str]:
        return (GAP_STATES.get(g.state, ("", 9))[1], cap_order[g.capability], g.workload)

    # The matrix flags every cell; the lists add the reasons, so a summary-sized format keeps the worst ones.
    dark = sorted((g for g in gaps if g.dark_spot), key=worst_first)[:limits.gap_items]
    better = [g for g in gaps if g.improvement]
    return GapView(
        columns=list(columns.values()),
        rows=matrix,
        legend=[gap_badge(s) for s in GAP_STATES],
        dark_spots=[item(g) for g in sorted(dark, key=key)],
        improvements=[item(g) for g in sorted(better, key=key)[:limits.gap_items]],
        dark_spots_omitted=_more(sum(1 for g in gaps if g.dark_spot) - len(dark), "dark spot"),
        improvements_omitted=_more(len(better) - limits.gap_items, "improvement"),
    )


def _more(omitted: int, word: str) -> str:
    if omitted <= 0:
        return ""
    return f"{plural(omitted, 'more ' + word)} flagged in the matrix above; report.html lists each with its reason"


def _domains(assessment: Assessment) -> DomainsView:
    domains = assessment.domains  # catalogue order: the order the domains are meant to be read in
    label_w, span, bar_h, gap, top = 260.0, 400.0, 16.0, 8.0, 18.0
    bars = []
    for n, d in enumerate(domains):
        y = top + n * (bar_h + gap)
        width = 0.0 if d.score is None else span * d.score
        bars.append(DomainBar(
            label=shorten(display(f"{d.domain} {d.name}", 200), 42), y=f"{y:.1f}", text_y=f"{y + bar_h * 0.72:.1f}",
            width=f"{width:.1f}" if width > 0 else "", score=format_share(d.score),
            fill=BAND_FILLS[score_css(d.score)], score_x=f"{label_w + width + 6:.1f}",
        ))
    rows = [
        DomainRow(
            id=display(d.domain, 10), href="#" + anchor("domain", d.domain), name=display(d.name, 100),
            score=format_share(d.score), css=score_css(d.score), weight=f"{d.weight:g}",
            scored=f"{d.controls_scored} of {d.controls_total}", unknown=format_count(d.unknown),
        )
        for d in domains
    ]
    ticks = [(f"{label_w + span * p / 100:.1f}", f"{p}%") for p in (0, 25, 50, 75, 100)]
    return DomainsView(
        chart_height=f"{top + len(domains) * (bar_h + gap) + 4:.0f}",
        chart_width=f"{label_w + span + 50:.0f}",
        bar_x=f"{label_w:.0f}", bar_span=f"{span:.0f}", bar_height=f"{bar_h:.0f}", ticks=ticks, bars=bars,
        rows=rows,
    )


NOT_STATED = ResponsibilityCell(Badge("Not stated", "own-none"), "")


def _responsibility(assessment: Assessment, catalogue: Catalogue) -> ResponsibilityView:
    in_use = {w.service_model for w in assessment.profile.workloads}
    rows = [
        ResponsibilityRow(
            name=display(a.name, 200),
            cells=[
                ResponsibilityCell(Badge(OWNER_LABELS[r.owner], "own-" + r.owner), display(r.note, 300))
                if (r := a.split.get(m)) is not None else NOT_STATED
                for m in SERVICE_MODELS
            ],
        )
        for a in catalogue.responsibilities
    ]
    return ResponsibilityView(columns=[(MODEL_LABELS[m], m in in_use) for m in SERVICE_MODELS], rows=rows)


def _allowed_badge(allowed: bool | None) -> Badge:
    if allowed is None:
        return Badge("Jurisdiction unknown", "res-unknown")
    return Badge("Allowed", "res-allowed") if allowed else Badge("Not allowed", "res-denied")


def _residency(assessment: Assessment, limits: Limits) -> ResidencyView:
    t = limits.text_chars
    grouped: dict[tuple[str, str], list[ResidencyEntry]] = {}
    for entry in assessment.residency:
        grouped.setdefault((entry.provider, entry.region), []).append(entry)
    regions = []
    outside = undetermined = 0
    for (_, region), entries in sorted(grouped.items()):
        first = entries[0]
        allowed_values = {e.allowed for e in entries}
        allowed = False if False in allowed_values else (None if None in allowed_values else True)
        outside += allowed is False
        undetermined += allowed is None
        regions.append(ResidencyRow(
            provider=PROVIDER_LABELS[first.provider], region=display(region, t),
            jurisdiction=display(first.jurisdiction or "Unknown", t), badge=_allowed_badge(allowed),
            accounts=format_count(len({e.account_id for e in entries})),
            resources=format_count(sum(e.resources for e in entries)),
        ))
    details_src = sorted(assessment.residency, key=lambda e: (e.provider, e.account_id, e.region))
    details = [
        ResidencyDetail(PROVIDER_LABELS[e.provider], display(e.account_id, t), display(e.region, t),
                        display(e.jurisdiction or "Unknown", t), _allowed_badge(e.allowed),
                        format_count(e.resources))
        for e in details_src[:limits.rows]
    ]
    return ResidencyView(
        allowed=name_list(sorted(assessment.profile.allowed_jurisdictions), 50, 40),
        regions=regions,
        outside=plural(outside, "region"),
        outside_css="fig-bad" if outside else "fig-good",
        undetermined=plural(undetermined, "region"),
        details=details,
        details_omitted=max(0, len(details_src) - limits.rows),
    )


def _finding_sort_key(f: Finding) -> tuple[int, str, str, str, str, str]:
    return (_FINDING_PRIORITY[f.status], f.provider or "", f.account_id or "", f.region or "",
            f.resource_id or "", f.check_id)


def _finding_row(f: Finding, limits: Limits) -> FindingRow:
    t = limits.text_chars
    return FindingRow(
        status=status_badge(f.status), check=display(f.check_id, t),
        provider=PROVIDER_LABELS[f.provider] if f.provider else "",
        account=display(f.account_id or "", t), region=display(f.region or "", t),
        resource=display(f.resource_id or "", t), message=display(f.message, t),
        reason=display(f.reason or "", t),
        coverage="" if f.coverage is None else format_share(f.coverage),
        evidence=evidence_text(f.evidence, limits.evidence_chars, limits.evidence_indent),
    )


def _row_cost(row: FindingRow) -> int:
    return 300 + sum(len(v) for v in (row.check, row.account, row.region, row.resource, row.message,
                                       row.reason, row.evidence))


def _control_sections(assessment: Assessment, catalogue: Catalogue, limits: Limits) -> list[DomainSection]:
    capability_names = {c.id: c.name for c in catalogue.capabilities}
    descriptions = {d.id: d.description for d in catalogue.domains}
    domain_names = {d.domain: d.name for d in assessment.domains}
    scores = {d.domain: d.score for d in assessment.domains}
    controls = _reading_order(assessment)
    detailed = [c for c in controls if c.findings and c.status not in limits.summary_only]
    quota = min(limits.findings_per_control, max(1, limits.findings_total // (len(detailed) or 1)))
    budget = limits.findings_chars
    views: dict[str, list[ControlView]] = {}
    for c in controls:
        rows: list[FindingRow] = []
        shown = 0 if c.status in limits.summary_only else quota
        for f in sorted(c.findings, key=_finding_sort_key)[:shown]:
            row = _finding_row(f, limits)
            budget -= _row_cost(row)
            if budget < 0:
                break
            rows.append(row)
        omitted = len(c.findings) - len(rows)
        views.setdefault(c.domain, []).append(_control_view(c, rows, omitted, capability_names, limits))
    order = [d.domain for d in assessment.domains]
    order += sorted(set(views) - set(order))
    return [
        DomainSection(
            id=display(d, 10), anchor=anchor("domain", d), name=display(domain_names.get(d, d), 100),
            description=display(descriptions.get(d, ""), 600), score=format_share(scores.get(d)),
            controls=views[d],
        )
        for d in order if d in views
    ]


def _control_view(c: ControlResult, rows: list[FindingRow], omitted: int, capability_names: Mapping[str, str],
                  limits: Limits) -> ControlView:
    t = limits.text_chars
    accepted = None
    if c.accepted is not None:
        accepted = _acceptance(c.accepted, limits)
    counts = Counter({Status(k): v for k, v in c.counts.items()})
    return ControlView(
        id=display(c.control_id, 40), href="#" + anchor("control", c.control_id),
        anchor=anchor("control", c.control_id), title=display(c.title, t), status=status_badge(c.status),
        severity=severity_badge(c.severity), score=format_share(c.score), score_css=score_css(c.score),
        effort=c.effort.capitalize(),
        models=", ".join(MODEL_LABELS[m] for m in SERVICE_MODELS if m in c.service_models),
        capability=display(capability_names.get(c.capability, c.capability) if c.capability else "", t),
        rationale=display(c.rationale, 2000),
        remediation="" if c.status in limits.summary_only else display(c.remediation, 2000),
        checks=name_list(c.checks, limits.names_per_cell, 100) or "None installed",
        questions=name_list(c.questions, limits.names_per_cell, 100),
        counts=_counts(counts), accepted=accepted, findings=rows,
        findings_total=format_count(len(c.findings)), omitted=omitted,
        omitted_text=_omitted_text(omitted, bool(rows), limits),
    )


def _omitted_text(omitted: int, some_shown: bool, limits: Limits) -> str:
    if not omitted:
        return ""
    what = plural(omitted, "more finding") if some_shown else plural(omitted, "finding")
    return f"{what} not shown here; {limits.elsewhere}."


def _acceptance(a: RiskAcceptance, limits: Limits) -> AcceptanceView:
    t = limits.text_chars
    return AcceptanceView(
        control_id=display(a.control, 40), reason=display(a.reason, t * 2), owner=display(a.owner, t),
        expires=a.expires.isoformat(),
    )


def _answers(assessment: Assessment, limits: Limits) -> AnswersView:
    t = limits.text_chars
    rows = [
        AnswerRow(
            id=display(q.question_id, 100), text=display(q.text, 1000), kind=q.kind,
            answer=display(q.answer, t) if q.answer is not None else "Not answered",
            answered=q.answer is not None, status=status_badge(q.status), message=display(q.message, t),
            note=display(q.note, t), evidence=display(q.evidence, t),
            controls=[(display(c, 40), "#" + anchor("control", c)) for c in q.controls],
        )
        for q in sorted(assessment.answers, key=lambda q: q.question_id)
    ]
    answered = sum(1 for q in assessment.answers if q.answer is not None)
    return AnswersView(
        rows=rows,
        answered=f"{answered} of {len(assessment.answers)}",
        acceptances=[_acceptance(a, limits) for a in
                     sorted(assessment.risk_acceptances, key=lambda a: (a.control, a.expires, a.owner))],
    )


def _reference_text(refs: Iterable[Reference]) -> list[str]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for r in refs:
        grouped.setdefault((r.framework, r.version), []).append(r.id)
    return [
        display(f"{FRAMEWORK_LABELS.get(fw, fw)} {version}: {', '.join(sorted(ids))}", 400)
        for (fw, version), ids in sorted(grouped.items())
    ]


def _reading_order(assessment: Assessment) -> list[ControlResult]:
    """Controls grouped by domain in the catalogue's domain order, then by id."""
    rank = {d.domain: n for n, d in enumerate(assessment.domains)}
    return sorted(assessment.controls, key=lambda c: (rank.get(c.domain, len(rank)), c.domain, c.control_id))


def _appendix(assessment: Assessment, assessment_sha256: str, limits: Limits) -> AppendixView:
    inputs = sorted(assessment.inputs, key=lambda i: (i.kind != "answers", i.kind, i.path))
    omitted = len(inputs) - limits.rows
    return AppendixView(
        references=[
            ReferenceRow(display(c.control_id, 40), "#" + anchor("control", c.control_id),
                         display(c.title, 300), _reference_text(c.references))
            for c in _reading_order(assessment)
        ],
        inputs=[InputRow(display(i.path, 400), i.kind, display(i.sha256, 80)) for i in inputs[:limits.rows]],
        inputs_omitted=f"{plural(omitted, 'more input')}: manifest.json and report.html list every input with "
        "its SHA-256" if omitted > 0 else "",
        assessment_sha256=assessment_sha256,
        tool_version=display(assessment.tool_version, 100),
        format_version=str(assessment.format_version),
        generated_at=format_time(assessment.generated_at),
    )
