"""Machine outputs for unattended runs: JUnit XML, OCSF Compliance Findings and the summary one-liner."""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

from assessor.models import Assessment, ControlResult, Finding, RiskAcceptance, Status
from assessor.pipeline import run_assessment
from assessor.report.junit import MAX_LINES, NO_SCOPE, QUESTIONNAIRE, junit_xml, xml_text
from assessor.report.ocsf import ocsf_events, ocsf_findings
from assessor.report.summary import summary_json

from .conftest import GENERATED_AT, LONG, RTL, SCRIPT

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme"
ACME_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

CONTROL_CHARS = "".join(chr(c) for c in range(0x00, 0x09))
HOSTILE_EXTRA = ("]]>", 'say "hi" & \'bye\'', f"ctl{CONTROL_CHARS}end", "\x0b\x0c\x0e\x1f", "\ufffe\uffff",
                 "<![CDATA[x]]>", "&amp; &#0; &#x1;")
INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@pytest.fixture(scope="module")
def acme() -> Assessment:
    """The real example run through the real pipeline."""
    paths = sorted((ACME / "snapshots").glob("*.json"))
    return run_assessment(paths, ACME / "answers.yaml", ACME_AT).assessment


@pytest.fixture(scope="module")
def hostile(assessment_factory: Callable[..., Assessment]) -> Assessment:
    """The hand-built assessment with hostile strings also in the organisation, an account id and a title."""
    base = assessment_factory(extra=HOSTILE_EXTRA)
    controls = []
    for control in base.controls:
        if control.control_id == "LC-03":
            odd = control.findings[0].model_copy(update={"account_id": f"acct-{SCRIPT}]]>\x01", "region": None})
            control = control.model_copy(update={"title": f"Flow logs {SCRIPT} \"q\" ]]> \x07{RTL}",
                                                 "findings": [*control.findings, odd]})
        controls.append(control)
    return base.model_copy(update={"organization": f"Org {SCRIPT}\n\x00{RTL}", "controls": controls})


def _finding(control: str, status: Status, *, provider: str | None = "aws", account: str | None = "111111111111",
             check: str | None = None, resource: str | None = None, reason: str | None = None,
             message: str = "result") -> Finding:
    return Finding(check_id=check or f"{provider or 'question'}.svc.check", control_id=control, provider=provider,
                   account_id=account, region="eu-west-1" if provider else None, resource_id=resource,
                   status=status, message=message, reason=reason)


def _with_controls(base: Assessment, controls: Sequence[ControlResult]) -> Assessment:
    return base.model_copy(update={"controls": list(controls)})


def _control(template: ControlResult, cid: str, status: Status, findings: Sequence[Finding],
             accepted: RiskAcceptance | None = None) -> ControlResult:
    return template.model_copy(update={"control_id": cid, "title": f"Title of {cid}", "status": status,
                                       "findings": list(findings), "accepted": accepted})


ACCEPTANCE = RiskAcceptance(control="XX-07", reason="budget next year", owner="CISO", expires=date(2027, 6, 30))


@pytest.fixture(scope="module")
def one_of_each(assessment: Assessment) -> Assessment:
    """One control per status, each with one finding in one account (the accepted one fails underneath)."""
    t = assessment.controls[0]
    rows = [("XX-01", Status.PASS), ("XX-02", Status.FAIL), ("XX-03", Status.PARTIAL), ("XX-04", Status.UNKNOWN),
            ("XX-05", Status.ERROR), ("XX-06", Status.NOT_APPLICABLE), ("XX-08", Status.MANUAL)]
    controls = [_control(t, cid, status, [_finding(cid, status, reason=f"why {cid}")]) for cid, status in rows]
    controls.append(_control(t, "XX-07", Status.ACCEPTED, [_finding("XX-07", Status.FAIL)], ACCEPTANCE))
    return _with_controls(assessment, controls)


def _parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


