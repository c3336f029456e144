"""Logging coverage (LC): control-plane, data-plane, identity and Kubernetes logs leave their source."""

from __future__ import annotations

from collections.abc import Iterable

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    AKS,
    DIAGNOSTIC_SETTING,
    ENTRA_SETTING,
    KEY_VAULT,
    LOG_PROFILE,
    STORAGE_ACCOUNT,
    arm,
    capped,
    covers,
    destinations,
    exported_categories,
    exported_for,
    ratio_result,
    settings_by_scope,
    subscription_scope,
)

ACTIVITY_CATEGORIES = ("Administrative", "Security", "Policy", "Alert")
BLOB_CATEGORIES = ("StorageRead", "StorageWrite", "StorageDelete")
ENTRA_REQUIRED = ("SignInLogs", "AuditLogs")
ENTRA_ADVISED = ("NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs", "ManagedIdentitySignInLogs")


@check(
    id="azure.monitor.activity_log_export",
    title="The subscription's Activity Log is exported with the security-relevant categories",
    control="LC-01", severity="high", provider="azure", needs=(DIAGNOSTIC_SETTING,),
    remediation="Create a subscription diagnostic setting that sends the Administrative, Security, Policy and "
    "Alert categories to a Log Analytics workspace (and, for the SIEM, an Event Hub). Assign the built-in "
    "policy that deploys it to every subscription of the management group.",
    refs=("cis-azure-6.0.0:6.1.1.1", "cis-azure-6.0.0:6.1.1.2", "csa-ccm-4.0.13:LOG-08", "nist-csf-2.0:PR.PS-04"),
)
def activity_log_export(ctx: CheckContext) -> Iterable[CheckResult]:
    """Azure keeps the Activity Log, the record of every control-plane change, for 90 days only and
    only inside the subscription an attacker may control. Without an export, an intrusion found after
    three months has no administrative history, and policy and security events that show how an
    attacker disabled guardrails are lost first."""
    scope = subscription_scope(ctx)
    settings = [s for s in ctx.resources(DIAGNOSTIC_SETTING) if arm(s.get("scope_id")) == scope]
    exporting = [s for s in settings if destinations(s)]
    covered: set[str] = set()
    for setting in exporting:
        covered |= exported_categories(setting)
    missing = [c for c in ACTIVITY_CATEGORIES if not covers(covered, c)]
    evidence: dict[str, object] = {
        "settings": capped(str(s.get("id")) for s in settings),
        "destinations": capped(d for s in exporting for d in destinations(s)),
        "missing_categories": missing,
    }
    legacy = ctx.optional_resources(LOG_PROFILE)
    if legacy:
        evidence["legacy_log_profiles"] = capped(str(p.get("id")) for p in legacy)
    if not exporting:
        yield CheckResult.failed("The Activity Log is not exported: Azure keeps it for 90 days only",
                                 resource=scope, evidence=evidence)
    elif len(missing) == len(ACTIVITY_CATEGORIES):
        yield CheckResult.failed("The Activity Log export has none of the security-relevant categories",
                                 resource=scope, evidence=evidence)
    elif missing:
        done = len(ACTIVITY_CATEGORIES) - len(missing)
        yield CheckResult.partial(f"The Activity Log export omits: {', '.join(missing)}",
                                  coverage=done / len(ACTIVITY_CATEGORIES), resource=scope, evidence=evidence)
    else:
        yield CheckResult.passed("The Activity Log is exported with Administrative, Security, Policy and Alert",
                                 resource=scope, evidence=evidence)


