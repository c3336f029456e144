"""Scoring is pure and table-driven: statuses, control/domain scores, index, gaps, acceptances, plan."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from assessor.models import (
    Answer,
    Answers,
    Capability,
    Catalogue,
    CollectionError,
    Control,
    Counterpart,
    Domain,
    Finding,
    Question,
    RiskAcceptance,
    Scope,
    ScoringRules,
    Status,
    Workload,
)
from assessor.scoring import (
    ScoringInput,
    account_postures,
    aggregate_status,
    assess,
    maturity_label,
    remediation_for,
)
from tests.factories import profile

S = Status
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _control(cid: str, domain: str = "LC", severity: str = "high", models: tuple[str, ...] = ("iaas", "paas", "saas"),
             questions: tuple[str, ...] = (), capability: str | None = None, effort: str = "medium") -> Control:
    return Control(id=cid, title=f"Control {cid}", rationale="why", domain=domain, severity=severity,  # type: ignore[arg-type]
                   service_models=list(models), capability=capability, effort=effort,  # type: ignore[arg-type]
                   remediation=f"fix {cid}", questions=list(questions))


def catalogue(controls: list[Control], questions: list[Question] | None = None,
              capabilities: list[Capability] | None = None) -> Catalogue:
    return Catalogue(
        domains=[Domain(id="LC", name="Logging", description="d", weight=2.0),
                 Domain(id="PP", name="People", description="d", weight=1.0)],
        controls=controls, capabilities=capabilities or [], responsibilities=[], questions=questions or [],
        scoring=ScoringRules(severity_weights={"critical": 10, "high": 6, "medium": 3, "low": 1},
                             effort_factors={"low": 1, "medium": 2, "high": 4},
                             maturity=[(0, "Initial"), (40, "Defined"), (80, "Optimised")], partial_credit=0.5),
    )


def finding(cid: str, status: Status, account: str = "111", coverage: float | None = None,
            reason: str | None = None) -> Finding:
    return Finding(check_id=f"aws.x.{cid.lower().replace('-', '_')}", control_id=cid, provider="aws",
                   account_id=account, status=status, message="m", coverage=coverage, reason=reason)


def run(cat: Catalogue, findings: list[Finding], answers: dict[str, Any] | None = None,
        acceptances: list[RiskAcceptance] | None = None, **profile_overrides: Any):  # type: ignore[no-untyped-def]
    ans = Answers(profile=profile(**profile_overrides),
                  answers={k: Answer(value=v) for k, v in (answers or {}).items()},
                  risk_acceptances=acceptances or [])
    return assess(ScoringInput(findings=findings, answers=ans, catalogue=cat, checks_by_control={},
                               scopes=[], residency=[], inputs=[], generated_at=NOW, tool_version="t"))


@pytest.mark.parametrize(("statuses", "expected"), [
    ([S.PASS, S.PASS], S.PASS),
    ([S.FAIL, S.FAIL], S.FAIL),
    ([S.PASS, S.FAIL], S.PARTIAL),
    ([S.PARTIAL], S.PARTIAL),
    ([S.PASS, S.UNKNOWN], S.PARTIAL),       # a pass is never claimed over something unseen
    ([S.FAIL, S.UNKNOWN], S.FAIL),
    ([S.UNKNOWN, S.NOT_APPLICABLE], S.UNKNOWN),
    ([S.ERROR, S.UNKNOWN], S.ERROR),
    ([S.MANUAL], S.MANUAL),
    ([S.NOT_APPLICABLE], S.NOT_APPLICABLE),
    ([], S.NOT_APPLICABLE),
])
def test_aggregate_status(statuses: list[Status], expected: Status) -> None:
    """Many finding statuses reduce to one control status without guessing a pass."""
    assert aggregate_status(statuses) == expected


@pytest.mark.parametrize(("findings", "status", "score"), [
    ([S.PASS, S.PASS, S.FAIL, S.FAIL], S.PARTIAL, 0.5),
    ([S.PASS], S.PASS, 1.0),
    ([S.FAIL], S.FAIL, 0.0),
    ([S.UNKNOWN], S.UNKNOWN, None),
    ([S.PASS, S.UNKNOWN, S.UNKNOWN], S.PARTIAL, 1.0),
    ([S.ERROR], S.ERROR, None),
])
def test_control_score_is_coverage_over_scorable_findings(findings: list[Status], status: Status,
                                                          score: float | None) -> None:
    """Unknown and error findings are shown but never scored as pass or fail."""
    result = run(catalogue([_control("LC-01")]), [finding("LC-01", s, account=str(i)) for i, s in enumerate(findings)])
    control = result.controls[0]
    assert control.status == status
    assert control.score == score


def test_partial_finding_uses_its_coverage() -> None:
    """A partial finding counts with the share of resources that comply."""
    result = run(catalogue([_control("LC-01")]), [finding("LC-01", S.PARTIAL, coverage=0.25)])
    assert result.controls[0].score == pytest.approx(0.25)


def test_domain_score_is_severity_weighted_and_index_domain_weighted() -> None:
    """Domain = severity-weighted mean of controls; index = domain-weighted mean, 0-100."""
    cat = catalogue([_control("LC-01", severity="critical"), _control("LC-02", severity="low"),
                     _control("PP-01", domain="PP", severity="medium")])
    result = run(cat, [finding("LC-01", S.PASS), finding("LC-02", S.FAIL), finding("PP-01", S.FAIL)])
    lc = next(d for d in result.domains if d.domain == "LC")
    assert lc.score == pytest.approx(10 / 11)
    assert result.readiness_index == pytest.approx(100 * (2 * 10 / 11 + 1 * 0.0) / 3)
    assert result.maturity == "Defined"


def test_unknown_only_estate_has_no_index() -> None:
    """When nothing could be determined there is no readiness index, not a zero and not a hundred."""
    result = run(catalogue([_control("LC-01")]), [finding("LC-01", S.UNKNOWN, reason="AccessDenied")])
    assert result.readiness_index is None
    assert result.maturity == "Not assessed"
    assert result.confidence == 0.0


def test_control_without_any_evidence_is_unknown_with_reason() -> None:
    """A control no check or question covers is `unknown`, never silently passed."""
    result = run(catalogue([_control("LC-01")]), [])
    assert result.controls[0].status == S.UNKNOWN
    assert "Not verifiable" in (result.controls[0].findings[0].reason or "")


def test_control_outside_service_models_is_not_applicable() -> None:
    """An IaaS-only control does not apply to an estate of SaaS workloads."""
    cat = catalogue([_control("EV-04", domain="LC", models=("iaas",))])
    result = run(cat, [finding("EV-04", S.FAIL)],
                 workloads=[Workload(name="mail", provider="azure", service_model="saas")])
    assert result.controls[0].status == S.NOT_APPLICABLE
    assert result.readiness_index is None


@pytest.mark.parametrize(("question", "value", "status"), [
    (Question(id="q.bool", text="t", kind="boolean"), True, S.PASS),
    (Question(id="q.bool", text="t", kind="boolean"), False, S.FAIL),
    (Question(id="q.bool", text="t", kind="boolean"), None, S.MANUAL),
    (Question(id="q.date", text="t", kind="date", stale_after_days=365), date(2026, 1, 1), S.PASS),
    (Question(id="q.date", text="t", kind="date", stale_after_days=365), date(2025, 10, 1), S.FAIL),
    (Question(id="q.choice", text="t", kind="choice", choices=["none", "minor", "material"],
              pass_values=["none"], partial_values=["minor"]), "minor", S.PARTIAL),
    (Question(id="q.choice", text="t", kind="choice", choices=["none", "minor", "material"],
              pass_values=["none"]), "material", S.FAIL),
    (Question(id="q.int", text="t", kind="integer", min_value=80), 50, S.FAIL),
    (Question(id="q.int", text="t", kind="integer", min_value=80), 90, S.PASS),
    (Question(id="q.text", text="t", kind="text"), "Named in plan v3", S.PASS),
])
def test_answers_become_findings(question: Question, value: object, status: Status) -> None:
    """Each answer kind judges its control; a stale date fails; unanswered is manual."""
    cat = catalogue([_control("PP-01", domain="PP", questions=(question.id,))], questions=[question])
    result = run(cat, [], answers={question.id: value} if value is not None else {})
    assert result.controls[0].status == status
    assert result.answers[0].status == status


@pytest.mark.parametrize(("expires", "status"), [(date(2027, 1, 1), S.ACCEPTED), (date(2026, 10, 31), S.FAIL)])
def test_risk_acceptance_valid_until_expiry(expires: date, status: Status) -> None:
    """A valid acceptance marks the control accepted and unscored; an expired one changes nothing."""
    acceptance = RiskAcceptance(control="LC-01", reason="r", owner="CISO", expires=expires)
    result = run(catalogue([_control("LC-01")]), [finding("LC-01", S.FAIL)], acceptances=[acceptance])
    assert result.controls[0].status == status
    assert (result.controls[0].score is None) == (status == S.ACCEPTED)


def _capability(ownership: dict[str, str], improvement: bool = False) -> Capability:
    return Capability(id="netflow", name="NetFlow", description="d",
                      counterparts={p: Counterpart(name=f"{p} flow logs") for p in ("aws", "azure", "gcp")},
                      ownership=ownership, controls=["LC-03"], cloud_native_improvement=improvement)  # type: ignore[arg-type]


@pytest.mark.parametrize(("model", "statuses", "onprem", "state", "dark", "improvement"), [
    ("iaas", [S.PASS, S.PASS], True, "in_place", False, False),
    ("iaas", [S.FAIL], True, "available_not_enabled", True, False),
    ("iaas", [S.PASS, S.FAIL], True, "partial", True, False),
    ("iaas", [S.UNKNOWN], True, "unknown", True, False),
    ("iaas", [S.PASS], False, "in_place", False, True),
    ("saas", [S.PASS], True, "no_counterpart", True, False),
    ("paas", [S.PASS], True, "provider_owned", True, False),
])
def test_capability_gap_states(model: str, statuses: list[Status], onprem: bool, state: str, dark: bool,
                               improvement: bool) -> None:
    """Each on-prem capability gets a cloud state per workload; losses are dark spots, gains improvements."""
    cap = _capability({"iaas": "customer", "paas": "provider", "saas": "none"})
    cat = catalogue([_control("LC-03", capability="netflow")], capabilities=[cap])
    result = run(cat, [finding("LC-03", s, account=str(i)) for i, s in enumerate(statuses)],
                 onprem_capabilities=["netflow"] if onprem else [],
                 workloads=[Workload(name="w", provider="aws", service_model=model)])  # type: ignore[arg-type]
    gap = result.gaps[0]
    assert (gap.state, gap.dark_spot, gap.improvement) == (state, dark, improvement)
    assert gap.counterpart == "aws flow logs"


def test_gap_uses_only_the_workloads_accounts() -> None:
    """A workload mapped to one account is judged on that account's findings only."""
    cap = _capability({"iaas": "customer", "paas": "customer", "saas": "none"})
    cat = catalogue([_control("LC-03", capability="netflow")], capabilities=[cap])
    result = run(cat, [finding("LC-03", S.PASS, account="A"), finding("LC-03", S.FAIL, account="B")],
                 onprem_capabilities=["netflow"],
                 workloads=[Workload(name="a", provider="aws", service_model="iaas", accounts=["A"]),
                            Workload(name="b", provider="aws", service_model="iaas", accounts=["B"])])
    states = {g.workload: g.state for g in result.gaps}
    assert states == {"a": "in_place", "b": "available_not_enabled"}


