"""Elasticity (EL): scale-in must not destroy evidence before anyone can take it."""

from __future__ import annotations

from collections.abc import Iterable

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import VMSS, ratio_result


@check(
    id="azure.compute.vmss_terminate_notification",
    title="Scale sets warn instances before deleting them",
    control="EL-02", severity="medium", provider="azure", needs=(VMSS,), service_models=("iaas",),
    remediation="Enable the terminate notification (scheduledEventsProfile.terminateNotificationProfile) on "
    "every scale set with a timeout long enough to ship logs and, for flagged instances, take a disk snapshot "
    "(up to PT15M); have the instance or an automation act on the Terminate scheduled event.",
    refs=("nist-csf-2.0:RS.AN-07", "csa-ccm-4.0.13:LOG-07"),
)
def vmss_terminate_notification(ctx: CheckContext) -> Iterable[CheckResult]:
    """Autoscale deletes instances, with their disks and unshipped logs, whenever load drops, including
    the one an intruder used. A terminate notification gives the instance a few minutes' warning to flush
    its logs and lets automation snapshot a suspect disk first; without it the evidence simply vanishes."""
    scale_sets = ctx.resources(VMSS)
    if not scale_sets:
        yield CheckResult.not_applicable("No virtual machine scale set in this subscription")
        return
    ok = [str(s["id"]) for s in scale_sets if s.get("terminate_notification_enabled")]
    bad = [str(s["id"]) for s in scale_sets if not s.get("terminate_notification_enabled")]
    timeouts = {str(s["id"]): s.get("terminate_notification_timeout") for s in scale_sets
                if s.get("terminate_notification_enabled")}
    yield ratio_result(
        ok, bad,
        passed="Every scale set sends a terminate notification before deleting an instance ({total} checked)",
        failed="No scale set sends a terminate notification ({total} checked)",
        partial="{bad} of {total} scale sets delete instances without notice",
        evidence={"timeouts": dict(sorted(timeouts.items())[:50]),
                  "no_notice_instances": sum(int(s.get("capacity") or 0) for s in scale_sets
                                             if not s.get("terminate_notification_enabled"))},
    )
