"""Live Azure collection: Azure Resource Graph for the inventory, ARM for what Resource Graph lacks.

All I/O of the Azure provider is here; the mapping to snapshots is `records.build_snapshots`, shared with the
offline import of a Resource Graph export, so both give the same records for the same data.

Resource Graph answers one paged query across up to 1,000 subscriptions at a time, so the inventory costs pages,
not calls per resource. ARM has no such query for the settings Resource Graph does not carry (diagnostic
settings, Defender pricings and contacts, policy assignments, locks, blob containers, Sentinel state, Entra
diagnostic settings): those are one paged GET per subscription and kind, plus one per resource for the few
resource types whose own settings the checks judge.

ARM REST through the azure-core pipeline, not azure-mgmt-monitor and friends: one code path serves every kind
(azure-mgmt-monitor 7 dropped the diagnostic-settings operations, and the other kinds would need six more SDK
packages), the api-version of each call is pinned here next to the RBAC action it needs, and throttling (429 with
Retry-After) is handled by azure-core's own RetryPolicy.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assessor.collectors.azure.records import (
    DIAGNOSTIC_TARGET_TYPES,
    ROW_TYPES,
    ArmData,
    build_snapshots,
    diagnostic_scope,
)
from assessor.collectors.ledger import CallFailed, CallLedger
from assessor.errors import InputError, MissingExtraError
from assessor.models import CollectionError, Snapshot
from assessor.resource_types.azure import TYPES as AZURE_TYPES

PUBLIC_ARM = "https://management.azure.com"
SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
_QUERY_CHUNK = 1000  # Resource Graph takes at most 1,000 subscriptions per query


@dataclass(frozen=True)
class Operation:
    """One read-only API operation, the RBAC action it needs and the resource types a failure leaves unknown."""

    kind: str
    path: str  # "{scope}" is the subscription or resource id
    api_version: str
    action: str
    types: tuple[str, ...]
    per: str  # "subscription", "resource" (of `targets` types) or "tenant"
    targets: tuple[str, ...] = ()
    empty_on_404: bool = False  # a 404 means "none" (Sentinel state of a workspace Sentinel was never added to)


OPERATIONS = {op.kind: op for op in (
    Operation("subscriptions", "/subscriptions", "2022-12-01", "Microsoft.Resources/subscriptions/read",
              ("azure.subscription",), "tenant"),
    Operation("resourceGraph", "/providers/Microsoft.ResourceGraph/resources", "2022-10-01",
              "Microsoft.ResourceGraph/resources/read", (), "tenant"),
    Operation("diagnosticSettings", "{scope}/providers/Microsoft.Insights/diagnosticSettings", "2021-05-01-preview",
              "Microsoft.Insights/DiagnosticSettings/Read", ("azure.monitor.diagnostic_setting",), "subscription"),
    Operation("resourceDiagnosticSettings", "{scope}/providers/Microsoft.Insights/diagnosticSettings",
              "2021-05-01-preview", "Microsoft.Insights/DiagnosticSettings/Read",
              ("azure.monitor.diagnostic_setting",), "resource", DIAGNOSTIC_TARGET_TYPES),
    Operation("logProfiles", "{scope}/providers/Microsoft.Insights/logprofiles", "2016-03-01",
              "Microsoft.Insights/LogProfiles/Read", ("azure.monitor.log_profile",), "subscription"),
    Operation("activityLogAlerts", "{scope}/providers/Microsoft.Insights/activityLogAlerts", "2020-10-01",
              "Microsoft.Insights/ActivityLogAlerts/Read", ("azure.monitor.activity_log_alert",), "subscription"),
    Operation("pricings", "{scope}/providers/Microsoft.Security/pricings", "2024-01-01",
              "Microsoft.Security/pricings/read", ("azure.security.pricing",), "subscription"),
    Operation("securityContacts", "{scope}/providers/Microsoft.Security/securityContacts", "2023-12-01-preview",
              "Microsoft.Security/securityContacts/read", ("azure.security.contact",), "subscription"),
    Operation("automations", "{scope}/providers/Microsoft.Security/automations", "2023-12-01-preview",
              "Microsoft.Security/automations/read", ("azure.security.automation",), "subscription"),
    Operation("policyAssignments", "{scope}/providers/Microsoft.Authorization/policyAssignments", "2023-04-01",
              "Microsoft.Authorization/policyAssignments/read", ("azure.policy.assignment",), "subscription"),
    Operation("locks", "{scope}/providers/Microsoft.Authorization/locks", "2020-05-01",
              "Microsoft.Authorization/locks/read", ("azure.locks.lock",), "subscription"),
    Operation("packetCaptures", "{scope}/packetCaptures", "2024-05-01",
              "Microsoft.Network/networkWatchers/packetCaptures/read", ("azure.network.packet_capture",),
              "resource", ("microsoft.network/networkwatchers",)),
    Operation("blobContainers", "{scope}/blobServices/default/containers", "2023-05-01",
              "Microsoft.Storage/storageAccounts/blobServices/containers/read", ("azure.storage.account",),
              "resource", ("microsoft.storage/storageaccounts",)),
    Operation("sentinelOnboarding", "{scope}/providers/Microsoft.SecurityInsights/onboardingStates", "2024-03-01",
              "Microsoft.SecurityInsights/onboardingStates/read", ("azure.securityinsights.onboarding",),
              "resource", ("microsoft.operationalinsights/workspaces",), empty_on_404=True),
    Operation("sentinelDataConnectors", "{scope}/providers/Microsoft.SecurityInsights/dataConnectors",
              "2024-03-01", "Microsoft.SecurityInsights/dataConnectors/read",
              ("azure.securityinsights.onboarding",), "resource", ("microsoft.operationalinsights/workspaces",),
              empty_on_404=True),
    Operation("aadDiagnosticSettings", "/providers/microsoft.aadiam/diagnosticSettings", "2017-04-01",
              "microsoft.aadiam/diagnosticSettings/read", ("azure.aadiam.diagnostic_setting",), "tenant"),
)}
# Kinds whose documents go to records under another name: resource-level diagnostic settings share the kind.
_RECORD_KIND = {"resourceDiagnosticSettings": "diagnosticSettings"}


@dataclass(frozen=True)
class AzureScanConfig:
    """What to collect and how. At most one of subscriptions and management_group; neither means every
    subscription the identity can read."""

    subscriptions: tuple[str, ...] = ()
    management_group: str | None = None
    tenant: str | None = None
    arm_endpoint: str = PUBLIC_ARM
    authority_host: str | None = None
    ca_bundle: Path | None = None
    max_workers: int = 16
    read_timeout: float = 60.0
    max_attempts: int = 6
    shard: tuple[int, int] | None = None  # (i, n): only the subscriptions of shard i of n


def _sdk() -> Any:
    try:
        import azure.identity
        import azure.mgmt.resourcegraph
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("azure-identity / azure-mgmt-resourcegraph", "azure") from None
    return azure.identity


class _TenantCredential:
    """Asks the wrapped credential for tokens of one tenant (`--tenant`)."""

    def __init__(self, inner: Any, tenant: str) -> None:
        self._inner, self._tenant = inner, tenant

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        kwargs.setdefault("tenant_id", self._tenant)
        return self._inner.get_token(*scopes, **kwargs)

    def close(self) -> None:
        getattr(self._inner, "close", lambda: None)()


def credential_for(config: AzureScanConfig) -> tuple[Any, str]:
    """DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, ...), its first token
    obtained now so that a credential problem is one clear error, and a printable identity (never a secret)."""
    import logging

    from azure.core.exceptions import ClientAuthenticationError

    identity_module = _sdk()
    # azure-identity logs each failed credential as a warning on stderr; the error below says it once, clearly.
    logging.getLogger("azure.identity").setLevel(logging.CRITICAL)
    options: dict[str, Any] = {"exclude_interactive_browser_credential": True}
    if config.authority_host:
        # Sovereign and private authorities: MSAL must not ask the public cloud for instance discovery.
        options.update(authority=config.authority_host, disable_instance_discovery=True)
    if config.ca_bundle:
        options["connection_verify"] = str(config.ca_bundle)
    if config.tenant:
        options["additionally_allowed_tenants"] = [config.tenant]
    credential: Any = identity_module.DefaultAzureCredential(**options)
    if config.tenant:
        credential = _TenantCredential(credential, config.tenant)
    try:
        token = credential.get_token(f"{config.arm_endpoint}/.default").token
    except ClientAuthenticationError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"no usable Azure credential ({first[:300]}); run `az login`, set AZURE_CLIENT_ID, "
                         "AZURE_TENANT_ID and AZURE_CLIENT_SECRET, or use a managed identity") from None
    return credential, _identity(token)


def _identity(token: str) -> str:
    """Who the token is for, from its (unverified, non-secret) claims: app id or user, and tenant."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return "DefaultAzureCredential"
    who = claims.get("upn") or claims.get("unique_name") or (f"app {claims['appid']}" if claims.get("appid")
                                                              else claims.get("oid"))
    tenant = claims.get("tid")
    return f"{who} (tenant {tenant})" if who and tenant else str(who or "DefaultAzureCredential")


