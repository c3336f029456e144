"""AWS Config: the configuration recorder of each region and whether it is recording."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

RECORDER = "aws.config.recorder"
OPS = (
    Operation("config", "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders", (RECORDER,)),
    Operation("config", "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus",
              (RECORDER,)),
    # Only for building an id when the API returns no recorder ARN and no role ARN names the account.
    Operation("sts", "GetCallerIdentity", "sts:GetCallerIdentity", (RECORDER,)),
)


@sweep(service="config", scope="regional", types=(RECORDER,), operations=OPS)
def recorders(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    found = call("DescribeConfigurationRecorders").get("ConfigurationRecorders") or []
    if not found:
        return {RECORDER: []}
    statuses = {s.get("name"): s for s in
                call("DescribeConfigurationRecorderStatus").get("ConfigurationRecordersStatus") or []}
    account: str | None = None
    out = []
    for recorder in found:
        name = str(recorder.get("name"))
        group = recorder.get("recordingGroup") or {}
        status = statuses.get(name) or {}
        arn = recorder.get("arn")
        if not arn:
            account = account or _account_of(recorder.get("roleARN")) or call("GetCallerIdentity").get("Account")
            arn = f"arn:aws:config:{region}:{account}:configuration-recorder/{name}"
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


def _account_of(role_arn: Any) -> str | None:
    """The account id in a role ARN (a recorder's role lives in the recorder's own account)."""
    parts = str(role_arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None
