"""EKS: clusters and the control-plane log types they send to CloudWatch Logs."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

CLUSTER = "aws.eks.cluster"
OPS = (
    Operation("eks", "ListClusters", "eks:ListClusters", (CLUSTER,)),
    Operation("eks", "DescribeCluster", "eks:DescribeCluster", (CLUSTER,)),
)


@sweep(service="eks", scope="regional", types=(CLUSTER,), operations=OPS)
def clusters(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out = []
    for page in call.pages("ListClusters"):
        for name in page.get("clusters", []):
            cluster = call("DescribeCluster", name=name)["cluster"]
            enabled = {kind for setting in (cluster.get("logging") or {}).get("clusterLogging") or []
                       if setting.get("enabled") for kind in setting.get("types") or []}
            out.append({
                "id": cluster["arn"], "name": cluster.get("name", name), "region": region,
                "version": cluster.get("version"), "enabled_log_types": sorted(enabled),
            })
    return {CLUSTER: out}