class _Arm:
    """ARM GETs through one azure-core pipeline, with azure-core's retry (429 Retry-After, 5xx) and bearer policy."""

    def __init__(self, config: AzureScanConfig, credential: Any, ledger: CallLedger) -> None:
        from azure.core import PipelineClient
        from azure.core.pipeline.policies import (
            BearerTokenCredentialPolicy,
            HeadersPolicy,
            RetryPolicy,
            UserAgentPolicy,
        )
        from azure.core.pipeline.transport import RequestsTransport

        self._config, self._ledger = config, ledger
        self._base = config.arm_endpoint.rstrip("/")
        verify: Any = str(config.ca_bundle) if config.ca_bundle else True
        self._transport = RequestsTransport(connection_verify=verify)
        self._client: Any = PipelineClient(base_url=self._base, transport=self._transport, policies=[
            HeadersPolicy({"Accept": "application/json"}),
            UserAgentPolicy(base_user_agent="ir-assessor"),
            RetryPolicy(retry_total=config.max_attempts - 1, retry_backoff_factor=0.8, retry_backoff_max=30),
            BearerTokenCredentialPolicy(credential, f"{config.arm_endpoint}/.default"),
        ])

    def close(self) -> None:
        self._client.close()

    def get_all(self, op: Operation, scope: str, owner: str | None) -> list[dict[str, Any]]:
        """Every item of a paged ARM list (`value`, `nextLink`); raises CallFailed with the RBAC action on a 403."""
        from azure.core.exceptions import AzureError
        from azure.core.rest import HttpRequest

        url: str | None = (f"{self._base}{op.path.format(scope=scope)}?"
                           f"{urllib.parse.urlencode({'api-version': op.api_version})}")
        items: list[dict[str, Any]] = []
        while url:
            self._ledger.count(owner, _service(op), op.kind)
            try:
                response = self._client.send_request(HttpRequest("GET", url),
                                                     read_timeout=self._config.read_timeout)
            except AzureError as exc:
                raise CallFailed(_error(op, scope, type(exc).__name__, str(exc))) from None
            if response.status_code == 404 and op.empty_on_404:
                return items
            if response.status_code != 200:
                code, message = _arm_error(response)
                raise CallFailed(_error(op, scope, code, message, denied=response.status_code in (401, 403)))
            try:
                body = response.json()
            except ValueError:
                raise CallFailed(_error(op, scope, "BadResponse", "the answer is not JSON")) from None
            items.extend(i for i in body.get("value") or [] if isinstance(i, dict))
            url = self._next(body.get("nextLink"))
        return items

    def _next(self, link: Any) -> str | None:
        """A nextLink, only when it points back at the ARM endpoint: the collector talks to nothing else."""
        if not link:
            return None
        text = str(link)
        if urllib.parse.urlsplit(text).netloc != urllib.parse.urlsplit(self._base).netloc:
            raise CallFailed(CollectionError(service="arm", operation="nextLink", code="UnexpectedHost",
                                          message=f"refused to follow a nextLink to another host: {text[:200]}"))
        return text


