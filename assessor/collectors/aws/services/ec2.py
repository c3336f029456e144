"""EC2 and VPC: VPCs and their flow logs, instances with their evidence-preserving settings, security groups,
and traffic-mirroring targets and sessions.

Instances cost one DescribeInstanceAttribute call each (termination protection is not in DescribeInstances).
"""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, SweepFailed, sweep

VPC = "aws.ec2.vpc"
FLOW_LOG = "aws.ec2.flow_log"
INSTANCE = "aws.ec2.instance"
SECURITY_GROUP = "aws.ec2.security_group"
MIRROR_TARGET = "aws.ec2.traffic_mirror_target"
MIRROR_SESSION = "aws.ec2.traffic_mirror_session"
TYPES = (VPC, FLOW_LOG, INSTANCE, SECURITY_GROUP, MIRROR_TARGET, MIRROR_SESSION)
OPS = (
    Operation("ec2", "DescribeVpcs", "ec2:DescribeVpcs", (VPC,)),
    Operation("ec2", "DescribeFlowLogs", "ec2:DescribeFlowLogs", (FLOW_LOG,)),
    Operation("ec2", "DescribeInstances", "ec2:DescribeInstances", (INSTANCE,)),
    # InvalidInstanceID.NotFound: terminated after DescribeInstances listed it; it is skipped.
    Operation("ec2", "DescribeInstanceAttribute", "ec2:DescribeInstanceAttribute", (INSTANCE,),
              benign_errors=("InvalidInstanceID.NotFound",)),
    Operation("ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups", (SECURITY_GROUP,)),
    Operation("ec2", "DescribeTrafficMirrorTargets", "ec2:DescribeTrafficMirrorTargets", (MIRROR_TARGET,)),
    Operation("ec2", "DescribeTrafficMirrorSessions", "ec2:DescribeTrafficMirrorSessions", (MIRROR_SESSION,)),
)
_FLOW_RESOURCE_TYPES = {"vpc-": "vpc", "subnet-": "subnet", "eni-": "network_interface"}

Records = dict[str, list[dict[str, Any]]]


@sweep(service="ec2", scope="regional", types=TYPES, operations=OPS)
def ec2(call: Caller, region: str) -> Records:
    # Each part fails on its own: a denied DescribeFlowLogs leaves VPCs and instances correct.
    out: Records = {}
    for reader in (_vpcs, _flow_logs, _instances, _security_groups, _mirror_targets, _mirror_sessions):
        try:
            out.update(reader(call, region))
        except SweepFailed:
            continue
    return out


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value")) for t in item.get("Tags") or []}


def _arn(region: str, owner: str | None, kind: str, resource_id: str) -> str:
    return f"arn:aws:ec2:{region}:{owner or ''}:{kind}/{resource_id}"


def _vpcs(call: Caller, region: str) -> Records:
    out = []
    for page in call.pages("DescribeVpcs"):
        for vpc in page.get("Vpcs") or []:
            tags = _tags(vpc)
            out.append({
                "id": _arn(region, vpc.get("OwnerId"), "vpc", vpc["VpcId"]), "vpc_id": vpc["VpcId"],
                "region": region, "name": tags.get("Name"), "is_default": bool(vpc.get("IsDefault")),
                "cidr_block": vpc.get("CidrBlock"), "tags": tags,
            })
    return {VPC: out}


def _flow_logs(call: Caller, region: str) -> Records:
    flows = [f for page in call.pages("DescribeFlowLogs") for f in page.get("FlowLogs") or []]
    if not flows:
        return {FLOW_LOG: []}
    account = call.account_id  # flow-log ARNs are built: DescribeFlowLogs does not return one
    out = []
    for flow in flows:
        resource_id = str(flow.get("ResourceId") or "")
        kind = next((v for k, v in _FLOW_RESOURCE_TYPES.items() if resource_id.startswith(k)), None)
        destination_type = flow.get("LogDestinationType") or "cloud-watch-logs"
        destination = flow.get("LogDestination")
        if destination is None and flow.get("LogGroupName"):  # older flow logs name only the group
            destination = f"arn:aws:logs:{region}:{account}:log-group:{flow['LogGroupName']}"
        out.append({
            "id": _arn(region, account, "vpc-flow-log", flow["FlowLogId"]), "flow_log_id": flow["FlowLogId"],
            "region": region, "resource_id": resource_id or None, "resource_type": kind,
            "traffic_type": flow.get("TrafficType"), "status": flow.get("FlowLogStatus"),
            "deliver_logs_status": flow.get("DeliverLogsStatus"), "destination_type": destination_type,
            "destination": destination,
        })
    return {FLOW_LOG: out}


