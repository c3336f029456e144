"""The product's data contracts: snapshots in, findings and an assessment out.

Every model forbids unknown keys so a typo in an input file is reported, never ignored.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SNAPSHOT_FORMAT_VERSION = 1
ASSESSMENT_FORMAT_VERSION = 1

Provider = Literal["aws", "gcp", "azure"]
PROVIDERS: tuple[Provider, ...] = ("aws", "azure", "gcp")
ServiceModel = Literal["iaas", "paas", "saas"]
SERVICE_MODELS: tuple[ServiceModel, ...] = ("iaas", "paas", "saas")
Severity = Literal["critical", "high", "medium", "low"]
Effort = Literal["low", "medium", "high"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Status(StrEnum):
    """Outcome of a finding or a control. `unknown` is never scored as pass or fail."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    PARTIAL = "partial"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"
    MANUAL = "manual"
    ERROR = "error"
    ACCEPTED = "accepted"


# --------------------------------------------------------------------------- snapshots


class ApiCall(Strict):
    """One API operation the collector called, with how many times (pages count separately)."""

    service: str
    operation: str
    region: str | None = None
    count: int = 1


class CollectionError(Strict):
    """An API failure met while collecting. The listed resource types become `unknown`."""

    service: str
    operation: str
    region: str | None = None
    code: str = Field(description="AccessDenied, Throttling, NotImplemented, Timeout, RegionDisabled, ...")
    message: str = ""
    resource_types: list[str] = Field(
        default_factory=list, description="Resource types this failure leaves incomplete."
    )
    permission: str | None = Field(default=None, description="The permission that would have allowed it.")