@check(
    id="azure.keyvault.audit_logging",
    title="Every Key Vault exports its AuditEvent log",
    control="LC-02", severity="high", provider="azure", needs=(KEY_VAULT, DIAGNOSTIC_SETTING),
    remediation="Add a diagnostic setting with the AuditEvent category (or the audit group) on every Key "
    "Vault, sent to the central workspace; enforce it with the built-in 'Deploy diagnostic settings for Key "
    "Vault' policy.",
    refs=("cis-azure-6.0.0:6.1.1.4", "csa-ccm-4.0.13:LOG-11", "nist-csf-2.0:DE.CM-09"),
)
def keyvault_audit_logging(ctx: CheckContext) -> Iterable[CheckResult]:
    """Key Vault holds the secrets and keys an attacker wants most. Who read which secret, and when, is
    only recorded if the vault's AuditEvent log is exported; without it the blast radius of a stolen
    identity cannot be bounded."""
    vaults = ctx.resources(KEY_VAULT)
    if not vaults:
        yield CheckResult.not_applicable("No Key Vault in this subscription")
        return
    grouped = settings_by_scope(ctx.resources(DIAGNOSTIC_SETTING))
    ok: list[str] = []
    bad: list[str] = []
    for vault in vaults:
        (ok if covers(exported_for(grouped, vault["id"]), "AuditEvent") else bad).append(str(vault["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every Key Vault exports its audit log ({total} checked)",
        failed="No Key Vault exports its audit log ({total} checked)",
        partial="{bad} of {total} Key Vaults do not export their audit log",
    )


@check(
    id="azure.storage.blob_logging",
    title="Every storage account logs blob reads, writes and deletes",
    control="LC-02", severity="medium", provider="azure", needs=(STORAGE_ACCOUNT, DIAGNOSTIC_SETTING),
    remediation="Add a diagnostic setting on each storage account's blobServices/default resource with "
    "StorageRead, StorageWrite and StorageDelete, sent to the central workspace. Start with the accounts that "
    "hold regulated data if cost is a concern.",
    refs=("cis-azure-6.0.0:6.1.4", "csa-ccm-4.0.13:LOG-07", "nist-csf-2.0:DE.CM-09"),
)
def storage_blob_logging(ctx: CheckContext) -> Iterable[CheckResult]:
    """Data theft from blob storage leaves no trace in the Activity Log: reads, writes and deletes of
    blobs appear only in the blob service's resource logs. Without them nobody can say which data left,
    which an incident notification to regulators has to state."""
    accounts = ctx.resources(STORAGE_ACCOUNT)
    if not accounts:
        yield CheckResult.not_applicable("No storage account in this subscription")
        return
    grouped = settings_by_scope(ctx.resources(DIAGNOSTIC_SETTING))
    ok: list[str] = []
    bad: list[str] = []
    missing_reads: list[str] = []
    for account in accounts:
        found = exported_for(grouped, f"{account['id']}/blobServices/default")
        lacking = [c for c in BLOB_CATEGORIES if not covers(found, c)]
        (bad if lacking else ok).append(str(account["id"]))
        if lacking == ["StorageRead"]:
            missing_reads.append(str(account["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every storage account logs blob reads, writes and deletes ({total} checked)",
        failed="No storage account logs blob reads, writes and deletes ({total} checked)",
        partial="{bad} of {total} storage accounts do not log all blob reads, writes and deletes",
        evidence={"missing_only_reads": capped(missing_reads)},
    )


@check(
    id="azure.entra.signin_audit_export",
    title="Entra ID sign-in and audit logs are exported",
    control="LC-06", severity="high", provider="azure", needs=(ENTRA_SETTING,),
    remediation="In Microsoft Entra ID > Diagnostic settings, send SignInLogs and AuditLogs (and the "
    "non-interactive, service principal and managed identity sign-in logs) to the central workspace or an "
    "Event Hub. Reading the settings needs microsoft.aadiam/diagnosticSettings/read at tenant scope.",
    refs=("cis-azure-6.0.0:6.1.1.8", "csa-ccm-4.0.13:LOG-07", "nist-csf-2.0:DE.CM-03"),
)
def entra_log_export(ctx: CheckContext) -> Iterable[CheckResult]:
    """Most cloud intrusions start with a stolen identity. Entra ID keeps sign-in and directory audit
    logs for 30 days at best (7 on the free tier), so an investigation that starts later cannot see how
    the attacker got in or which accounts they changed unless the logs are exported."""
    settings = [s for s in ctx.resources(ENTRA_SETTING) if destinations(s)]
    covered: set[str] = set()
    for setting in settings:
        covered |= {arm(c) for c in setting.get("categories") or []}
    missing = [c for c in ENTRA_REQUIRED if not covers(covered, c)]
    evidence = {
        "settings": capped(str(s.get("id")) for s in settings),
        "missing_categories": missing,
        "advised_missing": [c for c in ENTRA_ADVISED if not covers(covered, c)],
    }
    if len(missing) == len(ENTRA_REQUIRED):
        yield CheckResult.failed("Entra ID sign-in and audit logs are not exported", evidence=evidence)
    elif missing:
        yield CheckResult.partial(f"Entra ID export omits: {', '.join(missing)}", coverage=0.5,
                                  evidence=evidence)
    else:
        yield CheckResult.passed("Entra ID sign-in and audit logs are exported", evidence=evidence)


@check(
    id="azure.aks.audit_logging",
    title="Every AKS cluster exports its Kubernetes audit log",
    control="LC-08", severity="high", provider="azure", needs=(AKS, DIAGNOSTIC_SETTING),
    remediation="Add a diagnostic setting on each AKS cluster with kube-audit-admin (or kube-audit when "
    "reads matter) and guard, sent to the central workspace.",
    refs=("csa-ccm-4.0.13:LOG-07", "nist-csf-2.0:DE.CM-09"),
)
def aks_audit_logging(ctx: CheckContext) -> Iterable[CheckResult]:
    """The Kubernetes API server's audit log is the only record of who exec'd into a pod, read a secret
    or deployed a workload. AKS runs the control plane for you and keeps none of it unless a diagnostic
    setting exports the kube-audit categories."""
    clusters = ctx.resources(AKS)
    if not clusters:
        yield CheckResult.not_applicable("No AKS cluster in this subscription")
        return
    grouped = settings_by_scope(ctx.resources(DIAGNOSTIC_SETTING))
    ok: list[str] = []
    bad: list[str] = []
    admin_only: list[str] = []
    for cluster in clusters:
        found = exported_for(grouped, cluster["id"])
        full, admin = covers(found, "kube-audit"), covers(found, "kube-audit-admin")
        (ok if full or admin else bad).append(str(cluster["id"]))
        if admin and not full:
            admin_only.append(str(cluster["id"]))
    yield ratio_result(
        ok, bad,
        passed="Every AKS cluster exports its audit log ({total} checked)",
        failed="No AKS cluster exports its audit log ({total} checked)",
        partial="{bad} of {total} AKS clusters do not export their audit log",
        # kube-audit-admin leaves out get/list: enough for changes, blind to reconnaissance.
        evidence={"admin_only_no_reads": capped(admin_only)},
    )