def _arm_error(response: Any) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    return str(error.get("code") or f"HTTP{response.status_code}"), str(error.get("message") or "")


def _service(op: Operation) -> str:
    return "resourcegraph" if op.kind == "resourceGraph" else "arm"


def _error(op: Operation, scope: str, code: str, message: str, *, denied: bool = False) -> CollectionError:
    return CollectionError(service=_service(op), operation=op.kind,
                           code=code, message=f"{scope or '/'}: {message}"[:400], resource_types=list(op.types),
                           permission=op.action if denied else None)


class _Graph:
    """Resource Graph queries through the real ResourceGraphClient, paged with $skipToken."""

    def __init__(self, config: AzureScanConfig, credential: Any, ledger: CallLedger) -> None:
        from azure.mgmt.resourcegraph import ResourceGraphClient

        options: dict[str, Any] = {"base_url": config.arm_endpoint,
                                   "credential_scopes": [f"{config.arm_endpoint}/.default"],
                                   "retry_total": config.max_attempts - 1}
        if config.ca_bundle:
            options["connection_verify"] = str(config.ca_bundle)
        self._client: Any = ResourceGraphClient(credential, **options)
        self._config, self._ledger = config, ledger

    def close(self) -> None:
        self._client.close()

    def query(self, text: str, *, subscriptions: list[str] | None = None, management_group: str | None = None,
              owner: str | None = None) -> list[dict[str, Any]]:
        from azure.core.exceptions import AzureError, HttpResponseError
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

        op = OPERATIONS["resourceGraph"]
        rows: list[dict[str, Any]] = []
        token: str | None = None
        scope = management_group and f"/providers/Microsoft.Management/managementGroups/{management_group}"
        while True:
            self._ledger.count(owner, _service(op), op.kind)
            request = QueryRequest(query=text, subscriptions=subscriptions,
                                   management_groups=[management_group] if management_group else None,
                                   options=QueryRequestOptions(top=1000, skip_token=token,
                                                               result_format="objectArray"))
            try:
                answer = self._client.resources(request)
            except HttpResponseError as exc:
                code = (exc.error.code if exc.error else None) or f"HTTP{exc.status_code}"
                raise CallFailed(_error(op, str(scope or ",".join(subscriptions or [])), str(code),
                                     exc.message or str(exc), denied=exc.status_code in (401, 403))) from None
            except AzureError as exc:
                raise CallFailed(_error(op, str(scope or ""), type(exc).__name__, str(exc))) from None
            rows.extend(r for r in answer.data or [] if isinstance(r, dict))
            token = answer.skip_token
            if not token:
                return rows


