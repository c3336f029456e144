"""Helpers shared by the AWS checks: region-aware reading, share-of-resources verdicts, evidence lists.

Private to the built-in AWS checks (the plugin loader scans this module too and finds no check in it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, Unavailable

Record = dict[str, Any]

EVIDENCE_CAP = 50  # a report row stays readable, and the count says how many were left out
TEXT_CAP = 200  # customer text (names, tag values) can be any length; evidence keeps the start


RULE_TYPE = "aws.events.rule"
AGGREGATOR_TYPE = "aws.securityhub.finding_aggregator"


def ids(values: Iterable[str]) -> list[str]:
    """Sorted, de-duplicated, capped list for evidence (pair it with a count)."""
    return sorted(set(values))[:EVIDENCE_CAP]


def short(text: object) -> str:
    """Customer text cut to TEXT_CAP characters for evidence (the snapshot keeps the full value)."""
    value = str(text)
    return value if len(value) <= TEXT_CAP else value[:TEXT_CAP] + "\u2026"


def display_name(record: Record) -> str:
    """What people call a resource: its Name tag, else its name, else its id (shortened)."""
    tags = record.get("tags") or {}
    return short(tags.get("Name") or record.get("name") or record.get("id"))


def listing(key: str, values: Collection[str]) -> dict[str, Any]:
    """Evidence entries `key` (capped, sorted) and `key_count` (the real number)."""
    return {key: ids(values), f"{key}_count": len(set(values))}


def share(label: str, good: Collection[str], bad: Collection[str], *,
          evidence: Mapping[str, Any] | None = None, region: str | None = None) -> CheckResult:
    """Pass when all comply, fail when none does, partial (with the exact share) otherwise.

    `label` names what is counted, e.g. "VPCs with a flow log capturing all traffic";
    the message reads "<label>: 2 of 3". Callers make sure at least one item is judged.
    """
    total = len(good) + len(bad)
    if total == 0:
        raise ValueError("share() needs at least one judged item")
    message = f"{label}: {len(good)} of {total}"
    details = {**listing("compliant", good), **listing("noncompliant", bad), **(evidence or {})}
    if not bad:
        return CheckResult.passed(message, region=region, evidence=details)
    if not good:
        return CheckResult.failed(message, region=region, evidence=details)
    return CheckResult.partial(message, coverage=len(good) / total, region=region, evidence=details)


@dataclass(frozen=True)
class Regional:
    """Records of several types restricted to the regions where all of them could be read."""

    records: dict[str, list[Record]]
    regions: list[str]  # swept regions readable for every type, in snapshot order
    unknown: list[CheckResult]  # one per region some type could not be read in

    def of(self, type_name: str, region: str | None = None) -> list[Record]:
        items = self.records[type_name]
        return items if region is None else [r for r in items if r.get("region") == region]


def read_regional(ctx: CheckContext, *type_names: str) -> Regional:
    """Read types region by region: a failed region becomes one `unknown`, the rest is judged.

    An error recorded without a region (or a type never collected) still makes the whole
    check unknown, through the `Unavailable` that `resources_by_region` raises.
    """
    failed: dict[str, str] = {}
    found: dict[str, list[Record]] = {}
    for type_name in type_names:
        items, bad = ctx.resources_by_region(type_name)
        found[type_name] = items
        for region, reason in bad.items():
            failed.setdefault(region, reason)
    records = {t: [r for r in items if r.get("region") not in failed] for t, items in found.items()}
    regions = [r for r in ctx.regions if r not in failed]
    unknown = [CheckResult.unknown(reason, region=region) for region, reason in sorted(failed.items())]
    return Regional(records, regions, unknown)


def mentions(record: Record, words: Iterable[str], fields: Iterable[str] = ("name", "description")) -> bool:
    """True when a record's name/description fields or any tag key or value contains one of `words`."""
    parts = [str(record.get(f) or "") for f in fields]
    parts += [f"{k} {v}" for k, v in (record.get("tags") or {}).items()]
    text = " ".join(parts).lower()
    return any(word in text for word in words)


def logging_trails(trails: Iterable[Record]) -> list[Record]:
    """Trails that are delivering right now; a stopped trail protects nothing."""
    return [t for t in trails if t.get("is_logging") is True]


def strip_log_group_arn(arn: str) -> str:
    """Log-group ARNs appear with and without the trailing ':*'; compare them without it."""
    return arn[:-2] if arn.endswith(":*") else arn


def object_locked(bucket: Record) -> bool:
    """Object Lock on with a default retention, so every new object is write-once without further action."""
    return bucket.get("object_lock_enabled") is True and bucket.get("object_lock_mode") in ("GOVERNANCE",
                                                                                            "COMPLIANCE")


def aggregator_covers(aggregator: Record, region: str) -> bool:
    """Whether a Security Hub finding aggregator copies findings of `region` into its own region."""
    if region == aggregator.get("region"):
        return True
    mode = aggregator.get("region_linking_mode")
    listed = region in (aggregator.get("regions") or [])
    return (mode == "ALL_REGIONS" or (mode == "ALL_REGIONS_EXCEPT_SPECIFIED" and not listed)
            or (mode == "SPECIFIED_REGIONS" and listed))


def rule_forwards(rule: Record, sources: frozenset[str]) -> bool:
    """An enabled EventBridge rule with a target, matching events from any of `sources`."""
    return (rule.get("state") == "ENABLED" and bool(rule.get("targets"))
            and bool(sources.intersection(rule.get("sources") or [])))


@dataclass(frozen=True)
class Reach:
    """How each region's findings reach a qualifying EventBridge rule."""

    direct: list[str]
    via: list[str]  # through a Security Hub aggregator whose region has a qualifying rule
    unseen: list[CheckResult]  # aggregated into a region whose rules were not read: unknown, never judged
    bad: list[str]


def regions_reached(data: Regional, ctx: CheckContext, sources: frozenset[str],
                    qualifies: Callable[[Record, frozenset[str]], bool]) -> Reach:
    """Regions whose findings reach a qualifying rule: directly, via a Security Hub aggregator, or not at all.

    A region also counts when its Security Hub findings are aggregated into a region whose rule qualifies
    for Security Hub findings. When that region's rules were not read (outside the swept regions, or its
    read failed), the region is unknown: its findings may well be exported there.
    """
    hub_only = frozenset({"aws.securityhub"})
    try:
        aggregators = ctx.resources(AGGREGATOR_TYPE)
        unreadable = None
    except Unavailable as missing:
        aggregators, unreadable = [], missing.reason
    readable = set(data.regions)
    reach = Reach([], [], [], [])
    for region in data.regions:
        covering = [a for a in aggregators if aggregator_covers(a, region)]
        if any(qualifies(r, sources) for r in data.of(RULE_TYPE, region)):
            reach.direct.append(region)
        elif unreadable is not None:
            # Without the aggregator, a region with no rule of its own may still be covered through one.
            reach.unseen.append(CheckResult.unknown(
                f"No rule in {region} itself; whether a Security Hub aggregator covers it is unknown: {unreadable}",
                region=region))
        elif any(any(qualifies(r, hub_only) for r in data.of(RULE_TYPE, str(a.get("region")))) for a in covering):
            reach.via.append(region)
        elif homes := sorted({str(a.get("region")) for a in covering} - readable):
            reach.unseen.append(CheckResult.unknown(
                f"Security Hub findings of {region} are aggregated into {', '.join(homes)}, whose EventBridge "
                "rules were not read (add that region to --regions, or restore the read there)", region=region))
        else:
            reach.bad.append(region)
    return reach
