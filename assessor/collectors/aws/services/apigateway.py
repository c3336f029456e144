"""API Gateway: stages of REST (v1) and HTTP/WebSocket (v2) APIs with their access-log destination."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

STAGE = "aws.apigateway.stage"
# Two sweeps because both APIs name their stage listing "GetStages" and a sweep finds operations by name.
V1_OPS = (
    Operation("apigateway", "GetRestApis", "apigateway:GET", (STAGE,)),
    Operation("apigateway", "GetStages", "apigateway:GET", (STAGE,)),
)
V2_OPS = (
    Operation("apigatewayv2", "GetApis", "apigateway:GET", (STAGE,)),
    Operation("apigatewayv2", "GetStages", "apigateway:GET", (STAGE,)),
)


@sweep(service="apigateway", scope="regional", types=(STAGE,), operations=V1_OPS)
def rest_stages(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out: list[dict[str, Any]] = []
    for page in call.pages("GetRestApis"):
        for api in page.get("items", []):
            # v1 GetStages returns every stage of the API in one response (no paging).
            for stage in call("GetStages", restApiId=api["id"]).get("item", []):
                destination = (stage.get("accessLogSettings") or {}).get("destinationArn")
                out.append(_record(region, f"/restapis/{api['id']}", api.get("name"), api["id"], "REST",
                                   stage, stage.get("stageName"), destination))
    return {STAGE: out}


@sweep(service="apigatewayv2", scope="regional", types=(STAGE,), operations=V2_OPS)
def v2_stages(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out: list[dict[str, Any]] = []
    for page in _v2_pages(call, "GetApis"):
        for api in page.get("Items", []):
            for stage_page in _v2_pages(call, "GetStages", ApiId=api["ApiId"]):
                for stage in stage_page.get("Items", []):
                    destination = (stage.get("AccessLogSettings") or {}).get("DestinationArn")
                    kind = "WEBSOCKET" if api.get("ProtocolType") == "WEBSOCKET" else "HTTP"
                    out.append(_record(region, f"/apis/{api['ApiId']}", api.get("Name"), api["ApiId"], kind,
                                       stage, stage.get("StageName"), destination))
    return {STAGE: out}


def _v2_pages(call: Caller, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    """apigatewayv2 has no boto3 paginators: follow NextToken by hand."""
    token: str | None = None
    while True:
        page = call(operation, **{**params, **({"NextToken": token} if token else {})})
        yield page
        token = page.get("NextToken")
        if not token:
            return


def _record(region: str, path: str, api_name: Any, api_id: str, kind: str, stage: dict[str, Any],
            stage_name: Any, destination: Any) -> dict[str, Any]:
    tags = stage.get("tags") or stage.get("Tags") or {}
    return {
        "id": f"arn:aws:apigateway:{region}::{path}/stages/{stage_name}",
        "region": region, "api_id": api_id, "api_name": api_name, "api_type": kind,
        "stage_name": stage_name, "access_log_destination": destination or None,
        "tags": {str(k): str(v) for k, v in tags.items()},
    }
