"""GCP SIEM integration (IN): audit logs and findings leave Google for the enterprise SIEM."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    BUILT_IN_SINKS,
    capped,
    destination_kind,
    effective_sinks,
    hierarchy,
    holder_of,
    path_of,
    routes_audit_logs,
)


@check(
    id="gcp.logging.siem_pubsub_sink",
    title="A log sink streams this project's audit logs to Pub/Sub for the SIEM",
    control="IN-01", severity="high", provider="gcp",
    needs=("gcp.project", "gcp.logging.sink", "gcp.pubsub.topic", "gcp.pubsub.subscription"),
    remediation="Create an aggregated organisation sink (include_children, audit-log filter) to a Pub/Sub "
                "topic in the logging project, with a subscription read by the SIEM's connector (pull, "
                "push or Dataflow); alert when the subscription backlog grows.",
    refs=("csa-ccm-4.0:LOG-05", "nist-csf-2.0:DE.AE-03", "aws-waf:SEC04-BP02"),
)
def siem_pubsub_sink(ctx: CheckContext) -> Iterable[CheckResult]:
    """The SOC watches the enterprise SIEM, not the Cloud console. Cloud audit logs reach a SIEM
    through a sink to Pub/Sub that something subscribes to; logs kept only in Cloud Logging or
    BigQuery are searchable after the fact but raise no alert where the analysts are."""
    tree = hierarchy(ctx)
    sinks = [s for s in effective_sinks(ctx, tree) if s.get("name") not in BUILT_IN_SINKS]
    to_pubsub = [s for s in sinks if destination_kind(s.get("destination")) == "pubsub"]
    topics = {path_of(str(t["id"])) for t in ctx.optional_resources("gcp.pubsub.topic") or []}
    subscriptions = ctx.optional_resources("gcp.pubsub.subscription")
    read, unread, unverified = [], [], []
    for sink in to_pubsub:
        topic = path_of(sink.get("destination"))
        if subscriptions is None or topic not in topics:
            unverified.append(sink)  # topic lives elsewhere: the sink itself is the evidence
        elif any(path_of(s.get("topic")) == topic for s in subscriptions):
            read.append(sink)
        else:
            unread.append(sink)
    evidence: dict[str, Any] = {
        "destinations": capped(f"{s.get('destination')} ({s.get('name')} on {holder_of(s)})" for s in sinks),
        "pubsub_sinks": capped(str(s["id"]) for s in to_pubsub),
        "topics_without_subscription": capped(path_of(s.get("destination")) for s in unread),
        "subscription_not_verified": capped(path_of(s.get("destination")) for s in unverified),
    }
    streaming = read + unverified
    audit = [s for s in streaming if routes_audit_logs(s)]
    if audit:
        note = "" if audit[0] in read else " (its subscriptions are outside this snapshot)"
        yield CheckResult.passed(f"Sink {audit[0].get('name')} streams audit logs to "
                                 f"{audit[0].get('destination')}{note}", resource=str(audit[0]["id"]),
                                 evidence=evidence)
    elif streaming:
        yield CheckResult.partial("A sink streams to Pub/Sub, but its filter or exclusions may drop audit "
                                  "logs", coverage=0.5, resource=str(streaming[0]["id"]), evidence=evidence)
    elif unread:
        yield CheckResult.failed("Sinks route logs to Pub/Sub topics that nothing subscribes to",
                                 resource=str(unread[0]["id"]), evidence=evidence)
    else:
        yield CheckResult.failed("No sink routes this project's logs to Pub/Sub, so they do not stream to "
                                 "a SIEM", evidence=evidence)


@check(
    id="gcp.scc.findings_notification",
    title="Security Command Center findings stream to Pub/Sub",
    control="IN-02", severity="medium", provider="gcp",
    needs=("gcp.project", "gcp.scc.notification_config"),
    remediation="Create an SCC notification config on the organisation (gcloud scc notifications create) "
                "sending active findings to a Pub/Sub topic the SIEM or SOAR reads.",
    refs=("nist-csf-2.0:DE.AE-06",),
)
def findings_notification(ctx: CheckContext) -> Iterable[CheckResult]:
    """A detector's finding is only useful if an analyst sees it in time. SCC keeps findings in its own
    console; a notification config pushes each one to Pub/Sub, from where the SIEM or SOAR picks it up."""
    tree = hierarchy(ctx)
    configs = [c for c in tree.applicable(ctx.resources("gcp.scc.notification_config"))
               if c.get("pubsub_topic")]
    evidence = {"notification_configs": capped(f"{c['id']} -> {c.get('pubsub_topic')}" for c in configs)}
    if configs:
        yield CheckResult.passed(f"{len(configs)} SCC notification config(s) stream findings to Pub/Sub",
                                 resource=str(configs[0]["id"]), evidence=evidence)
    else:
        yield CheckResult.failed("No SCC notification config streams findings out of Security Command "
                                 "Center", evidence=evidence)
