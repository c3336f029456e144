"""Route 53 Resolver: query-logging associations (DNS logs per VPC), joined with their configurations."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

ASSOCIATION = "aws.route53resolver.query_log_association"
OPS = (
    Operation("route53resolver", "ListResolverQueryLogConfigAssociations",
              "route53resolver:ListResolverQueryLogConfigAssociations", (ASSOCIATION,)),
    Operation("route53resolver", "ListResolverQueryLogConfigs", "route53resolver:ListResolverQueryLogConfigs",
              (ASSOCIATION,)),
)


@sweep(service="route53resolver", scope="regional", types=(ASSOCIATION,), operations=OPS)
def query_log_associations(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    associations = [a for page in call.pages("ListResolverQueryLogConfigAssociations")
                    for a in page.get("ResolverQueryLogConfigAssociations", [])]
    if not associations:
        return {ASSOCIATION: []}
    # Configurations shared through RAM are listed too, so a shared destination is still named.
    configs = {c["Id"]: c for page in call.pages("ListResolverQueryLogConfigs")
               for c in page.get("ResolverQueryLogConfigs", [])}
    account = call.account_id  # associations carry no ARN: the id is built in ARN shape
    out = []
    for association in associations:
        config = configs.get(association.get("ResolverQueryLogConfigId"), {})
        out.append({
            "id": f"arn:aws:route53resolver:{region}:{account}:resolver-query-log-config-association/"
                  f"{association['Id']}",
            "region": region, "vpc_id": association.get("ResourceId"),
            "config_id": association.get("ResolverQueryLogConfigId"), "config_name": config.get("Name"),
            "destination_arn": config.get("DestinationArn"), "status": association.get("Status"),
        })
    return {ASSOCIATION: out}