def _outcome(case: ET.Element) -> str:
    children = [c.tag for c in case]
    assert len(children) <= 1
    return children[0] if children else "pass"


def _classname(f: Finding) -> str:
    if f.provider is None:
        return QUESTIONNAIRE if f.check_id.startswith("question:") else NO_SCOPE
    return f"{f.provider}:{f.account_id}"


# --------------------------------------------------------------------------- JUnit


class TestJUnitShape:
    def test_one_testcase_per_control_and_scope_on_the_real_example(self, acme: Assessment) -> None:
        """Every (control, account) pair of the example pipeline appears exactly once, named after the control."""
        cases = _parse(junit_xml(acme)).findall("./testsuite/testcase")
        got = sorted((c.get("name", ""), c.get("classname", "")) for c in cases)
        expected = sorted({(f"{c.control_id} {c.title}", _classname(f)) for c in acme.controls for f in c.findings})
        assert got == expected
        assert {c.get("classname") for c in cases} >= {f"{s.provider}:{s.account_id}" for s in acme.scopes}

    def test_suite_counts_match_the_cases(self, acme: Assessment, hostile: Assessment) -> None:
        """tests/failures/errors/skipped on <testsuites> and <testsuite> equal what the cases contain."""
        for assessment in (acme, hostile):
            root = _parse(junit_xml(assessment))
            outcomes = [_outcome(c) for c in root.iter("testcase")]
            for node in (root, root.find("testsuite")):
                assert node is not None
                assert int(node.get("tests", "-1")) == len(outcomes)
                assert int(node.get("failures", "-1")) == outcomes.count("failure")
                assert int(node.get("errors", "-1")) == outcomes.count("error")
                assert int(node.get("skipped", "-1")) == outcomes.count("skipped")
            assert outcomes.count("failure") > 0 and outcomes.count("pass") > 0

    def test_questionnaire_and_scopeless_classnames(self, assessment: Assessment) -> None:
        """Answers use `questionnaire`; a control without findings still has one case, under `assessment`."""
        t = assessment.controls[0]
        question = _finding("XX-01", Status.FAIL, provider=None, account=None, check="question:process.plan")
        doc = junit_xml(_with_controls(assessment, [
            _control(t, "XX-01", Status.FAIL, [question]),
            _control(t, "XX-02", Status.NOT_APPLICABLE, []),
        ]))
        cases = {c.get("name"): c for c in _parse(doc).iter("testcase")}
        assert cases["XX-01 Title of XX-01"].get("classname") == QUESTIONNAIRE
        assert cases["XX-02 Title of XX-02"].get("classname") == NO_SCOPE
        assert _outcome(cases["XX-02 Title of XX-02"]) == "skipped"

    def test_timestamp_and_properties_come_from_the_assessment(self, assessment: Assessment) -> None:
        """The suite carries generated_at (UTC, no offset) and the index, maturity and tool version."""
        suite = _parse(junit_xml(assessment)).find("testsuite")
        assert suite is not None
        assert suite.get("timestamp") == GENERATED_AT.replace(tzinfo=None).isoformat()
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props == {"readiness_index": "57.26", "maturity": "Developing", "confidence": "0.8125",
                         "tool_version": "0.1.0"}