def test_remediation_orders_by_risk_per_effort() -> None:
    """Critical low-effort failures come before low-severity or high-effort ones; passes are not listed."""
    cat = catalogue([_control("LC-01", severity="critical", effort="low"),
                     _control("LC-02", severity="critical", effort="high"),
                     _control("LC-03", severity="low", effort="low"),
                     _control("LC-04", severity="critical")])
    result = run(cat, [finding("LC-01", S.FAIL), finding("LC-02", S.FAIL), finding("LC-03", S.FAIL),
                       finding("LC-04", S.PASS)])
    assert [r.control_id for r in result.remediation] == ["LC-01", "LC-02", "LC-03"]
    assert [r.rank for r in result.remediation] == [1, 2, 3]


ADVICE = "Route logs centrally. AWS: create a trail. Azure: add a diagnostic setting. GCP: create a sink."


@pytest.mark.parametrize(("providers", "expected"), [
    ({"gcp"}, "Route logs centrally. GCP: create a sink."),
    ({"aws", "azure"}, "Route logs centrally. AWS: create a trail. Azure: add a diagnostic setting."),
    (set(), ADVICE),  # questionnaire findings only: nothing to cut by
])
def test_plan_advice_is_cut_to_the_failing_clouds(providers: set[str], expected: str) -> None:
    """Per-cloud advice keeps the preamble and the clouds that failed, in catalogue order."""
    assert remediation_for(ADVICE, providers) == expected