# --------------------------------------------------------------------------- the run

_SUBSCRIPTIONS_QUERY = "resourcecontainers | where type =~ 'microsoft.resources/subscriptions'"


def _resources_query() -> str:
    """Every resource (the inventory the residency checks need), with properties only for the types the checks
    read, so a large estate does not bring every resource's full configuration back."""
    wanted = ", ".join(f"'{t}'" for t in sorted(ROW_TYPES))
    return f"resources | extend properties = iff(type in~ ({wanted}), properties, dynamic(null))"


@dataclass
class _Gathered:
    rows: list[dict[str, Any]] = field(default_factory=list)
    arm: ArmData = field(default_factory=lambda: ArmData(documents={}, failures=[]))
    unreadable: dict[str, list[CollectionError]] = field(default_factory=dict)  # subscription -> errors


def collect(config: AzureScanConfig, progress: Callable[[int], Callable[[int], None]] | None = None
            ) -> list[Snapshot]:
    """One snapshot per subscription in scope, sorted by subscription id. API failures are recorded, never raised;
    InputError when no subscription can be found at all."""
    credential, identity = credential_for(config)
    ledger = CallLedger()
    graph, arm = _Graph(config, credential, ledger), _Arm(config, credential, ledger)
    gathered = _Gathered()
    try:
        subscriptions = _discover(config, graph, arm)
        if config.shard is not None:
            from assessor.shard import in_shard

            subscriptions = [s for s in subscriptions if in_shard(s, *config.shard)]
        _inventory(graph, subscriptions, gathered)
        with ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="arm") as pool:
            _settings(arm, pool, subscriptions, gathered, progress)
    finally:
        graph.close()
        arm.close()
        getattr(credential, "close", lambda: None)()
    snapshots = build_snapshots(gathered.rows, arm=gathered.arm, collected_at=datetime.now(UTC),
                                tool_version=_version(), identity=identity, source=identity)
    found = {s.account_id.lower() for s in snapshots}
    for subscription, errors in sorted(gathered.unreadable.items()):
        if subscription not in found:
            snapshots.append(Snapshot(provider="azure", account_id=subscription, collected_at=datetime.now(UTC),
                                      tool_version=_version(), identity=identity, errors=errors))
    snapshots.sort(key=lambda s: s.account_id)
    for index, snapshot in enumerate(snapshots):
        owners: set[str | None] = {snapshot.account_id.lower()} | ({None} if index == 0 else set())
        snapshot.api_calls = ledger.calls_of(owners)
    return snapshots


