"""Containment (CT) GCP checks: quarantine rule and deletion protection."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import containment as ct

from tests.checks.test_gcp_fixtures import PROJECT, gcp, one
from tests.factories import findings, statuses

COMPUTE = f"//compute.googleapis.com/projects/{PROJECT}"


def network(name: str) -> dict[str, Any]:
    return {"id": f"{COMPUTE}/global/networks/{name}", "name": name, "project_id": PROJECT}


def rule(name: str, direction: str = "INGRESS", net: str = "vpc", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"{COMPUTE}/global/firewalls/{name}", "name": name, "project_id": PROJECT,
        "network": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/{net}",
        "direction": direction, "priority": 10, "disabled": False, "log_enabled": True,
        "target_tags": ["quarantine"], "target_service_accounts": [],
        "source_ranges": ["0.0.0.0/0"] if direction == "INGRESS" else [],
        "destination_ranges": ["0.0.0.0/0"] if direction == "EGRESS" else [],
        "allowed": [], "denied": [{"protocol": "all"}],
    }
    data.update(overrides)
    return data


def allow(name: str, priority: int, net: str = "vpc") -> dict[str, Any]:
    return rule(name, net=net, priority=priority, target_tags=[], denied=[],
                allowed=[{"protocol": "tcp", "ports": ["443"]}])


def vm(name: str, protected: bool, created_by: str | None = None) -> dict[str, Any]:
    return {"id": f"{COMPUTE}/zones/europe-west1-b/instances/{name}", "name": name, "project_id": PROJECT,
            "zone": "europe-west1-b", "region": "europe-west1", "deletion_protection": protected,
            "created_by": created_by}


class TestQuarantineFirewallRule:
    def test_both_directions_pass(self) -> None:
        """Tagged deny-all ingress and egress rules outranking every allow pass."""
        snap = gcp({"gcp.compute.network": [network("vpc")],
                    "gcp.compute.firewall": [rule("q-in"), rule("q-out", "EGRESS"), allow("web", 1000)]})
        assert statuses(findings(ct.quarantine_firewall_rule, snap)) == ["pass"]

    def test_one_direction_counts_half(self) -> None:
        """Only an ingress quarantine rule on the single network is partial at 0.5."""
        snap = gcp({"gcp.compute.network": [network("vpc")], "gcp.compute.firewall": [rule("q-in")]})
        result = one(findings(ct.quarantine_firewall_rule, snap), "partial")
        assert result.coverage == 0.5
        assert list(result.evidence["one_direction_only"].values()) == [["INGRESS"]]

    def test_rules_that_do_not_isolate_fail(self) -> None:
        """Untargeted, outranked or disabled deny rules, or ones on another network, do not count."""
        snap = gcp({"gcp.compute.network": [network("vpc")], "gcp.compute.firewall": [
            rule("everyone", target_tags=[]),
            rule("outranked", priority=500), allow("admin", 100),
            rule("off", "EGRESS", disabled=True),
            rule("elsewhere", "EGRESS", net="other")]})
        assert statuses(findings(ct.quarantine_firewall_rule, snap)) == ["fail"]

    def test_equal_priority_deny_still_wins(self) -> None:
        """At equal priority a deny beats an allow, so the rule still isolates."""
        snap = gcp({"gcp.compute.network": [network("vpc")],
                    "gcp.compute.firewall": [rule("q-in"), rule("q-out", "EGRESS"), allow("same", 10)]})
        assert statuses(findings(ct.quarantine_firewall_rule, snap)) == ["pass"]

    def test_coverage_across_networks_and_none(self) -> None:
        """One ready network of two is partial; no network is not applicable."""
        snap = gcp({"gcp.compute.network": [network("vpc"), network("other")],
                    "gcp.compute.firewall": [rule("q-in"), rule("q-out", "EGRESS")]})
        assert one(findings(ct.quarantine_firewall_rule, snap), "partial").coverage == 0.5
        assert statuses(findings(ct.quarantine_firewall_rule,
                                 gcp({"gcp.compute.network": [], "gcp.compute.firewall": []}))) == ["not_applicable"]


class TestInstanceDeletionProtection:
    def test_managed_instances_are_skipped(self) -> None:
        """Group-managed VMs are left out; the protected stand-alone VM passes."""
        managed = vm("web-1", False, "projects/1/zones/z/instanceGroupManagers/web")
        snap = gcp({"gcp.compute.instance": [vm("db", True), managed]})
        result = one(findings(ct.instance_deletion_protection, snap), "pass")
        assert result.evidence["managed_instances_skipped"] == 1

    def test_partial_and_fail(self) -> None:
        """One of two protected is partial; none protected fails."""
        assert statuses(findings(ct.instance_deletion_protection,
                                 gcp({"gcp.compute.instance": [vm("a", True), vm("b", False)]}))) == ["partial"]
        assert statuses(findings(ct.instance_deletion_protection,
                                 gcp({"gcp.compute.instance": [vm("a", False)]}))) == ["fail"]

    def test_only_managed_instances_is_not_applicable(self) -> None:
        """If every VM belongs to a group there is no stand-alone VM to protect."""
        snap = gcp({"gcp.compute.instance": [vm("w", False, "projects/1/zones/z/instanceGroupManagers/w")]})
        assert statuses(findings(ct.instance_deletion_protection, snap)) == ["not_applicable"]
