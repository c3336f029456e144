"""Elasticity (EL) GCP checks: boot disks of autoscaled instances."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.gcp import elasticity as el

from tests.checks.test_gcp_fixtures import NUMBER, PROJECT, gcp, one
from tests.factories import findings, statuses

ZONE = "europe-west1-b"


def group(name: str, mode: str | None = "ON") -> dict[str, Any]:
    return {"id": f"//compute.googleapis.com/projects/{PROJECT}/zones/{ZONE}/instanceGroupManagers/{name}",
            "name": name, "project_id": PROJECT, "zone": ZONE, "region": "europe-west1",
            "instance_template": "projects/proj-x/global/instanceTemplates/t", "target_size": 2,
            "autoscaled": mode not in (None, "OFF"), "autoscaler_mode": mode}


def member(name: str, group_name: str, auto_delete: bool) -> dict[str, Any]:
    # The created-by metadata names the project by number, CAI by id: the check must match both.
    return {"id": f"//compute.googleapis.com/projects/{PROJECT}/zones/{ZONE}/instances/{name}", "name": name,
            "project_id": PROJECT, "zone": ZONE, "region": "europe-west1", "boot_disk_auto_delete": auto_delete,
            "created_by": f"projects/{NUMBER}/zones/{ZONE}/instanceGroupManagers/{group_name}"}


class TestAutoscaledBootDiskRetained:
    def test_disks_kept_pass(self) -> None:
        """Members whose boot disk outlives them pass."""
        snap = gcp({"gcp.compute.instance_group_manager": [group("web")],
                    "gcp.compute.instance": [member("web-1", "web", False)]})
        assert statuses(findings(el.autoscaled_boot_disk_retained, snap)) == ["pass"]

    def test_auto_deleted_disks_fail_and_mix_is_partial(self) -> None:
        """An auto-deleting group fails; one of two groups keeping disks is partial."""
        snap = gcp({"gcp.compute.instance_group_manager": [group("web")],
                    "gcp.compute.instance": [member("web-1", "web", True)]})
        assert statuses(findings(el.autoscaled_boot_disk_retained, snap)) == ["fail"]
        snap = gcp({"gcp.compute.instance_group_manager": [group("web"), group("api")],
                    "gcp.compute.instance": [member("web-1", "web", True), member("api-1", "api", False)]})
        assert one(findings(el.autoscaled_boot_disk_retained, snap), "partial").coverage == 0.5

    def test_groups_that_never_scale_in_are_not_applicable(self) -> None:
        """Scale-out-only and unscaled groups cannot remove instances on their own."""
        snap = gcp({"gcp.compute.instance_group_manager": [group("a", "ONLY_SCALE_OUT"), group("b", None)],
                    "gcp.compute.instance": [member("a-1", "a", True)]})
        assert statuses(findings(el.autoscaled_boot_disk_retained, snap)) == ["not_applicable"]

    def test_group_without_instances_is_unknown(self) -> None:
        """With no member to read the setting from, the result is unknown."""
        snap = gcp({"gcp.compute.instance_group_manager": [group("web")], "gcp.compute.instance": []})
        assert "no instances" in str(one(findings(el.autoscaled_boot_disk_retained, snap), "unknown").reason)
