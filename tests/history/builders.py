"""Assessments for the history tests, made by the real scoring code from findings over a small catalogue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from assessor.catalogue import load_catalogue
from assessor.models import (
    Answers,
    Assessment,
    Catalogue,
    Control,
    Domain,
    Finding,
    InputDigest,
    RiskAcceptance,
    Scope,
    ScoringRules,
    Status,
)
from assessor.scoring import ScoringInput, assess
from tests.factories import profile

S = Status
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

# control id -> (domain, severity); LC weighs twice PP
CONTROLS = {"LC-01": ("LC", "critical"), "LC-02": ("LC", "high"), "LC-03": ("LC", "medium"),
            "LC-04": ("LC", "low"), "PP-01": ("PP", "high"), "PP-02": ("PP", "medium")}

# A control's intended state: a Status, (Status.PARTIAL, coverage), or "accepted" (a valid risk acceptance).
State = Status | tuple[Status, float] | str


def small_catalogue() -> Catalogue:
    return Catalogue(
        domains=[Domain(id="LC", name="Logging", description="d", weight=2.0),
                 Domain(id="PP", name="People", description="d", weight=1.0)],
        controls=[Control(id=cid, title=f"Control {cid}", rationale="why", domain=dom, severity=sev,
                          service_models=["iaas", "paas", "saas"], remediation=f"fix {cid}")
                  for cid, (dom, sev) in CONTROLS.items()],
        capabilities=[], responsibilities=[], questions=[],
        scoring=ScoringRules(severity_weights={"critical": 10, "high": 6, "medium": 3, "low": 1},
                             effort_factors={"low": 1, "medium": 2, "high": 4},
                             maturity=[(0, "Initial"), (40, "Defined"), (80, "Optimised")], partial_credit=0.5),
    )


def scope(account: str, provider: str = "aws") -> Scope:
    return Scope(provider=provider, account_id=account, account_name=None, regions=["eu-west-1"],
                 collected_at=T0, tool_version="test", identity=None, api_calls=3, errors=[])


def _finding(cid: str, status: Status, account: str, resource: str, coverage: float | None = None) -> Finding:
    return Finding(check_id=f"aws.test.{cid.lower().replace('-', '_')}", control_id=cid, provider="aws",
                   account_id=account, region="eu-west-1", resource_id=resource, status=status,
                   message=f"{cid} is {status.value} on {resource}", coverage=coverage,
                   reason="AccessDenied" if status in (S.UNKNOWN, S.ERROR) else None)


def assessment(states: dict[str, State], *, accounts: tuple[str, ...] = ("111111111111",),
               generated_at: datetime = T0, extra: list[Finding] | None = None) -> Assessment:
    """One finding per control and account in the given state; controls not named are not_applicable."""
    found: list[Finding] = list(extra or [])
    acceptances: list[RiskAcceptance] = []
    for cid in CONTROLS:
        state = states.get(cid, S.NOT_APPLICABLE)
        for account in accounts:
            if state == "accepted":
                found.append(_finding(cid, S.FAIL, account, f"arn:{cid}"))
            elif isinstance(state, tuple):
                found.append(_finding(cid, state[0], account, f"arn:{cid}", coverage=state[1]))
            else:
                found.append(_finding(cid, Status(state), account, f"arn:{cid}"))
        if state == "accepted":
            acceptances.append(RiskAcceptance(control=cid, reason="compensated", owner="ciso",
                                              expires=date(2099, 1, 1)))
    answers = Answers(profile=profile(), risk_acceptances=acceptances)
    return assess(ScoringInput(
        findings=found, answers=answers, catalogue=small_catalogue(), checks_by_control={},
        scopes=[scope(a) for a in accounts], residency=[],
        inputs=[InputDigest(path=f"snapshots/{a}.json", kind="snapshot", sha256="ab" * 32, size=1234)
                for a in accounts],
        generated_at=generated_at, tool_version="9.9.9"))


def organisation(accounts: int = 50, *, day: int = 0, per_control: int = 1) -> Assessment:
    """A realistic organisation: the real catalogue, `accounts` AWS accounts, about 50 findings each."""
    catalogue = load_catalogue()
    ids = [f"{100000000000 + n}" for n in range(accounts)]
    statuses = (S.PASS, S.FAIL, S.PASS, S.UNKNOWN, S.PARTIAL, S.PASS, S.NOT_APPLICABLE)
    found: list[Finding] = []
    for n, account in enumerate(ids):
        for k, control in enumerate(catalogue.controls[:50]):
            for r in range(per_control):
                status = statuses[(n + k + r + day) % len(statuses)]
                found.append(_finding(control.id, status, account, f"arn:aws:x:{account}:{control.id}/{r}",
                                      coverage=0.5 if status == S.PARTIAL else None))
    return assess(ScoringInput(
        findings=found, answers=Answers(profile=profile()), catalogue=catalogue, checks_by_control={},
        scopes=[scope(a) for a in ids], residency=[], inputs=[],
        generated_at=T0 + timedelta(days=day), tool_version="9.9.9"))