class TestJUnitStatusMapping:
    @pytest.mark.parametrize(("cid", "outcome", "kind"), [
        ("XX-01", "pass", None), ("XX-02", "failure", "fail"), ("XX-03", "failure", "partial"),
        ("XX-04", "error", "unknown"), ("XX-05", "error", "error"), ("XX-06", "skipped", None),
        ("XX-07", "skipped", None), ("XX-08", "skipped", None),
    ])
    def test_each_status_maps_to_its_junit_outcome(self, one_of_each: Assessment, cid: str, outcome: str,
                                                   kind: str | None) -> None:
        """fail/partial -> failure, unknown/error -> error, n/a, accepted and manual -> skipped, pass -> plain."""
        cases = {c.get("name"): c for c in _parse(junit_xml(one_of_each)).iter("testcase")}
        case = cases[f"{cid} Title of {cid}"]
        assert _outcome(case) == outcome
        if kind is not None:
            assert case[0].get("type") == kind

    def test_skip_messages_say_why(self, one_of_each: Assessment) -> None:
        """Manual says it needs an answer; accepted names the owner, expiry and reason; n/a says so."""
        cases = {c.get("name", "")[:5]: c for c in _parse(junit_xml(one_of_each)).iter("testcase")}
        assert cases["XX-08"][0].get("message") == "needs an answer"
        assert cases["XX-07"][0].get("message") == "risk accepted by CISO until 2027-06-30: budget next year"
        assert cases["XX-06"][0].get("message") == "not applicable"

    def test_error_message_carries_the_reason(self, one_of_each: Assessment) -> None:
        """An unknown case tells CI why the assessor could not tell."""
        case = next(c for c in _parse(junit_xml(one_of_each)).iter("testcase") if c.get("name", "")[:5] == "XX-04")
        assert case[0].get("message") == "1 of 1 findings could not be determined: why XX-04"
        assert "why XX-04" in (case[0].text or "")

    def test_scopes_are_judged_separately(self, assessment: Assessment) -> None:
        """One control passing in one account and failing in another gives a pass case and a failure case."""
        t = assessment.controls[0]
        doc = junit_xml(_with_controls(assessment, [_control(t, "XX-01", Status.PARTIAL, [
            _finding("XX-01", Status.PASS, account="111111111111"),
            _finding("XX-01", Status.FAIL, account="222222222222", message="bad here"),
            _finding("XX-01", Status.UNKNOWN, account="333333333333", reason="AccessDenied"),
        ])]))
        outcomes = {c.get("classname"): _outcome(c) for c in _parse(doc).iter("testcase")}
        assert outcomes == {"aws:111111111111": "pass", "aws:222222222222": "failure",
                            "aws:333333333333": "error"}

    def test_accepted_control_still_passes_where_it_passes(self, assessment: Assessment) -> None:
        """Acceptance turns failing scopes into skips but leaves a passing scope a pass."""
        t = assessment.controls[0]
        doc = junit_xml(_with_controls(assessment, [_control(t, "XX-07", Status.ACCEPTED, [
            _finding("XX-07", Status.PASS, account="111111111111"),
            _finding("XX-07", Status.FAIL, account="222222222222"),
        ], ACCEPTANCE)]))
        outcomes = {c.get("classname"): _outcome(c) for c in _parse(doc).iter("testcase")}
        assert outcomes == {"aws:111111111111": "pass", "aws:222222222222": "skipped"}

    def test_a_huge_failure_lists_a_bounded_number_of_lines(self, assessment: Assessment) -> None:
        """Thousands of failing resources give MAX_LINES detail lines and a count of the rest."""
        t = assessment.controls[0]
        found = [_finding("XX-02", Status.FAIL, resource=f"vpc-{n:05d}") for n in range(MAX_LINES + 1234)]
        doc = junit_xml(_with_controls(assessment, [_control(t, "XX-02", Status.FAIL, found)]))
        failure = _parse(doc).find("./testsuite/testcase/failure")
        assert failure is not None
        lines = (failure.text or "").splitlines()
        assert len(lines) == MAX_LINES + 1 and lines[-1] == "... and 1234 more"
        assert failure.get("message", "").startswith(f"{MAX_LINES + 1234} of {MAX_LINES + 1234} findings fail")


