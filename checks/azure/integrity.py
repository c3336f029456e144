"""Log integrity and retention (LI): logs that cannot be deleted, kept long enough, watched for tampering."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    ACTIVITY_LOG_ALERT,
    DIAGNOSTIC_SETTING,
    ENTRA_SETTING,
    FLOW_LOG,
    LOCK,
    STORAGE_ACCOUNT,
    WORKSPACE,
    arm,
    capped,
    is_log_store,
    log_storage_ids,
    ratio_result,
    under,
    watched_operations,
    worm_state,
)

# Tables whose retention decides how far back an investigation can look; others (Usage, Heartbeat,
# Perf, ...) have their own, often fixed, retention and say nothing about security evidence.
SECURITY_TABLES = frozenset({
    "azureactivity", "signinlogs", "aadnoninteractiveusersigninlogs", "aadserviceprincipalsigninlogs",
    "aadmanagedidentitysigninlogs", "auditlogs", "azurediagnostics", "storagebloblogs", "azkvauditlogs",
    "aksaudit", "aksauditadmin", "ntanetanalytics", "securityevent", "securityalert", "syslog",
    "commonsecuritylog", "microsoftgraphactivitylogs",
})
TAMPER_OPERATIONS = ("microsoft.insights/diagnosticsettings/delete", "microsoft.insights/diagnosticsettings/write")


@check(
    id="azure.storage.log_immutability",
    title="Storage accounts that receive logs have a locked immutability policy",
    control="LI-03", severity="high", provider="azure", needs=(STORAGE_ACCOUNT, DIAGNOSTIC_SETTING),
    remediation="On every storage account that receives exported logs, set a time-based immutability policy "
    "on the insights-* containers (or version-level immutability on the account) and lock it once the "
    "retention period is right. An unlocked policy can still be removed by an administrator.",
    refs=("cis-azure-6.0.0:6.1.1.3", "csa-ccm-4.0.13:LOG-09", "nist-csf-2.0:RS.AN-07"),
)
def storage_log_immutability(ctx: CheckContext) -> Iterable[CheckResult]:
    """An intruder with administrative rights deletes the logs that describe them (ATT&CK T1562.008 and
    T1070). Logs exported to a storage account survive that only when the data is write-once: a locked
    time-based immutability policy that no one, not even the subscription owner, can shorten or remove."""
    accounts = ctx.resources(STORAGE_ACCOUNT)
    targets = log_storage_ids(ctx.resources(DIAGNOSTIC_SETTING), ctx.optional_resources(FLOW_LOG),
                              ctx.optional_resources(ENTRA_SETTING))
    stores = [a for a in accounts if arm(a["id"]) in targets or is_log_store(a)]
    elsewhere = sorted(targets - {arm(a["id"]) for a in accounts})
    if elsewhere:
        yield CheckResult.unknown(
            f"{len(elsewhere)} storage account(s) receiving logs are outside this subscription and were not read",
            evidence={"accounts": capped(elsewhere)})
    if not stores:
        if not elsewhere:
            yield CheckResult.not_applicable("No storage account receives exported logs or is tagged as a log store")
        return
    ok: list[str] = []
    bad: list[str] = []
    unlocked: list[str] = []
    for account in stores:
        locked, open_containers = worm_state(account, log_containers_only=True)
        (ok if locked else bad).append(str(account["id"]))
        states = [account.get("immutability_state")]
        states += [c.get("immutability_state") for c in account.get("containers") or []
                   if c.get("name") in open_containers]
        if not locked and "unlocked" in {arm(s) for s in states}:
            unlocked.append(str(account["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every log storage account is write-once ({total} checked)",
        failed="No log storage account is write-once ({total} checked)",
        partial="{bad} of {total} log storage accounts can have their logs deleted or altered",
        evidence={"unlocked_policies": capped(unlocked)},
    )


@check(
    id="azure.loganalytics.workspace_delete_lock",
    title="Log Analytics workspaces are protected by a delete lock",
    control="LI-03", severity="medium", provider="azure", needs=(WORKSPACE, LOCK),
    remediation="Put a CanNotDelete lock on each Log Analytics workspace (or its resource group), and keep "
    "the right to remove locks (Microsoft.Authorization/locks/delete) with a small break-glass group.",
    refs=("cis-azure-6.0.0:6.2", "csa-ccm-4.0.13:LOG-09"),
)
def workspace_delete_lock(ctx: CheckContext) -> Iterable[CheckResult]:
    """Deleting a Log Analytics workspace removes every log in it in one call. Workspaces offer no
    write-once mode, so a management lock is the guard that makes that call fail and forces an attacker
    to take a second, alertable step."""
    workspaces = ctx.resources(WORKSPACE)
    if not workspaces:
        yield CheckResult.not_applicable("No Log Analytics workspace in this subscription")
        return
    locks = ctx.resources(LOCK)
    ok: list[str] = []
    bad: list[str] = []
    for workspace in workspaces:
        locked = any(under(workspace["id"], lock.get("scope")) for lock in locks)
        (ok if locked else bad).append(str(workspace["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every workspace is under a delete lock ({total} checked)",
        failed="No workspace is under a delete lock ({total} checked)",
        partial="{bad} of {total} workspaces can be deleted without first removing a lock",
    )


def _effective_retention(workspace: Mapping[str, Any]) -> int | None:
    """Days the security tables stay queryable (long-term retention included), else the default."""
    default = workspace.get("retention_in_days")
    days = []
    for table in workspace.get("tables") or []:
        if arm(table.get("name")) in SECURITY_TABLES:
            value = table.get("total_retention_in_days") or table.get("retention_in_days") or default
            if value is not None:
                days.append(int(value))
    if days:
        return min(days)
    return int(default) if default is not None else None


@check(
    id="azure.loganalytics.retention",
    title="Log Analytics workspaces keep logs as long as the organisation requires",
    control="LI-04", severity="high", provider="azure", needs=(WORKSPACE,),
    remediation="Raise the workspace retention, or the total (long-term) retention of the security tables, "
    "to at least the organisation's required retention (the profile's required_log_retention_days).",
    refs=("csa-ccm-4.0.13:LOG-02", "csa-ccm-4.0.13:DSP-16", "nist-csf-2.0:PR.PS-04"),
)
def workspace_retention(ctx: CheckContext) -> Iterable[CheckResult]:
    """Intrusions are often found months after they began. A workspace keeps 30 days by default, so
    logs older than that are gone when the investigation needs them; retention has to cover the expected
    dwell time and any legal minimum the organisation has set."""
    workspaces = ctx.resources(WORKSPACE)
    if not workspaces:
        yield CheckResult.not_applicable("No Log Analytics workspace in this subscription")
        return
    required = ctx.profile.required_log_retention_days
    ok: list[str] = []
    bad: list[str] = []
    unreadable: list[str] = []
    days_by_workspace: dict[str, int] = {}
    for workspace in workspaces:
        days = _effective_retention(workspace)
        if days is None:
            unreadable.append(str(workspace["id"]))
            continue
        days_by_workspace[str(workspace["id"])] = days
        (ok if days >= required else bad).append(str(workspace["id"]))
    if unreadable:
        yield CheckResult.unknown(f"{len(unreadable)} workspace(s) have no retention recorded",
                                  evidence={"workspaces": capped(unreadable)})
    if ok or bad:
        shortest = min(days_by_workspace.values())
        yield ratio_result(
            ok, bad,
            passed=f"Every workspace keeps logs for at least {required} days ({{total}} checked)",
            failed=f"No workspace keeps logs for {required} days (shortest: {shortest} days)",
            partial=f"{{bad}} of {{total}} workspaces keep logs for less than {required} days",
            evidence={"required_days": required, "shortest_days": shortest,
                      "retention_days": dict(sorted(days_by_workspace.items())[:50])},
        )


@check(
    id="azure.network.flow_log_retention",
    title="Flow logs are kept as long as the organisation requires",
    control="LI-04", severity="medium", provider="azure", needs=(FLOW_LOG,),
    remediation="Set each flow log's retention to 0 (keep) or to at least the required retention, and manage "
    "deletion with a storage lifecycle rule that matches it.",
    refs=("cis-azure-6.0.0:7.5", "cis-azure-6.0.0:7.8", "csa-ccm-4.0.13:LOG-02"),
)
def flow_log_retention(ctx: CheckContext) -> Iterable[CheckResult]:
    """Flow records answer 'where did the data go' long after an intrusion began, but a flow log's
    retention policy quietly deletes them after the configured number of days."""
    logs = [f for f in ctx.resources(FLOW_LOG) if f.get("enabled")]
    if not logs:
        yield CheckResult.not_applicable("No enabled flow log (flow log coverage is judged under LC-03)")
        return
    required = ctx.profile.required_log_retention_days
    ok: list[str] = []
    bad: list[str] = []
    for log in logs:
        days = int(log.get("retention_days") or 0)
        keeps = not log.get("retention_enabled") or days == 0 or days >= required
        (ok if keeps else bad).append(str(log["id"]))
    yield ratio_result(
        ok, bad,
        passed=f"Every flow log keeps records for at least {required} days ({{total}} checked)",
        failed=f"No flow log keeps records for {required} days ({{total}} checked)",
        partial=f"{{bad}} of {{total}} flow logs delete records before {required} days",
        evidence={"required_days": required},
    )


@check(
    id="azure.monitor.logging_tamper_alert",
    title="An alert fires when a diagnostic setting is changed or deleted",
    control="LI-06", severity="medium", provider="azure", needs=(ACTIVITY_LOG_ALERT,),
    remediation="Create subscription-wide Activity Log alerts on microsoft.insights/diagnosticSettings/delete "
    "and /write, with an action group that reaches the on-call responder.",
    refs=("csa-ccm-4.0.13:LOG-13", "nist-csf-2.0:DE.CM-09"),
)
def logging_tamper_alert(ctx: CheckContext) -> Iterable[CheckResult]:
    """Turning off a diagnostic setting is the quiet way to blind responders (ATT&CK T1562.008): the
    change itself is the last event exported. Only an alert on that change tells someone before the gap
    grows."""
    watched = watched_operations(ctx, ctx.resources(ACTIVITY_LOG_ALERT), TAMPER_OPERATIONS)
    ok = [op for op, alerts in watched.items() if alerts]
    bad = [op for op, alerts in watched.items() if not alerts]
    yield ratio_result(
        ok, bad,
        passed="Deleting or changing a diagnostic setting raises an alert",
        failed="No alert fires when a diagnostic setting is deleted or changed",
        partial="Only some diagnostic-setting changes raise an alert",
        evidence={"alerts": {op: capped(ids) for op, ids in watched.items()}},
    )
