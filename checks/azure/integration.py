"""SIEM integration (IN): Azure telemetry reaches the organisation's SIEM, findings included."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    AUTOMATION,
    DIAGNOSTIC_SETTING,
    ENTRA_SETTING,
    SENTINEL,
    arm,
    capped,
    destinations,
    in_subscription,
    ratio_result,
    settings_by_scope,
    subscription_scope,
)

SIEM, NOT_SIEM, UNDECIDED = "siem", "none", "undecided"
EXPORT_ACTIONS = frozenset({"eventhub", "workspace", "logicapp"})


def _route(setting: Mapping[str, Any], ctx: CheckContext, sentinel: set[str] | None) -> str:
    """Whether one diagnostic setting reaches a SIEM: an Event Hub or partner always does; a workspace does
    when Microsoft Sentinel is onboarded on it, which is unknowable for workspaces we could not read."""
    if not destinations(setting):
        return NOT_SIEM
    if setting.get("event_hub_authorization_rule_id") or setting.get("marketplace_partner_id"):
        return SIEM
    workspace = arm(setting.get("workspace_id"))
    if workspace:
        if sentinel is None or not in_subscription(ctx, workspace):
            return UNDECIDED
        if workspace in sentinel:
            return SIEM
    return NOT_SIEM


@check(
    id="azure.monitor.siem_streaming",
    title="Exported Azure logs reach a SIEM (Event Hub or Sentinel)",
    control="IN-01", severity="high", provider="azure", needs=(DIAGNOSTIC_SETTING,),
    remediation="Add an Event Hub destination (for an on-prem or third-party SIEM) or onboard Microsoft "
    "Sentinel on the destination workspace, for the Activity Log, Entra ID logs and every resource-log "
    "diagnostic setting.",
    refs=("csa-ccm-4.0.13:LOG-05", "nist-csf-2.0:DE.AE-03"),
)
def siem_streaming(ctx: CheckContext) -> Iterable[CheckResult]:
    """On-prem, the SIEM saw every log source and correlated them. Azure logs land in a workspace or a
    storage account that the SOC may never look at; unless they are streamed through an Event Hub or
    analysed by Sentinel, the cloud is a blind spot in the SOC's correlation and alerting."""
    onboarded = ctx.optional_resources(SENTINEL)
    sentinel = None if onboarded is None else {arm(o.get("workspace_id")) for o in onboarded}
    streams: dict[str, list[Mapping[str, Any]]] = dict(settings_by_scope(ctx.resources(DIAGNOSTIC_SETTING)))
    # The Activity Log is always a stream the SOC needs, exported or not.
    streams.setdefault(subscription_scope(ctx), [])
    entra = ctx.optional_resources(ENTRA_SETTING)
    if entra:
        streams["entra id"] = list(entra)
    routed: list[str] = []
    unrouted: list[str] = []
    undecided: list[str] = []
    for scope, settings in sorted(streams.items()):
        routes = {_route(s, ctx, sentinel) for s in settings}
        target = routed if SIEM in routes else undecided if UNDECIDED in routes else unrouted
        target.append("activity log" if scope == subscription_scope(ctx) else scope)
    evidence = {
        "event_hub_rules": capped(str(s["event_hub_authorization_rule_id"]) for group in streams.values()
                                  for s in group if s.get("event_hub_authorization_rule_id")),
        "sentinel_workspaces": None if sentinel is None else capped(sentinel),
    }
    if undecided:
        yield CheckResult.unknown(
            f"{len(undecided)} log stream(s) go only to workspaces whose Sentinel status could not be read",
            evidence={"streams": capped(undecided)})
    if routed or unrouted:
        yield ratio_result(
            routed, unrouted,
            passed="Every exported log stream reaches a SIEM ({total} checked)",
            failed="No exported log stream reaches a SIEM ({total} checked)",
            partial="{bad} of {total} exported log streams do not reach a SIEM",
            evidence=evidence,
        )


@check(
    id="azure.security.continuous_export",
    title="Defender for Cloud alerts are exported continuously",
    control="IN-02", severity="medium", provider="azure", needs=(AUTOMATION,),
    remediation="Configure Defender for Cloud continuous export of security alerts to an Event Hub (for the "
    "SIEM) or the central workspace, or a workflow automation that forwards them.",
    refs=("nist-csf-2.0:DE.AE-06", "csa-ccm-4.0.13:LOG-03"),
)
def continuous_export(ctx: CheckContext) -> Iterable[CheckResult]:
    """Defender alerts shown only in the Azure portal are seen when someone happens to look. Exporting
    them as they occur puts them in the queue the SOC already works from, with the rest of the incident's
    signals."""
    automations = ctx.resources(AUTOMATION)
    exporting = [a for a in automations
                 if a.get("enabled") and "alerts" in {arm(s) for s in a.get("sources") or []}
                 and EXPORT_ACTIONS & {arm(t) for t in a.get("action_types") or []}]
    evidence = {"automations": capped(str(a.get("id")) for a in automations),
                "exporting_alerts": capped(str(a.get("id")) for a in exporting)}
    if exporting:
        yield CheckResult.passed("Defender for Cloud alerts are exported continuously", evidence=evidence)
    else:
        yield CheckResult.failed("Defender for Cloud alerts are not exported anywhere", evidence=evidence)
