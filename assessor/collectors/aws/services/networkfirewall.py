"""Network Firewall: firewalls, their VPC and policy, and which log types they deliver."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

FIREWALL = "aws.networkfirewall.firewall"
OPS = (
    Operation("network-firewall", "ListFirewalls", "network-firewall:ListFirewalls", (FIREWALL,)),
    Operation("network-firewall", "DescribeFirewall", "network-firewall:DescribeFirewall", (FIREWALL,)),
    Operation("network-firewall", "DescribeLoggingConfiguration",
              "network-firewall:DescribeLoggingConfiguration", (FIREWALL,)),
)


@sweep(service="network-firewall", scope="regional", types=(FIREWALL,), operations=OPS)
def firewalls(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out: list[dict[str, Any]] = []
    for page in call.pages("ListFirewalls"):
        for item in page.get("Firewalls", []):
            arn = item["FirewallArn"]
            described = call("DescribeFirewall", FirewallArn=arn)
            firewall = described.get("Firewall") or {}
            status = (described.get("FirewallStatus") or {}).get("Status")
            logging = call("DescribeLoggingConfiguration", FirewallArn=arn).get("LoggingConfiguration") or {}
            log_types = sorted({str(d.get("LogType")) for d in logging.get("LogDestinationConfigs") or []})
            out.append({
                "id": arn, "name": firewall.get("FirewallName") or item.get("FirewallName"), "region": region,
                "vpc_id": firewall.get("VpcId"), "policy_arn": firewall.get("FirewallPolicyArn"),
                "status": status, "delete_protection": bool(firewall.get("DeleteProtection")),
                "log_types": log_types,
            })
    return {FIREWALL: out}
