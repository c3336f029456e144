"""Elastic Load Balancing v2: load balancers and the attributes that decide whether the edge leaves a record."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

LOAD_BALANCER = "aws.elbv2.load_balancer"
OPS = (
    Operation("elbv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers", (LOAD_BALANCER,)),
    Operation("elbv2", "DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerAttributes",
              (LOAD_BALANCER,)),
)


@sweep(service="elbv2", scope="regional", types=(LOAD_BALANCER,), operations=OPS)
def load_balancers(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out = []
    for page in call.pages("DescribeLoadBalancers", PaginationConfig={"PageSize": 400}):
        for lb in page.get("LoadBalancers", []):
            arn = lb["LoadBalancerArn"]
            attributes = {a.get("Key"): a.get("Value")
                          for a in call("DescribeLoadBalancerAttributes", LoadBalancerArn=arn).get("Attributes", [])}
            out.append({
                "id": arn, "name": lb.get("LoadBalancerName"), "region": region,
                "type": lb.get("Type"), "scheme": lb.get("Scheme"), "vpc_id": lb.get("VpcId"),
                "access_logs_enabled": _access_logs(lb.get("Type"), attributes),
                "access_logs_bucket": attributes.get("access_logs.s3.bucket") or None,
                "deletion_protection": _flag(attributes, "deletion_protection.enabled"),
            })
    return {LOAD_BALANCER: out}


def _access_logs(kind: Any, attributes: dict[Any, Any]) -> bool | None:
    """Access logs are off by default on Application and Network Load Balancers, so a missing attribute is
    "off" there; Gateway Load Balancers have no access logs at all (null, not "off")."""
    found = _flag(attributes, "access_logs.s3.enabled")
    if found is None and kind in ("application", "network"):
        return False
    return found


def _flag(attributes: dict[Any, Any], key: str) -> bool | None:
    value = attributes.get(key)
    return None if value is None else str(value).lower() == "true"
