"""WAFv2: web ACLs and their logging configurations (regional everywhere, CloudFront ones from us-east-1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

WEB_ACL = "aws.wafv2.web_acl"
OPS = (
    Operation("wafv2", "ListWebACLs", "wafv2:ListWebACLs", (WEB_ACL,)),
    Operation("wafv2", "ListLoggingConfigurations", "wafv2:ListLoggingConfigurations", (WEB_ACL,)),
)
CLOUDFRONT_REGION = "us-east-1"  # CloudFront-scope ACLs can only be read through this region's endpoint


@sweep(service="wafv2", scope="regional", types=(WEB_ACL,), operations=OPS)
def web_acls(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    scopes = ["REGIONAL"] + (["CLOUDFRONT"] if region == CLOUDFRONT_REGION else [])
    out: list[dict[str, Any]] = []
    for scope in scopes:
        acls = [acl for page in _pages(call, "ListWebACLs", "WebACLs", Scope=scope) for acl in page]
        if not acls:
            continue
        # One listing of logging configurations per scope instead of one call per ACL.
        destinations: dict[str, list[str]] = {}
        for page in _pages(call, "ListLoggingConfigurations", "LoggingConfigurations", Scope=scope):
            for config in page:
                destinations[str(config.get("ResourceArn"))] = sorted(config.get("LogDestinationConfigs") or [])
        for acl in acls:
            out.append({"id": acl["ARN"], "name": acl.get("Name"), "region": region, "scope": scope,
                        "logging_destinations": destinations.get(acl["ARN"], [])})
    return {WEB_ACL: out}


def _pages(call: Caller, operation: str, key: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
    """WAFv2 pages with NextMarker and has no boto3 paginators for these operations."""
    marker: str | None = None
    while True:
        page = call(operation, **{**params, **({"NextMarker": marker} if marker else {})})
        yield page.get(key) or []
        marker = page.get("NextMarker")
        if not marker:
            return
