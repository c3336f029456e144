"""Logging-coverage (LC) GCP checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import logging as lc

from tests.checks.test_gcp_fixtures import (
    FOLDER,
    NUMBER,
    ORG,
    OTHER_FOLDER,
    PROJECT,
    by_region,
    denied,
    gcp,
    held,
    one,
)
from tests.factories import findings, statuses

COMPUTE = f"//compute.googleapis.com/projects/{PROJECT}"


def sink(name: str, scope: str = ORG, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"//logging.googleapis.com/{scope}/sinks/{name}", "name": name, **held(scope),
        "destination": "bigquery.googleapis.com/projects/acme-logging/datasets/audit", "filter": "",
        "exclusions": [], "disabled": False, "include_children": True,
        "writer_identity": "serviceAccount:o900-1@gcp-sa-logging.iam.gserviceaccount.com",
    }
    data.update(overrides)
    return data


def audit(scope: str, service: str = "allServices", log_types: tuple[str, ...] = (),
          exempted: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"id": f"//cloudresourcemanager.googleapis.com/{scope}/auditConfigs/{service}", **held(scope),
            "service": service, "log_types": sorted(log_types), "exempted_members": exempted or {}}


ALL_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")


def subnet(name: str, region: str = "europe-west1", enabled: bool = True, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"{COMPUTE}/regions/{region}/subnetworks/{name}", "name": name, "project_id": PROJECT,
        "region": region, "network": f"{COMPUTE}/global/networks/vpc", "ip_cidr_range": "10.0.0.0/24",
        "purpose": "PRIVATE", "flow_logs_enabled": enabled, "aggregation_interval": "INTERVAL_5_SEC",
        "flow_sampling": 1.0, "metadata": "INCLUDE_ALL_METADATA",
    }
    data.update(overrides)
    return data


def network(name: str) -> dict[str, Any]:
    return {"id": f"{COMPUTE}/global/networks/{name}", "name": name, "project_id": PROJECT,
            "auto_create_subnetworks": False, "routing_mode": "GLOBAL", "subnetworks": []}


def dns_policy(name: str, networks: list[str], logging: bool = True) -> dict[str, Any]:
    return {"id": f"//dns.googleapis.com/projects/{PROJECT}/policies/{name}", "name": name,
            "project_id": PROJECT, "enable_logging": logging, "enable_inbound_forwarding": False,
            "networks": networks}


def firewall(name: str, log: bool, disabled: bool = False) -> dict[str, Any]:
    return {"id": f"{COMPUTE}/global/firewalls/{name}", "name": name, "project_id": PROJECT,
            "network": f"{COMPUTE}/global/networks/vpc", "direction": "INGRESS", "priority": 1000,
            "disabled": disabled, "log_enabled": log, "target_tags": [], "target_service_accounts": [],
            "source_ranges": ["10.0.0.0/8"], "source_tags": [], "destination_ranges": [],
            "allowed": [{"protocol": "tcp", "ports": ["22"]}], "denied": [], "description": ""}


def backend(name: str, log: bool, rate: float | None = None) -> dict[str, Any]:
    return {"id": f"{COMPUTE}/global/backendServices/{name}", "name": name, "project_id": PROJECT,
            "load_balancing_scheme": "EXTERNAL_MANAGED", "protocol": "HTTPS", "log_enabled": log,
            "log_sample_rate": rate}


def cluster(name: str, components: list[str], service: str = "logging.googleapis.com/kubernetes") -> dict[str, Any]:
    return {"id": f"//container.googleapis.com/projects/{PROJECT}/locations/europe-west1/clusters/{name}",
            "name": name, "project_id": PROJECT, "location": "europe-west1", "region": "europe-west1",
            "autopilot": False, "logging_service": service, "logging_components": sorted(components)}


class TestOrgAggregatedSink:
    def test_org_sink_with_children_and_no_filter_passes(self) -> None:
        """An organisation sink with include_children and no filter covers the project."""
        found = findings(lc.org_aggregated_sink, gcp({"gcp.logging.sink": [sink("org-audit")]}))
        result = one(found, "pass")
        assert result.resource_id == f"//logging.googleapis.com/{ORG}/sinks/org-audit"
        assert result.evidence["destination"].startswith("bigquery.googleapis.com/")

    def test_folder_sink_with_audit_filter_passes(self) -> None:
        """A folder sink selecting cloudaudit logs counts as aggregation."""
        flt = 'logName:"cloudaudit.googleapis.com"'
        found = findings(lc.org_aggregated_sink, gcp({"gcp.logging.sink": [sink("f", FOLDER, filter=flt)]}))
        assert statuses(found) == ["pass"]

    def test_narrowing_filters_are_partial(self) -> None:
        """Negated, AND-ed or implicitly AND-ed filters are not taken as routing all audit logs."""
        for flt in ('NOT logName:"cloudaudit.googleapis.com"',
                    'logName:"cloudaudit.googleapis.com" AND resource.type="gce_instance"',
                    'logName:"cloudaudit.googleapis.com" resource.type="gce_instance"',
                    'severity>=ERROR'):
            found = findings(lc.org_aggregated_sink, gcp({"gcp.logging.sink": [sink("f", filter=flt)]}))
            assert one(found, "partial").coverage == 0.5, flt

    def test_log_id_terms_joined_by_or_pass(self) -> None:
        """A filter of LOG_ID terms joined by OR that includes audit logs is proof enough."""
        flt = '(LOG_ID("cloudaudit.googleapis.com/activity") OR LOG_ID("cloudaudit.googleapis.com/data_access"))'
        found = findings(lc.org_aggregated_sink, gcp({"gcp.logging.sink": [sink("f", filter=flt)]}))
        assert statuses(found) == ["pass"]

    def test_active_exclusion_makes_it_partial(self) -> None:
        """An active exclusion may drop audit entries, so coverage is not proven."""
        excl = [{"name": "noisy", "filter": "severity<ERROR", "disabled": False}]
        found = findings(lc.org_aggregated_sink, gcp({"gcp.logging.sink": [sink("o", exclusions=excl)]}))
        assert statuses(found) == ["partial"]

    def test_project_sink_only_is_partial(self) -> None:
        """A project-level export is better than nothing but is not aggregation."""
        own = sink("export", f"projects/{NUMBER}", include_children=False)
        found = findings(lc.org_aggregated_sink, gcp({"gcp.logging.sink": [own]}))
        assert "project-level" in one(found, "partial").message

    def test_org_sink_without_children_fails(self) -> None:
        """An org sink without include_children routes only the org's own logs."""
        found = findings(lc.org_aggregated_sink,
                         gcp({"gcp.logging.sink": [sink("o", include_children=False)]}))
        assert statuses(found) == ["fail"]

    def test_sibling_folder_and_disabled_sinks_do_not_count(self) -> None:
        """Sinks of another branch of the hierarchy, or disabled ones, leave the project uncovered."""
        sinks = [sink("sibling", OTHER_FOLDER), sink("off", disabled=True),
                 sink("_Default", f"projects/{NUMBER}", include_children=False)]
        found = findings(lc.org_aggregated_sink, gcp({"gcp.logging.sink": sinks}))
        assert statuses(found) == ["fail"]

    def test_project_record_missing_is_unknown(self) -> None:
        """Without the project's place in the hierarchy, inherited sinks cannot be judged."""
        snap = gcp({"gcp.logging.sink": [sink("o")], "gcp.project": []})
        assert "no gcp.project record" in str(one(findings(lc.org_aggregated_sink, snap), "unknown").reason)


