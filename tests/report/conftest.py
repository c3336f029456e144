"""A realistic Assessment built by hand: every status, dark spots, improvements, unknowns with reasons,
collection errors, risk acceptances, and hostile strings in every field that comes from a cloud account
or an answers file. `make_assessment` scales it up for the size tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from assessor.models import (
    AnsweredQuestion,
    Assessment,
    Capability,
    CapabilityGap,
    Catalogue,
    CollectionError,
    Control,
    ControlResult,
    Counterpart,
    Domain,
    DomainScore,
    Finding,
    InputDigest,
    Profile,
    Question,
    Reference,
    RemediationItem,
    ResidencyEntry,
    Responsibility,
    ResponsibilityActivity,
    RiskAcceptance,
    Scope,
    ScoringRules,
    Status,
    Workload,
)
from assessor.scoring import account_postures

GENERATED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ORGANIZATION = "Northwind Health & Care"

SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "{{ 7*7 }}"
IMG_ONERROR = '<img src=x onerror="alert(1)">'
LINK_ATTACH = '<link rel="attachment" href="file:///etc/hostname">'
JS_URL = "javascript:alert(1)"
RTL = "invoice\u202egpj.exe"
LONG = "L" * 10_000
FORMULA = '=HYPERLINK("http://evil.example/x","click")'
HOSTILE = (SCRIPT, TEMPLATE, IMG_ONERROR, LINK_ATTACH, JS_URL, RTL, FORMULA, "+cmd|' /C calc'!A0", "@SUM(1)")

UNKNOWN_REASON = "AccessDenied on guardduty:ListDetectors in us-east-1 (permission needed: guardduty:ListDetectors)"
ERROR_REASON = "KeyError: 'IsMultiRegionTrail'"
DARK_SPOT_NAME = "Full packet capture"
SHA = "0123456789abcdef" * 4


def _ref(framework: str, version: str, ref_id: str) -> Reference:
    return Reference(framework=framework, version=version, id=ref_id)


def build_catalogue() -> Catalogue:
    """A small catalogue with the shape of the real one: every domain, a few controls per domain."""
    domains = [
        Domain(id="LC", name="Logging coverage", description="Audit, data-plane, flow and DNS logs exist.", weight=3),
        Domain(id="LI", name="Log integrity and retention", description="Logs survive and can be trusted.",
               weight=2),
        Domain(id="DR", name="Data residency and legal", description="Data and evidence stay in jurisdiction.",
               weight=1.5),
        Domain(id="SR", name="Shared responsibility and CSP support", description="The provider's part is known.",
               weight=1.5),
        Domain(id="EV", name="Evidence acquisition and chain of custody", description="Evidence can be taken.",
               weight=2),
        Domain(id="CT", name="Containment", description="Isolation is prepared.", weight=1.5),
        Domain(id="EL", name="Elasticity and ephemeral resources", description="Evidence outlives scale-in.",
               weight=1),
        Domain(id="IN", name="API availability and SIEM integration", description="Telemetry reaches the SIEM.",
               weight=1.5),
        Domain(id="DT", name="Detection services", description="Native detectors are on.", weight=2),
        Domain(id="PP", name="People, process and runbooks", description="Plans and people are ready.", weight=1),
    ]

    def control(cid: str, title: str, domain: str, severity: str, models: Sequence[str], capability: str | None,
                effort: str = "medium", questions: Sequence[str] = (), refs: Sequence[Reference] = ()) -> Control:
        return Control(
            id=cid, title=title, rationale=f"Responders need this: {title.lower()}.", domain=domain,
            severity=severity,
            service_models=list(models), capability=capability, effort=effort,
            remediation=f"Put in place: {title.lower()}.", references=list(refs), questions=list(questions),
            automatable=["aws", "azure", "gcp"],
        )

    controls = [
        control("LC-01", "Control-plane audit logging covers every region", "LC", "critical", ("iaas", "paas"),
                "admin_audit_log", "low",
                refs=(_ref("cis-aws", "7.0.0", "4.1"), _ref("csa-ccm", "4.0.13", "LOG-08"),
                      _ref("aws-waf", "2024-06-27", "SEC04-BP01"))),
        control("LC-03", "Network flow logs on every network", "LC", "high", ("iaas", "paas"), "netflow", "low",
                refs=(_ref("cis-aws", "5.0.0", "3.7"), _ref("nist-csf", "2.0", "DE.CM-01"))),
        control("LC-04", "DNS query logging", "LC", "medium", ("iaas", "paas"), "dns_logs"),
        control("LI-03", "Log stores are write-once", "LI", "high", ("iaas", "paas", "saas"), "evidence_locker",
                refs=(_ref("csa-ccm", "4.0.13", "LOG-09"),)),
        control("LI-04", "Log retention meets the policy", "LI", "medium", ("iaas", "paas", "saas"), None, "low"),
        control("DR-02", "Region guardrail restricts where data may live", "DR", "high", ("iaas", "paas"), None),
        control("SR-04", "Provider assurance reports reviewed", "SR", "medium", ("iaas", "paas", "saas"), None,
                "low", questions=("provider.soc2_reviewed",)),
        control("SR-05", "Contract covers notification, log access and forensic cooperation", "SR", "high",
                ("iaas", "paas", "saas"), None, "high", questions=("provider.contract_terms",)),
        control("EV-02", "Disk snapshot and cross-account copy pre-authorised", "EV", "high", ("iaas",),
                "disk_imaging"),
        control("EV-04", "Packet capture counterpart", "EV", "medium", ("iaas",), "full_packet_capture", "high"),
        control("CT-01", "Quarantine security group prepared", "CT", "high", ("iaas",), "quarantine_vlan", "low"),
        control("EL-02", "Pre-termination evidence hook", "EL", "medium", ("iaas",), None),
        control("IN-01", "Cloud telemetry reaches the enterprise SIEM", "IN", "high", ("iaas", "paas", "saas"),
                "siem"),
        control("DT-01", "Native threat detection on everywhere", "DT", "critical", ("iaas", "paas"),
                "managed_detection", "low"),
        control("PP-01", "Cloud-aware incident-response plan", "PP", "high", ("iaas", "paas", "saas"), None,
                questions=("process.ir_plan_cloud",)),
        control("PP-03", "Exercises include the provider", "PP", "low", ("iaas", "paas", "saas"), None,
                questions=("process.last_exercise",)),
    ]

    def capability(cid: str, name: str, aws: str, azure: str, gcp: str, iaas: str, paas: str, saas: str,
                   controls: Sequence[str], improvement: bool = False) -> Capability:
        return Capability(
            id=cid, name=name, description=name,
            counterparts={"aws": Counterpart(name=aws), "azure": Counterpart(name=azure),
                          "gcp": Counterpart(name=gcp)},
            ownership={"iaas": iaas, "paas": paas, "saas": saas},
            controls=list(controls), cloud_native_improvement=improvement,
        )

    capabilities = [
        capability("full_packet_capture", DARK_SPOT_NAME, "VPC Traffic Mirroring", "Network Watcher packet capture",
                   "Packet Mirroring", "customer", "none", "none", ["EV-04"]),
        capability("netflow", "NetFlow / IPFIX", "VPC Flow Logs", "VNet flow logs", "VPC Flow Logs",
                   "customer", "shared", "none", ["LC-03"]),
        capability("dns_logs", "DNS query logs", "Route 53 Resolver query logs", "DNS security policy logs",
                   "Cloud DNS logging", "customer", "shared", "none", ["LC-04"]),
        capability("admin_audit_log", "Administrative audit log", "CloudTrail", "Activity Log", "Admin Activity",
                   "shared", "shared", "provider", ["LC-01"], improvement=True),
        capability("siem", "SIEM", "Security Lake", "Microsoft Sentinel", "Google SecOps",
                   "customer", "customer", "customer", ["IN-01"]),
        capability("disk_imaging", "Disk imaging", "EBS snapshots", "Managed-disk snapshots", "PD snapshots",
                   "customer", "none", "none", ["EV-02"]),
        capability("evidence_locker", "Evidence locker", "S3 Object Lock", "Immutable blob", "Bucket Lock",
                   "customer", "customer", "customer", ["LI-03"], improvement=True),
        capability("quarantine_vlan", "Quarantine VLAN", "Quarantine security group", "Deny-all NSG",
                   "Isolation firewall tag", "customer", "shared", "provider", ["CT-01"]),
        capability("managed_detection", "Managed threat detection", "GuardDuty", "Defender for Cloud",
                   "Security Command Center", "customer", "shared", "provider", ["DT-01"], improvement=True),
    ]

    def split(iaas: str, paas: str, saas: str, note: str = "") -> dict[str, Responsibility]:
        return {"iaas": Responsibility(owner=iaas, note=note),
                "paas": Responsibility(owner=paas), "saas": Responsibility(owner=saas)}

    responsibilities = [
        ResponsibilityActivity(id="collect_logs", name="Collect and retain logs",
                               split=split("customer", "shared", "provider")),
        ResponsibilityActivity(id="image_disk", name="Image a disk",
                               split=split("customer", "provider", "provider")),
        ResponsibilityActivity(id="capture_memory", name="Capture volatile memory",
                               split=split("customer", "provider", "provider",
                                           "Pre-stage AVML or WinPmem")),
        ResponsibilityActivity(id="contain_host", name="Isolate a host or service",
                               split=split("customer", "shared", "provider")),
        ResponsibilityActivity(id="notify", name="Notify customers of a platform incident",
                               split=split("shared", "shared", "provider")),
    ]
    questions = [
        Question(id="provider.soc2_reviewed", text="When was the provider's SOC 2 Type II report last reviewed?",
                 kind="date", stale_after_days=365),
        Question(id="provider.contract_terms", text="Does the contract cover incident notification and log access?",
                 kind="boolean"),
        Question(id="process.ir_plan_cloud", text="Does the IR plan name the provider's escalation path?",
                 kind="boolean"),
        Question(id="process.last_exercise", text="When was the last exercise that included the provider?",
                 kind="date", stale_after_days=365),
    ]
    return Catalogue(
        domains=domains, controls=controls, capabilities=capabilities, responsibilities=responsibilities,
        questions=questions,
        scoring=ScoringRules(severity_weights={"critical": 4, "high": 3, "medium": 2, "low": 1},
                             effort_factors={"low": 1, "medium": 2, "high": 4},
                             maturity=[(0, "Initial"), (40, "Developing"), (60, "Defined"), (80, "Managed")]),
        jurisdictions={"aws": {"eu-west-1": "EU", "us-east-1": "US"}, "azure": {"westeurope": "EU"},
                       "gcp": {"europe-west1": "EU"}},
    )


def _f(control: str, status: Status, message: str, *, check: str = "", provider: str | None = "aws",
       account: str | None = "111111111111", region: str | None = "eu-west-1", resource: str | None = None,
       reason: str | None = None, evidence: dict[str, Any] | None = None, coverage: float | None = None) -> Finding:
    return Finding(
        check_id=check or f"{provider or 'question'}.{control.lower().replace('-', '_')}.check",
        control_id=control, provider=provider, account_id=account, region=region,
        resource_id=resource, status=status, message=message, reason=reason, evidence=evidence or {},
        coverage=coverage,
    )


def _findings(extra: Sequence[str]) -> dict[str, list[Finding]]:
    """Findings per control; `extra` strings are carried in resource ids, messages and evidence."""
    hostile = [*HOSTILE, *extra]
    out: dict[str, list[Finding]] = {
        "LC-01": [
            _f("LC-01", Status.PASS, "Trail org-trail logs all regions",
               resource="arn:aws:cloudtrail:eu-west-1:111111111111:trail/org-trail",
               evidence={"trails": ["org-trail"], "is_multi_region": True}),
            _f("LC-01", Status.FAIL, "No diagnostic setting exports the Activity Log", provider="azure",
               account="5f2c0c1e-0000-4000-8000-000000000001", region=None,
               evidence={"diagnostic_settings": []}),
            _f("LC-01", Status.ERROR, "The check crashed", provider="gcp", account="northwind-prod", region=None,
               reason=ERROR_REASON),
        ],
        "LC-03": [
            _f("LC-03", Status.PARTIAL, "3 of 5 VPCs have flow logs", coverage=0.6,
               evidence={"without_flow_logs": ["vpc-0a1", "vpc-0b2"], "note": SCRIPT}),
            _f("LC-03", Status.FAIL, f"VPC {SCRIPT} has no flow log", resource=f"vpc-{SCRIPT}",
               evidence={"name": SCRIPT, "tags": {"Name": TEMPLATE}}),
            _f("LC-03", Status.FAIL, f"VPC {TEMPLATE} has no flow log", resource=TEMPLATE, region="us-east-1",
               evidence={"name": TEMPLATE}),
            _f("LC-03", Status.PASS, "Subnet logs flows", provider="gcp", account="northwind-prod",
               region="europe-west1", resource="projects/northwind-prod/regions/europe-west1/subnetworks/app"),
            _f("LC-03", Status.FAIL, "VNet claims-vnet has no flow log", provider="azure",
               account="5f2c0c1e-0000-4000-8000-000000000001", region="westeurope", resource="claims-vnet"),
        ],
        "LC-04": [
            _f("LC-04", Status.UNKNOWN, "Could not read the data this check needs", region="us-east-1",
               reason="AccessDenied on route53resolver:ListResolverQueryLogConfigAssociations"),
            _f("LC-04", Status.PASS, "Resolver query logging is on", resource=f"rqlc-{RTL}"),
        ],
        "LI-03": [
            _f("LI-03", Status.PASS, "Bucket has Object Lock in compliance mode", region="eu-west-1",
               resource="arn:aws:s3:::northwind-log-archive", evidence={"object_lock": "COMPLIANCE"}),
            _f("LI-03", Status.FAIL, "Log bucket is not locked", provider="gcp", account="northwind-prod",
               region="europe-west1", resource=f"projects/_/buckets/{LONG}", evidence={"name": LONG}),
        ],
        "LI-04": [
            _f("LI-04", Status.FAIL, "Log group keeps 30 days; the policy needs 365",
               resource=f"/aws/lambda/{IMG_ONERROR}", evidence={"retention_days": 30, "group": IMG_ONERROR}),
            _f("LI-04", Status.PASS, "Workspace keeps 730 days", provider="azure",
               account="5f2c0c1e-0000-4000-8000-000000000001", region="westeurope", resource="law-central"),
        ],
        "DR-02": [
            _f("DR-02", Status.UNKNOWN, "Could not read the data this check needs", region=None,
               reason="organizations:ListPolicies was denied; run from the management account"),
        ],
        "SR-04": [
            _f("SR-04", Status.PASS, "Answered: 2026-03-14", check="question:provider.soc2_reviewed",
               provider=None, account=None, region=None, evidence={"answer": "2026-03-14"}),
        ],
        "SR-05": [
            _f("SR-05", Status.MANUAL, "Unanswered", check="question:provider.contract_terms", provider=None,
               account=None, region=None, reason="Unanswered in the answers file"),
        ],
        "EV-02": [
            _f("EV-02", Status.FAIL, "The IR role cannot create snapshots", resource=LINK_ATTACH,
               evidence={"role": LINK_ATTACH, "missing": ["ec2:CreateSnapshot", "kms:CreateGrant"]}),
        ],
        "EV-04": [
            _f("EV-04", Status.FAIL, "No traffic mirror session or target exists", region="eu-west-1"),
        ],
        "CT-01": [
            _f("CT-01", Status.FAIL, "No quarantine security group in eu-west-1", resource=JS_URL,
               evidence={"url": JS_URL}),
            _f("CT-01", Status.FAIL, FORMULA, region="us-east-1", resource=FORMULA),
        ],
        "EL-02": [
            _f("EL-02", Status.NOT_APPLICABLE, "No resources of the kind this check reads"),
        ],
        "IN-01": [
            _f("IN-01", Status.PASS, "Subscription filter forwards to the SIEM",
               resource="arn:aws:logs:eu-west-1:111111111111:log-group:org-trail"),
        ],
        "DT-01": [
            _f("DT-01", Status.UNKNOWN, "Could not read the data this check needs", region="us-east-1",
               reason=UNKNOWN_REASON),
            _f("DT-01", Status.PASS, "GuardDuty detector enabled", resource="detector-1"),
        ],
        "PP-01": [
            _f("PP-01", Status.FAIL, "Answered: no", check="question:process.ir_plan_cloud", provider=None,
               account=None, region=None, evidence={"answer": "no", "evidence": SCRIPT}),
        ],
        "PP-03": [
            _f("PP-03", Status.FAIL, "Answered: 2024-01-10 (stale)", check="question:process.last_exercise",
               provider=None, account=None, region=None),
        ],
    }
    for n, text in enumerate(hostile):
        out["LI-04"].append(_f("LI-04", Status.FAIL, f"Hostile message {n}: {text}", resource=text,
                               region=f"eu-west-1{'' if n else text}", evidence={"value": text, "n": n}))
    return out


STATUS_OF = {
    "LC-01": Status.PARTIAL, "LC-03": Status.PARTIAL, "LC-04": Status.PARTIAL, "LI-03": Status.PARTIAL,
    "LI-04": Status.PARTIAL, "DR-02": Status.UNKNOWN, "SR-04": Status.PASS, "SR-05": Status.MANUAL,
    "EV-02": Status.FAIL, "EV-04": Status.ACCEPTED, "CT-01": Status.FAIL, "EL-02": Status.NOT_APPLICABLE,
    "IN-01": Status.PASS, "DT-01": Status.PARTIAL, "PP-01": Status.FAIL, "PP-03": Status.FAIL,
}
SCORE_OF = {"LC-01": 0.5, "LC-03": 0.4, "LC-04": 1.0, "LI-03": 0.5, "LI-04": 0.996, "SR-04": 1.0, "EV-02": 0.0,
            "CT-01": 0.0, "IN-01": 1.0, "DT-01": 1.0, "PP-01": 0.0, "PP-03": 0.004}

ACCEPTANCE = RiskAcceptance(control="EV-04", reason=f"Packet capture budget approved for 2027 {SCRIPT}",
                            owner="CISO <ciso@northwind.example>", expires=date(2027, 6, 30))


def _controls(catalogue: Catalogue, findings: dict[str, list[Finding]]) -> list[ControlResult]:
    out = []
    for c in catalogue.controls:
        found = findings.get(c.id, [])
        status = STATUS_OF[c.id]
        out.append(ControlResult(
            control_id=c.id, title=c.title, domain=c.domain, severity=c.severity, rationale=c.rationale,
            remediation=c.remediation, effort=c.effort, service_models=c.service_models, capability=c.capability,
            references=c.references, checks=sorted({f.check_id for f in found if not f.check_id.startswith("q")}),
            questions=c.questions, status=status, score=SCORE_OF.get(c.id), findings=found,
            counts=dict(sorted(Counter(f.status for f in found).items())),
            accepted=ACCEPTANCE if status == Status.ACCEPTED else None,
        ))
    return sorted(out, key=lambda c: c.control_id)


GAP_STATES = {
    # capability: states for (claims-api azure paas, hr-suite gcp saas, patient-portal aws iaas, {{7*7}} gcp paas)
    "full_packet_capture": ("no_counterpart", "no_counterpart", "available_not_enabled", "no_counterpart"),
    "netflow": ("partial", "no_counterpart", "partial", "in_place"),
    "dns_logs": ("unknown", "no_counterpart", "partial", "in_place"),
    "admin_audit_log": ("available_not_enabled", "provider_owned", "in_place", "unknown"),
    "siem": ("in_place", "unknown", "in_place", "in_place"),
    "disk_imaging": ("no_counterpart", "no_counterpart", "available_not_enabled", "no_counterpart"),
    "evidence_locker": ("in_place", "in_place", "in_place", "available_not_enabled"),
    "quarantine_vlan": ("partial", "provider_owned", "available_not_enabled", "partial"),
    "managed_detection": ("in_place", "provider_owned", "partial", "in_place"),
}
ONPREM = ["full_packet_capture", "netflow", "dns_logs", "siem", "disk_imaging", "quarantine_vlan",
          "admin_audit_log"]
WORKLOADS = [
    Workload(name="claims-api", provider="azure", service_model="paas", data_classification="confidential",
             accounts=["5f2c0c1e-0000-4000-8000-000000000001"]),
    Workload(name="hr-suite", provider="gcp", service_model="saas", description=f"HR SaaS {IMG_ONERROR}"),
    Workload(name="patient-portal", provider="aws", service_model="iaas", data_classification="restricted",
             accounts=["111111111111"], description="Public portal on EC2"),
    Workload(name=f"{TEMPLATE} analytics", provider="gcp", service_model="paas", accounts=["northwind-prod"]),
]


def _gaps(catalogue: Catalogue) -> list[CapabilityGap]:
    gaps = []
    for cap in catalogue.capabilities:
        for workload, state in zip(sorted(WORKLOADS, key=lambda w: w.name), GAP_STATES[cap.id], strict=True):
            onprem = cap.id in ONPREM
            dark = onprem and state in ("available_not_enabled", "partial", "no_counterpart", "unknown",
                                        "provider_owned")
            gaps.append(CapabilityGap(
                capability=cap.id, name=cap.name, workload=workload.name, provider=workload.provider,
                service_model=workload.service_model, onprem=onprem,
                counterpart=cap.counterparts[workload.provider].name, state=state,
                controls=cap.controls, note="" if state == "in_place" else f"State: {state} {SCRIPT}",
                dark_spot=dark, improvement=state == "in_place" and (not onprem or cap.cloud_native_improvement),
            ))
    return gaps


def _scopes(n_accounts: int) -> list[Scope]:
    scopes = [
        Scope(provider="aws", account_id="111111111111", account_name=f"prod {SCRIPT}",
              regions=["eu-west-1", "us-east-1"], collected_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
              tool_version="0.1.0", identity="arn:aws:sts::111111111111:assumed-role/IRAssessorReadOnly/run",
              api_calls=412,
              errors=[
                  CollectionError(service="guardduty", operation="ListDetectors", region="us-east-1",
                                  code="AccessDenied", message=f"User is not authorized {TEMPLATE}",
                                  resource_types=["aws.guardduty.detector"], permission="guardduty:ListDetectors"),
                  CollectionError(service="securityhub", operation="GetEnabledStandards", region="eu-west-1",
                                  code="NotImplemented", message="Not implemented by the endpoint",
                                  resource_types=["aws.securityhub.standard"]),
              ]),
        Scope(provider="azure", account_id="5f2c0c1e-0000-4000-8000-000000000001", account_name="Claims",
              regions=["westeurope"], collected_at=datetime(2026, 11, 1, 8, 5, tzinfo=UTC), tool_version="0.1.0",
              identity="ir-assessor-reader (service principal)", api_calls=57, errors=[]),
        Scope(provider="gcp", account_id="northwind-prod", account_name=None, regions=["europe-west1"],
              collected_at=datetime(2026, 11, 1, 8, 9, tzinfo=UTC), tool_version="0.1.0",
              identity="assessor@northwind-sec.iam.gserviceaccount.com", api_calls=23,
              errors=[CollectionError(service="cloudasset", operation="SearchAllIamPolicies", code="Forbidden",
                                      message="403 caller lacks cloudasset.assets.searchAllIamPolicies",
                                      resource_types=["gcp.iam.policy"],
                                      permission="cloudasset.assets.searchAllIamPolicies")]),
    ]
    for n in range(n_accounts):
        scopes.append(Scope(
            provider="aws", account_id=f"2{n:011d}", account_name=f"member-{n}", regions=["eu-west-1"],
            collected_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC), tool_version="0.1.0",
            identity="arn:aws:sts::200000000000:assumed-role/IRAssessorReadOnly/run", api_calls=40,
            errors=[CollectionError(service="config", operation="DescribeConfigurationRecorders",
                                    region="eu-west-1", code="AccessDenied", message="denied")] if n % 3 == 0 else [],
        ))
    return sorted(scopes, key=lambda s: (s.provider, s.account_id))


def _remediation() -> list[RemediationItem]:
    rows = [
        ("CT-01", "Quarantine security group prepared", "high", "low", Status.FAIL, 3.0,
         "Create an empty, tagged quarantine security group in every VPC.", ["111111111111"]),
        ("PP-01", "Cloud-aware incident-response plan", "high", "medium", Status.FAIL, 3.0,
         "Add the provider's escalation path to the IR plan.", []),
        ("LC-03", "Network flow logs on every network", "high", "low", Status.PARTIAL, 1.8,
         "Enable VPC flow logs on vpc-0a1 and vpc-0b2.", ["111111111111", f"acct-{SCRIPT}"]),
        ("LC-01", "Control-plane audit logging covers every region", "critical", "low", Status.PARTIAL, 2.0,
         "Export the Azure Activity Log with a subscription diagnostic setting.",
         ["5f2c0c1e-0000-4000-8000-000000000001"]),
        ("EV-02", "Disk snapshot and cross-account copy pre-authorised", "high", "medium", Status.FAIL, 3.0,
         "Grant the IR role ec2:CreateSnapshot and kms:CreateGrant.", ["111111111111"]),
        ("DR-02", "Region guardrail restricts where data may live", "high", "medium", Status.UNKNOWN, 1.5,
         "Restore visibility, then re-assess: organizations:ListPolicies was denied", ["111111111111"]),
        ("SR-05", "Contract covers notification, log access and forensic cooperation", "high", "high",
         Status.MANUAL, 0.75, "Answer the questionnaire items provider.contract_terms", []),
    ]
    return [
        RemediationItem(rank=n, control_id=c, title=t, severity=s, effort=e, status=st, risk=r,
                        action=a, scopes=sc)
        for n, (c, t, s, e, st, r, a, sc) in enumerate(rows, start=1)
    ]


def _answers() -> list[AnsweredQuestion]:
    return [
        AnsweredQuestion(question_id="process.ir_plan_cloud", text="Does the IR plan name the provider's "
                         "escalation path?", kind="boolean", answer="no", status=Status.FAIL,
                         message="Answered no", note=f"Plan v3 predates the migration {TEMPLATE}",
                         evidence=f"https://wiki.northwind.example/ir-plan {SCRIPT}", controls=["PP-01"]),
        AnsweredQuestion(question_id="process.last_exercise", text="When was the last exercise that included the "
                         "provider?", kind="date", answer="2024-01-10", status=Status.FAIL,
                         message="Older than 365 days", controls=["PP-03"]),
        AnsweredQuestion(question_id="provider.contract_terms", text="Does the contract cover incident "
                         "notification and log access?", kind="boolean", answer=None, status=Status.MANUAL,
                         message="Unanswered", controls=["SR-05"]),
        AnsweredQuestion(question_id="provider.soc2_reviewed", text="When was the provider's SOC 2 Type II report "
                         "last reviewed?", kind="date", answer="2026-03-14", status=Status.PASS,
                         message="Reviewed within 365 days", evidence="GRC-1234", controls=["SR-04"]),
    ]


def make_assessment(catalogue: Catalogue, *, extra: Sequence[str] = (), bulk_findings: int = 0,
                    bulk_accounts: int = 0) -> Assessment:
    """The hand-built assessment; `bulk_findings` adds flow-log findings spread over the controls."""
    findings = _findings(extra)
    if bulk_findings:
        ids = sorted(findings)
        cycle = (Status.FAIL, Status.PASS, Status.PASS, Status.UNKNOWN, Status.PARTIAL)
        for n in range(bulk_findings):
            control = ids[n % len(ids)]
            status = cycle[n % len(cycle)]
            findings[control].append(Finding(
                check_id=f"aws.{control.lower().replace('-', '_')}.bulk", control_id=control, provider="aws",
                account_id=f"2{n % max(bulk_accounts, 1):011d}", region="eu-west-1",
                resource_id=f"arn:aws:ec2:eu-west-1:2{n % max(bulk_accounts, 1):011d}:vpc/vpc-{n:08x}",
                status=status, message=f"VPC vpc-{n:08x}: flow logs {'on' if status == Status.PASS else 'off'}",
                reason="AccessDenied on ec2:DescribeFlowLogs" if status == Status.UNKNOWN else None,
                evidence={"vpc": f"vpc-{n:08x}", "flow_logs": [], "tags": {"Name": f"app-{n}"}},
                coverage=0.5 if status == Status.PARTIAL else None,
            ))
    controls = _controls(catalogue, findings)
    all_findings = [f for c in controls for f in c.findings]
    profile = Profile(organization=ORGANIZATION, onprem_capabilities=ONPREM, workloads=WORKLOADS,
                      allowed_jurisdictions=["EU", "CH"], required_log_retention_days=365)
    return Assessment(
        tool_version="0.1.0",
        generated_at=GENERATED_AT,
        organization=ORGANIZATION,
        readiness_index=57.26,
        maturity="Developing",
        confidence=0.8125,
        scopes=_scopes(bulk_accounts),
        accounts=account_postures(controls, _scopes(bulk_accounts), catalogue),
        profile=profile,
        domains=[
            DomainScore(domain=d.id, name=d.name, score=score, weight=d.weight, controls_scored=scored,
                        controls_total=total, unknown=unknown)
            for d, (score, scored, total, unknown) in zip(catalogue.domains, [
                (0.62, 3, 3, 0), (0.78, 2, 2, 0), (None, 0, 1, 1), (1.0, 1, 2, 0), (0.0, 1, 2, 0),
                (0.0, 1, 1, 0), (None, 0, 1, 0), (1.0, 1, 1, 0), (0.996, 1, 1, 0), (0.004, 2, 2, 0),
            ], strict=True)
        ],
        controls=controls,
        gaps=_gaps(catalogue),
        remediation=_remediation(),
        residency=[
            ResidencyEntry(provider="aws", account_id="111111111111", region="eu-west-1", jurisdiction="EU",
                           allowed=True, resources=1834),
            ResidencyEntry(provider="aws", account_id="111111111111", region="us-east-1", jurisdiction="US",
                           allowed=False, resources=212),
            ResidencyEntry(provider="aws", account_id="111111111111", region=f"xx-{SCRIPT}-1", jurisdiction=None,
                           allowed=None, resources=3),
            ResidencyEntry(provider="azure", account_id="5f2c0c1e-0000-4000-8000-000000000001",
                           region="westeurope", jurisdiction="EU", allowed=True, resources=96),
            ResidencyEntry(provider="gcp", account_id="northwind-prod", region="europe-west1", jurisdiction="EU",
                           allowed=True, resources=41),
        ] + [
            ResidencyEntry(provider="aws", account_id=f"2{n:011d}", region="eu-west-1", jurisdiction="EU",
                           allowed=True, resources=100)
            for n in range(bulk_accounts)
        ],
        answers=_answers(),
        risk_acceptances=[ACCEPTANCE],
        inputs=[
            InputDigest(path="snapshots/aws-111111111111.json", kind="snapshot", sha256=SHA, size=1024),
            InputDigest(path="snapshots/azure-claims.json", kind="snapshot", sha256="1" * 64, size=2048),
            InputDigest(path="snapshots/gcp-northwind-prod.json", kind="snapshot", sha256="2" * 64, size=4096),
            InputDigest(path="answers.yaml", kind="answers", sha256="3" * 64, size=512),
        ],
        status_counts=dict(sorted(Counter(f.status for f in all_findings).items())),
    )


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return build_catalogue()


@pytest.fixture(scope="session")
def assessment(catalogue: Catalogue) -> Assessment:
    return make_assessment(catalogue)


@pytest.fixture(scope="session")
def assessment_factory(catalogue: Catalogue) -> Callable[..., Assessment]:
    def factory(**kwargs: Any) -> Assessment:
        return make_assessment(catalogue, **kwargs)

    return factory


def scored_assessment(catalogue: Catalogue, *, bulk_findings: int = 0) -> Assessment:
    """An Assessment made by the real scoring from synthetic findings: checks the renderer against what
    scoring actually produces, not only against this module's hand-built idea of it."""
    from assessor.models import Answer, Answers
    from assessor.scoring import ScoringInput, assess

    profile = Profile(organization=ORGANIZATION,
                      onprem_capabilities=[c.id for c in catalogue.capabilities[:12]],
                      workloads=[Workload(name="portal", provider="aws", service_model="iaas"),
                                 Workload(name=f"claims {SCRIPT}", provider="azure", service_model="paas"),
                                 Workload(name="mail", provider="gcp", service_model="saas")],
                      allowed_jurisdictions=["EU"], required_log_retention_days=365)
    answers = {q.id: Answer(value=True, note=TEMPLATE) for q in catalogue.questions if q.kind == "boolean"}
    cycle = (Status.PASS, Status.FAIL, Status.PARTIAL, Status.UNKNOWN, Status.NOT_APPLICABLE, Status.ERROR)
    automated = [c for c in catalogue.controls if c.automatable]
    findings: list[Finding] = []
    total = max(bulk_findings, 2 * len(automated))
    for n in range(total):
        control = automated[n % len(automated)]
        provider = control.automatable[n % len(control.automatable)]
        status = cycle[(n // len(automated)) % len(cycle)]
        findings.append(Finding(
            check_id=f"{provider}.{control.id.lower().replace('-', '_')}.synthetic", control_id=control.id,
            provider=provider, account_id=f"acct-{n % 50:03d}", region="eu-west-1",
            resource_id=f"res-{n:06d}-{HOSTILE[n % len(HOSTILE)]}", status=status,
            message=f"Synthetic result {n}", coverage=0.5 if status == Status.PARTIAL else None,
            reason="AccessDenied (permission needed: x:Read)" if status == Status.UNKNOWN else
            ("ValueError: boom" if status == Status.ERROR else None),
            evidence={"n": n, "name": HOSTILE[n % len(HOSTILE)]},
        ))
    checks: dict[str, list[str]] = {}
    for f in findings:
        checks.setdefault(f.control_id, [])
        if f.check_id not in checks[f.control_id]:
            checks[f.control_id].append(f.check_id)
    scopes = [Scope(provider=p, account_id=f"acct-{n:03d}", account_name=None, regions=["eu-west-1"],
                    collected_at=GENERATED_AT, tool_version="0.1.0", identity="reader", api_calls=10,
                    errors=[CollectionError(service="svc", operation="Read", code="AccessDenied",
                                            message=SCRIPT, permission="svc:Read")] if n == 0 else [])
              for n, p in enumerate(("aws", "azure", "gcp"))]
    return assess(ScoringInput(
        findings=findings, answers=Answers(profile=profile, answers=answers), catalogue=catalogue,
        checks_by_control=checks, scopes=scopes,
        residency=[ResidencyEntry(provider="aws", account_id="acct-000", region="eu-west-1", jurisdiction="EU",
                                  allowed=True, resources=total)],
        inputs=[InputDigest(path="answers.yaml", kind="answers", sha256=SHA, size=512)],
        generated_at=GENERATED_AT, tool_version="0.1.0",
    ))
