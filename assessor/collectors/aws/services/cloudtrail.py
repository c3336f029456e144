"""CloudTrail: trails (including shadow and organisation trails), their status and event selectors."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

TRAIL = "aws.cloudtrail.trail"
OPS = (
    Operation("cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails", (TRAIL,)),
    # TrailNotFoundException: deleted after DescribeTrails listed it; it is skipped.
    Operation("cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus", (TRAIL,),
              benign_errors=("TrailNotFoundException",)),
    Operation("cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors", (TRAIL,),
              benign_errors=("TrailNotFoundException",)),
)
_READ_WRITE = ("All", "ReadOnly", "WriteOnly")
# Advanced-selector fields the record can express; a selector narrowed by any other field (eventName,
# userIdentity.arn, ...) or by an ARN exclusion records only part of what its type suggests.
_UNDERSTOOD_FIELDS = frozenset({"eventCategory", "resources.type", "readOnly", "resources.ARN"})
_ARN_INCLUSIONS = ("Equals", "StartsWith")


@sweep(service="cloudtrail", scope="regional", types=(TRAIL,), operations=OPS)
def trails(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = call("DescribeTrails", includeShadowTrails=True).get("trailList", [])
    out = []
    for trail in listed:
        # A shadow trail (a multi-region or organisation trail seen from another region) is reported once:
        # by its home region, or, when the home region is not swept, by the first swept region, so a trail
        # homed outside --regions still counts.
        home = trail.get("HomeRegion", region)
        if home != region and (home in call.swept_regions or region != min(call.swept_regions)):
            continue
        arn = trail["TrailARN"]
        reader = call if home == region else call.elsewhere(home)  # status and selectors answer at home
        status: dict[str, Any] | None
        selectors: dict[str, Any] | None
        if trail.get("IsOrganizationTrail"):
            # Seen from a member account, "not found" would not mean deleted: an unreadable organisation
            # trail must make the trails unknown rather than vanish.
            status, selectors = reader("GetTrailStatus", Name=arn), reader("GetEventSelectors", TrailName=arn)
        else:
            status = reader.benign("GetTrailStatus", Name=arn)
            selectors = reader.benign("GetEventSelectors", TrailName=arn)
        if status is None or selectors is None:
            continue  # deleted after DescribeTrails listed it
        management, data_events = _selectors(selectors)
        out.append({
            "id": arn, "name": trail.get("Name"), "region": home,
            "is_multi_region": bool(trail.get("IsMultiRegionTrail")),
            "is_organization_trail": bool(trail.get("IsOrganizationTrail")),
            "is_logging": bool(status.get("IsLogging")),
            "log_file_validation": bool(trail.get("LogFileValidationEnabled")),
            "kms_key_id": trail.get("KmsKeyId"),
            "s3_bucket": trail.get("S3BucketName"),
            "s3_key_prefix": trail.get("S3KeyPrefix") or None,
            "cloudwatch_log_group_arn": trail.get("CloudWatchLogsLogGroupArn"),
            "include_global_events": bool(trail.get("IncludeGlobalServiceEvents")),
            "management_events": management,
            "data_events": data_events,
        })
    return {TRAIL: out}


def _selectors(response: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """Management read/write mode and data-event selectors, from basic or advanced selectors."""
    kinds: set[str] = set()
    data: list[dict[str, Any]] = []
    for selector in response.get("EventSelectors") or []:
        read_write = selector.get("ReadWriteType") or "All"
        read_write = read_write if read_write in _READ_WRITE else "All"
        if selector.get("IncludeManagementEvents", True):
            kinds.add(read_write)
        for resource in selector.get("DataResources") or []:
            data.append(_data_event(str(resource.get("Type")), read_write, resource.get("Values") or []))
    for selector in response.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        category = (fields.get("eventCategory") or {}).get("Equals") or []
        read_write = _advanced_read_write((fields.get("readOnly") or {}).get("Equals") or [])
        if "Management" in category:
            kinds.add(read_write)
        if "Data" in category and _fully_understood(fields):
            arn = fields.get("resources.ARN") or {}
            prefixes = [str(p) for op in _ARN_INCLUSIONS for p in arn.get(op) or []]
            for type_name in (fields.get("resources.type") or {}).get("Equals") or []:
                data.append(_data_event(str(type_name), read_write, prefixes))
    data.sort(key=lambda d: (d["type"], d["read_write"], d["arn_prefixes"]))
    if not kinds:
        return None, data
    if "All" in kinds or {"ReadOnly", "WriteOnly"} <= kinds:
        return "All", data
    return kinds.pop(), data


def _advanced_read_write(values: list[str]) -> str:
    flags = {str(v).lower() for v in values}
    if flags == {"true"}:
        return "ReadOnly"
    if flags == {"false"}:
        return "WriteOnly"
    return "All"


def _fully_understood(fields: dict[Any, dict[str, Any]]) -> bool:
    """True when the selector is narrowed only in ways the record can say (type, read/write, ARN prefixes).

    Other selectors are left out: reporting them would claim coverage they do not give.
    """
    if set(fields) - _UNDERSTOOD_FIELDS:
        return False
    arn = fields.get("resources.ARN")
    return arn is None or not (set(k for k, v in arn.items() if v and k != "Field") - set(_ARN_INCLUSIONS))


def _data_event(type_name: str, read_write: str, values: list[Any]) -> dict[str, Any]:
    """One data-event selector; prefixes that name no resource (e.g. 'arn:aws:s3:::') mean every resource."""
    prefixes = sorted({str(v) for v in values})
    if any(_whole_service(p) for p in prefixes):
        prefixes = []
    return {"type": type_name, "read_write": read_write, "arn_prefixes": prefixes}


def _whole_service(prefix: str) -> bool:
    parts = prefix.split(":", 5)
    return len(parts) < 6 or parts[5] == ""