class TestJUnitHostileStrings:
    def test_hostile_document_is_well_formed_and_free_of_invalid_characters(self, hostile: Assessment) -> None:
        """Markup, CDATA terminators, quotes and control characters never break the XML."""
        doc = junit_xml(hostile)
        root = _parse(doc)
        assert root.tag == "testsuites"
        assert not INVALID_XML_CHARS.search(doc)
        assert "<script>" not in doc and "]]>" not in doc

    def test_hostile_strings_survive_as_text(self, hostile: Assessment) -> None:
        """Parsed back, names and messages read exactly as given, minus the characters XML cannot hold."""
        root = _parse(junit_xml(hostile))
        names = {c.get("name") for c in root.iter("testcase")}
        assert f"LC-03 Flow logs {SCRIPT} \"q\" ]]> {RTL}" in names
        classnames = {c.get("classname") for c in root.iter("testcase")}
        assert f"aws:acct-{SCRIPT}]]>" in classnames
        suite = root.find("testsuite")
        assert suite is not None and suite.get("name") == f"ir-assessor: Org {SCRIPT}\n{RTL}"
        text = "".join(e.text or "" for e in root.iter("failure")) + "".join(
            e.get("message", "") for e in root.iter("failure"))
        assert LONG in text
        assert "ctlend" in text and "<![CDATA[x]]>" in text and "&amp; &#0; &#x1;" in text
        assert 'say "hi" & \'bye\'' in text

    def test_xml_text_keeps_every_valid_character(self) -> None:
        """Only characters outside XML 1.0 are dropped; tab, newline, BMP and astral characters stay."""
        keep = "a\tb\nc\rd \u00e9\u202e\ud7ff\ue000\ufffd\U0001f600"
        assert xml_text(keep) == keep
        assert xml_text(f"x{CONTROL_CHARS}\x0b\x0c\x1f\ufffe\uffff\udc80y") == "xy"

    def test_output_is_deterministic_and_order_independent(self, hostile: Assessment) -> None:
        """Renders are identical, even when controls and findings arrive shuffled."""
        rng = random.Random(7)
        controls = [c.model_copy(update={"findings": rng.sample(c.findings, len(c.findings))})
                    for c in hostile.controls]
        rng.shuffle(controls)
        shuffled = _with_controls(hostile, controls)
        assert junit_xml(hostile) == junit_xml(hostile) == junit_xml(shuffled)


# --------------------------------------------------------------------------- OCSF


def _validated(text: str) -> list[dict[str, Any]]:
    """Each event parsed with the package's ComplianceFinding model and dumped back unchanged: the model knows
    every key we emit and accepts every value."""
    events: list[dict[str, Any]] = json.loads(text)
    for event in events:
        model = ComplianceFinding.model_validate(event)
        assert json.loads(model.model_dump_json(exclude_none=True)) == event
    return events


class TestOcsfSchema:
    def test_every_event_of_the_real_example_validates(self, acme: Assessment) -> None:
        """One Compliance Finding per finding of the example pipeline, each valid for py-ocsf-models."""
        events = _validated(ocsf_findings(acme))
        assert len(events) == sum(len(c.findings) for c in acme.controls) > 100

    def test_hostile_events_validate_and_keep_strings_exactly(self, hostile: Assessment) -> None:
        """Hostile text is valid JSON, ASCII only, and reads back byte-for-byte."""
        text = ocsf_findings(hostile)
        text.encode("ascii")
        events = _validated(text)
        findings = sorted(f.message for c in hostile.controls for f in c.findings)
        assert sorted(e["message"] for e in events) == findings
        assert any(e.get("resources", [{}])[0].get("uid") == f"projects/_/buckets/{LONG}" for e in events)
        assert any(e["finding_info"]["title"] == f"LC-03 Flow logs {SCRIPT} \"q\" ]]> \x07{RTL}" for e in events)
        assert any(e.get("unmapped", {}).get("account_uid") == f"acct-{SCRIPT}]]>\x01" for e in events)

    def test_class_category_activity_and_type_uids(self, acme: Assessment) -> None:
        """category 2 Findings, class 2003 Compliance Finding, activity 1 Create, type 200301."""
        for e in json.loads(ocsf_findings(acme)):
            assert (e["category_uid"], e["category_name"]) == (2, "Findings")
            assert (e["class_uid"], e["class_name"]) == (2003, "Compliance Finding")
            assert (e["activity_id"], e["activity_name"]) == (1, "Create")
            assert e["type_uid"] == e["class_uid"] * 100 + e["activity_id"] == 200301
            assert e["metadata"]["version"].startswith("1.")
            assert e["metadata"]["product"] == {"name": "ir-assessor", "vendor_name": "ir-assessor",
                                                "version": acme.tool_version}

    def test_the_validation_has_teeth(self, one_of_each: Assessment) -> None:
        """A missing required field fails the model; an unknown key fails the round trip."""
        from pydantic import ValidationError

        event = json.loads(ocsf_findings(one_of_each))[0]
        for required in ("finding_info", "compliance", "metadata", "time", "type_uid", "severity_id"):
            broken = {k: v for k, v in event.items() if k != required}
            with pytest.raises(ValidationError):
                ComplianceFinding.model_validate(broken)
        with pytest.raises(ValidationError):
            ComplianceFinding.model_validate({**event, "type_uid": 200399 + 1})
        with pytest.raises(AssertionError):
            _validated(json.dumps([{**event, "cloud_account": "x"}]))

    def test_an_empty_assessment_gives_an_empty_array(self, assessment: Assessment) -> None:
        """No findings, no events: still a JSON array."""
        assert json.loads(ocsf_findings(_with_controls(assessment, []))) == []


