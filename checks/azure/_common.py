"""Small helpers shared by the Azure checks. No check lives here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from assessor.checks_api import CheckContext, CheckResult

EVIDENCE_CAP = 50

# Resource type names, spelled once.
RESOURCE = "azure.resource"
DIAGNOSTIC_SETTING = "azure.monitor.diagnostic_setting"
LOG_PROFILE = "azure.monitor.log_profile"
ACTIVITY_LOG_ALERT = "azure.monitor.activity_log_alert"
VNET = "azure.network.virtual_network"
NETWORK_WATCHER = "azure.network.network_watcher"
FLOW_LOG = "azure.network.flow_log"
NSG = "azure.network.nsg"
VTAP = "azure.network.virtual_network_tap"
PACKET_CAPTURE = "azure.network.packet_capture"
PRICING = "azure.security.pricing"
CONTACT = "azure.security.contact"
AUTOMATION = "azure.security.automation"
STORAGE_ACCOUNT = "azure.storage.account"
WORKSPACE = "azure.loganalytics.workspace"
ENTRA_SETTING = "azure.aadiam.diagnostic_setting"
POLICY_ASSIGNMENT = "azure.policy.assignment"
LOCK = "azure.locks.lock"
VM = "azure.compute.vm"
VMSS = "azure.compute.vmss"
AKS = "azure.containerservice.aks"
SENTINEL = "azure.securityinsights.onboarding"
KEY_VAULT = "azure.keyvault.vault"

NON_REGIONS = frozenset({"", "global"})


def arm(value: Any) -> str:
    """ARM ids and enum values compare case-insensitively; Azure is not consistent about case."""
    return str(value or "").strip().lower()


def subscription_scope(ctx: CheckContext) -> str:
    return f"/subscriptions/{arm(ctx.account_id)}"


def in_subscription(ctx: CheckContext, resource_id: Any) -> bool:
    return arm(resource_id).startswith(subscription_scope(ctx) + "/")


def under(resource_id: Any, scope: Any) -> bool:
    """True when `scope` is the resource itself or one of its ancestors (locks and policies inherit)."""
    rid, parent = arm(resource_id), arm(scope).rstrip("/")
    return bool(parent) and (rid == parent or rid.startswith(parent + "/"))


def capped(values: Iterable[Any], limit: int = EVIDENCE_CAP) -> dict[str, Any]:
    """A sorted, de-duplicated list small enough for evidence, with the full count."""
    unique = sorted({str(v) for v in values})
    shown: dict[str, Any] = {"count": len(unique), "items": unique[:limit]}
    if len(unique) > limit:
        shown["truncated"] = True
    return shown


def ratio_result(ok: list[str], bad: list[str], *, passed: str, failed: str, partial: str,
                 evidence: Mapping[str, Any] | None = None) -> CheckResult:
    """Pass when every item complies, fail when none does, partial with coverage otherwise.

    Messages may use {ok}, {bad} and {total}. Evidence lists the compliant and non-compliant ids.
    """
    total = len(ok) + len(bad)
    counts = {"ok": len(ok), "bad": len(bad), "total": total}
    detail: dict[str, Any] = {"compliant": capped(ok), "non_compliant": capped(bad), **(evidence or {})}
    if not bad:
        return CheckResult.passed(passed.format(**counts), evidence=detail)
    if not ok:
        return CheckResult.failed(failed.format(**counts), evidence=detail)
    return CheckResult.partial(partial.format(**counts), coverage=len(ok) / total, evidence=detail)


# --------------------------------------------------------------------------- diagnostic settings


def destinations(setting: Mapping[str, Any]) -> list[str]:
    """Where a diagnostic setting sends data; a setting with none exports nothing."""
    keys = ("workspace_id", "storage_account_id", "event_hub_authorization_rule_id", "marketplace_partner_id")
    return [str(setting[k]) for k in keys if setting.get(k)]


def exported_categories(setting: Mapping[str, Any]) -> set[str]:
    """Lower-cased categories a setting really exports (nothing when it has no destination)."""
    if not destinations(setting):
        return set()
    cats = {arm(c) for c in setting.get("categories") or []}
    # Collectors expand groups; `allLogs` is honoured here too in case a record was not expanded.
    if "alllogs" in {arm(g) for g in setting.get("category_groups") or []}:
        cats.add("*")
    return cats


def covers(categories: set[str], wanted: str) -> bool:
    return "*" in categories or arm(wanted) in categories


def settings_by_scope(settings: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for setting in settings:
        grouped.setdefault(arm(setting.get("scope_id")), []).append(setting)
    return grouped


def exported_for(grouped: Mapping[str, list[Mapping[str, Any]]], scope: str) -> set[str]:
    """Union of the categories exported by all settings on one scope."""
    found: set[str] = set()
    for setting in grouped.get(arm(scope), []):
        found |= exported_categories(setting)
    return found


def log_storage_ids(*setting_lists: Iterable[Mapping[str, Any]] | None) -> set[str]:
    """Lower-cased ids of storage accounts that receive exported logs of any kind."""
    found: set[str] = set()
    for settings in setting_lists:
        for setting in settings or []:
            if setting.get("storage_account_id") and setting.get("enabled", True) is not False:
                found.add(arm(setting["storage_account_id"]))
    return found


# --------------------------------------------------------------------------- tags

# Tag keys this tool reads to learn what a resource is for (documented in the remediation texts).
PURPOSE_KEYS = frozenset({"purpose", "ir-purpose", "data-purpose", "usage", "role"})
CRITICALITY_KEYS = frozenset({"criticality", "business-criticality", "businesscriticality"})
CRITICAL_VALUES = frozenset({"high", "critical", "mission-critical", "mission critical"})


def purpose_words(record: Mapping[str, Any]) -> set[str]:
    """Lower-cased words of the record's purpose tags (`Security-Logs` gives {"security", "logs"})."""
    tags = record.get("tags") or {}
    return {w for k, v in tags.items() if arm(k) in PURPOSE_KEYS for w in re.split(r"[^a-z0-9]+", arm(v)) if w}


