"""Site-to-Site VPN: connections and the CloudWatch Logs options of each tunnel (hybrid-link logging)."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

VPN = "aws.ec2.vpn_connection"
OPS = (
    Operation("ec2", "DescribeVpnConnections", "ec2:DescribeVpnConnections", (VPN,)),
)


@sweep(service="ec2", scope="regional", types=(VPN,), operations=OPS)
def vpn_connections(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    # DescribeVpnConnections does not page: one call returns every connection in the region.
    listed = call("DescribeVpnConnections").get("VpnConnections", [])
    out: list[dict[str, Any]] = []
    account = call.account_id  # VPN connections carry no owner id
    for conn in listed:
        if conn.get("State") == "deleted":
            continue
        vpn_id = conn["VpnConnectionId"]
        out.append({
            "id": f"arn:aws:ec2:{region}:{account}:vpn-connection/{vpn_id}",
            "vpn_connection_id": vpn_id,
            "region": region,
            "state": conn.get("State"),
            "type": conn.get("Type"),
            "customer_gateway_id": conn.get("CustomerGatewayId"),
            "vpn_gateway_id": conn.get("VpnGatewayId"),
            "transit_gateway_id": conn.get("TransitGatewayId"),
            "tunnels": [_tunnel(t) for t in (conn.get("Options") or {}).get("TunnelOptions") or []],
            "tags": {t["Key"]: t.get("Value", "") for t in conn.get("Tags") or []},
        })
    return {VPN: out}


def _tunnel(tunnel: dict[str, Any]) -> dict[str, Any]:
    options = (tunnel.get("LogOptions") or {}).get("CloudWatchLogOptions")
    if options is None:
        return {"outside_ip": tunnel.get("OutsideIpAddress"), "log_enabled": None, "log_group_arn": None}
    return {"outside_ip": tunnel.get("OutsideIpAddress"), "log_enabled": bool(options.get("LogEnabled")),
            "log_group_arn": options.get("LogGroupArn") or None}