class TestOcsfMapping:
    @pytest.mark.parametrize(("cid", "compliance", "event", "code"), [
        ("XX-01", 1, 4, "pass"), ("XX-02", 3, 1, "fail"), ("XX-03", 3, 1, "partial"), ("XX-04", 2, 1, "unknown"),
        ("XX-05", 2, 1, "error"), ("XX-06", 99, 4, "not_applicable"), ("XX-08", 2, 1, "manual"),
        ("XX-07", 3, 3, "fail"),
    ])
    def test_status_mapping(self, one_of_each: Assessment, cid: str, compliance: int, event: int,
                            code: str) -> None:
        """Compliance status from the finding, event status from the workflow (accepted -> Suppressed)."""
        by_control = {e["compliance"]["control"]: e for e in _validated(ocsf_findings(one_of_each))}
        e = by_control[cid]
        assert e["compliance"]["status_id"] == compliance
        assert e["compliance"]["checks"][0]["status_id"] == compliance
        assert e["status_id"] == event
        assert e["status_code"] == code
        assert e["status"] == {1: "New", 3: "Suppressed", 4: "Resolved"}[event]

    def test_a_finding_accepted_by_itself_is_other_and_suppressed(self, assessment: Assessment) -> None:
        """A finding whose own status is accepted has no pass/fail truth: compliance Other, event Suppressed."""
        t = assessment.controls[0]
        doc = ocsf_findings(_with_controls(assessment, [
            _control(t, "XX-01", Status.ACCEPTED, [_finding("XX-01", Status.ACCEPTED, reason="accepted")],
                     ACCEPTANCE)]))
        (e,) = _validated(doc)
        assert (e["compliance"]["status_id"], e["status_id"], e["status_detail"]) == (99, 3, "accepted")
        assert e["compliance"]["checks"][0]["status"] == "accepted"

    def test_reason_goes_to_status_detail(self, one_of_each: Assessment) -> None:
        """The reason for an unknown result reaches the SIEM."""
        by_control = {e["compliance"]["control"]: e for e in json.loads(ocsf_findings(one_of_each))}
        assert by_control["XX-04"]["status_detail"] == "why XX-04"

    @pytest.mark.parametrize(("severity", "uid", "caption"),
                             [("critical", 5, "Critical"), ("high", 4, "High"), ("medium", 3, "Medium"),
                              ("low", 2, "Low")])
    def test_severity_mapping(self, assessment: Assessment, severity: str, uid: int, caption: str) -> None:
        """The control's severity becomes severity_id on the event and on the check."""
        t = assessment.controls[0].model_copy(update={"severity": severity})
        (e,) = _validated(ocsf_findings(_with_controls(assessment, [
            _control(t, "XX-02", Status.FAIL, [_finding("XX-02", Status.FAIL)])])))
        assert (e["severity_id"], e["severity"]) == (uid, caption)
        assert e["compliance"]["checks"][0]["severity_id"] == uid

    def test_compliance_names_the_control_domain_and_references(self, assessment: Assessment) -> None:
        """Control id, domain name, standards and requirements come from the catalogue data."""
        lc01 = next(e for e in json.loads(ocsf_findings(assessment)) if e["compliance"]["control"] == "LC-01")
        assert lc01["compliance"]["category"] == "Logging coverage"
        assert lc01["compliance"]["standards"] == ["aws-waf 2024-06-27", "cis-aws 7.0.0", "csa-ccm 4.0.13"]
        assert "cis-aws 7.0.0 4.1" in lc01["compliance"]["requirements"]
        assert lc01["remediation"]["desc"].startswith("Put in place")

    def test_resources_and_cloud_account(self, assessment: Assessment) -> None:
        """API findings name their resource, region and account; answers carry no resource."""
        events = json.loads(ocsf_findings(assessment))
        trail = next(e for e in events if e.get("resources", [{}])[0].get("uid", "").endswith("trail/org-trail"))
        assert trail["resources"][0]["region"] == "eu-west-1"
        assert trail["unmapped"]["provider"] == "aws" and trail["unmapped"]["account_uid"] == "111111111111"
        question = next(e for e in events if e["metadata"]["event_code"].startswith("question:"))
        assert "resources" not in question and "provider" not in question["unmapped"]