def test_advice_without_markers_or_without_the_cloud_is_kept_whole() -> None:
    """Plain advice, or advice naming none of the failing clouds, is never cut to nothing."""
    assert remediation_for("Write an IR plan.", {"gcp"}) == "Write an IR plan."
    assert remediation_for("AWS: create a trail. Azure: add one.", {"gcp"}) == "AWS: create a trail. Azure: add one."


def test_unknown_control_appears_in_plan_as_restore_visibility() -> None:
    """Lost visibility is an action item, carrying the reason."""
    result = run(catalogue([_control("LC-01")]), [finding("LC-01", S.UNKNOWN, reason="guardduty:ListDetectors denied")])
    assert "guardduty:ListDetectors denied" in result.remediation[0].action


@pytest.mark.parametrize(("index", "label"), [(None, "Not assessed"), (0.0, "Initial"), (39.99, "Initial"),
                                              (40.0, "Defined"), (100.0, "Optimised")])
def test_maturity_label(index: float | None, label: str) -> None:
    """Maturity labels come from thresholds in data."""
    assert maturity_label(index, catalogue([])) == label


def test_assessment_is_deterministic() -> None:
    """Same inputs give the same assessment, field for field."""
    cat = catalogue([_control("LC-01"), _control("LC-02")])
    fs = [finding("LC-02", S.FAIL, "b"), finding("LC-01", S.PASS, "a"), finding("LC-02", S.PASS, "a")]
    assert run(cat, fs).model_dump_json() == run(cat, list(reversed(fs))).model_dump_json()


