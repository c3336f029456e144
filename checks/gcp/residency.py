"""GCP data residency (DR): where data, logs and copies sit, and the guardrail that keeps them there."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, Unavailable, check

from ._common import EVIDENCE_CAP, hierarchy, region_of

# Locations that are not a single region: the jurisdictions their data may sit in. Regions come from
# the catalogue (ctx.jurisdiction_of); these are GCP's own multi- and predefined dual-region codes.
MULTI_REGION_JURISDICTIONS: dict[str, frozenset[str]] = {
    "eu": frozenset({"EU"}),
    "us": frozenset({"US"}),
    "eur4": frozenset({"EU"}),    # Netherlands + Finland
    "nam4": frozenset({"US"}),    # Iowa + South Carolina
    "asia1": frozenset({"JP"}),   # Tokyo + Osaka
}
# Organisation-policy value groups (`in:<group>-locations`) that are not a location themselves.
VALUE_GROUP_JURISDICTIONS: dict[str, frozenset[str]] = {
    "europe": frozenset({"EU", "UK", "CH"}),  # includes London and Zurich, outside the EU
}
UNPINNED = "global"  # Google chooses where the data lives

# Data-bearing resource types and how to read their locations.
DATA_TYPES = ("gcp.storage.bucket", "gcp.logging.bucket", "gcp.bigquery.dataset", "gcp.compute.instance",
              "gcp.compute.snapshot", "gcp.container.cluster")


def jurisdictions_of(ctx: CheckContext, location: str) -> frozenset[str] | None:
    """Jurisdictions a location's data may sit in, or None when unknown."""
    region = region_of(location) or ""
    known = ctx.jurisdiction_of(region)
    if known:
        return frozenset({known.upper()})
    return MULTI_REGION_JURISDICTIONS.get(region)


def _locations(record: dict[str, Any], type_name: str) -> list[str]:
    if type_name == "gcp.storage.bucket" and record.get("data_locations"):
        return [str(x).lower() for x in record["data_locations"]]
    if type_name == "gcp.compute.snapshot":
        return [str(x).lower() for x in record.get("storage_locations") or []]
    location = record.get("region") or region_of(record.get("location") or record.get("zone"))
    return [str(location).lower()] if location else []


@check(
    id="gcp.asset.data_locations",
    title="Data, logs and disk copies sit only in allowed jurisdictions",
    control="DR-01", severity="high", provider="gcp",
    needs=DATA_TYPES,
    remediation="Move or recreate resources outside the allowed jurisdictions in allowed regions, set "
                "the Cloud Logging default storage location for new log buckets, and pin snapshot "
                "storage locations; then enforce it with the gcp.resourceLocations organisation policy.",
    refs=("csa-ccm-4.0:DSP-19", "nist-csf-2.0:ID.AM-07"),
)
def data_locations(ctx: CheckContext) -> Iterable[CheckResult]:
    """Evidence that sits in a country whose law the organisation did not plan for can stall an
    investigation: a regulator, court or data-protection authority may have to be asked before it
    can be moved or shown. Each location holding buckets, log buckets, datasets, disks or snapshots
    is judged against the allowed jurisdictions; `global` log buckets are not pinned anywhere."""
    allowed = {j.upper() for j in ctx.profile.allowed_jurisdictions}
    held: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for type_name in DATA_TYPES:
        try:
            records = ctx.resources(type_name)
        except Unavailable as exc:
            yield CheckResult.unknown(f"{type_name} could not be read, so its locations are unknown: "
                                      f"{exc.reason}")
            continue
        for record in records:
            for location in _locations(record, type_name):
                held[location][type_name].append(str(record["id"]))
    for location in sorted(held):
        by_type = held[location]
        ids = sorted({i for v in by_type.values() for i in v})
        evidence: dict[str, Any] = {
            "location": location,
            "allowed_jurisdictions": sorted(allowed),
            "by_type": {t: len(v) for t, v in sorted(by_type.items())},
            "resources": ids[:EVIDENCE_CAP],
            "resources_count": len(ids),
        }
        if location == UNPINNED:
            yield CheckResult.failed(f"{len(ids)} resource(s) use location 'global', which is not pinned "
                                     "to any jurisdiction", region=location, evidence=evidence)
            continue
        found = jurisdictions_of(ctx, location)
        if found is None:
            yield CheckResult.unknown(f"The jurisdiction of location {location} is not known to the "
                                      "catalogue", region=location, evidence=evidence)
            continue
        evidence["jurisdictions"] = sorted(found)
        if found <= allowed:
            yield CheckResult.passed(f"{len(ids)} resource(s) in {location} ({', '.join(sorted(found))}), "
                                     "an allowed jurisdiction", region=location, evidence=evidence)
        else:
            outside = ", ".join(sorted(found - allowed))
            yield CheckResult.failed(f"{len(ids)} resource(s) in {location}, which places data in "
                                     f"{outside}, outside the allowed jurisdictions", region=location,
                                     evidence=evidence)