def _instances(call: Caller, region: str) -> Records:
    out = []
    for page in call.pages("DescribeInstances"):
        for reservation in page.get("Reservations") or []:
            for instance in reservation.get("Instances") or []:
                state = (instance.get("State") or {}).get("Name")
                if state in ("shutting-down", "terminated"):
                    continue
                record = _instance(call, region, reservation.get("OwnerId"), instance, state)
                if record is not None:
                    out.append(record)
    return {INSTANCE: out}


def _instance(call: Caller, region: str, owner: str | None, instance: dict[str, Any],
              state: str | None) -> dict[str, Any] | None:
    instance_id = instance["InstanceId"]
    attribute = call.benign("DescribeInstanceAttribute", InstanceId=instance_id, Attribute="disableApiTermination")
    if attribute is None:
        return None
    root_name = instance.get("RootDeviceName")
    root_delete: bool | None = None
    if instance.get("RootDeviceType", "ebs") == "ebs":
        for mapping in instance.get("BlockDeviceMappings") or []:
            if mapping.get("DeviceName") == root_name and "Ebs" in mapping:
                root_delete = bool(mapping["Ebs"].get("DeleteOnTermination"))
    tags = _tags(instance)
    return {
        "id": _arn(region, owner, "instance", instance_id), "instance_id": instance_id, "region": region,
        "state": state, "vpc_id": instance.get("VpcId"),
        "termination_protection": bool((attribute.get("DisableApiTermination") or {}).get("Value")),
        "root_device_name": root_name, "root_delete_on_termination": root_delete,
        "autoscaling_group": tags.get("aws:autoscaling:groupName"), "tags": tags,
    }


def _rule_count(permissions: list[dict[str, Any]]) -> int:
    """Each source or destination a rule allows counts once (CIDRs, IPv6 CIDRs, prefix lists, groups)."""
    return sum(len(p.get("IpRanges") or []) + len(p.get("Ipv6Ranges") or []) + len(p.get("PrefixListIds") or [])
               + len(p.get("UserIdGroupPairs") or []) for p in permissions)


def _security_groups(call: Caller, region: str) -> Records:
    out = []
    for page in call.pages("DescribeSecurityGroups"):
        for group in page.get("SecurityGroups") or []:
            out.append({
                "id": group.get("SecurityGroupArn")
                or _arn(region, group.get("OwnerId"), "security-group", group["GroupId"]),
                "group_id": group["GroupId"], "region": region, "name": group.get("GroupName"),
                "description": group.get("Description"), "vpc_id": group.get("VpcId"),
                "ingress_rule_count": _rule_count(group.get("IpPermissions") or []),
                "egress_rule_count": _rule_count(group.get("IpPermissionsEgress") or []),
                "tags": _tags(group),
            })
    return {SECURITY_GROUP: out}


def _mirror_targets(call: Caller, region: str) -> Records:
    out = []
    for page in call.pages("DescribeTrafficMirrorTargets"):
        for target in page.get("TrafficMirrorTargets") or []:
            target_id = target["TrafficMirrorTargetId"]
            out.append({
                "id": _arn(region, target.get("OwnerId"), "traffic-mirror-target", target_id),
                "target_id": target_id, "region": region, "type": target.get("Type"),
                "description": target.get("Description"), "tags": _tags(target),
            })
    return {MIRROR_TARGET: out}


def _mirror_sessions(call: Caller, region: str) -> Records:
    out = []
    for page in call.pages("DescribeTrafficMirrorSessions"):
        for session in page.get("TrafficMirrorSessions") or []:
            session_id = session["TrafficMirrorSessionId"]
            out.append({
                "id": _arn(region, session.get("OwnerId"), "traffic-mirror-session", session_id),
                "session_id": session_id, "region": region,
                "network_interface_id": session.get("NetworkInterfaceId"),
                "target_id": session.get("TrafficMirrorTargetId"),
                "filter_id": session.get("TrafficMirrorFilterId"),
                "description": session.get("Description"), "tags": _tags(session),
            })
    return {MIRROR_SESSION: out}