# --------------------------------------------------------------------------- per-account posture


def _scope(account: str, errors: int = 0) -> Scope:
    return Scope(provider="aws", account_id=account, account_name=f"name-{account}", regions=["eu-west-1"],
                 collected_at=NOW, tool_version="t", identity=None, api_calls=1,
                 errors=[CollectionError(service="ec2", operation="DescribeFlowLogs", code="AccessDenied",
                                         message="m")] * errors)


def test_each_account_is_scored_on_its_own_findings() -> None:
    """An account's index uses only its findings, with the same severity and domain weights as the index."""
    cat = catalogue([_control("LC-01", severity="critical"), _control("LC-02", severity="low"),
                     _control("PP-01", domain="PP", severity="medium")])
    findings = [finding("LC-01", S.PASS, "111"), finding("LC-02", S.FAIL, "111"), finding("PP-01", S.FAIL, "111"),
                finding("LC-01", S.FAIL, "222"), finding("LC-02", S.PASS, "222")]
    scopes = [_scope("111"), _scope("222", errors=2)]
    postures = {a.account_id: a for a in account_postures(run(cat, findings).controls, scopes, cat)}
    assert postures["111"].readiness_index == pytest.approx(100 * (2 * 10 / 11 + 1 * 0.0) / 3)
    assert postures["222"].readiness_index == pytest.approx(100 * 1 / 11)  # PP has nothing scored for 222
    assert postures["111"].failing == ["PP-01", "LC-02"]  # medium (3) before low (1)
    assert postures["222"].failing == ["LC-01"]
    assert postures["222"].errors == 2 and postures["111"].errors == 0
    assert postures["111"].counts == {S.FAIL: 2, S.PASS: 1}
    assert postures["222"].account_name == "name-222"


