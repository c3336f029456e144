"""Data residency (DR): where data and its copies sit, and whether a guardrail keeps it there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    NON_REGIONS,
    POLICY_ASSIGNMENT,
    RESOURCE,
    STORAGE_ACCOUNT,
    arm,
    capped,
    is_evidence_store,
    ratio_result,
    subscription_scope,
)

ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
ALLOWED_RG_LOCATIONS = "e765b5de-1225-4ba3-bd56-1ac6695af988"  # resource groups only, not their resources
MANAGEMENT_GROUP_PREFIX = "/providers/microsoft.management/managementgroups/"


def _allowed(ctx: CheckContext) -> set[str]:
    return {j.upper() for j in ctx.profile.allowed_jurisdictions}


def _verdict(ctx: CheckContext, region: str) -> tuple[str | None, bool | None]:
    """(jurisdiction, allowed?) of a region; allowed is None when the jurisdiction is not known."""
    jurisdiction = ctx.jurisdiction_of(region)
    if jurisdiction is None:
        return None, None
    return jurisdiction, jurisdiction.upper() in _allowed(ctx)


@check(
    id="azure.resource.data_locations",
    title="Resources and their geo-replicas sit in allowed jurisdictions",
    control="DR-01", severity="high", provider="azure", needs=(RESOURCE,),
    remediation="Move or recreate resources found outside the allowed jurisdictions, choose storage "
    "replication whose paired region is also allowed (or LRS/ZRS), and add an Allowed locations policy so it "
    "does not recur.",
    refs=("csa-ccm-4.0.13:DSP-19", "csa-ccm-4.0.13:DSP-05", "nist-csf-2.0:ID.AM-07"),
)
def data_locations(ctx: CheckContext) -> Iterable[CheckResult]:
    """Logs and data held in another country fall under that country's law: seizing, copying or even
    reading them during an investigation may need a foreign legal process, and privacy law may forbid
    moving them back. Geo-redundant storage silently keeps a second copy in the paired region, which is
    easy to miss."""
    resources = ctx.resources(RESOURCE)
    counts = Counter(arm(r.get("region")) for r in resources)
    replicas: Counter[str] = Counter()
    for account in ctx.optional_resources(STORAGE_ACCOUNT) or []:
        replicas[arm(account.get("secondary_location"))] += 1
    regions = sorted((set(counts) | set(replicas)) - NON_REGIONS)
    if not regions:
        yield CheckResult.not_applicable("No regional resource in this subscription")
        return
    for region in regions:
        jurisdiction, allowed = _verdict(ctx, region)
        evidence = {"jurisdiction": jurisdiction, "resources": counts[region], "geo_replicas": replicas[region]}
        if allowed is None:
            yield CheckResult.unknown(f"The jurisdiction of region {region} is not known to the catalogue",
                                      region=region, evidence=evidence)
        elif allowed:
            yield CheckResult.passed(f"{region} is in an allowed jurisdiction ({jurisdiction})",
                                     region=region, evidence=evidence)
        else:
            yield CheckResult.failed(
                f"{region} ({jurisdiction}) is outside the allowed jurisdictions and holds "
                f"{counts[region]} resource(s) and {replicas[region]} geo-replica(s)",
                region=region, evidence=evidence)


def _definition(assignment: Mapping[str, Any]) -> str:
    return arm(assignment.get("policy_definition_id")).rsplit("/", 1)[-1]


def _covers_subscription(ctx: CheckContext, assignment: Mapping[str, Any]) -> bool:
    """Assigned at the subscription or above it, and the subscription is not excluded."""
    scope, sub = arm(assignment.get("scope")), subscription_scope(ctx)
    if scope != sub and not scope.startswith(MANAGEMENT_GROUP_PREFIX) and scope != "/":
        return False
    return sub not in {arm(n) for n in assignment.get("not_scopes") or []}


@check(
    id="azure.policy.allowed_locations",
    title="An enforced Allowed locations policy keeps new resources in allowed jurisdictions",
    control="DR-02", severity="medium", provider="azure", needs=(POLICY_ASSIGNMENT,),
    remediation="Assign the built-in 'Allowed locations' policy (e56962a6-4747-49cd-b67b-bf8b01975c4c) at the "
    "management group or subscription, enforcement mode Default, listing only regions in allowed "
    "jurisdictions (plus 'global').",
    refs=("csa-ccm-4.0.13:DSP-19", "nist-csf-2.0:GV.OC-03"),
)
def allowed_locations(ctx: CheckContext) -> Iterable[CheckResult]:
    """An inventory shows where data is today; only a guardrail stops tomorrow's deployment, or an
    attacker's staging resources, from landing in a region whose law the organisation has not accepted.
    Azure's built-in Allowed locations policy is that guardrail when it is enforced."""
    assignments = [a for a in ctx.resources(POLICY_ASSIGNMENT) if _definition(a) == ALLOWED_LOCATIONS]
    enforced = [a for a in assignments
                if _covers_subscription(ctx, a) and arm(a.get("enforcement_mode") or "default") == "default"]
    evidence: dict[str, Any] = {
        "assignments": capped(str(a.get("id")) for a in assignments),
        "audit_only": capped(str(a.get("id")) for a in assignments
                             if arm(a.get("enforcement_mode")) == "donotenforce"),
        "resource_group_only": capped(str(a.get("id")) for a in ctx.resources(POLICY_ASSIGNMENT)
                                      if _definition(a) == ALLOWED_RG_LOCATIONS),
    }
    if not enforced:
        yield CheckResult.failed("No enforced Allowed locations policy applies to the whole subscription",
                                 evidence=evidence)
        return
    # Every enforced assignment applies, so a location must be allowed by all of them.
    permitted: set[str] | None = None
    for assignment in enforced:
        value = (assignment.get("parameters") or {}).get("listOfAllowedLocations")
        if not isinstance(value, list):
            yield CheckResult.unknown(f"Allowed locations assignment {assignment.get('id')} has no readable "
                                      "listOfAllowedLocations value", evidence=evidence)
            return
        here = {arm(v).replace(" ", "") for v in value}
        permitted = here if permitted is None else permitted & here
    permitted = (permitted or set()) - NON_REGIONS
    verdicts = {region: _verdict(ctx, region) for region in sorted(permitted)}
    outside = sorted(f"{r} ({j})" for r, (j, ok) in verdicts.items() if ok is False)
    unknown = sorted(r for r, (_, ok) in verdicts.items() if ok is None)
    evidence["permitted_locations"] = capped(permitted)
    if outside:
        yield CheckResult.failed(f"The Allowed locations policy permits regions outside the allowed "
                                 f"jurisdictions: {', '.join(outside[:10])}", evidence=evidence)
    elif unknown:
        yield CheckResult.unknown(f"The jurisdiction of permitted location(s) {', '.join(unknown[:10])} is not "
                                  "known to the catalogue", evidence=evidence)
    else:
        yield CheckResult.passed("An enforced Allowed locations policy permits only allowed jurisdictions",
                                 evidence=evidence)


