"""Findings + answers + profile -> Assessment. Pure: no I/O, no clock (the assessment date is passed in).

Rules, in one place:
- a control's score is the mean compliance of its scorable findings (pass 1, fail 0, partial its coverage);
  unknown, manual, error and not_applicable findings are never scored, only counted and shown;
- a domain's score is the severity-weighted mean of its scored controls; the readiness index is the
  domain-weighted mean of scored domains, 0-100; weights and maturity labels come from the catalogue data;
- a valid risk acceptance turns a control `accepted` (shown, not scored); an expired one is ignored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from assessor.models import (
    AccountPosture,
    AnsweredQuestion,
    Answers,
    Assessment,
    CapabilityGap,
    CapabilityState,
    Catalogue,
    Control,
    ControlResult,
    DomainScore,
    Finding,
    InputDigest,
    Profile,
    Provider,
    RemediationItem,
    ResidencyEntry,
    RiskAcceptance,
    Scope,
    ServiceModel,
    Snapshot,
    Status,
    Workload,
)
from assessor.questionnaire import answer_text, judge

SCORABLE = {Status.PASS, Status.FAIL, Status.PARTIAL}
DETERMINATE = SCORABLE
QUESTION_PREFIX = "question:"


@dataclass(frozen=True)
class ScoringInput:
    findings: Sequence[Finding]
    answers: Answers
    catalogue: Catalogue
    checks_by_control: Mapping[str, Sequence[str]]
    scopes: Sequence[Scope]
    residency: Sequence[ResidencyEntry]
    inputs: Sequence[InputDigest]
    generated_at: datetime
    tool_version: str


def assess(data: ScoringInput) -> Assessment:
    catalogue, profile = data.catalogue, data.answers.profile
    today = data.generated_at.date()
    models_in_use = {w.service_model for w in profile.workloads}
    answered, question_findings = _judge_answers(data.answers, catalogue, today, models_in_use)
    acceptances = _valid_acceptances(data.answers.risk_acceptances, today)
    by_control: dict[str, list[Finding]] = {}
    for finding in [*data.findings, *question_findings]:
        by_control.setdefault(finding.control_id, []).append(finding)

    controls = [
        _control_result(control, by_control.get(control.id, []), data.checks_by_control.get(control.id, []),
                        acceptances.get(control.id), models_in_use, catalogue.scoring.partial_credit)
        for control in catalogue.controls
    ]
    controls.sort(key=lambda c: c.control_id)
    domains = _domain_scores(controls, catalogue)
    index = _readiness_index(domains)
    applicable = [c for c in controls if c.status not in (Status.NOT_APPLICABLE, Status.ACCEPTED)]
    scored = [c for c in applicable if c.score is not None]
    all_findings = [f for c in controls for f in c.findings]
    return Assessment(
        tool_version=data.tool_version,
        generated_at=data.generated_at,
        organization=profile.organization,
        readiness_index=index,
        maturity=maturity_label(index, catalogue),
        confidence=len(scored) / len(applicable) if applicable else 0.0,
        scopes=sorted(data.scopes, key=lambda s: (s.provider, s.account_id)),
        accounts=account_postures(controls, data.scopes, catalogue),
        profile=profile,
        domains=domains,
        controls=controls,
        gaps=capability_gaps(controls, profile, catalogue),
        remediation=remediation_plan(controls, catalogue),
        residency=sorted(data.residency, key=lambda r: (r.provider, r.account_id, r.region)),
        answers=answered,
        risk_acceptances=sorted(data.answers.risk_acceptances, key=lambda a: (a.control, a.expires)),
        inputs=sorted(data.inputs, key=lambda i: (i.kind, i.path)),
        status_counts=dict(sorted(Counter(f.status for f in all_findings).items())),
    )


# --------------------------------------------------------------------------- answers


def _judge_answers(answers: Answers, catalogue: Catalogue, today: date,
                   models_in_use: set[ServiceModel]) -> tuple[list[AnsweredQuestion], list[Finding]]:
    answered: list[AnsweredQuestion] = []
    findings: list[Finding] = []
    for question in sorted(catalogue.questions, key=lambda q: q.id):
        controls = sorted(c.id for c in catalogue.controls if question.id in c.questions)
        answer = answers.answers.get(question.id)
        if not set(question.service_models) & models_in_use:
            status, message = Status.NOT_APPLICABLE, "No workload uses a service model this question covers"
        else:
            status, message = judge(question, answer, today)
        answered.append(AnsweredQuestion(
            question_id=question.id, text=question.text, kind=question.kind, answer=answer_text(answer),
            status=status, message=message, note=answer.note if answer else "",
            evidence=answer.evidence if answer else "", controls=controls,
        ))
        for control_id in controls:
            findings.append(Finding(
                check_id=QUESTION_PREFIX + question.id, control_id=control_id, status=status,
                message=f"{question.text} {message}.",
                reason="Unanswered in the answers file" if status == Status.MANUAL else None,
                evidence={"answer": answer_text(answer), "evidence": answer.evidence if answer else ""},
            ))
    return answered, findings


def _valid_acceptances(acceptances: Iterable[RiskAcceptance], today: date) -> dict[str, RiskAcceptance]:
    valid: dict[str, RiskAcceptance] = {}
    for acceptance in sorted(acceptances, key=lambda a: a.expires):
        if acceptance.expires >= today:
            valid[acceptance.control] = acceptance
    return valid


# --------------------------------------------------------------------------- controls and domains


def finding_credit(finding: Finding, partial_credit: float) -> float:
    if finding.status == Status.PASS:
        return 1.0
    if finding.status == Status.PARTIAL:
        return finding.coverage if finding.coverage is not None else partial_credit
    return 0.0


def aggregate_status(statuses: Iterable[Status]) -> Status:
    """One status from many: never a pass while anything is undetermined."""
    present = set(statuses) - {Status.NOT_APPLICABLE}
    if not present:
        return Status.NOT_APPLICABLE
    scorable = present & SCORABLE
    undetermined = present - SCORABLE
    if scorable:
        if scorable == {Status.PASS}:
            return Status.PASS if not undetermined else Status.PARTIAL
        if scorable == {Status.FAIL}:
            return Status.FAIL
        return Status.PARTIAL
    if Status.ERROR in present:
        return Status.ERROR
    if Status.UNKNOWN in present:
        return Status.UNKNOWN
    return Status.MANUAL


def _control_result(control: Control, findings: list[Finding], checks: Sequence[str],
                    acceptance: RiskAcceptance | None, models_in_use: set[ServiceModel],
                    partial_credit: float) -> ControlResult:
    findings = sorted(findings, key=_finding_key)
    counts = dict(sorted(Counter(f.status for f in findings).items()))
    scorable = [f for f in findings if f.status in SCORABLE]
    if not set(control.service_models) & models_in_use:
        status, score = Status.NOT_APPLICABLE, None
    elif not findings:
        status, score = Status.UNKNOWN, None
        findings = [Finding(
            check_id="catalogue", control_id=control.id, status=Status.UNKNOWN,
            message="No installed check or question covers this control for the clouds in scope",
            reason="Not verifiable with the checks installed; verify by hand or add a check plugin",
        )]
        counts = {Status.UNKNOWN: 1}
    else:
        status = aggregate_status(f.status for f in findings)
        score = sum(finding_credit(f, partial_credit) for f in scorable) / len(scorable) if scorable else None
    if acceptance is not None and status not in (Status.PASS, Status.NOT_APPLICABLE):
        status, score = Status.ACCEPTED, None
    return ControlResult(
        control_id=control.id, title=control.title, domain=control.domain, severity=control.severity,
        rationale=control.rationale, remediation=control.remediation, effort=control.effort,
        service_models=list(control.service_models), capability=control.capability,
        references=list(control.references), checks=sorted(checks), questions=sorted(control.questions),
        status=status, score=score, findings=findings, counts=counts,
        accepted=acceptance if status == Status.ACCEPTED else None,
    )


def _finding_key(f: Finding) -> tuple[str, ...]:
    return (f.check_id, f.provider or "", f.account_id or "", f.region or "", f.resource_id or "",
            f.status.value, f.message)


def _domain_scores(controls: Sequence[ControlResult], catalogue: Catalogue) -> list[DomainScore]:
    weights = catalogue.scoring.severity_weights
    out: list[DomainScore] = []
    for domain in catalogue.domains:
        members = [c for c in controls if c.domain == domain.id]
        scored = [c for c in members if c.score is not None]
        total = sum(weights[c.severity] for c in scored)
        score = sum(weights[c.severity] * (c.score or 0.0) for c in scored) / total if total else None
        out.append(DomainScore(
            domain=domain.id, name=domain.name, score=score, weight=domain.weight,
            controls_scored=len(scored), controls_total=len(members),
            unknown=sum(1 for c in members if c.status in (Status.UNKNOWN, Status.ERROR)),
        ))
    return out


def _readiness_index(domains: Sequence[DomainScore]) -> float | None:
    scored = [d for d in domains if d.score is not None]
    total = sum(d.weight for d in scored)
    if not total:
        return None
    return 100.0 * sum(d.weight * (d.score or 0.0) for d in scored) / total


def maturity_label(index: float | None, catalogue: Catalogue) -> str:
    if index is None:
        return "Not assessed"
    label = catalogue.scoring.maturity[0][1]
    for bound, name in catalogue.scoring.maturity:
        if index >= bound:
            label = name
    return label


# --------------------------------------------------------------------------- per-account posture


def account_postures(controls: Sequence[ControlResult], scopes: Sequence[Scope],
                     catalogue: Catalogue) -> list[AccountPosture]:
    """Each account scored on its own API findings with the same rules, worst first.

    Questionnaire findings carry no account and so do not count here: this is what the APIs show of each account,
    the view an organisation needs to find its weakest accounts and the gaps they all share.
    """
    weights = catalogue.scoring.severity_weights
    domain_weights = {d.id: d.weight for d in catalogue.domains}
    partial_credit = catalogue.scoring.partial_credit
    names = {(s.provider, s.account_id): s.account_name for s in scopes}
    errors = {(s.provider, s.account_id): len(s.errors) for s in scopes}
    per_account: dict[tuple[Provider, str], dict[str, list[Finding]]] = {key: {} for key in names}
    for control in controls:
        if control.status == Status.NOT_APPLICABLE:
            continue
        for f in control.findings:
            if f.provider and f.account_id:
                per_account.setdefault((f.provider, f.account_id), {}).setdefault(control.control_id, []).append(f)

    by_id = {c.control_id: c for c in controls}
    out: list[AccountPosture] = []
    for (provider, account_id), findings_by_control in per_account.items():
        counts: Counter[Status] = Counter()
        failing: list[tuple[float, str]] = []
        undetermined: list[str] = []
        domain_sums: dict[str, list[float]] = {}  # domain -> [weighted score sum, weight sum]
        for control_id, findings in findings_by_control.items():
            control = by_id[control_id]
            counts.update(f.status for f in findings)
            if control.status == Status.ACCEPTED:
                continue  # accepted for the organisation: shown, never scored, as in the index
            if any(f.status in (Status.UNKNOWN, Status.ERROR) for f in findings):
                undetermined.append(control_id)
            scorable = [f for f in findings if f.status in SCORABLE]
            if not scorable:
                continue
            score = sum(finding_credit(f, partial_credit) for f in scorable) / len(scorable)
            weight = weights[control.severity]
            if score < 1.0:
                failing.append((weight * (1.0 - score), control_id))
            sums = domain_sums.setdefault(control.domain, [0.0, 0.0])
            sums[0] += weight * score
            sums[1] += weight
        scored_domains = [(domain_weights[d], total / w) for d, (total, w) in domain_sums.items() if w]
        weight_total = sum(w for w, _ in scored_domains)
        index = 100.0 * sum(w * v for w, v in scored_domains) / weight_total if weight_total else None
        failing.sort(key=lambda t: (-t[0], t[1]))
        out.append(AccountPosture(
            provider=provider, account_id=account_id, account_name=names.get((provider, account_id)),
            readiness_index=index, counts=dict(sorted(counts.items())),
            in_scope=any(status != Status.NOT_APPLICABLE for status in counts),
            failing=[control_id for _, control_id in failing], undetermined=sorted(undetermined),
            errors=errors.get((provider, account_id), 0),
        ))
    # Accounts nothing could be scored in come first: they are the darkest, not the best. Accounts no workload
    # reaches (every finding not applicable) come last: there is nothing to judge in them.
    out.sort(key=lambda a: (not a.in_scope, a.readiness_index is not None, a.readiness_index or 0.0,
                            a.provider, a.account_id))
    return out


# --------------------------------------------------------------------------- gap analysis


def _workload_findings(findings: Iterable[Finding], workload: Workload) -> list[Finding]:
    """Findings that speak for one workload: its provider and accounts, plus organisation-wide answers."""
    def speaks_for(f: Finding) -> bool:
        if f.check_id.startswith(QUESTION_PREFIX):
            return True
        return f.provider == workload.provider and (not workload.accounts or f.account_id in workload.accounts)

    return [f for f in findings if speaks_for(f)]


def _state_from(findings: Sequence[Finding]) -> tuple[CapabilityState, str]:
    relevant = [f for f in findings if f.status != Status.NOT_APPLICABLE]
    if not relevant:
        return "unknown", "No evidence about this counterpart was collected"
    determinate = [f for f in relevant if f.status in DETERMINATE]
    if not determinate:
        reasons = sorted({f.reason or f.message for f in relevant})
        return "unknown", "Could not be verified: " + "; ".join(reasons[:3])
    statuses = {f.status for f in determinate}
    if statuses == {Status.PASS} and len(determinate) == len(relevant):
        return "in_place", ""
    if statuses == {Status.FAIL}:
        return "available_not_enabled", "Available in this cloud but not enabled"
    undetermined = len(relevant) - len(determinate)
    note = f"{undetermined} item(s) could not be verified" if undetermined else "Enabled for some resources only"
    return "partial", note


def capability_gaps(controls: Sequence[ControlResult], profile: Profile,
                    catalogue: Catalogue) -> list[CapabilityGap]:
    by_id = {c.control_id: c for c in controls}
    contract = [by_id[c] for c in ("SR-04", "SR-05") if c in by_id]
    contract_ok = bool(contract) and all(c.status in (Status.PASS, Status.ACCEPTED) for c in contract)
    gaps: list[CapabilityGap] = []
    for cap in catalogue.capabilities:
        onprem = cap.id in profile.onprem_capabilities
        for workload in sorted(profile.workloads, key=lambda w: w.name):
            ownership = cap.ownership[workload.service_model]
            related = [by_id[c] for c in cap.controls if c in by_id]
            note = ""
            if ownership == "none":
                state: CapabilityState = "no_counterpart"
                note = f"No counterpart under {workload.service_model.upper()}"
            elif ownership == "provider":
                state = "provider_owned"
                note = ("Reachable through the provider; contract and assurance reviewed (SR-04, SR-05)"
                        if contract_ok else
                        "Held by the provider; contract or assurance terms are missing or unverified (SR-04, SR-05)")
            else:
                findings = [f for c in related for f in _workload_findings(c.findings, workload)]
                if any(c.status == Status.ACCEPTED for c in related) and not findings:
                    state, note = "unknown", "Risk accepted; not assessed"
                else:
                    state, note = _state_from(findings)
            dark = onprem and (state in ("available_not_enabled", "partial", "no_counterpart", "unknown")
                               or (state == "provider_owned" and not contract_ok))
            improvement = state == "in_place" and (not onprem or cap.cloud_native_improvement)
            gaps.append(CapabilityGap(
                capability=cap.id, name=cap.name, workload=workload.name, provider=workload.provider,
                service_model=workload.service_model, onprem=onprem,
                counterpart=cap.counterparts[workload.provider].name, state=state,
                controls=sorted(cap.controls), note=note, dark_spot=dark, improvement=improvement,
            ))
    return gaps


# --------------------------------------------------------------------------- remediation


_PROVIDER_ADVICE = re.compile(r"\b(AWS|Azure|GCP):\s")
_PROVIDER_NAMES = {"AWS": "aws", "Azure": "azure", "GCP": "gcp"}


def remediation_for(text: str, providers: Iterable[str]) -> str:
    """The catalogue's advice cut to the clouds that failed: a GCP-only plan should not open with AWS steps.

    The catalogue writes per-cloud advice as "AWS: ... Azure: ... GCP: ..."; text before the first marker is
    kept. With no provider to go by (questionnaire findings only), or no marker, the text is unchanged.
    """
    parts = _PROVIDER_ADVICE.split(text)
    providers = set(providers)
    if not providers or len(parts) < 3:
        return text
    kept = [parts[0].strip()] if parts[0].strip() else []
    for name, advice in zip(parts[1::2], parts[2::2], strict=True):
        if _PROVIDER_NAMES[name] in providers:
            kept.append(f"{name}: {advice.strip()}")
    return " ".join(kept) if len(kept) > (1 if parts[0].strip() else 0) else text


def remediation_plan(controls: Sequence[ControlResult], catalogue: Catalogue) -> list[RemediationItem]:
    """Controls to fix, highest risk per unit of effort first; lost visibility and missing answers included."""
    weights, efforts = catalogue.scoring.severity_weights, catalogue.scoring.effort_factors
    items: list[tuple[float, float, RemediationItem]] = []
    for c in controls:
        if c.status in (Status.FAIL, Status.PARTIAL):
            risk = weights[c.severity] * (1.0 - (c.score or 0.0))
            failing = {f.provider for f in c.findings
                       if f.provider and f.status in (Status.FAIL, Status.PARTIAL)}
            action = remediation_for(c.remediation, failing)
        elif c.status in (Status.UNKNOWN, Status.ERROR):
            risk = weights[c.severity] * 0.5
            reasons = sorted({f.reason for f in c.findings if f.reason})
            action = "Restore visibility, then re-assess: " + ("; ".join(reasons[:2]) or c.remediation)
        elif c.status == Status.MANUAL:
            risk = weights[c.severity] * 0.25
            action = "Answer the questionnaire items " + ", ".join(c.questions) + "; " + c.remediation
        else:
            continue
        if risk <= 0:
            continue
        scopes = sorted({f.account_id for f in c.findings
                         if f.account_id and f.status not in (Status.PASS, Status.NOT_APPLICABLE)})
        priority = risk / efforts[c.effort]
        items.append((priority, risk, RemediationItem(
            rank=0, control_id=c.control_id, title=c.title, severity=c.severity, effort=c.effort,
            status=c.status, risk=round(risk, 4), action=action, scopes=scopes,
        )))
    items.sort(key=lambda t: (-t[0], -t[1], t[2].control_id))
    return [item.model_copy(update={"rank": n}) for n, (_, _, item) in enumerate(items, start=1)]


# --------------------------------------------------------------------------- scope and residency


def scope_of(snapshot: Snapshot) -> Scope:
    return Scope(
        provider=snapshot.provider, account_id=snapshot.account_id, account_name=snapshot.account_name,
        regions=sorted(snapshot.regions), collected_at=snapshot.collected_at, tool_version=snapshot.tool_version,
        identity=snapshot.identity, api_calls=sum(c.count for c in snapshot.api_calls),
        errors=sorted(snapshot.errors, key=lambda e: (e.service, e.operation, e.region or "", e.code)),
    )


NON_REGIONS = {"", "global", "none"}


def residency_of(snapshot: Snapshot, profile: Profile, jurisdictions: Mapping[str, str]) -> list[ResidencyEntry]:
    counts: Counter[str] = Counter()
    for records in snapshot.resources.values():
        for record in records:
            region = record.get("region") or record.get("location")
            if isinstance(region, str) and region.lower() not in NON_REGIONS:
                counts[region] += 1
    allowed = set(profile.allowed_jurisdictions)
    out = []
    for region, count in sorted(counts.items()):
        jurisdiction = jurisdictions.get(region.lower())
        out.append(ResidencyEntry(
            provider=snapshot.provider, account_id=snapshot.account_id, region=region,
            jurisdiction=jurisdiction, allowed=None if jurisdiction is None else jurisdiction in allowed,
            resources=count,
        ))
    return out
