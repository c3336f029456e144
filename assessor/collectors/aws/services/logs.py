"""CloudWatch Logs: log groups with retention, encryption and subscription filters.

Cost: DescribeSubscriptionFilters has no account-wide form, so it is one call per log group;
accounts with thousands of groups spend most of this sweep there, under the client's adaptive retries.
"""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

LOG_GROUP = "aws.logs.log_group"
OPS = (
    Operation("logs", "DescribeLogGroups", "logs:DescribeLogGroups", (LOG_GROUP,)),
    # ResourceNotFoundException: the group was deleted after DescribeLogGroups listed it; it is skipped.
    Operation("logs", "DescribeSubscriptionFilters", "logs:DescribeSubscriptionFilters", (LOG_GROUP,),
              benign_errors=("ResourceNotFoundException",)),
)


@sweep(service="logs", scope="regional", types=(LOG_GROUP,), operations=OPS)
def log_groups(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out = []
    for page in call.pages("DescribeLogGroups"):
        for group in page.get("logGroups") or []:
            name = str(group["logGroupName"])
            # A group has at most two subscription filters (a fixed quota): one page always holds them.
            described = call.benign("DescribeSubscriptionFilters", logGroupName=name)
            if described is None:
                continue
            filters = described.get("subscriptionFilters") or []
            arn = str(group.get("logGroupArn") or group.get("arn") or "")
            out.append({
                "id": arn[:-2] if arn.endswith(":*") else arn, "name": name, "region": region,
                "retention_days": group.get("retentionInDays"),
                "kms_key_id": group.get("kmsKeyId"),
                "stored_bytes": group.get("storedBytes"),
                "subscription_filters": [{
                    "name": f.get("filterName"), "destination_arn": f.get("destinationArn"),
                    "filter_pattern": f.get("filterPattern"),
                } for f in filters],
            })
    return {LOG_GROUP: out}