@check(
    id="azure.storage.evidence_in_jurisdiction",
    title="Evidence lockers and their replicas stay in allowed jurisdictions",
    control="DR-03", severity="medium", provider="azure", needs=(STORAGE_ACCOUNT,),
    remediation="Keep one evidence locker per allowed jurisdiction, with LRS/ZRS or a paired region in the "
    "same jurisdiction, and tag it purpose=evidence.",
    refs=("csa-ccm-4.0.13:DSP-10", "nist-csf-2.0:GV.OC-03"),
)
def evidence_in_jurisdiction(ctx: CheckContext) -> Iterable[CheckResult]:
    """Copying disks and logs out of their jurisdiction during an investigation can itself breach privacy
    law and make the evidence harder to use. Evidence lockers, including the geo-replicated copy Azure
    keeps, must sit where the organisation is allowed to hold the data."""
    lockers = [a for a in ctx.resources(STORAGE_ACCOUNT) if is_evidence_store(a)]
    if not lockers:
        yield CheckResult.not_applicable("No storage account is tagged as an evidence locker (see EV-05)")
        return
    ok: list[str] = []
    bad: list[str] = []
    undecided: list[str] = []
    for locker in lockers:
        places = {arm(locker.get("region")), arm(locker.get("secondary_location"))} - NON_REGIONS
        verdicts = {_verdict(ctx, p)[1] for p in places}
        if False in verdicts:
            bad.append(str(locker["id"]))
        elif None in verdicts or not places:
            undecided.append(str(locker["id"]))
        else:
            ok.append(str(locker["id"]))
    if undecided:
        yield CheckResult.unknown("The jurisdiction of some evidence lockers' regions is not known",
                                  evidence={"lockers": capped(undecided)})
    if ok or bad:
        yield ratio_result(
            ok, bad,
            passed="Every evidence locker stays in allowed jurisdictions ({total} checked)",
            failed="No evidence locker stays in allowed jurisdictions ({total} checked)",
            partial="{bad} of {total} evidence lockers keep data or replicas outside allowed jurisdictions",
        )
