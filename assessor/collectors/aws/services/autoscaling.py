"""EC2 Auto Scaling: groups and their lifecycle hooks (where scale-in can wait for evidence capture)."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

GROUP = "aws.autoscaling.group"
OPS = (
    Operation("autoscaling", "DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingGroups", (GROUP,)),
    Operation("autoscaling", "DescribeLifecycleHooks", "autoscaling:DescribeLifecycleHooks", (GROUP,)),
)


@sweep(service="autoscaling", scope="regional", types=(GROUP,), operations=OPS)
def groups(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out = []
    for page in call.pages("DescribeAutoScalingGroups", PaginationConfig={"PageSize": 100}):
        for group in page.get("AutoScalingGroups", []):
            name = group["AutoScalingGroupName"]
            hooks = call("DescribeLifecycleHooks", AutoScalingGroupName=name).get("LifecycleHooks", [])
            out.append({
                "id": group["AutoScalingGroupARN"], "name": name, "region": region,
                "min_size": group.get("MinSize"), "max_size": group.get("MaxSize"),
                "desired_capacity": group.get("DesiredCapacity"),
                "instance_ids": sorted(i["InstanceId"] for i in group.get("Instances", []) if i.get("InstanceId")),
                "lifecycle_hooks": [{
                    "name": hook.get("LifecycleHookName"), "transition": hook.get("LifecycleTransition"),
                    "default_result": hook.get("DefaultResult"), "heartbeat_timeout": hook.get("HeartbeatTimeout"),
                } for hook in hooks],
            })
    return {GROUP: out}