class TestOcsfTimesAndIds:
    def test_times_come_from_generated_at(self, acme: Assessment) -> None:
        """time, time_dt and created_time are the assessment time, in milliseconds and ISO form."""
        ms = int(ACME_AT.timestamp() * 1000)
        for e in json.loads(ocsf_findings(acme)):
            assert e["time"] == e["finding_info"]["created_time"] == ms
            assert e["time_dt"] == e["finding_info"]["created_time_dt"] == "2026-11-01T12:00:00Z"

    def test_ids_are_unique_and_finding_ids_are_stable_across_runs(self, hostile: Assessment) -> None:
        """finding_info.uid is unique and survives a later run; metadata.uid changes per run."""
        first = ocsf_events(hostile)
        later = ocsf_events(hostile.model_copy(update={"generated_at": GENERATED_AT + timedelta(days=1)}))
        uids = [e["finding_info"]["uid"] for e in first]
        assert len(set(uids)) == len(uids)
        assert uids == [e["finding_info"]["uid"] for e in later]
        assert {e["metadata"]["uid"] for e in first}.isdisjoint({e["metadata"]["uid"] for e in later})
        assert len({e["metadata"]["correlation_uid"] for e in first}) == 1

    def test_output_is_deterministic_and_order_independent(self, hostile: Assessment) -> None:
        """Same assessment, same bytes, whatever order controls and findings arrive in."""
        rng = random.Random(11)
        controls = [c.model_copy(update={"findings": rng.sample(c.findings, len(c.findings))})
                    for c in hostile.controls]
        rng.shuffle(controls)
        assert ocsf_findings(hostile) == ocsf_findings(_with_controls(hostile, controls))