@check(
    id="gcp.orgpolicy.resource_locations",
    title="The gcp.resourceLocations policy restricts new resources to allowed jurisdictions",
    control="DR-02", severity="medium", provider="gcp",
    needs=("gcp.project", "gcp.orgpolicy.policy"),
    remediation="Set the constraints/gcp.resourceLocations organisation policy on the organisation to "
                "value groups inside the allowed jurisdictions (for the EU: in:eu-locations), without "
                "reset or allow-all overrides below it.",
    refs=("csa-ccm-4.0:DSP-19", "nist-csf-2.0:GV.OC-03"),
)
def resource_locations_policy(ctx: CheckContext) -> Iterable[CheckResult]:
    """An inventory says where data is today; only a guardrail stops tomorrow's bucket, disk copy or
    forensic snapshot from being created in the wrong country, for instance by a responder in a hurry.
    The policy is evaluated as GCP does: the nearest policy wins and merges with its parent's only when
    it inherits."""
    tree = hierarchy(ctx)
    policies = [p for p in tree.applicable(ctx.resources("gcp.orgpolicy.policy"))
                if str(p.get("constraint") or "").removeprefix("constraints/") == "gcp.resourceLocations"]
    if not policies:
        yield CheckResult.failed("No gcp.resourceLocations policy applies to this project: resources may "
                                 "be created in any location")
        return
    values: set[str] = set()
    chain: list[str] = []
    unrestricted = deny_all = False
    for policy in policies:  # nearest first
        chain.append(str(policy["id"]))
        if policy.get("reset") or policy.get("allow_all"):
            unrestricted = True
            break
        if policy.get("deny_all"):
            deny_all = True
            break
        values.update(str(v) for v in policy.get("allowed_values") or [])
        if not policy.get("inherit_from_parent"):
            break
    evidence: dict[str, Any] = {"policies": chain, "allowed_values": sorted(values)}
    if deny_all and not values:
        yield CheckResult.passed("The effective policy denies every location", resource=chain[0],
                                 evidence=evidence)
        return
    if unrestricted or not values:
        yield CheckResult.failed("The effective gcp.resourceLocations policy allows every location "
                                 "(reset, allow-all or only denied values)", resource=chain[0],
                                 evidence=evidence)
        return
    allowed = {j.upper() for j in ctx.profile.allowed_jurisdictions}
    outside: dict[str, list[str]] = {}
    unmapped: list[str] = []
    for value in sorted(values):
        found = _value_jurisdictions(ctx, value)
        if found is None:
            unmapped.append(value)
        elif not found <= allowed:
            outside[value] = sorted(found - allowed)
    evidence.update(outside_allowed=outside, unmapped_values=unmapped)
    if outside:
        yield CheckResult.failed("The location policy allows values outside the allowed jurisdictions: " +
                                 ", ".join(sorted(outside)), resource=chain[0], evidence=evidence)
    elif unmapped:
        yield CheckResult.unknown("The jurisdiction of policy value(s) " + ", ".join(unmapped) +
                                  " is not known", resource=chain[0], evidence=evidence)
    else:
        yield CheckResult.passed("New resources are restricted to " + ", ".join(sorted(values)),
                                 resource=chain[0], evidence=evidence)


def _value_jurisdictions(ctx: CheckContext, value: str) -> frozenset[str] | None:
    """`in:eu-locations`, `in:europe-west1-locations`, `europe-west1`, `is:us` -> jurisdictions."""
    name = value.strip().lower()
    for prefix in ("in:", "is:"):
        name = name.removeprefix(prefix)
    name = name.removesuffix("-locations")
    return VALUE_GROUP_JURISDICTIONS.get(name) or jurisdictions_of(ctx, name)
