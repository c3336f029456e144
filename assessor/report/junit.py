"""JUnit XML for CI systems: one test case per control and scope.

A scope is the cloud account a finding came from (classname `provider:account`). Findings from the answers file
use the classname `questionnaire`; findings that belong to no account (the placeholder scoring adds when nothing
covers a control) and controls without any finding use `assessment`.

The outcome of a test case is the aggregate of that scope's findings, computed the way scoring aggregates a control:

- fail, partial          -> <failure>
- unknown, error         -> <error> (the assessor could not tell: visibility lost or a check crashed)
- not_applicable         -> <skipped>
- accepted               -> <skipped> with the acceptance (the control is risk-accepted and not passing here)
- manual                 -> <skipped message="needs an answer">
- pass                   -> a plain test case

Every string comes from cloud accounts or the answers file, so it is treated as hostile: characters XML 1.0 cannot
carry are removed and the rest is escaped by the serialiser. The output depends only on the assessment.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from assessor.models import Assessment, ControlResult, Finding, Status
from assessor.scoring import aggregate_status

QUESTIONNAIRE = "questionnaire"
NO_SCOPE = "assessment"
SUITE_NAME = "ir-assessor"
MAX_LINES = 50  # detail lines per test case; a 5,000-resource failure stays readable in a CI page

# Everything outside XML 1.0's Char production: C0 controls other than tab/newline/return, lone surrogates,
# U+FFFE and U+FFFF.
_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_FAILURE = frozenset({Status.FAIL, Status.PARTIAL})
_ERROR = frozenset({Status.UNKNOWN, Status.ERROR})


def xml_text(value: str) -> str:
    """`value` without the characters an XML 1.0 document cannot contain."""
    return _INVALID_XML.sub("", value)


@dataclass(frozen=True)
class _Case:
    classname: str
    control: ControlResult
    status: Status
    findings: tuple[Finding, ...]


def _classname(f: Finding) -> str:
    if f.provider is None:
        return QUESTIONNAIRE if f.check_id.startswith("question:") else NO_SCOPE
    return f"{f.provider}:{f.account_id}" if f.account_id else f.provider


def _finding_order(f: Finding) -> tuple[str, ...]:
    return (f.region or "", f.resource_id or "", f.check_id, f.status.value, f.message, f.reason or "")


def _cases(control: ControlResult) -> list[_Case]:
    groups: dict[str, list[Finding]] = {}
    for f in control.findings:
        groups.setdefault(_classname(f), []).append(f)
    if not groups:
        return [_Case(NO_SCOPE, control, control.status, ())]
    cases = []
    for classname in sorted(groups):
        found = tuple(sorted(groups[classname], key=_finding_order))
        status = aggregate_status(f.status for f in found)
        if control.status == Status.NOT_APPLICABLE:
            status = Status.NOT_APPLICABLE  # the service models in use exclude the control everywhere
        elif control.status == Status.ACCEPTED and status not in (Status.PASS, Status.NOT_APPLICABLE):
            status = Status.ACCEPTED
        cases.append(_Case(classname, control, status, found))
    return cases


def _line(f: Finding) -> str:
    where = " ".join(part for part in (f.region, f.resource_id) if part)
    text = f"[{f.status.value}] {f.check_id}"
    if where:
        text += f" {where}"
    text += f": {f.message}"
    if f.reason:
        text += f" (reason: {f.reason})"
    return text


def _details(findings: Iterable[Finding], wanted: frozenset[Status]) -> str:
    chosen = [f for f in findings if f.status in wanted]
    lines = [_line(f) for f in chosen[:MAX_LINES]]
    if len(chosen) > MAX_LINES:
        lines.append(f"... and {len(chosen) - MAX_LINES} more")
    return "\n".join(lines)


def _count_message(findings: tuple[Finding, ...], wanted: frozenset[Status], verb: str) -> str:
    hits = [f for f in findings if f.status in wanted]
    if not hits:
        return verb
    first = (hits[0].reason or hits[0].message) if wanted == _ERROR else hits[0].message
    return f"{len(hits)} of {len(findings)} findings {verb}: {first}"


def _add_outcome(element: ET.Element, kind: str, case: _Case, wanted: frozenset[Status], verb: str) -> str:
    """A <failure> or <error> child: a count message, the control's status as type, the findings as text."""
    child = ET.SubElement(element, kind, {
        "message": xml_text(_count_message(case.findings, wanted, verb)),
        "type": case.status.value,
    })
    child.text = xml_text(_details(case.findings, wanted))
    return kind


def _testcase(case: _Case) -> tuple[ET.Element, str | None]:
    """The element and its outcome kind: failure, error, skipped or None for a pass."""
    control = case.control
    element = ET.Element("testcase", {
        "classname": xml_text(case.classname),
        "name": xml_text(f"{control.control_id} {control.title}"),
        "time": "0",
    })
    kind: str | None
    if case.status in _FAILURE:
        kind = _add_outcome(element, "failure", case, _FAILURE, "fail")
    elif case.status in _ERROR:
        kind = _add_outcome(element, "error", case, _ERROR, "could not be determined")
    elif case.status == Status.MANUAL:
        kind = "skipped"
        ET.SubElement(element, "skipped", {"message": "needs an answer"})
    elif case.status == Status.ACCEPTED:
        kind = "skipped"
        acceptance = control.accepted
        message = "risk accepted"
        if acceptance is not None:
            message += f" by {acceptance.owner} until {acceptance.expires.isoformat()}: {acceptance.reason}"
        ET.SubElement(element, "skipped", {"message": xml_text(message)})
    elif case.status == Status.NOT_APPLICABLE:
        kind = "skipped"
        ET.SubElement(element, "skipped", {"message": "not applicable"})
    else:
        kind = None
    return element, kind


def junit_xml(assessment: Assessment) -> str:
    """The assessment as a JUnit XML document (UTF-8 text with its declaration)."""
    cases = [case for control in sorted(assessment.controls, key=lambda c: c.control_id)
             for case in _cases(control)]
    counts = {"failure": 0, "error": 0, "skipped": 0}
    elements = []
    for case in cases:
        element, kind = _testcase(case)
        elements.append(element)
        if kind is not None:
            counts[kind] += 1
    totals = {
        "tests": str(len(cases)),
        "failures": str(counts["failure"]),
        "errors": str(counts["error"]),
        "skipped": str(counts["skipped"]),
        "time": "0",
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **totals})
    # JUnit's schema wants a local timestamp without an offset; generated_at is UTC.
    when = assessment.generated_at
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    stamp = when.replace(tzinfo=None, microsecond=0).isoformat()
    suite = ET.SubElement(root, "testsuite", {
        "name": xml_text(f"{SUITE_NAME}: {assessment.organization}"),
        "timestamp": stamp,
        "hostname": "ir-assessor",
        **totals,
    })
    properties = ET.SubElement(suite, "properties")
    index = assessment.readiness_index
    for name, value in (
        ("readiness_index", "" if index is None else f"{index:.2f}"),
        ("maturity", assessment.maturity),
        ("confidence", f"{assessment.confidence:.4f}"),
        ("tool_version", assessment.tool_version),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": xml_text(value)})
    suite.extend(elements)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
