"""GCP detection services (DT): Security Command Center tier, threat detectors and posture analytics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import Hierarchy, hierarchy

PAID_TIERS = frozenset({"PREMIUM", "ENTERPRISE", "ENTERPRISE_MC"})
ETD, VMTD, CTD = "event-threat-detection", "vm-threat-detection", "container-threat-detection"
SHA = "security-health-analytics"


def _scc_state(ctx: CheckContext, tree: Hierarchy) -> tuple[str | None, dict[str, str], list[str]]:
    """(tier, effective service states, record ids) from the nearest settings that hold each."""
    settings = tree.applicable(ctx.resources("gcp.scc.settings"))
    tier = next((str(s["tier"]) for s in settings if s.get("tier")), None)
    services: dict[str, str] = {}
    for record in reversed(settings):  # nearest level overrides
        services.update({k: str(v) for k, v in (record.get("services") or {}).items()})
    return tier, services, [str(s["id"]) for s in settings]


@check(
    id="gcp.scc.threat_detection",
    title="Security Command Center threat detectors are on",
    control="DT-01", severity="high", provider="gcp",
    needs=("gcp.project", "gcp.scc.settings", "gcp.container.cluster", "gcp.compute.instance"),
    remediation="Activate SCC Premium or Enterprise on the organisation and enable Event Threat Detection, "
                "VM Threat Detection and Container Threat Detection (gcloud scc manage services update).",
    refs=("nist-csf-2.0:DE.CM-01", "nist-csf-2.0:DE.CM-09", "csa-ccm-4.0:SEF-06"),
)
def threat_detection(ctx: CheckContext) -> Iterable[CheckResult]:
    """The on-prem IDS and EDR alert on attacks as they happen. In GCP that role falls to SCC's threat
    detectors, which read audit, DNS and flow logs, VM memory and container runtime; they exist only in
    the paid tiers and each must be on. VM and container detectors count only where VMs or GKE clusters
    run (when those could be read)."""
    tree = hierarchy(ctx)
    tier, services, records = _scc_state(ctx, tree)
    wanted = [ETD, VMTD, CTD]
    if ctx.optional_resources("gcp.container.cluster") == []:
        wanted.remove(CTD)
    if ctx.optional_resources("gcp.compute.instance") == []:
        wanted.remove(VMTD)
    enabled = [d for d in wanted if services.get(d) == "ENABLED"]
    evidence: dict[str, Any] = {"tier": tier, "settings": records,
                                "detectors": {d: services.get(d, "not reported") for d in wanted}}
    if tier not in PAID_TIERS:
        yield CheckResult.failed(f"SCC tier is {tier or 'not activated'}: threat detectors need Premium or "
                                 "Enterprise", evidence=evidence)
    elif len(enabled) == len(wanted):
        yield CheckResult.passed(f"SCC {tier} with {', '.join(wanted)} enabled", evidence=evidence)
    elif enabled:
        yield CheckResult.partial(f"SCC {tier}, but only {len(enabled)} of {len(wanted)} threat detectors are "
                                  "enabled", coverage=len(enabled) / len(wanted), evidence=evidence)
    else:
        yield CheckResult.failed(f"SCC {tier}, but no threat detector is enabled", evidence=evidence)


@check(
    id="gcp.scc.security_health_analytics",
    title="Security Health Analytics scans for misconfigurations",
    control="DT-03", severity="medium", provider="gcp",
    needs=("gcp.project", "gcp.scc.settings"),
    remediation="Activate Security Command Center on the organisation and enable Security Health Analytics "
                "(Premium adds the full detector set and compliance mapping).",
    refs=("nist-csf-2.0:ID.RA-01",),
)
def security_health_analytics(ctx: CheckContext) -> Iterable[CheckResult]:
    """Posture findings (a public bucket, a disabled log, an over-privileged key) are both early warnings
    and the list of doors an intruder may have used. Security Health Analytics produces them continuously
    for every project."""
    tree = hierarchy(ctx)
    tier, services, records = _scc_state(ctx, tree)
    state = services.get(SHA)
    evidence = {"tier": tier, "settings": records, "state": state or "not reported"}
    if state == "ENABLED":
        scope = "full detector set" if tier in PAID_TIERS else "Standard tier, a reduced detector set"
        yield CheckResult.passed(f"Security Health Analytics is enabled ({scope})", evidence=evidence)
    else:
        yield CheckResult.failed(f"Security Health Analytics is {state or 'not activated'}", evidence=evidence)
