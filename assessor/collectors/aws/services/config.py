"""AWS Config: the configuration recorder of each region and whether it is recording."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

RECORDER = "aws.config.recorder"
OPS = (
    Operation("config", "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders", (RECORDER,)),
    Operation("config", "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus",
              (RECORDER,)),
)


@sweep(service="config", scope="regional", types=(RECORDER,), operations=OPS)
def recorders(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    found = call("DescribeConfigurationRecorders").get("ConfigurationRecorders") or []
    if not found:
        return {RECORDER: []}
    statuses = {s.get("name"): s for s in
                call("DescribeConfigurationRecorderStatus").get("ConfigurationRecordersStatus") or []}
    out = []
    for recorder in found:
        name = str(recorder.get("name"))
        group = recorder.get("recordingGroup") or {}
        status = statuses.get(name) or {}
        arn = recorder.get("arn")
        if not arn:
            arn = f"arn:aws:config:{region}:{call.account_id}:configuration-recorder/{name}"
        out.append({
            "id": arn, "name": name, "region": region,
            "recording": bool(status.get("recording")),
            "last_status": status.get("lastStatus"),
            "all_supported": bool(group.get("allSupported")),
            "include_global_resource_types": bool(group.get("includeGlobalResourceTypes")),
            "resource_types": sorted(group.get("resourceTypes") or []),
            "role_arn": recorder.get("roleARN"),
        })
    return {RECORDER: out}

