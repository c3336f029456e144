"""What the history store hands back: run summaries, stored runs, trend points and the diff of two runs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FINDING_LIST_CAP = 200  # findings listed per side of a diff; the totals are always exact


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunInput(_Strict):
    """One input of a recorded run, as the assessment's InputDigest has it. Its own model, not assessor.models's:
    `diff` and `history list` then never build the whole assessment schema, which costs a tenth of a second."""

    path: str
    kind: Literal["snapshot", "answers"]
    sha256: str
    size: int = Field(ge=0)


class RunSummary(_Strict):
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


class ControlState(_Strict):
    status: str
    score: float | None
    title: str
    severity: str
    domain: str


class StoredFinding(_Strict):
    check_id: str
    control_id: str
    provider: str | None
    account_id: str | None
    region: str | None
    resource_id: str | None
    status: str
    message: str
    reason: str | None


class StoredRun(_Strict):
    summary: RunSummary
    domains: dict[str, float | None]
    controls: dict[str, ControlState]
    findings: list[StoredFinding]


class TrendPoint(_Strict):
    run_id: int
    generated_at: datetime
    readiness_index: float | None


class ControlChange(_Strict):
    control_id: str
    title: str
    severity: str
    before_status: str | None  # None: the control was not in the earlier run
    after_status: str
    before_score: float | None
    after_score: float | None


class DomainChange(_Strict):
    domain: str
    before: float | None
    after: float | None
    change: float | None  # None when either side could not be scored


class RunDiff(_Strict):
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
    # Defaults keep diffs serialised before these fields existed readable.
    new_unknown_findings: list[StoredFinding] = Field(default_factory=list)  # at most FINDING_LIST_CAP
    new_unknown_findings_total: int = 0
