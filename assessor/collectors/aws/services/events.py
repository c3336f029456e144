"""EventBridge: rules on every event bus, reduced to the event sources they match and where they send them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

RULE = "aws.events.rule"
OPS = (
    Operation("events", "ListEventBuses", "events:ListEventBuses", (RULE,)),
    Operation("events", "ListRules", "events:ListRules", (RULE,)),
    Operation("events", "ListTargetsByRule", "events:ListTargetsByRule", (RULE,)),
)


@sweep(service="events", scope="regional", types=(RULE,), operations=OPS)
def rules(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out = []
    for bus in _token_pages(call, "ListEventBuses", "EventBuses"):
        bus_name = bus["Name"]
        for page in call.pages("ListRules", EventBusName=bus_name):
            for rule in page.get("Rules", []):
                sources, detail_types = _pattern(rule.get("EventPattern"))
                targets = [{"id": t.get("Id"), "arn": t.get("Arn")}
                           for page_ in call.pages("ListTargetsByRule", Rule=rule["Name"], EventBusName=bus_name)
                           for t in page_.get("Targets", [])]
                out.append({
                    "id": rule["Arn"], "name": rule["Name"], "region": region, "event_bus_name": bus_name,
                    "state": rule.get("State"), "sources": sources, "detail_types": detail_types,
                    "targets": targets,
                })
    return {RULE: out}


def _token_pages(call: Caller, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Items of an operation botocore has no paginator for, following NextToken."""
    token: str | None = None
    while True:
        paging: dict[str, Any] = {"NextToken": token} if token else {}
        page = call(operation, **params, **paging)
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return


def _pattern(text: str | None) -> tuple[list[str], list[str]]:
    """Literal 'source' and 'detail-type' values of an event pattern (content filters such as prefix are left out)."""
    if not text:
        return [], []
    try:
        pattern = json.loads(text)
    except ValueError:
        return [], []
    if not isinstance(pattern, dict):
        return [], []
    return _strings(pattern.get("source")), _strings(pattern.get("detail-type"))


def _strings(values: Any) -> list[str]:
    if isinstance(values, str):
        return [values]
    if not isinstance(values, list):
        return []
    return sorted({v for v in values if isinstance(v, str)})