def test_accounts_are_ordered_darkest_then_weakest_first() -> None:
    """An account with nothing scorable comes first, then ascending index."""
    cat = catalogue([_control("LC-01")])
    findings = [finding("LC-01", S.PASS, "111"), finding("LC-01", S.FAIL, "222"),
                finding("LC-01", S.UNKNOWN, "333", reason="AccessDenied")]
    postures = account_postures(run(cat, findings).controls, [_scope("111"), _scope("222"), _scope("333")], cat)
    assert [a.account_id for a in postures] == ["333", "222", "111"]
    assert postures[0].readiness_index is None and postures[0].undetermined == ["LC-01"]
    assert postures[1].readiness_index == 0.0 and postures[2].readiness_index == 100.0


def test_account_with_a_snapshot_but_no_findings_is_listed_unscored() -> None:
    """A scope that produced no finding still appears, with no index rather than a perfect one."""
    cat = catalogue([_control("LC-01")])
    postures = account_postures(run(cat, [finding("LC-01", S.PASS, "111")]).controls,
                                [_scope("111"), _scope("999")], cat)
    empty = next(a for a in postures if a.account_id == "999")
    assert empty.readiness_index is None and empty.counts == {} and empty.failing == []


def test_accepted_and_not_applicable_controls_do_not_count_against_an_account() -> None:
    """An organisation-wide risk acceptance and an out-of-model control leave the account's index alone."""
    cat = catalogue([_control("LC-01"), _control("LC-02"), _control("LC-03", models=("saas",))])
    acceptance = RiskAcceptance(control="LC-02", reason="r", owner="CISO", expires=date(2027, 1, 1))
    result = run(cat, [finding("LC-01", S.PASS), finding("LC-02", S.FAIL), finding("LC-03", S.FAIL)],
                 acceptances=[acceptance],
                 workloads=[Workload(name="w", provider="aws", service_model="iaas", accounts=["111"])])
    (posture,) = account_postures(result.controls, [_scope("111")], cat)
    assert posture.readiness_index == 100.0
    assert posture.failing == []


def test_questionnaire_findings_are_not_attributed_to_any_account() -> None:
    """Answers speak for the organisation, so a failing answer changes no account's index."""
    question = Question(id="plan.exists", text="Is there a plan?", kind="boolean")
    cat = catalogue([_control("PP-01", domain="PP", questions=("plan.exists",)), _control("LC-01")],
                    questions=[question])
    result = run(cat, [finding("LC-01", S.PASS)], answers={"plan.exists": False})
    assert next(c for c in result.controls if c.control_id == "PP-01").status == S.FAIL
    (posture,) = account_postures(result.controls, [_scope("111")], cat)
    assert posture.readiness_index == 100.0 and "PP-01" not in posture.failing


def test_assessment_carries_the_postures() -> None:
    """`assess` fills Assessment.accounts from its scopes."""
    cat = catalogue([_control("LC-01")])
    ans = Answers(profile=profile(), answers={}, risk_acceptances=[])
    result = assess(ScoringInput(findings=[finding("LC-01", S.FAIL, "111")], answers=ans, catalogue=cat,
                                 checks_by_control={}, scopes=[_scope("111")], residency=[], inputs=[],
                                 generated_at=NOW, tool_version="t"))
    assert [(a.account_id, a.readiness_index) for a in result.accounts] == [("111", 0.0)]


def test_account_no_workload_reaches_is_listed_last_and_out_of_scope() -> None:
    """An account whose findings are all not_applicable is not 'dark': it comes last, flagged out of scope."""
    cat = catalogue([_control("LC-01")])
    findings = [finding("LC-01", S.FAIL, "111"), finding("LC-01", S.NOT_APPLICABLE, "222"),
                finding("LC-01", S.UNKNOWN, "333", reason="AccessDenied")]
    postures = account_postures(run(cat, findings).controls, [_scope("111"), _scope("222"), _scope("333")], cat)
    assert [(a.account_id, a.in_scope) for a in postures] == [("333", True), ("111", True), ("222", False)]
    assert postures[-1].readiness_index is None