def is_evidence_store(record: Mapping[str, Any]) -> bool:
    return bool(purpose_words(record) & {"evidence", "forensic", "forensics"})


def is_log_store(record: Mapping[str, Any]) -> bool:
    # Whole words only: "logistics" or "catalog" must not make an account a log store.
    return bool(purpose_words(record) & {"log", "logs", "logging", "audit", "siem"})


def is_critical(record: Mapping[str, Any]) -> bool:
    tags = record.get("tags") or {}
    return any(arm(k) in CRITICALITY_KEYS and arm(v) in CRITICAL_VALUES for k, v in tags.items())


# --------------------------------------------------------------------------- storage immutability


def container_locked(container: Mapping[str, Any], *, legal_hold_counts: bool = False) -> bool:
    if arm(container.get("immutability_state")) == "locked":
        return True
    return legal_hold_counts and bool(container.get("has_legal_hold"))


def worm_state(account: Mapping[str, Any], *, log_containers_only: bool,
               legal_hold_counts: bool = False) -> tuple[bool, list[str]]:
    """Whether the account's data cannot be altered or deleted, and the containers that are not protected.

    An account-level Locked policy protects everything. Otherwise every relevant container needs a Locked
    time-based policy (or, for evidence, a legal hold). For log stores only the containers Azure Monitor
    writes (`insights-*`) are relevant when there are any.
    """
    if account.get("immutability_enabled") and arm(account.get("immutability_state")) == "locked":
        return True, []
    containers = list(account.get("containers") or [])
    if log_containers_only:
        monitor = [c for c in containers if arm(c.get("name")).startswith("insights-")]
        containers = monitor or containers
    if not containers:
        return False, []
    open_ones = [str(c.get("name")) for c in containers
                 if not container_locked(c, legal_hold_counts=legal_hold_counts)]
    return not open_ones, open_ones


def regions_of(records: Iterable[Mapping[str, Any]]) -> set[str]:
    return {arm(r.get("region")) for r in records} - NON_REGIONS


# --------------------------------------------------------------------------- activity log alerts


def watched_operations(ctx: CheckContext, alerts: Iterable[Mapping[str, Any]],
                       operations: Iterable[str]) -> dict[str, list[str]]:
    """For each operation, the ids of enabled, subscription-wide alerts that notify someone about it.

    An alert on the whole Administrative category without an operation filter watches every write and
    delete, so it counts for all of them.
    """
    scope = subscription_scope(ctx)
    usable = [a for a in alerts
              if a.get("enabled") and a.get("action_group_ids")
              and scope in {arm(s) for s in a.get("scopes") or []}]
    watched: dict[str, list[str]] = {}
    for operation in operations:
        hits = []
        for alert in usable:
            names = {arm(n) for n in alert.get("operation_names") or []}
            categories = {arm(c) for c in alert.get("categories") or []}
            if arm(operation) in names or (not names and categories <= {"administrative"}):
                hits.append(str(alert.get("id")))
        watched[operation] = sorted(hits)
    return watched