class TestDataAccessAuditLogs:
    def test_all_types_at_org_pass(self) -> None:
        """ADMIN_READ, DATA_READ and DATA_WRITE on allServices at the organisation pass."""
        found = findings(lc.data_access_audit_logs, gcp({"gcp.iam.audit_config": [audit(ORG, log_types=ALL_TYPES)]}))
        assert one(found, "pass").evidence["missing_log_types"] == []

    def test_types_add_up_across_levels(self) -> None:
        """The effective configuration is the union of organisation, folder and project settings."""
        configs = [audit(ORG, log_types=("ADMIN_READ",)), audit(FOLDER, log_types=("DATA_READ",)),
                   audit(f"projects/{NUMBER}", log_types=("DATA_WRITE",))]
        found = findings(lc.data_access_audit_logs, gcp({"gcp.iam.audit_config": configs}))
        assert statuses(found) == ["pass"]

    def test_exempted_member_makes_it_partial(self) -> None:
        """An exempted principal is a blind spot: that type counts half."""
        config = audit(ORG, log_types=ALL_TYPES, exempted={"DATA_READ": ["user:etl@acme.example"]})
        found = findings(lc.data_access_audit_logs, gcp({"gcp.iam.audit_config": [config]}))
        result = one(found, "partial")
        assert result.coverage == 2.5 / 3
        assert "user:etl@acme.example" in result.evidence["exempted"]["DATA_READ"][0]

    def test_exemption_on_a_single_service_counts(self) -> None:
        """Exemptions attached to a specific service still exempt that principal."""
        configs = [audit(ORG, log_types=ALL_TYPES),
                   audit(f"projects/{NUMBER}", "storage.googleapis.com", ("DATA_WRITE",),
                         {"DATA_WRITE": ["serviceAccount:sync@p.iam.gserviceaccount.com"]})]
        found = findings(lc.data_access_audit_logs, gcp({"gcp.iam.audit_config": configs}))
        assert statuses(found) == ["partial"]

    def test_missing_types_are_partial(self) -> None:
        """Only DATA_WRITE enabled gives a third of the coverage."""
        found = findings(lc.data_access_audit_logs,
                         gcp({"gcp.iam.audit_config": [audit(ORG, log_types=("DATA_WRITE",))]}))
        result = one(found, "partial")
        assert result.coverage == 1 / 3
        assert result.evidence["missing_log_types"] == ["ADMIN_READ", "DATA_READ"]

    def test_service_specific_or_other_branch_configs_fail(self) -> None:
        """Neither a single service nor a sibling folder's allServices config covers the project."""
        configs = [audit(ORG, "storage.googleapis.com", ALL_TYPES), audit(OTHER_FOLDER, log_types=ALL_TYPES)]
        found = findings(lc.data_access_audit_logs, gcp({"gcp.iam.audit_config": configs}))
        assert statuses(found) == ["fail"]

    def test_unreadable_iam_policies_are_unknown(self) -> None:
        """A denied IAM policy read gives unknown naming the operation."""
        snap = gcp(errors=[denied("gcp.iam.audit_config", operation="SearchAllIamPolicies")])
        assert "SearchAllIamPolicies" in str(one(findings(lc.data_access_audit_logs, snap), "unknown").reason)


