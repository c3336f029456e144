"""GCP logging coverage (LC): audit, flow, firewall, DNS, load balancer and GKE logs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    BUILT_IN_SINKS,
    EVIDENCE_CAP,
    capped,
    coverage_result,
    effective_sinks,
    hierarchy,
    holder_of,
    id_list,
    path_of,
    region_unknowns,
    routes_audit_logs,
)

DATA_ACCESS_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
# Subnets reserved for proxies and Private Service Connect carry no VPC Flow Logs.
NO_FLOW_LOG_PURPOSES = frozenset({
    "REGIONAL_MANAGED_PROXY", "GLOBAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER",
    "PRIVATE_SERVICE_CONNECT",
})
GKE_REQUIRED_COMPONENTS = ("SYSTEM_COMPONENTS", "WORKLOADS")


@check(
    id="gcp.logging.org_aggregated_sink",
    title="An organisation or folder sink exports this project's audit logs",
    control="LC-01", severity="high", provider="gcp",
    needs=("gcp.project", "gcp.logging.sink"),
    remediation="Create an aggregated sink on the organisation (or the top folder) with include_children "
                "set and no filter, or a filter that keeps cloudaudit.googleapis.com logs, routed to a "
                "central logging project that workload administrators cannot change.",
    refs=("cis-gcp-5.0.0:2.3", "csa-ccm-4.0:LOG-08", "nist-csf-2.0:PR.PS-04"),
)
def org_aggregated_sink(ctx: CheckContext) -> Iterable[CheckResult]:
    """Admin Activity logs exist in every project, but an attacker with project rights can read,
    exclude or outlive them there. Responders need one place that receives every project's audit
    trail without the project's cooperation: a sink on the organisation or a folder with
    include_children, which a project owner cannot remove."""
    tree = hierarchy(ctx)
    sinks = effective_sinks(ctx, tree)
    aggregated = [s for s in sinks if tree.held_above(holder_of(s))]
    complete = [s for s in aggregated if routes_audit_logs(s)]
    own = [s for s in sinks if holder_of(s) in tree.own and s.get("name") not in BUILT_IN_SINKS
           and routes_audit_logs(s)]
    evidence: dict[str, Any] = {
        "aggregated_sinks": capped(str(s["id"]) for s in aggregated),
        "project_sinks": capped(str(s["id"]) for s in own),
    }
    if complete:
        best = complete[0]
        evidence.update(destination=best.get("destination"), filter=best.get("filter") or "")
        yield CheckResult.passed(
            f"Sink {best.get('name')} on {holder_of(best)} routes this project's audit logs to "
            f"{best.get('destination')}", resource=str(best["id"]), evidence=evidence)
    elif aggregated:
        evidence["filters"] = {str(s["id"]): s.get("filter") or "" for s in aggregated[:EVIDENCE_CAP]}
        yield CheckResult.partial(
            "An aggregated sink covers this project, but its filter or exclusions may drop audit "
            "logs (the filter does not provably keep cloudaudit.googleapis.com)",
            coverage=0.5, resource=str(aggregated[0]["id"]), evidence=evidence)
    elif own:
        yield CheckResult.partial(
            "Only a project-level sink exports this project's audit logs; nothing aggregates them "
            "at the organisation or folder", coverage=0.5, resource=str(own[0]["id"]), evidence=evidence)
    else:
        yield CheckResult.failed(
            "No organisation or folder sink with include_children routes this project's audit logs",
            evidence=evidence)


@check(
    id="gcp.iam.data_access_audit_logs",
    title="Data Access audit logs are on for all services, without exemptions",
    control="LC-02", severity="high", provider="gcp",
    needs=("gcp.project", "gcp.iam.audit_config"),
    remediation="Add an auditConfig for allServices with ADMIN_READ, DATA_READ and DATA_WRITE on the "
                "organisation's IAM policy, and remove exemptedMembers at every level.",
    refs=("cis-gcp-5.0.0:2.1", "csa-ccm-4.0:LOG-07", "nist-csf-2.0:DE.CM-09"),
)
def data_access_audit_logs(ctx: CheckContext) -> Iterable[CheckResult]:
    """Data Access audit logs are off by default. Without them nobody can tell which identity read or
    changed data in storage, databases or secrets, the first question in an exfiltration case.
    Settings add up down the hierarchy, so the effective state is the union of the organisation,
    folder and project configurations, and an exempted principal is a blind spot whichever level
    exempts it."""
    tree = hierarchy(ctx)
    configs = tree.applicable(ctx.resources("gcp.iam.audit_config"))
    enabled: dict[str, set[str]] = defaultdict(set)
    exempted: dict[str, set[str]] = defaultdict(set)
    for config in configs:
        service = str(config.get("service") or "")
        if service == "allServices":
            for log_type in config.get("log_types") or []:
                enabled[log_type].add(str(holder_of(config)))
        # Exemptions apply whichever service they are attached to (the union rule).
        for log_type, members in (config.get("exempted_members") or {}).items():
            exempted[log_type].update(f"{m} ({service}, {holder_of(config)})" for m in members)
    score = 0.0
    for log_type in DATA_ACCESS_TYPES:
        if enabled.get(log_type):
            score += 0.5 if exempted.get(log_type) else 1.0
    missing = [t for t in DATA_ACCESS_TYPES if not enabled.get(t)]
    evidence: dict[str, Any] = {
        "enabled_at": {t: sorted(enabled[t]) for t in DATA_ACCESS_TYPES if enabled.get(t)},
        "missing_log_types": missing,
        "exempted": {t: capped(exempted[t]) for t in DATA_ACCESS_TYPES if exempted.get(t)},
    }
    exempt_count = len(set().union(*exempted.values())) if exempted else 0
    coverage = score / len(DATA_ACCESS_TYPES)
    if coverage == 1.0:
        yield CheckResult.passed("ADMIN_READ, DATA_READ and DATA_WRITE are logged for all services and "
                                 "all principals", evidence=evidence)
    elif coverage == 0.0:
        yield CheckResult.failed("No Data Access audit log type is enabled for allServices on the "
                                 "project or its ancestors", evidence=evidence)
    else:
        parts = []
        if missing:
            parts.append("not enabled: " + ", ".join(missing))
        if exempt_count:
            parts.append(f"{exempt_count} exempted principal(s)")
        yield CheckResult.partial("Data Access audit logs are incomplete (" + "; ".join(parts) +
                                  "); a type with exemptions counts half", coverage=coverage,
                                  evidence=evidence)


@check(
    id="gcp.compute.subnet_flow_logs",
    title="VPC Flow Logs are on for every subnet",
    control="LC-03", severity="high", provider="gcp",
    needs=("gcp.compute.subnetwork",),
    remediation="Enable VPC Flow Logs on every subnet (gcloud compute networks subnets update "
                "--enable-flow-logs), preferably with a 5-second interval, sampling 1.0 and all metadata.",
    refs=("cis-gcp-5.0.0:3.10", "nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:LOG-07"),
)
def subnet_flow_logs(ctx: CheckContext) -> Iterable[CheckResult]:
    """Flow logs are the cloud's NetFlow: who talked to whom, when and how much. They are off by
    default and switched on subnet by subnet, so lateral movement and exfiltration from a subnet
    without them leaves no network record at all."""
    subnets, failed = ctx.resources_by_region("gcp.compute.subnetwork")
    eligible = [s for s in subnets if (s.get("purpose") or "PRIVATE") not in NO_FLOW_LOG_PURPOSES]
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for subnet in eligible:
        by_region[str(subnet.get("region") or "unknown")].append(subnet)
    for region, items in sorted(by_region.items()):
        reduced = [s["id"] for s in items if s.get("flow_logs_enabled") and _reduced_fidelity(s)]
        extra = id_list("reduced_fidelity", reduced) if reduced else None
        yield coverage_result(items, lambda s: bool(s.get("flow_logs_enabled")), noun="subnets",
                              what="have flow logs enabled", region=region, extra=extra)
    yield from region_unknowns(failed)
    if not by_region and not failed:
        yield CheckResult.not_applicable("No subnet that supports flow logs in this project")


def _reduced_fidelity(subnet: dict[str, Any]) -> bool:
    """Enabled, but sampled, aggregated over more than 5 s or without metadata (CIS asks for full)."""
    sampling = subnet.get("flow_sampling")
    interval = subnet.get("aggregation_interval")
    metadata = subnet.get("metadata")
    return ((sampling is not None and float(sampling) < 1.0)
            or (interval not in (None, "INTERVAL_5_SEC"))
            or (metadata not in (None, "INCLUDE_ALL_METADATA")))


@check(
    id="gcp.compute.firewall_rule_logging",
    title="Firewall rules log the connections they match",
    control="LC-03", severity="medium", provider="gcp",
    needs=("gcp.compute.firewall",),
    remediation="Turn on Firewall Rules Logging (logConfig.enable) for enforced rules, at least for "
                "rules that admit traffic from the internet and for deny rules.",
    refs=("nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:LOG-07"),
)
def firewall_rule_logging(ctx: CheckContext) -> Iterable[CheckResult]:
    """On-prem, the perimeter firewall log shows which connections were allowed or blocked. In a VPC
    the same record exists only for firewall rules with logging switched on; without it a responder
    cannot tell whether a rule let an attacker in."""
    rules = [r for r in ctx.resources("gcp.compute.firewall") if not r.get("disabled")]
    yield coverage_result(rules, lambda r: bool(r.get("log_enabled")), noun="enforced firewall rules",
                          what="have logging on")


@check(
    id="gcp.dns.query_logging",
    title="DNS queries are logged for every VPC network",
    control="LC-04", severity="medium", provider="gcp",
    needs=("gcp.compute.network", "gcp.dns.policy"),
    remediation="Attach a Cloud DNS server policy with enableLogging to every VPC network "
                "(gcloud dns policies create ... --enable-logging --networks=...).",
    refs=("cis-gcp-5.0.0:2.13", "nist-csf-2.0:DE.CM-01"),
)
def dns_query_logging(ctx: CheckContext) -> Iterable[CheckResult]:
    """DNS logs reveal command-and-control domains, tunnelling and the first contact of malware.
    Cloud DNS records queries from a VPC network only when a server policy with logging is bound to
    that network, and none exists by default."""
    networks = ctx.resources("gcp.compute.network")
    policies = ctx.resources("gcp.dns.policy")
    logged = {path_of(n) for p in policies if p.get("enable_logging") for n in p.get("networks") or []}
    yield coverage_result(networks, lambda n: path_of(n["id"]) in logged, noun="VPC networks",
                          what="log DNS queries",
                          extra={"logging_policies": capped(str(p["id"]) for p in policies
                                                            if p.get("enable_logging"))})


@check(
    id="gcp.compute.backend_service_logging",
    title="Load balancer backend services log requests",
    control="LC-05", severity="medium", provider="gcp",
    needs=("gcp.compute.backend_service",),
    remediation="Enable logging on every backend service (logConfig.enable=true, sampleRate 1.0 for "
                "internet-facing services).",
    refs=("cis-gcp-5.0.0:2.17", "nist-csf-2.0:DE.CM-09"),
)
def backend_service_logging(ctx: CheckContext) -> Iterable[CheckResult]:
    """A Google-managed load balancer is the front door for most web attacks, and no packet capture
    reaches inside it. Its request log, set per backend service, is the only record of the requests
    an attacker sent."""
    services = ctx.resources("gcp.compute.backend_service")

    def logs(service: dict[str, Any]) -> bool:
        rate = service.get("log_sample_rate")
        return bool(service.get("log_enabled")) and (rate is None or float(rate) > 0)

    yield coverage_result(services, logs, noun="backend services", what="log requests")


@check(
    id="gcp.container.cluster_logging",
    title="GKE clusters send system and workload logs to Cloud Logging",
    control="LC-08", severity="medium", provider="gcp",
    needs=("gcp.container.cluster",),
    remediation="Set the cluster's logging components to include SYSTEM_COMPONENTS and WORKLOADS "
                "(gcloud container clusters update --logging=SYSTEM,WORKLOAD[,API_SERVER]).",
    refs=("nist-csf-2.0:DE.CM-09", "csa-ccm-4.0:LOG-07"),
)
def cluster_logging(ctx: CheckContext) -> Iterable[CheckResult]:
    """Containers are short-lived: their stdout and the node's system logs vanish with the pod or node.
    Only logs shipped to Cloud Logging while the workload ran survive for an investigation."""
    clusters = ctx.resources("gcp.container.cluster")

    def missing(cluster: dict[str, Any]) -> list[str]:
        if cluster.get("logging_service") == "none":
            return list(GKE_REQUIRED_COMPONENTS)
        have = set(cluster.get("logging_components") or [])
        return [c for c in GKE_REQUIRED_COMPONENTS if c not in have]

    gaps = {str(c["id"]): missing(c) for c in clusters if missing(c)}
    extra = {"missing_components": dict(sorted(gaps.items())[:EVIDENCE_CAP])} if gaps else None
    yield coverage_result(clusters, lambda c: not missing(c), noun="GKE clusters",
                          what="log system components and workloads", extra=extra)
