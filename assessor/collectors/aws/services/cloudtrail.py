"""CloudTrail: trails (including shadow and organisation trails), their status and event selectors."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, SweepFailed, sweep

TRAIL = "aws.cloudtrail.trail"
OPS = (
    Operation("cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails", (TRAIL,)),
    Operation("cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus", (TRAIL,)),
    Operation("cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors", (TRAIL,)),
)
_READ_WRITE = {"All": "All", "ReadOnly": "ReadOnly", "WriteOnly": "WriteOnly"}


@sweep(service="cloudtrail", scope="regional", types=(TRAIL,), operations=OPS)
def trails(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = call("DescribeTrails", includeShadowTrails=True).get("trailList", [])
    out = []
    for trail in listed:
        # A shadow trail (a multi-region or organisation trail seen from another region) is reported once,
        # in its home region, where its status and selectors can be read.
        if trail.get("HomeRegion", region) != region:
            continue
        arn = trail["TrailARN"]
        status = call("GetTrailStatus", Name=arn)
        try:
            selectors = call("GetEventSelectors", TrailName=arn)
        except SweepFailed:
            raise
        management, data_events = _selectors(selectors)
        out.append({
            "id": arn, "name": trail.get("Name"), "region": region,
            "is_multi_region": bool(trail.get("IsMultiRegionTrail")),
            "is_organization_trail": bool(trail.get("IsOrganizationTrail")),
            "is_logging": bool(status.get("IsLogging")),
            "log_file_validation": bool(trail.get("LogFileValidationEnabled")),
            "kms_key_id": trail.get("KmsKeyId"),
            "s3_bucket": trail.get("S3BucketName"),
            "s3_key_prefix": trail.get("S3KeyPrefix"),
            "cloudwatch_log_group_arn": trail.get("CloudWatchLogsLogGroupArn"),
            "include_global_events": bool(trail.get("IncludeGlobalServiceEvents")),
            "management_events": management,
            "data_events": data_events,
        })
    return {TRAIL: out}


def _selectors(response: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Management read/write mode and data-event resource types, from basic or advanced selectors."""
    kinds: set[str] = set()
    data: set[str] = set()
    for selector in response.get("EventSelectors") or []:
        if selector.get("IncludeManagementEvents", True):
            kinds.add(_READ_WRITE.get(selector.get("ReadWriteType", "All"), "All"))
        for resource in selector.get("DataResources") or []:
            data.add(str(resource.get("Type")))
    for selector in response.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        category = (fields.get("eventCategory") or {}).get("Equals") or []
        read_only = (fields.get("readOnly") or {}).get("Equals") or []
        if "Management" in category:
            kinds.add("All" if not read_only else ("ReadOnly" if read_only == ["true"] else "WriteOnly"))
        if "Data" in category:
            data.update((fields.get("resources.type") or {}).get("Equals") or [])
    if not kinds:
        return None, sorted(data)
    if "All" in kinds or {"ReadOnly", "WriteOnly"} <= kinds:
        return "All", sorted(data)
    return kinds.pop(), sorted(data)