class TestSubnetFlowLogs:
    def test_results_are_per_region(self) -> None:
        """Each region is judged on its own subnets: pass, partial and fail side by side."""
        subnets = [subnet("a"), subnet("b"), subnet("c", "europe-west4"),
                   subnet("d", "europe-west4", enabled=False), subnet("e", "us-central1", enabled=False)]
        found = findings(lc.subnet_flow_logs, gcp({"gcp.compute.subnetwork": subnets}))
        assert by_region(found) == {"europe-west1": "pass", "europe-west4": "partial", "us-central1": "fail"}
        assert one(found, "partial").coverage == 0.5

    def test_proxy_only_subnets_are_ignored(self) -> None:
        """Proxy-only subnets cannot carry flow logs and are not counted."""
        subnets = [subnet("a"), subnet("proxy", enabled=False, purpose="REGIONAL_MANAGED_PROXY")]
        found = findings(lc.subnet_flow_logs, gcp({"gcp.compute.subnetwork": subnets}))
        assert one(found, "pass").evidence["assessed"] == 1

    def test_sampled_flow_logs_are_reported(self) -> None:
        """Enabled but sampled flow logs pass and are listed as reduced fidelity."""
        found = findings(lc.subnet_flow_logs, gcp({"gcp.compute.subnetwork": [subnet("a", flow_sampling=0.5)]}))
        assert one(found, "pass").evidence["reduced_fidelity_count"] == 1

    def test_unreadable_region_is_unknown_while_others_are_judged(self) -> None:
        """A region the collector could not read is unknown; the others still get a verdict."""
        snap = gcp({"gcp.compute.subnetwork": [subnet("a"), subnet("x", "us-central1", enabled=False)]},
                   errors=[denied("gcp.compute.subnetwork", region="us-central1", operation="subnetworks.list")])
        found = findings(lc.subnet_flow_logs, snap)
        assert by_region(found) == {"europe-west1": "pass", "us-central1": "unknown"}
        assert "subnetworks.list" in str(one(found, "unknown").reason)

    def test_no_subnets_is_not_applicable(self) -> None:
        """A project without subnets has nothing to log."""
        assert statuses(findings(lc.subnet_flow_logs, gcp({"gcp.compute.subnetwork": []}))) == ["not_applicable"]


