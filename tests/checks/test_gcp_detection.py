"""Detection (DT) GCP checks: SCC tier, threat detectors and Security Health Analytics."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import detection as dt

from tests.checks.test_gcp_fixtures import NUMBER, ORG, gcp, held, one
from tests.factories import findings, statuses

ON, OFF = "ENABLED", "DISABLED"


def settings(scope: str, tier: str | None, **services: str) -> dict[str, Any]:
    return {"id": f"//securitycenter.googleapis.com/{scope}/settings", **held(scope), "tier": tier,
            "services": {k.replace("_", "-"): v for k, v in services.items()}}


WORKLOADS = {"gcp.container.cluster": [{"id": "c"}], "gcp.compute.instance": [{"id": "i"}]}
ALL_ON = {"event_threat_detection": ON, "vm_threat_detection": ON, "container_threat_detection": ON,
          "security_health_analytics": ON}


class TestThreatDetection:
    def test_premium_with_all_detectors_passes(self) -> None:
        """Premium tier with ETD, VMTD and CTD enabled passes."""
        snap = gcp({**WORKLOADS, "gcp.scc.settings": [settings(ORG, "PREMIUM", **ALL_ON)]})
        assert statuses(findings(dt.threat_detection, snap)) == ["pass"]

    def test_standard_tier_fails_whatever_the_services_say(self) -> None:
        """Standard tier has no threat detectors."""
        snap = gcp({**WORKLOADS, "gcp.scc.settings": [settings(ORG, "STANDARD", **ALL_ON)]})
        assert "STANDARD" in one(findings(dt.threat_detection, snap), "fail").message

    def test_project_override_disables_a_detector(self) -> None:
        """A project-level DISABLED overrides the organisation: partial."""
        snap = gcp({**WORKLOADS, "gcp.scc.settings": [
            settings(ORG, "ENTERPRISE", **ALL_ON),
            settings(f"projects/{NUMBER}", None, vm_threat_detection=OFF)]})
        result = one(findings(dt.threat_detection, snap), "partial")
        assert result.coverage == 2 / 3
        assert result.evidence["detectors"]["vm-threat-detection"] == OFF

    def test_container_detector_ignored_without_clusters(self) -> None:
        """With no GKE clusters, CTD being off does not count against the project."""
        snap = gcp({"gcp.container.cluster": [], "gcp.compute.instance": [{"id": "i"}],
                    "gcp.scc.settings": [settings(ORG, "PREMIUM", event_threat_detection=ON,
                                                  vm_threat_detection=ON, container_threat_detection=OFF)]})
        assert statuses(findings(dt.threat_detection, snap)) == ["pass"]

    def test_not_activated_fails(self) -> None:
        """No SCC settings at all means SCC is not activated."""
        assert "not activated" in one(findings(dt.threat_detection, gcp({"gcp.scc.settings": []})), "fail").message


class TestSecurityHealthAnalytics:
    def test_enabled_passes_on_standard(self) -> None:
        """SHA runs in the Standard tier too (with fewer detectors)."""
        snap = gcp({"gcp.scc.settings": [settings(ORG, "STANDARD", security_health_analytics=ON)]})
        assert "reduced" in one(findings(dt.security_health_analytics, snap), "pass").message

    def test_disabled_fails(self) -> None:
        """A disabled SHA fails."""
        snap = gcp({"gcp.scc.settings": [settings(ORG, "PREMIUM", security_health_analytics=OFF)]})
        assert statuses(findings(dt.security_health_analytics, snap)) == ["fail"]
