"""OCSF 1.x Compliance Findings (class 2003) for Security Lake and SIEM ingestion, one per finding.

Each event is built with the py-ocsf-models pydantic models, so it has the shape that package ships; the OCSF
schema version in `metadata.version` is the one the package declares.

Fixed values: category_uid 2 (Findings), class_uid 2003 (Compliance Finding), activity_id 1 (Create) and
type_uid 200301 (class_uid * 100 + activity_id): every run reports its findings afresh.

Status mapping. The assessor's status is kept verbatim in `status_code`; the reason for an unknown, error or
accepted result goes to `status_detail`.

=============== ================================== ======================= =====================================
assessor        compliance.status_id               event status_id         why
=============== ================================== ======================= =====================================
pass            1 Pass                             4 Resolved              nothing to do (as Security Hub does)
fail            3 Fail                             1 New                   needs action
partial         3 Fail                             1 New                   some resources or regions fail
unknown         2 Warning                          1 New                   no result: data was missing
error           2 Warning                          1 New                   no result: the check crashed
manual          2 Warning                          1 New                   no result: the question is unanswered
not_applicable  99 Other ("not_applicable")        4 Resolved              nothing to do
accepted        99 Other ("accepted")              3 Suppressed            risk accepted by the organisation
=============== ================================== ======================= =====================================

A finding under a risk-accepted control keeps its own compliance status (a failing resource is still failing)
but its event status becomes 3 Suppressed, unless it passed or does not apply.

Severity: the control's severity, critical 5, high 4, medium 3, low 2.

Times: `time`, `time_dt` and `finding_info.created_time(_dt)` are the assessment's `generated_at`, so two
renders of one assessment are identical. `finding_info.uid` is stable across runs for the same check, control,
account, region and resource (so a SIEM can follow one finding over time); `metadata.uid` is unique per run;
`metadata.correlation_uid` is shared by every event of one run.

Nothing secret is emitted: no evidence payloads, no answer notes, no input paths, and no collector identity --
an identity the cloud echoed into an error message ("User: arn:...:assumed-role/... is not authorized") is
replaced by `[collector identity]` in messages and reasons. The cloud account and provider go to `unmapped`, as
this package's Compliance Finding has no `cloud` object.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.category_uid import CategoryUID
from py_ocsf_models.events.findings.class_uid import ClassUID
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.compliance_finding_type_id import ComplianceFindingTypeID
from py_ocsf_models.events.findings.severity_id import SeverityID
from py_ocsf_models.events.findings.status_id import StatusID
from py_ocsf_models.objects.check import Check
from py_ocsf_models.objects.compliance import Compliance
from py_ocsf_models.objects.compliance_status import StatusID as ComplianceStatusID
from py_ocsf_models.objects.finding_info import FindingInformation
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.remediation import Remediation
from py_ocsf_models.objects.resource_details import ResourceDetails

from assessor.models import Assessment, ControlResult, Finding, Status

PRODUCT = "ir-assessor"
CATEGORY_NAME = "Findings"
CLASS_NAME = "Compliance Finding"
ACTIVITY_NAME = "Create"
TYPE_NAME = f"{CLASS_NAME}: {ACTIVITY_NAME}"
FINDING_TYPE = "Incident response readiness"

COMPLIANCE_STATUS: dict[Status, ComplianceStatusID] = {
    Status.PASS: ComplianceStatusID.Pass,
    Status.FAIL: ComplianceStatusID.Fail,
    Status.PARTIAL: ComplianceStatusID.Fail,
    Status.UNKNOWN: ComplianceStatusID.Warning,
    Status.ERROR: ComplianceStatusID.Warning,
    Status.MANUAL: ComplianceStatusID.Warning,
    Status.NOT_APPLICABLE: ComplianceStatusID.Other,
    Status.ACCEPTED: ComplianceStatusID.Other,
}
EVENT_STATUS: dict[Status, StatusID] = {
    Status.PASS: StatusID.Resolved,
    Status.FAIL: StatusID.New,
    Status.PARTIAL: StatusID.New,
    Status.UNKNOWN: StatusID.New,
    Status.ERROR: StatusID.New,
    Status.MANUAL: StatusID.New,
    Status.NOT_APPLICABLE: StatusID.Resolved,
    Status.ACCEPTED: StatusID.Suppressed,
}
SEVERITY: dict[str, SeverityID] = {
    "critical": SeverityID.Critical,
    "high": SeverityID.High,
    "medium": SeverityID.Medium,
    "low": SeverityID.Low,
}
_COMPLIANCE_CAPTION = {ComplianceStatusID.Pass: "Pass", ComplianceStatusID.Fail: "Fail",
                       ComplianceStatusID.Warning: "Warning"}
_EVENT_CAPTION = {StatusID.New: "New", StatusID.Resolved: "Resolved", StatusID.Suppressed: "Suppressed"}


REDACTED_IDENTITY = "[collector identity]"


def _redact(text: str | None, identities: tuple[str, ...]) -> str | None:
    if text is None:
        return None
    for identity in identities:
        text = text.replace(identity, REDACTED_IDENTITY)
    return text


def _digest(*parts: str) -> str:
    # NUL separates the parts so ("a", "bc") and ("ab", "c") differ.
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _epoch_ms(when: datetime) -> int:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # the models store UTC; a naive value is read as UTC
    return int(when.timestamp() * 1000)


def _event_status(control: ControlResult, f: Finding) -> StatusID:
    if control.status == Status.ACCEPTED and f.status not in (Status.PASS, Status.NOT_APPLICABLE):
        return StatusID.Suppressed
    return EVENT_STATUS[f.status]


def _finding_key(f: Finding) -> tuple[str, ...]:
    return (f.check_id, f.control_id, f.provider or "", f.account_id or "", f.region or "", f.resource_id or "")


def _order(f: Finding) -> tuple[str, ...]:
    return (*_finding_key(f), f.status.value, f.message, f.reason or "")


def _event(assessment: Assessment, control: ControlResult, f: Finding, finding_uid: str, run_uid: str,
           domain_names: dict[str, str], identities: tuple[str, ...]) -> dict[str, Any]:
    when = assessment.generated_at
    ms = _epoch_ms(when)
    severity = SEVERITY[control.severity]
    compliance_status = COMPLIANCE_STATUS[f.status]
    event_status = _event_status(control, f)
    message = _redact(f.message, identities)
    standards = sorted({f"{r.framework} {r.version}" for r in control.references})
    requirements = sorted({f"{r.framework} {r.version} {r.id}" for r in control.references})
    resources = None
    if f.provider is not None:
        resources = [ResourceDetails(
            uid=f.resource_id or f.account_id or f.provider,
            name=f.resource_id,
            type=None if f.resource_id else "account",
            region=f.region,
        )]
    unmapped: dict[str, Any] = {"control_status": control.status.value}
    if f.provider is not None:
        unmapped["provider"] = f.provider
    if f.account_id is not None:
        unmapped["account_uid"] = f.account_id
    if f.coverage is not None:
        unmapped["coverage"] = f.coverage
    event = ComplianceFinding(
        activity_id=ActivityID.Create,
        activity_name=ACTIVITY_NAME,
        category_uid=CategoryUID.Findings.value,
        category_name=CATEGORY_NAME,
        class_uid=ClassUID.ComplianceFinding.value,
        class_name=CLASS_NAME,
        type_uid=ComplianceFindingTypeID.Create,
        type_name=TYPE_NAME,
        time=ms,
        time_dt=when,
        timezone_offset=0,
        severity_id=severity,
        severity=severity.name,
        status_id=event_status,
        status=_EVENT_CAPTION[event_status],
        status_code=f.status.value,
        status_detail=_redact(f.reason, identities),
        message=message,
        metadata=Metadata(
            uid=_digest(finding_uid, run_uid),
            correlation_uid=run_uid,
            event_code=f.check_id,
            product=Product(name=PRODUCT, vendor_name=PRODUCT, version=assessment.tool_version),
        ),
        finding_info=FindingInformation(
            uid=finding_uid,
            title=f"{control.control_id} {control.title}",
            desc=message,
            created_time=ms,
            created_time_dt=when,
            types=[FINDING_TYPE],
        ),
        compliance=Compliance(
            control=control.control_id,
            desc=control.title,
            category=domain_names.get(control.domain, control.domain),
            standards=standards or None,
            requirements=requirements or None,
            status_id=compliance_status,
            checks=[Check(
                uid=f.check_id,
                name=f.check_id,
                severity=severity.name,
                severity_id=severity,
                status=_COMPLIANCE_CAPTION.get(compliance_status, f.status.value),
                status_id=compliance_status,
            )],
        ),
        remediation=Remediation(desc=control.remediation),
        resources=resources,
        unmapped=unmapped,
    )
    dumped: dict[str, Any] = event.model_dump(mode="json", exclude_none=True)
    return dumped


def ocsf_events(assessment: Assessment) -> list[dict[str, Any]]:
    """One OCSF Compliance Finding (as JSON-ready dicts) per finding, in a stable order."""
    run_uid = _digest(PRODUCT, assessment.generated_at.isoformat(),
                      *sorted(f"{i.kind}:{i.sha256}" for i in assessment.inputs))
    domain_names = {d.domain: d.name for d in assessment.domains}
    # Longest first, so an identity containing another is replaced whole; very short ones would mangle words.
    identities = tuple(sorted({s.identity for s in assessment.scopes if s.identity and len(s.identity) >= 8},
                              key=lambda i: (-len(i), i)))
    seen: dict[str, int] = {}
    events = []
    for control in sorted(assessment.controls, key=lambda c: c.control_id):
        for f in sorted(control.findings, key=_order):
            base = _digest(*_finding_key(f))
            # Two findings with one key (e.g. two results of a question) still get distinct, stable uids.
            n = seen.get(base, 0)
            seen[base] = n + 1
            finding_uid = f"{PRODUCT}:{base}" + (f":{n}" if n else "")
            events.append(_event(assessment, control, f, finding_uid, run_uid, domain_names, identities))
    return events


def ocsf_findings(assessment: Assessment) -> str:
    """The findings as a JSON array of OCSF Compliance Findings, one event per line, ASCII only."""
    lines = [json.dumps(event, ensure_ascii=True, separators=(",", ":")) for event in ocsf_events(assessment)]
    if not lines:
        return "[]\n"
    return "[\n" + ",\n".join(lines) + "\n]\n"
