"""Data residency (DR): where data-holding resources live, and whether a guardrail keeps them in place."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, Unavailable, check

from ._common import Record, display_name, ids, listing, share

BUCKET = "aws.s3.bucket"
LOG_GROUP = "aws.logs.log_group"
BACKUP_VAULT = "aws.backup.vault"
INSTANCE = "aws.ec2.instance"
EKS = "aws.eks.cluster"
POLICY = "aws.organizations.policy"
ACCOUNT = "aws.organizations.account"

# Types whose records hold customer data, logs or backups (the things a court or regulator asks about).
DATA_TYPES = (BUCKET, LOG_GROUP, BACKUP_VAULT, INSTANCE, EKS)


@check(
    id="aws.residency.data_regions",
    title="Data, logs and backups sit in allowed jurisdictions",
    control="DR-01",
    severity="high",
    provider="aws",
    needs=DATA_TYPES,
    remediation="Move or delete data-holding resources in regions outside the allowed jurisdictions, or record "
    "a legal assessment and risk acceptance for them; then add a region guardrail (DR-02).",
    refs=("csa-ccm-4.0:DSP-19", "csa-ccm-4.0:DSP-05", "nist-csf-2.0:ID.AM-07", "nistir-8006:legal"),
)
def data_regions(ctx: CheckContext) -> Iterator[CheckResult]:
    """Which country's law governs the evidence decides who may seize it, how fast it can be handed to an
    investigator and whether it may cross a border at all. Each region holding buckets, log groups, backup
    vaults, instances or clusters is placed in its jurisdiction; a region the catalogue cannot place is
    unknown, never assumed to be fine."""
    allowed = {j.upper() for j in ctx.profile.allowed_jurisdictions}
    by_region: dict[str, dict[str, list[str]]] = {}
    names: dict[str, list[str]] = {}
    unread: list[str] = []
    reasons: list[str] = []
    for type_name in DATA_TYPES:
        try:
            items, failed = ctx.resources_by_region(type_name)
        except Unavailable as exc:
            unread.append(type_name)
            reasons.append(exc.reason)
            continue
        for region, reason in sorted(failed.items()):
            unread.append(f"{type_name} in {region}")
            reasons.append(reason)
        for item in items:
            if item.get("region"):
                region = str(item["region"])
                by_region.setdefault(region, {}).setdefault(type_name, []).append(str(item["id"]))
                names.setdefault(region, []).append(display_name(item))
    for region, types in sorted(by_region.items()):
        count = sum(len(v) for v in types.values())
        jurisdiction = ctx.jurisdiction_of(region)
        evidence = {"jurisdiction": jurisdiction, "resources": count,
                    "by_type": {t: len(v) for t, v in sorted(types.items())},
                    **listing("resource_ids", [i for v in types.values() for i in v]),
                    "resource_names": ids(names[region])}
        if jurisdiction is None:
            yield CheckResult.unknown(f"{region} holds {count} data-holding resource(s) but the catalogue "
                                      "does not know its jurisdiction", region=region, evidence=evidence)
        elif jurisdiction.upper() in allowed:
            yield CheckResult.passed(f"{region} ({jurisdiction}) holds {count} data-holding resource(s) in an "
                                     "allowed jurisdiction", region=region, evidence=evidence)
        else:
            yield CheckResult.failed(f"{region} ({jurisdiction}) holds {count} data-holding resource(s) outside "
                                     f"the allowed jurisdictions ({', '.join(sorted(allowed))})",
                                     region=region, evidence=evidence)
    if unread:
        yield CheckResult.unknown(f"Could not inventory {', '.join(unread)}: {reasons[0]}",
                                  evidence={"not_inventoried": unread})
    elif not by_region:
        yield CheckResult.not_applicable("No data-holding resource found")


def _applies(policy: Record, scope: set[str]) -> bool:
    return any(t.get("type") == "ROOT" or t.get("id") in scope for t in policy.get("targets") or [])


@check(
    id="aws.organizations.region_guardrail",
    title="A service control policy keeps the account in allowed regions",
    control="DR-02",
    severity="high",
    provider="aws",
    needs=(POLICY, ACCOUNT),
    remediation="Attach an SCP to the root or the account's OU that denies actions when aws:RequestedRegion "
    "is outside the regions of the allowed jurisdictions (exempting global services).",
    refs=("csa-ccm-4.0:DSP-19", "nist-csf-2.0:GV.OC-03"),
)
def region_guardrail(ctx: CheckContext) -> Iterator[CheckResult]:
    """An inventory shows where data is today; a preventive guardrail keeps tomorrow's snapshot copy, test
    bucket or forensic instance from landing in another jurisdiction. Every region the guardrail still allows
    must lie in an allowed jurisdiction; several guardrails narrow each other."""
    policies = ctx.resources(POLICY)
    me = next((a for a in ctx.resources(ACCOUNT) if a.get("account_id") == ctx.account_id), None)
    scope = {ctx.account_id, *((me or {}).get("ancestor_ids") or [])}
    guardrails = [p for p in policies if p.get("region_allowlist") is not None]
    applicable = [p for p in guardrails if _applies(p, scope)]
    if not applicable:
        via_ou = [p["id"] for p in guardrails
                  if any(t.get("type") == "ORGANIZATIONAL_UNIT" for t in p.get("targets") or [])]
        if me is None and via_ou:
            yield CheckResult.unknown("The account is not in the organisation's account list, so whether the "
                                      "OU-attached region guardrails apply to it cannot be told",
                                      evidence=listing("ou_guardrails", via_ou))
        else:
            yield CheckResult.failed("No service control policy restricts the regions this account can use",
                                     evidence={"policies_seen": len(policies)})
        return
    open_regions = set.intersection(*(set(p["region_allowlist"]) for p in applicable))
    evidence = {**listing("policies", [p["id"] for p in applicable]), "regions_allowed": sorted(open_regions)}
    if not open_regions:
        yield CheckResult.passed("Region guardrails leave no region open", evidence=evidence)
        return
    allowed = {j.upper() for j in ctx.profile.allowed_jurisdictions}
    jurisdictions = {r: ctx.jurisdiction_of(r) for r in open_regions}
    good = [r for r, j in jurisdictions.items() if j is not None and j.upper() in allowed]
    outside = [r for r, j in jurisdictions.items() if j is not None and j.upper() not in allowed]
    unplaced = [r for r, j in jurisdictions.items() if j is None]
    yield share("Regions left open by the guardrail that lie in allowed jurisdictions", good, outside + unplaced,
                evidence={**evidence, "outside_jurisdictions": ids(outside), "unknown_jurisdiction": ids(unplaced)})
