"""GCP elasticity (EL): evidence that must outlive instances an autoscaler removes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import capped, coverage_result, path_of


def _within_project(reference: str | None) -> str:
    """Path below `projects/<p>/`: created-by metadata names the project by number, CAI by id."""
    parts = path_of(reference).split("/")
    return "/".join(parts[2:]) if len(parts) > 2 and parts[0] == "projects" else "/".join(parts)


@check(
    id="gcp.compute.autoscaled_boot_disk_retained",
    title="Boot disks of autoscaled instances survive scale-in",
    control="EL-02", severity="medium", provider="gcp", service_models=("iaas",),
    needs=("gcp.compute.instance_group_manager", "gcp.compute.instance"),
    remediation="In the instance templates of autoscaled groups set the boot disk's autoDelete to false "
                "(and clean up detached disks on a schedule), or give the group a shutdown script that "
                "snapshots the disk of instances flagged for investigation before they go.",
    refs=("aws-waf:SEC10-BP03", "nist-csf-2.0:RS.AN-07"),
)
def autoscaled_boot_disk_retained(ctx: CheckContext) -> Iterable[CheckResult]:
    """An autoscaler removes instances at will, and by default their boot disks are deleted with them.
    A compromised instance scaled in overnight then leaves nothing to image: GCP has no termination
    hook that waits for evidence capture, so keeping the disk is the fallback that preserves it."""
    groups = [g for g in ctx.resources("gcp.compute.instance_group_manager")
              if g.get("autoscaled") and g.get("autoscaler_mode") != "ONLY_SCALE_OUT"]
    if not groups:
        yield CheckResult.not_applicable("No managed instance group can be scaled in by an autoscaler")
        return
    instances = ctx.resources("gcp.compute.instance")
    members: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        key = _within_project(str(group["id"]))
        members[str(group["id"])] = [i for i in instances if i.get("created_by")
                                     and _within_project(i["created_by"]) == key]
    judged = [g for g in groups if members[str(g["id"])]]
    empty = capped(str(g["id"]) for g in groups if not members[str(g["id"])])
    if not judged:
        yield CheckResult.unknown("The autoscaled groups have no instances right now, so their boot disk "
                                  "setting cannot be read", evidence={"groups": empty})
        return

    def keeps_disks(group: dict[str, Any]) -> bool:
        return all(i.get("boot_disk_auto_delete") is False for i in members[str(group["id"])])

    yield coverage_result(judged, keeps_disks, noun="autoscaled instance groups",
                          what="keep boot disks when instances are removed",
                          extra={"groups_without_instances": empty} if empty else None)