def _version() -> str:
    from assessor import __version__

    return __version__


def _discover(config: AzureScanConfig, graph: _Graph, arm: _Arm) -> list[str]:
    """Subscription ids (lower case) in scope."""
    if config.subscriptions:
        return sorted({s.lower() for s in config.subscriptions})
    try:
        if config.management_group:
            rows = graph.query(_SUBSCRIPTIONS_QUERY, management_group=config.management_group)
            found = [str(r.get("subscriptionId") or "") for r in rows]
        else:
            items = arm.get_all(OPERATIONS["subscriptions"], "", None)
            found = [str(i.get("subscriptionId") or "") for i in items
                     if str(i.get("state") or "Enabled") not in ("Disabled", "Deleted")]
    except CallFailed as failed:
        raise InputError(f"cannot list the subscriptions in scope ({failed.error.code}: {failed.error.message}); "
                         "pass --subscriptions, or grant Reader (or the role from `ir-assessor permissions azure`) "
                         "at the management group") from None
    subscriptions = sorted({s.lower() for s in found if s})
    if not subscriptions:
        raise InputError("the identity can read no subscription in scope; grant it Reader (or the role from "
                         "`ir-assessor permissions azure`) on the subscriptions to assess")
    return subscriptions


def _inventory(graph: _Graph, subscriptions: list[str], gathered: _Gathered) -> None:
    """Subscriptions and resources from Resource Graph, 1,000 subscriptions a query. A query refused as a whole is
    retried one subscription at a time, so one unreadable subscription does not hide the others."""
    for start in range(0, len(subscriptions), _QUERY_CHUNK):
        chunk = subscriptions[start:start + _QUERY_CHUNK]
        try:
            gathered.rows.extend(graph.query(_SUBSCRIPTIONS_QUERY, subscriptions=chunk))
            gathered.rows.extend(graph.query(_resources_query(), subscriptions=chunk))
        except CallFailed:
            for subscription in chunk:
                try:
                    rows = graph.query(_SUBSCRIPTIONS_QUERY, subscriptions=[subscription], owner=subscription)
                    rows += graph.query(_resources_query(), subscriptions=[subscription], owner=subscription)
                except CallFailed as failed:
                    # Nothing of this subscription was read: every Azure type is unknown there.
                    error = failed.error.model_copy(update={"resource_types": sorted(AZURE_TYPES)})
                    gathered.unreadable.setdefault(subscription, []).append(error)
                else:
                    gathered.rows.extend(rows)


def _subscription_of(resource_id: str) -> str | None:
    parts = resource_id.split("/")
    return parts[2].lower() if len(parts) > 2 and parts[1].lower() == "subscriptions" else None


def _settings(arm: _Arm, pool: ThreadPoolExecutor, subscriptions: list[str], gathered: _Gathered,
              progress: Callable[[int], Callable[[int], None]] | None) -> None:
    """Every ARM read, concurrently: per subscription, per targeted resource, and the tenant's Entra settings."""
    readable = [s for s in subscriptions if s not in gathered.unreadable]
    jobs: list[tuple[Operation, str, Future[list[dict[str, Any]]]]] = []
    for op in OPERATIONS.values():
        if op.per == "subscription":
            for subscription in readable:
                scope = f"/subscriptions/{subscription}"
                jobs.append((op, scope, pool.submit(arm.get_all, op, scope, subscription)))
        elif op.per == "resource":
            targets = {t.lower() for t in op.targets}
            for row in gathered.rows:
                kind = str(row.get("type") or "").lower()
                if kind in targets and row.get("id"):
                    # A storage account's blob logs belong to its blob service, not to the account.
                    scope = diagnostic_scope(str(row["id"]), kind) if op.kind == "resourceDiagnosticSettings" \
                        else str(row["id"])
                    jobs.append((op, scope, pool.submit(arm.get_all, op, scope, _subscription_of(scope))))
        elif op.kind == "aadDiagnosticSettings":
            jobs.append((op, "/", pool.submit(arm.get_all, op, "", None)))
    tick = progress(len(jobs)) if progress else None
    for op, scope, future in jobs:
        kind = _RECORD_KIND.get(op.kind, op.kind)
        try:
            items = future.result()
        except CallFailed as failed:
            gathered.arm.failures.append((scope, failed.error))
        else:
            gathered.arm.documents.setdefault(kind, {})[scope] = items
        if tick:
            tick(1)