class TestFirewallRuleLogging:
    def test_coverage_over_enforced_rules(self) -> None:
        """Disabled rules are ignored; one of two enforced rules logging is partial."""
        rules = [firewall("a", True), firewall("b", False), firewall("c", False, disabled=True)]
        result = one(findings(lc.firewall_rule_logging, gcp({"gcp.compute.firewall": rules})), "partial")
        assert result.coverage == 0.5
        assert result.evidence["non_compliant"] == [f"{COMPUTE}/global/firewalls/b"]

    def test_all_and_none(self) -> None:
        """Every rule logging passes; no rule logging fails."""
        for logging, expected in ((True, "pass"), (False, "fail")):
            snap = gcp({"gcp.compute.firewall": [firewall("a", logging)]})
            assert statuses(findings(lc.firewall_rule_logging, snap)) == [expected]


class TestDnsQueryLogging:
    def test_self_links_match_full_resource_names(self) -> None:
        """A policy bound by self-link covers the network recorded by full resource name."""
        link = f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/vpc"
        snap = gcp({"gcp.compute.network": [network("vpc")], "gcp.dns.policy": [dns_policy("p", [link])]})
        assert statuses(findings(lc.dns_query_logging, snap)) == ["pass"]

    def test_network_without_logging_policy(self) -> None:
        """A network bound only to a non-logging policy is not covered."""
        link = f"{COMPUTE}/global/networks/"
        snap = gcp({"gcp.compute.network": [network("vpc"), network("edge")],
                    "gcp.dns.policy": [dns_policy("p", [link + "vpc"]), dns_policy("q", [link + "edge"], False)]})
        result = one(findings(lc.dns_query_logging, snap), "partial")
        assert result.evidence["non_compliant"] == [link + "edge"]

    def test_no_policy_fails_and_no_network_is_not_applicable(self) -> None:
        """No DNS policy fails; no network leaves nothing to assess."""
        assert statuses(findings(lc.dns_query_logging, gcp({"gcp.compute.network": [network("v")],
                                                             "gcp.dns.policy": []}))) == ["fail"]
        assert statuses(findings(lc.dns_query_logging, gcp({"gcp.compute.network": [],
                                                             "gcp.dns.policy": []}))) == ["not_applicable"]


class TestBackendServiceLogging:
    def test_zero_sample_rate_counts_as_off(self) -> None:
        """Logging enabled with a 0 sample rate records nothing."""
        services = [backend("web", True), backend("api", True, rate=0.0)]
        assert one(findings(lc.backend_service_logging, gcp({"gcp.compute.backend_service": services})),
                   "partial").coverage == 0.5

    def test_pass_and_fail(self) -> None:
        """All logging passes; none logging fails."""
        assert statuses(findings(lc.backend_service_logging,
                                 gcp({"gcp.compute.backend_service": [backend("w", True, 1.0)]}))) == ["pass"]
        assert statuses(findings(lc.backend_service_logging,
                                 gcp({"gcp.compute.backend_service": [backend("w", False)]}))) == ["fail"]


class TestClusterLogging:
    def test_system_and_workload_logs_pass(self) -> None:
        """A cluster sending system and workload logs passes."""
        snap = gcp({"gcp.container.cluster": [cluster("c", ["SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER"])]})
        assert statuses(findings(lc.cluster_logging, snap)) == ["pass"]

    def test_missing_components_are_listed(self) -> None:
        """A cluster without workload logs, and one with logging off, are non-compliant with the gap named."""
        snap = gcp({"gcp.container.cluster": [cluster("a", ["SYSTEM_COMPONENTS"]),
                                              cluster("b", ["SYSTEM_COMPONENTS", "WORKLOADS"], "none")]})
        result = one(findings(lc.cluster_logging, snap), "fail")
        gaps = result.evidence["missing_components"]
        assert [v for k, v in sorted(gaps.items())] == [["WORKLOADS"], ["SYSTEM_COMPONENTS", "WORKLOADS"]]

    def test_no_clusters_is_not_applicable(self) -> None:
        """No GKE cluster: nothing to assess."""
        assert statuses(findings(lc.cluster_logging, gcp({"gcp.container.cluster": []}))) == ["not_applicable"]