class Snapshot(Strict):
    """Everything one collector read from one account, subscription or project."""

    format_version: int = Field(SNAPSHOT_FORMAT_VERSION, description="Snapshot format version.")
    provider: Provider
    account_id: str = Field(description="AWS account id, Azure subscription id or GCP project id.")
    account_name: str | None = None
    organization_id: str | None = None
    regions: list[str] = Field(default_factory=list, description="Regions or locations swept.")
    collected_at: datetime
    tool_version: str
    identity: str | None = Field(default=None, description="Principal used (never a secret).")
    api_calls: list[ApiCall] = Field(default_factory=list)
    errors: list[CollectionError] = Field(default_factory=list)
    resources: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict,
        description="Resources keyed by namespaced type, e.g. `aws.cloudtrail.trail`. A type that is "
        "absent was not collected; an empty list means collected and none exist.",
    )

    @field_validator("format_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != SNAPSHOT_FORMAT_VERSION:
            raise ValueError(
                f"unsupported snapshot format version {value}; this tool reads version "
                f"{SNAPSHOT_FORMAT_VERSION}"
            )
        return value


# --------------------------------------------------------------------------- catalogue


class Reference(Strict):
    framework: str = Field(description="e.g. aws-waf, csa-ccm, nist-csf, cis-aws, cis-azure, cis-gcp")
    version: str
    id: str


class Domain(Strict):
    id: str = Field(pattern=r"^[A-Z]{2}$")
    name: str
    description: str
    weight: float = Field(gt=0)


Ownership = Literal["customer", "shared", "provider", "none"]


class Counterpart(Strict):
    """The cloud counterpart of an on-prem capability for one provider."""

    name: str
    note: str = ""


class Capability(Strict):
    """An on-prem IR capability and what stands for it in each cloud and service model."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    counterparts: dict[Provider, Counterpart]
    ownership: dict[ServiceModel, Ownership] = Field(
        description="Who can exercise it under each service model; `none` means no counterpart."
    )
    controls: list[str] = Field(
        default_factory=list, description="Controls whose results show whether the counterpart is in place."
    )
    cloud_native_improvement: bool = Field(
        default=False,
        description="True when the cloud counterpart is usually stronger than the on-prem original.",
    )


class Responsibility(Strict):
    owner: Literal["customer", "shared", "provider"]
    note: str = ""


class ResponsibilityActivity(Strict):
    """One IR activity and who performs it under each service model."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    split: dict[ServiceModel, Responsibility]


AnswerKind = Literal["boolean", "date", "text", "choice", "integer"]


class Question(Strict):
    """A question only a person can answer; its answer is evidence for the listed controls."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
    text: str
    help: str = ""
    kind: AnswerKind
    choices: list[str] = Field(default_factory=list)
    pass_values: list[str] = Field(
        default_factory=list,
        description="For choice questions: the answers that satisfy the control (others fail it).",
    )
    partial_values: list[str] = Field(default_factory=list)
    min_value: int | None = Field(default=None, description="For integer questions: the passing minimum.")
    stale_after_days: int | None = Field(
        default=None, description="For date questions: an answer older than this fails (e.g. 365)."
    )
    service_models: list[ServiceModel] = Field(default_factory=lambda: list(SERVICE_MODELS))


class Control(Strict):
    id: str = Field(pattern=r"^[A-Z]{2}-\d{2}$")
    title: str
    rationale: str
    domain: str
    severity: Severity
    service_models: list[ServiceModel]
    capability: str | None = None
    effort: Effort = "medium"
    remediation: str
    references: list[Reference] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list, description="Question ids that attest this control.")
    automatable: list[Provider] = Field(
        default_factory=list, description="Providers whose APIs can show this control's state."
    )


class ScoringRules(Strict):
    severity_weights: dict[Severity, float]
    effort_factors: dict[Effort, float]
    maturity: list[tuple[float, str]] = Field(
        description="(lower bound of the index, label), ascending; the last bound met gives the label."
    )
    partial_credit: float = Field(0.5, ge=0, le=1)


class Catalogue(Strict):
    domains: list[Domain]
    controls: list[Control]
    capabilities: list[Capability]
    responsibilities: list[ResponsibilityActivity]
    questions: list[Question]
    scoring: ScoringRules
    jurisdictions: dict[Provider, dict[str, str]] = Field(
        default_factory=dict, description="Region name -> jurisdiction code (EU, US, UK, CH, ...)."
    )


# --------------------------------------------------------------------------- answers and profile


class Workload(Strict):
    name: str
    provider: Provider
    service_model: ServiceModel
    data_classification: Literal["public", "internal", "confidential", "restricted"] = "internal"
    accounts: list[str] = Field(
        default_factory=list, description="Account, subscription or project ids; empty means all of them."
    )
    description: str = ""


class RiskAcceptance(Strict):
    control: str
    reason: str
    owner: str
    expires: date


class Profile(Strict):
    organization: str
    onprem_capabilities: list[str] = Field(description="Capability ids the organisation has on-prem today.")
    workloads: list[Workload] = Field(min_length=1)
    allowed_jurisdictions: list[str] = Field(min_length=1)
    required_log_retention_days: int = Field(ge=1, le=36500)


AnswerValue = bool | int | date | str


class Answer(Strict):
    value: AnswerValue | None = None
    note: str = ""
    evidence: str = Field(default="", description="Where the proof lives (document, ticket, URL as text).")


class Answers(Strict):
    """The answers file: the organisation profile, attestations and risk acceptances."""

    version: Literal[1] = 1
    profile: Profile
    answers: dict[str, Answer] = Field(default_factory=dict)
    risk_acceptances: list[RiskAcceptance] = Field(default_factory=list)


# --------------------------------------------------------------------------- findings and assessment


class Finding(Strict):
    check_id: str = Field(description="Check id, or `question:<id>` for an attestation.")
    control_id: str
    provider: Provider | None = None
    account_id: str | None = None
    region: str | None = None
    resource_id: str | None = None
    status: Status
    message: str
    reason: str | None = Field(default=None, description="Why the result is unknown, error or accepted.")
    evidence: dict[str, Any] = Field(default_factory=dict)
    coverage: float | None = Field(
        default=None, ge=0, le=1, description="Share of resources or regions that comply, for partial."
    )


class ControlResult(Strict):
    control_id: str
    title: str
    domain: str
    severity: Severity
    rationale: str
    remediation: str
    effort: Effort
    service_models: list[ServiceModel]
    capability: str | None
    references: list[Reference]
    checks: list[str] = Field(description="Ids of the checks that ran for this control.")
    questions: list[str]
    status: Status
    score: float | None = Field(description="0..1 coverage; None when nothing could be scored.")
    findings: list[Finding]
    counts: dict[Status, int]
    accepted: RiskAcceptance | None = None


class DomainScore(Strict):
    domain: str
    name: str
    score: float | None
    weight: float
    controls_scored: int
    controls_total: int
    unknown: int


CapabilityState = Literal[
    "in_place", "available_not_enabled", "partial", "provider_owned", "no_counterpart", "unknown"
]


class CapabilityGap(Strict):
    capability: str
    name: str
    workload: str
    provider: Provider
    service_model: ServiceModel
    onprem: bool
    counterpart: str
    state: CapabilityState
    controls: list[str]
    note: str = ""
    dark_spot: bool
    improvement: bool


class RemediationItem(Strict):
    rank: int
    control_id: str
    title: str
    severity: Severity
    effort: Effort
    status: Status
    risk: float
    action: str
    scopes: list[str]


class ResidencyEntry(Strict):
    provider: Provider
    account_id: str
    region: str
    jurisdiction: str | None
    allowed: bool | None
    resources: int


class AnsweredQuestion(Strict):
    question_id: str
    text: str
    kind: AnswerKind
    answer: str | None = Field(description="The answer as text; None when unanswered.")
    status: Status
    message: str
    note: str = ""
    evidence: str = ""
    controls: list[str]


class InputDigest(Strict):
    path: str
    kind: Literal["snapshot", "answers"]
    sha256: str
    size: int = Field(ge=0, description="Bytes.")


class Scope(Strict):
    provider: Provider
    account_id: str
    account_name: str | None
    regions: list[str]
    collected_at: datetime
    tool_version: str
    identity: str | None
    api_calls: int
    errors: list[CollectionError]


class AccountPosture(Strict):
    """One account, subscription or project judged on its own API evidence (questionnaire answers excluded)."""

    provider: Provider
    account_id: str
    account_name: str | None
    readiness_index: float | None = Field(
        description="0-100, the readiness-index formula over this account's API findings only; None when none "
                    "of them could be scored."
    )
    counts: dict[Status, int] = Field(description="This account's findings by status.")
    in_scope: bool = Field(
        default=True, description="False when every finding is not_applicable: no workload reaches this account."
    )
    failing: list[str] = Field(description="Controls failing or partial in this account, worst first.")
    undetermined: list[str] = Field(description="Controls with unknown or error findings in this account.")
    errors: int = Field(description="Collection errors recorded for this account.")


class Assessment(Strict):
    format_version: int = ASSESSMENT_FORMAT_VERSION
    tool_version: str
    generated_at: datetime
    organization: str
    readiness_index: float | None
    maturity: str
    confidence: float = Field(description="Share of applicable controls with a determinate result.")
    scopes: list[Scope]
    accounts: list[AccountPosture] = Field(
        default_factory=list, description="Per-account posture, the organisation summary; worst first."
    )
    profile: Profile
    domains: list[DomainScore]
    controls: list[ControlResult]
    gaps: list[CapabilityGap]
    remediation: list[RemediationItem]
    residency: list[ResidencyEntry]
    answers: list[AnsweredQuestion]
    risk_acceptances: list[RiskAcceptance]
    inputs: list[InputDigest]
    status_counts: dict[Status, int]
