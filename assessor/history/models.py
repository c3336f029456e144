"""What the history store hands back: run summaries, stored runs, trend points and the diff of two runs.

Plain frozen dataclasses, not pydantic models: `diff` and `history list` load nothing else that needs pydantic, and
building pydantic's first models costs about 0.25 s of a command that should answer within a second. The store fills
them from its own schema; `as_json` gives what `--json` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any, Literal

FINDING_LIST_CAP = 200  # findings listed per side of a diff; the totals are always exact


def as_json(value: Any) -> Any:
    """`value` as JSON-ready data: dataclasses as objects in field order, datetimes as ISO 8601 (UTC as "Z")."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInput:
    """One input of a recorded run: the fields of assessor.models.InputDigest, in a type that needs no pydantic."""

    path: str
    kind: Literal["snapshot", "answers"]
    sha256: str
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    run_id: int
    recorded_at: datetime  # UTC, when the store received the run
    generated_at: datetime  # UTC, the assessment's own time
    scope_key: str
    scope: list[str]  # sorted "provider:account_id"
    organization: str
    readiness_index: float | None
    maturity: str
    confidence: float
    tool_version: str
    assessment_format_version: int
    inputs: list[RunInput]
    status_counts: dict[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlState:
    status: str
    score: float | None
    title: str
    severity: str
    domain: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredFinding:
    check_id: str
    control_id: str
    provider: str | None
    account_id: str | None
    region: str | None
    resource_id: str | None
    status: str
    message: str
    reason: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRun:
    summary: RunSummary
    domains: dict[str, float | None]
    controls: dict[str, ControlState]
    findings: list[StoredFinding]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendPoint:
    run_id: int
    generated_at: datetime
    readiness_index: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlChange:
    control_id: str
    title: str
    severity: str
    before_status: str | None  # None: the control was not in the earlier run
    after_status: str
    before_score: float | None
    after_score: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainChange:
    domain: str
    before: float | None
    after: float | None
    change: float | None  # None when either side could not be scored


@dataclass(frozen=True, slots=True, kw_only=True)
class RunDiff:
    before: RunSummary
    after: RunSummary
    index_change: float | None
    new_failures: list[ControlChange]
    fixed: list[ControlChange]
    new_unknowns: list[ControlChange]
    regressions: list[ControlChange]
    domain_changes: list[DomainChange]
    new_failing_findings: list[StoredFinding]  # at most FINDING_LIST_CAP
    fixed_findings: list[StoredFinding]  # at most FINDING_LIST_CAP
    new_failing_findings_total: int
    fixed_findings_total: int
    # Visibility lost at resource level: determinate before, only unknown/error now. An organisation-wide control
    # can stay `partial` when one account goes dark, so this is where that loss shows.
    new_unknown_findings: list[StoredFinding]  # at most FINDING_LIST_CAP
    new_unknown_findings_total: int
