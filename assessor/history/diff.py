"""What changed between two stored runs. Pure: works on StoredRun values, never on the database.

Rules (the CLI's --fail-on-regression relies on `regressions`):
- new failure: a control now fail/partial that was pass, not_applicable, accepted or absent before;
- fixed: fail/partial before, pass now;
- new unknown: unknown/error now, determinate (pass/fail/partial) before -- visibility was lost;
- regression: any control worse than before -- its rank fell (pass > partial > fail), it went from determinate to
  unknown/error, a risk acceptance lapsed and it fails again (accepted -> fail/partial), or it kept its status with a
  score lower by more than SCORE_TOLERANCE. A control that was not applicable and now fails is a new failure, not a
  regression: nothing that was in place got worse.
"""

from __future__ import annotations

from collections.abc import Iterable

from assessor.history.models import (
    FINDING_LIST_CAP,
    ControlChange,
    ControlState,
    DomainChange,
    RunDiff,
    StoredFinding,
    StoredRun,
)

SCORE_TOLERANCE = 0.005  # scores are 0..1; smaller moves are rounding, not change
DOMAIN_TOLERANCE = 1e-9

RANK = {"pass": 3, "partial": 2, "fail": 1}
FAILING = {"fail", "partial"}
UNDETERMINED = {"unknown", "error"}
CLEAN_BEFORE = {"pass", "not_applicable", "accepted"}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

FindingKey = tuple[str, str | None, str | None]


def _change(control_id: str, before: ControlState | None, after: ControlState) -> ControlChange:
    return ControlChange(
        control_id=control_id, title=after.title, severity=after.severity,
        before_status=before.status if before else None, after_status=after.status,
        before_score=before.score if before else None, after_score=after.score,
    )


def is_regression(before: ControlState, after: ControlState) -> bool:
    if before.status in RANK and after.status in RANK and RANK[after.status] < RANK[before.status]:
        return True
    if before.status in RANK and after.status in UNDETERMINED:
        return True
    if before.status == "accepted" and after.status in FAILING:
        return True
    return (before.status == after.status and before.score is not None and after.score is not None
            and after.score < before.score - SCORE_TOLERANCE)


def _ordered(changes: Iterable[ControlChange]) -> list[ControlChange]:
    return sorted(changes, key=lambda c: (SEVERITY_ORDER.get(c.severity, 9), c.control_id))


def _by_key(findings: Iterable[StoredFinding]) -> dict[FindingKey, list[StoredFinding]]:
    grouped: dict[FindingKey, list[StoredFinding]] = {}
    for f in findings:
        grouped.setdefault((f.check_id, f.account_id, f.resource_id), []).append(f)
    return grouped


def _failing(group: list[StoredFinding]) -> StoredFinding | None:
    """A key is failing when any of its findings fails (one check may report a resource per region)."""
    return next((f for f in group if f.status in FAILING), None)


def diff(before: StoredRun, after: StoredRun) -> RunDiff:
    new_failures: list[ControlChange] = []
    fixed: list[ControlChange] = []
    new_unknowns: list[ControlChange] = []
    regressions: list[ControlChange] = []
    for cid, now in after.controls.items():
        was = before.controls.get(cid)
        was_status = was.status if was else None
        if now.status in FAILING and (was_status is None or was_status in CLEAN_BEFORE):
            new_failures.append(_change(cid, was, now))
        if was_status in FAILING and now.status == "pass":
            fixed.append(_change(cid, was, now))
        if now.status in UNDETERMINED and was_status in RANK:
            new_unknowns.append(_change(cid, was, now))
        if was is not None and is_regression(was, now):
            regressions.append(_change(cid, was, now))

    domain_changes: list[DomainChange] = []
    for domain in sorted(set(before.domains) | set(after.domains)):
        old, new = before.domains.get(domain), after.domains.get(domain)
        if old is None and new is None:
            continue
        if old is not None and new is not None:
            if abs(new - old) <= DOMAIN_TOLERANCE:
                continue
            domain_changes.append(DomainChange(domain=domain, before=old, after=new, change=new - old))
        else:
            domain_changes.append(DomainChange(domain=domain, before=old, after=new, change=None))

    old_findings, new_findings = _by_key(before.findings), _by_key(after.findings)
    new_failing: list[StoredFinding] = []
    for key, group in new_findings.items():
        failing = _failing(group)
        if failing is not None and (key not in old_findings or _failing(old_findings[key]) is None):
            new_failing.append(failing)
    fixed_findings: list[StoredFinding] = []
    for key, group in old_findings.items():
        failing = _failing(group)
        now_group = new_findings.get(key)
        # Fixed means seen passing now; a resource that vanished from the run is not claimed as fixed.
        if failing is not None and now_group and all(f.status == "pass" for f in now_group):
            fixed_findings.append(failing)

    new_unknown: list[StoredFinding] = []
    for key, group in new_findings.items():
        old_group = old_findings.get(key, [])
        if (any(f.status in RANK for f in old_group) and not any(f.status in RANK for f in group)
                and any(f.status in UNDETERMINED for f in group)):
            new_unknown.append(next(f for f in group if f.status in UNDETERMINED))

    old_index, new_index = before.summary.readiness_index, after.summary.readiness_index
    return RunDiff(
        before=before.summary, after=after.summary,
        index_change=None if old_index is None or new_index is None else new_index - old_index,
        new_failures=_ordered(new_failures), fixed=_ordered(fixed), new_unknowns=_ordered(new_unknowns),
        regressions=_ordered(regressions), domain_changes=domain_changes,
        new_failing_findings=new_failing[:FINDING_LIST_CAP], fixed_findings=fixed_findings[:FINDING_LIST_CAP],
        new_failing_findings_total=len(new_failing), fixed_findings_total=len(fixed_findings),
        new_unknown_findings=new_unknown[:FINDING_LIST_CAP], new_unknown_findings_total=len(new_unknown),
    )