class TestOcsfNoSecrets:
    def test_identities_evidence_and_input_paths_stay_out(self, acme: Assessment, assessment: Assessment) -> None:
        """Collector identities, evidence payloads and input file paths never reach the SIEM feed."""
        for a in (acme, assessment):
            text = json.dumps(json.loads(ocsf_findings(a)))
            for scope in a.scopes:
                assert scope.identity is None or scope.identity not in text
            for digest in a.inputs:
                assert digest.path not in text and digest.sha256 not in text
        hand = ocsf_findings(assessment)
        assert "without_flow_logs" not in hand and "kms:CreateGrant" not in hand

    def test_an_identity_echoed_in_an_error_is_redacted(self, acme: Assessment) -> None:
        """The example's AccessDenied message names the role; the event says [collector identity] instead."""
        raw = [f.reason or "" for c in acme.controls for f in c.findings]
        assert any("assumed-role/IRAssessorReadOnly" in r for r in raw)
        details = [e.get("status_detail", "") for e in json.loads(ocsf_findings(acme))]
        assert any("User: [collector identity] is not authorized" in d for d in details)
        assert not any("assumed-role/IRAssessorReadOnly" in d for d in details)


# --------------------------------------------------------------------------- summary


@dataclass
class _Change:
    control_id: str


@dataclass
class _Diff:
    index_change: float | None
    regressions: list[_Change]
    new_failures: list[_Change]
    fixed: list[_Change]
    new_unknowns: list[_Change]


class TestSummary:
    def test_first_run_reports_headline_numbers_and_null_changes(self, acme: Assessment) -> None:
        """Without a previous run: index, maturity and counts; change fields null, not zero."""
        line = summary_json(acme, None)
        assert "\n" not in line
        data = json.loads(line)
        assert data["readiness_index"] == round(acme.readiness_index or 0, 2)
        assert data["maturity"] == acme.maturity
        assert data["findings"] == {s.value: acme.status_counts.get(s, 0) for s in Status}
        assert sum(data["controls"].values()) == len(acme.controls)
        assert data["controls"]["partial"] == sum(c.status == Status.PARTIAL for c in acme.controls)
        assert data["compared"] is False
        assert all(data[k] is None for k in ("index_change", "regressions", "new_failures", "fixed",
                                             "new_unknowns", "regressed_controls", "new_failure_controls"))
        assert data["outputs"] == {} and data["run_id"] is None

    def test_with_a_diff_reports_counts_and_control_ids(self, acme: Assessment) -> None:
        """Regressions and new failures are counted and named; the index change is rounded."""
        diff = _Diff(index_change=-3.14159, regressions=[_Change("LC-03"), _Change("DT-01")],
                     new_failures=[_Change("LC-03")], fixed=[], new_unknowns=[_Change("DR-02")])
        data = json.loads(summary_json(acme, diff, {"junit": "out/junit.xml", "ocsf": "out/ocsf.json"}, run_id=42))
        assert data["run_id"] == 42
        assert data["compared"] is True
        assert (data["index_change"], data["regressions"], data["new_failures"], data["fixed"],
                data["new_unknowns"]) == (-3.14, 2, 1, 0, 1)
        assert data["regressed_controls"] == ["DT-01", "LC-03"]
        assert data["new_failure_controls"] == ["LC-03"]
        assert data["outputs"] == {"junit": "out/junit.xml", "ocsf": "out/ocsf.json"}

    def test_hostile_organisation_keeps_it_one_ascii_line(self, hostile: Assessment) -> None:
        """Newlines, NUL and RTL override in the organisation are escaped; the line still parses."""
        line = summary_json(hostile, None)
        line.encode("ascii")
        assert "\n" not in line and "\r" not in line
        assert json.loads(line)["organization"] == f"Org {SCRIPT}\n\x00{RTL}"

    def test_no_index_is_null(self, assessment: Assessment) -> None:
        """An assessment with nothing scored reports a null index, not 0."""
        data = json.loads(summary_json(assessment.model_copy(update={"readiness_index": None}), None))
        assert data["readiness_index"] is None

    def test_no_identity_or_input_path(self, acme: Assessment) -> None:
        """The one-liner names no collector identity and no input file."""
        line = summary_json(acme, None)
        assert all(s.identity is None or s.identity not in line for s in acme.scopes)
        assert all(d.path not in line for d in acme.inputs)
