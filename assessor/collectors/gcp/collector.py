"""Live GCP collection: Cloud Asset Inventory for the estate, plus SCC and Essential Contacts over REST.

All I/O of the GCP provider is here; the mapping to snapshots is `assets.build_snapshots`, shared with the
offline import, so a live scan and an import of the same assets give the same records.

Calls grow with pages of assets, not with checks or resources: one paged ListAssets per content type
(RESOURCE, IAM_POLICY, ORG_POLICY) at each scope parent, one more set at the topmost ancestor outside the
scope (organisation or folder sinks and policies are inherited, so they are needed to judge a project), and,
for what Cloud Asset does not carry, one paged list per hierarchy node for SCC services, SCC notification
configs and Essential Contacts, plus the organisation's SCC tier. Every call is declared in OPERATIONS with the
permission it needs; `permissions gcp` prints exactly those.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assessor.collectors.gcp.assets import (
    FOLDER,
    ORGANIZATION,
    PROJECT,
    RESOURCE_ASSET_TYPES,
    LiveResults,
    build_snapshots,
    contact_record,
    notification_record,
    scc_settings_record,
)
from assessor.collectors.ledger import CallFailed, CallLedger
from assessor.errors import InputError, MissingExtraError
from assessor.models import CollectionError, Snapshot

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
DEFAULT_ENDPOINTS = {
    "cloudasset": "https://cloudasset.googleapis.com",
    "securitycenter": "https://securitycenter.googleapis.com",
    "securitycentermanagement": "https://securitycentermanagement.googleapis.com",
    "essentialcontacts": "https://essentialcontacts.googleapis.com",
}
HOLDER_TYPES = (ORGANIZATION, FOLDER, PROJECT)
INHERITED_TYPES = ("gcp.logging.sink", "gcp.iam.audit_config", "gcp.orgpolicy.policy")


@dataclass(frozen=True)
class Operation:
    """One read-only API operation the collector may call, and the IAM permission it needs."""

    service: str
    name: str
    permission: str
    types: tuple[str, ...]  # resource types left incomplete when it fails


OPERATIONS = {
    "RESOURCE": Operation("cloudasset", "ListAssets(RESOURCE)", "cloudasset.assets.listResource",
                          ("gcp.project", "gcp.logging.sink", "gcp.logging.bucket", "gcp.compute.network",
                           "gcp.compute.subnetwork", "gcp.compute.firewall", "gcp.dns.policy",
                           "gcp.compute.backend_service", "gcp.storage.bucket", "gcp.compute.packet_mirroring",
                           "gcp.container.cluster", "gcp.compute.instance", "gcp.compute.instance_group_manager",
                           "gcp.compute.snapshot", "gcp.pubsub.topic", "gcp.pubsub.subscription",
                           "gcp.bigquery.dataset", "gcp.kms.crypto_key")),
    "IAM_POLICY": Operation("cloudasset", "ListAssets(IAM_POLICY)", "cloudasset.assets.listIamPolicy",
                            ("gcp.iam.audit_config",)),
    "ORG_POLICY": Operation("cloudasset", "ListAssets(ORG_POLICY)", "cloudasset.assets.listOrgPolicy",
                            ("gcp.orgpolicy.policy",)),
    "subscription": Operation("securitycenter", "organizations.getSubscription", "securitycenter.subscription.get",
                              ("gcp.scc.settings",)),
    "services": Operation("securitycentermanagement", "securityCenterServices.list",
                          "securitycentermanagement.securityCenterServices.list", ("gcp.scc.settings",)),
    "notificationConfigs": Operation("securitycenter", "notificationConfigs.list",
                                     "securitycenter.notificationconfig.list", ("gcp.scc.notification_config",)),
    "contacts": Operation("essentialcontacts", "contacts.list", "essentialcontacts.contacts.list",
                          ("gcp.essentialcontacts.contact",)),
}
ANCESTOR_RESOURCE_TYPES = (ORGANIZATION, FOLDER, "logging.googleapis.com/LogSink")
_RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
_REQUEST_PREFIX = re.compile(r"^(?:GET|POST) \S+: ")


@dataclass(frozen=True)
class GcpScanConfig:
    """What to collect and how hard to push. Exactly one of projects, folder, organization is set."""

    projects: tuple[str, ...] = ()
    folder: str | None = None
    organization: str | None = None
    key_file: Path | None = None
    endpoints: Mapping[str, str] = field(default_factory=dict)
    max_workers: int = 8
    read_timeout: float = 60.0
    retry_deadline: float = 120.0
    page_size: int = 1000
    shard: tuple[int, int] | None = None  # (i, n): only the projects of shard i of n (by project id)

    def parents(self) -> list[str]:
        if self.organization:
            return [f"organizations/{self.organization}"]
        if self.folder:
            return [f"folders/{self.folder}"]
        return [f"projects/{p}" for p in self.projects if self.in_my_shard(p)]

    def in_my_shard(self, project: str) -> bool:
        from assessor.shard import in_shard

        return self.shard is None or in_shard(project, *self.shard)

    def endpoint(self, service: str) -> str:
        return str(self.endpoints.get(service) or DEFAULT_ENDPOINTS[service]).rstrip("/")


def _google() -> Any:
    try:
        from google.cloud import asset_v1
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("google-cloud-asset", "gcp") from None
    return asset_v1


def credentials_for(config: GcpScanConfig) -> tuple[Any, str]:
    """Credentials (a key file, else Application Default Credentials) and a printable identity, never a secret."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    if config.key_file is not None:
        from google.oauth2 import service_account

        try:
            credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(config.key_file), scopes=list(SCOPES))
        except OSError as exc:
            raise InputError(f"cannot read the key file: {exc.strerror}", path=str(config.key_file)) from None
        except (ValueError, KeyError) as exc:
            raise InputError(f"not a service-account key file ({exc})", path=str(config.key_file)) from None
        return credentials, f"service account {credentials.service_account_email} (key file)"
    try:
        credentials, _ = google.auth.default(scopes=list(SCOPES))
    except DefaultCredentialsError as exc:
        raise InputError(f"no Google credentials found ({str(exc).splitlines()[0]}); run `gcloud auth "
                         "application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or pass --key-file") from None
    email = getattr(credentials, "service_account_email", None)
    if email and email != "default":
        return credentials, f"service account {email} (application default credentials)"
    return credentials, "application default credentials"


def _first_token(credentials: Any, deadline: float) -> None:
    """Obtain the access token once, before the workers start: a bad key or a refused grant is one clear error
    instead of a failure per call, and the threads do not each race to refresh it. A token endpoint that is
    throttled or down is retried until `deadline` seconds have passed."""
    from google.auth.exceptions import GoogleAuthError
    from google.auth.transport.requests import Request

    give_up, delay = time.monotonic() + deadline, 1.0
    while True:
        try:
            credentials.refresh(Request())
            return
        except GoogleAuthError as exc:
            if getattr(exc, "retryable", False) and time.monotonic() + delay < give_up:
                time.sleep(delay)
                delay = min(delay * 2, 16.0)
                continue
            raise InputError(f"cannot obtain a Google access token: {str(exc)[:300]}. Check the key file or "
                             "run `gcloud auth application-default login`") from None


class _Reader:
    """Every API call of one run: one client and one HTTP session shared by the worker threads."""

    def __init__(self, config: GcpScanConfig, credentials: Any, ledger: CallLedger) -> None:
        from google.api_core import exceptions, retry
        from google.api_core.client_options import ClientOptions
        from google.auth.transport.requests import AuthorizedSession
        from requests.adapters import HTTPAdapter

        asset_v1 = _google()
        self._asset_v1 = asset_v1
        self._config = config
        self._ledger = ledger
        self._client = asset_v1.AssetServiceClient(
            credentials=credentials, transport="rest",
            client_options=ClientOptions(api_endpoint=config.endpoint("cloudasset")))
        # The library's default retry covers 503 but not 429: throttling must be ridden out too.
        self._retry = retry.Retry(
            predicate=retry.if_exception_type(exceptions.TooManyRequests, exceptions.ServiceUnavailable,
                                              exceptions.InternalServerError, exceptions.BadGateway,
                                              exceptions.GatewayTimeout),
            initial=0.5, maximum=16.0, multiplier=2.0, timeout=config.retry_deadline)
        self._session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(10, config.max_workers))
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def close(self) -> None:
        self._session.close()  # type: ignore[no-untyped-call]
        transport = getattr(self._client, "transport", None)
        if transport is not None:
            transport.close()

    # ------------------------------------------------------------------ Cloud Asset

    def list_assets(self, parent: str, content: str, asset_types: Iterable[str], owner: str | None
                    ) -> list[dict[str, Any]]:
        """Every asset under `parent` for one content type, as export-shaped dicts; raises CallFailed."""
        from google.api_core.exceptions import GoogleAPICallError, RetryError
        from google.protobuf import json_format

        op = OPERATIONS[content]
        request = self._asset_v1.ListAssetsRequest(
            parent=parent, content_type=getattr(self._asset_v1.ContentType, content),
            asset_types=list(asset_types), page_size=self._config.page_size)
        out: list[dict[str, Any]] = []
        try:
            self._ledger.count(owner, op.service, op.name)
            pager = self._client.list_assets(request=request, retry=self._retry, timeout=self._config.read_timeout)
            for number, page in enumerate(pager.pages):
                if number:
                    self._ledger.count(owner, op.service, op.name)
                for asset in page.assets:
                    out.append(json_format.MessageToDict(self._asset_v1.Asset.pb(asset)))
        except GoogleAPICallError as exc:
            # REST errors read "GET https://...: message"; the URL adds nothing the operation does not say.
            message = _REQUEST_PREFIX.sub("", exc.message or str(exc))
            raise CallFailed(self._error(op, parent, type(exc).__name__, message,
                                      denied=exc.code in (401, 403))) from None
        except RetryError as exc:
            raise CallFailed(self._error(op, parent, "RetryExhausted", str(exc.cause or exc))) from None
        except Exception as exc:  # a connection reset or a timeout from the HTTP layer
            raise CallFailed(self._error(op, parent, type(exc).__name__, str(exc))) from None
        return out

    # ------------------------------------------------------------------ REST (SCC, Essential Contacts)

    def get_json(self, key: str, url: str, owner: str | None, parent: str, *, missing_ok: bool = False
                 ) -> dict[str, Any] | None:
        """GET one JSON document with retries on throttling and outages; None for a 404 when `missing_ok`."""
        import requests

        op = OPERATIONS[key]
        deadline = time.monotonic() + self._config.retry_deadline
        delay = 0.5
        while True:
            self._ledger.count(owner, op.service, op.name)
            try:
                response = self._session.get(url, timeout=self._config.read_timeout)
            except requests.RequestException as exc:
                if time.monotonic() + delay > deadline:
                    raise CallFailed(self._error(op, parent, type(exc).__name__, str(exc))) from None
                time.sleep(delay * (0.5 + random.random() / 2))
                delay = min(delay * 2, 16.0)
                continue
            if response.status_code == 404 and missing_ok:
                return None
            if response.status_code in _RETRIED_STATUS and time.monotonic() + delay <= deadline:
                wait = _retry_after(response.headers.get("Retry-After")) or delay * (0.5 + random.random() / 2)
                time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 16.0)
                continue
            if response.status_code != 200:
                status, message = _google_error(response)
                raise CallFailed(self._error(op, parent, status, message,
                                          denied=response.status_code in (401, 403)))
            try:
                body = response.json()
            except ValueError:
                raise CallFailed(self._error(op, parent, "BadResponse", "the answer is not JSON")) from None
            return body if isinstance(body, dict) else {}

    def list_rest(self, key: str, base: str, path: str, items_key: str, owner: str | None, parent: str
                  ) -> list[dict[str, Any]]:
        """Every item of a paged REST list (pageToken / nextPageToken)."""
        import urllib.parse

        items: list[dict[str, Any]] = []
        token = ""
        while True:
            query = {"pageSize": "1000", **({"pageToken": token} if token else {})}
            body = self.get_json(key, f"{base}/{path}?{urllib.parse.urlencode(query)}", owner, parent) or {}
            items.extend(i for i in body.get(items_key) or [] if isinstance(i, dict))
            token = str(body.get("nextPageToken") or "")
            if not token:
                return items

    def _error(self, op: Operation, parent: str, code: str, message: str, *, denied: bool = False
               ) -> CollectionError:
        return CollectionError(service=op.service, operation=op.name, code=code,
                               message=f"{parent}: {message}"[:400], resource_types=list(op.types),
                               permission=op.permission if denied else None)


def _retry_after(value: str | None) -> float | None:
    try:
        return min(max(float(value), 0.0), 60.0) if value else None
    except ValueError:
        return None


def _google_error(response: Any) -> tuple[str, str]:
    """(status, message) of a Google API error body, e.g. ("PERMISSION_DENIED", "The caller ...")."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    status = str(error.get("status") or f"HTTP{response.status_code}")
    code = {"PERMISSION_DENIED": "Forbidden", "UNAUTHENTICATED": "Unauthorized", "NOT_FOUND": "NotFound",
            "RESOURCE_EXHAUSTED": "TooManyRequests", "UNAVAILABLE": "ServiceUnavailable",
            "FAILED_PRECONDITION": "FailedPrecondition", "INVALID_ARGUMENT": "BadRequest"}.get(status, status)
    return code, str(error.get("message") or response.reason or "")


# --------------------------------------------------------------------------- the run


@dataclass
class _Gathered:
    assets: list[dict[str, Any]] = field(default_factory=list)
    live: LiveResults = field(default_factory=LiveResults)
    denied_scopes: dict[str, list[CollectionError]] = field(default_factory=dict)  # project parent -> failures


def collect(config: GcpScanConfig, progress: Callable[[int], Callable[[int], None]] | None = None
            ) -> list[Snapshot]:
    """One snapshot per project in scope, sorted by project id. API failures are recorded, never raised.

    Raises InputError when nothing at all could be listed (no project found under an organisation or folder the
    credentials cannot read), since no snapshot could say anything then.
    """
    _google()  # a missing SDK is a one-line hint before anything else
    credentials, identity = credentials_for(config)
    _first_token(credentials, config.retry_deadline)
    ledger = CallLedger()
    reader = _Reader(config, credentials, ledger)
    gathered = _Gathered()
    gathered.live.read_types |= {"gcp.orgpolicy.policy", "gcp.essentialcontacts.contact", "gcp.scc.settings",
                                 "gcp.scc.notification_config"}
    try:
        with ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="gcp") as pool:
            _list_scope(reader, pool, config, gathered, progress)
            holders = _hierarchy(gathered.assets)
            if config.shard is not None and not config.projects:
                holders = _shard_chains(holders, gathered.assets, config)
            _read_above_and_beside(reader, pool, config, gathered, holders, progress)
    finally:
        reader.close()
    snapshots = build_snapshots(gathered.assets, collected_at=datetime.now(UTC), tool_version=_version(),
                                source=identity, live=gathered.live)
    found = {s.account_id for s in snapshots}
    numbers = {str(r.get("number")) for s in snapshots for r in s.resources.get("gcp.project", [])}
    for parent, failures in gathered.denied_scopes.items():
        project = parent.split("/", 1)[1]
        if project not in found and project not in numbers:
            snapshots.append(Snapshot(provider="gcp", account_id=project, collected_at=datetime.now(UTC),
                                      tool_version=_version(), identity=identity, errors=failures))
    if not snapshots and config.shard is not None:
        return []  # no project of this organisation falls in this shard
    if not snapshots:
        why = "; ".join(e.message for f in gathered.denied_scopes.values() for e in f) or \
            "; ".join(e.message for _, e in gathered.live.failures) or "no project was returned"
        raise InputError(f"no GCP project could be read under {', '.join(config.parents())}: {why}. Check the "
                         "scope and grant the role from `ir-assessor permissions gcp` (or roles/cloudasset.viewer)")
    snapshots.sort(key=lambda s: s.account_id)
    _attribute_calls(snapshots, ledger)
    return snapshots


def _version() -> str:
    from assessor import __version__

    return __version__


def _list_scope(reader: _Reader, pool: ThreadPoolExecutor, config: GcpScanConfig, gathered: _Gathered,
                progress: Callable[[int], Callable[[int], None]] | None) -> None:
    """The three content types at every scope parent, concurrently."""
    jobs: list[tuple[str, str, Future[list[dict[str, Any]]]]] = []
    for parent in config.parents():
        owner = parent if parent.startswith("projects/") else None
        for content, types in (("RESOURCE", RESOURCE_ASSET_TYPES), ("IAM_POLICY", HOLDER_TYPES),
                               ("ORG_POLICY", HOLDER_TYPES)):
            jobs.append((parent, content, pool.submit(reader.list_assets, parent, content, types, owner)))
    tick = progress(len(jobs)) if progress else None
    for parent, _content, future in jobs:
        try:
            gathered.assets.extend(future.result())
        except CallFailed as failed:
            if parent.startswith("projects/"):
                gathered.denied_scopes.setdefault(parent, []).append(failed.error)
            gathered.live.failures.append((parent, failed.error))
        if tick:
            tick(1)


def _hierarchy(assets: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Project holder (`projects/N`) -> its ancestors above it, nearest first, from the project assets."""
    chains: dict[str, list[str]] = {}
    for asset in assets:
        if asset.get("assetType") == PROJECT and asset.get("resource"):
            ancestors = [str(a) for a in asset.get("ancestors") or []]
            if ancestors:
                chains[ancestors[0]] = ancestors[1:]
    return chains


def _shard_chains(chains: dict[str, list[str]], assets: list[dict[str, Any]], config: GcpScanConfig
                  ) -> dict[str, list[str]]:
    """Only the projects of this shard (by project id); the others' assets are dropped before any further call."""
    ids = {str(a["ancestors"][0]): str(((a.get("resource") or {}).get("data") or {}).get("projectId") or "")
           for a in assets if a.get("assetType") == PROJECT and a.get("resource") and a.get("ancestors")}
    kept = {holder: chain for holder, chain in chains.items() if config.in_my_shard(ids.get(holder) or holder)}
    dropped = set(chains) - set(kept)
    assets[:] = [a for a in assets if not (a.get("ancestors") and str(a["ancestors"][0]) in dropped)]
    return kept


def _read_above_and_beside(reader: _Reader, pool: ThreadPoolExecutor, config: GcpScanConfig, gathered: _Gathered,
                           chains: dict[str, list[str]],
                           progress: Callable[[int], Callable[[int], None]] | None) -> None:
    """Inherited settings of ancestors outside the scope, then SCC and Essential Contacts at every node."""
    seen = {str(a["ancestors"][0]) for a in gathered.assets
            if a.get("assetType") in HOLDER_TYPES and a.get("resource") and a.get("ancestors")}
    needed = {a for chain in chains.values() for a in chain if a not in seen}
    nodes = sorted(set(chains) | {a for chain in chains.values() for a in chain})
    organizations = sorted({a for a in nodes if a.startswith("organizations/")})
    scc = config.endpoint("securitycenter")
    management = config.endpoint("securitycentermanagement")
    contacts = config.endpoint("essentialcontacts")

    def owner_of(node: str) -> str | None:
        return node if node.startswith("projects/") else None

    side: list[tuple[str, str, Future[Any]]] = []
    for org in organizations:
        side.append((org, "subscription", pool.submit(
            reader.get_json, "subscription", f"{scc}/v1beta2/{org}/subscription", None, org, missing_ok=True)))
    for node in nodes:
        owner = owner_of(node)
        side.append((node, "services", pool.submit(
            reader.list_rest, "services", management, f"v1/{node}/locations/global/securityCenterServices",
            "securityCenterServices", owner, node)))
        side.append((node, "notificationConfigs", pool.submit(
            reader.list_rest, "notificationConfigs", scc, f"v1/{node}/notificationConfigs", "notificationConfigs",
            owner, node)))
        side.append((node, "contacts", pool.submit(
            reader.list_rest, "contacts", contacts, f"v1/{node}/contacts", "contacts", owner, node)))
    tick = progress(len(side) + 3 * len(needed)) if progress else None
    _read_ancestors(reader, pool, needed, chains, gathered, tick)
    tiers: dict[str, str | None] = {}
    services: dict[str, dict[str, str]] = {}
    for node, key, future in side:
        try:
            result = future.result()
        except CallFailed as failed:
            gathered.live.failures.append((node, failed.error))
        else:
            if key == "subscription":
                tiers[node] = str(result["tier"]) if result and result.get("tier") else None
            elif key == "services":
                services[node] = {str(s.get("name", "")).rsplit("/", 1)[-1]: str(s.get("effectiveEnablementState"))
                                  for s in result if s.get("name")}
            elif key == "notificationConfigs":
                gathered.live.records.extend((node, "gcp.scc.notification_config", notification_record(node, item))
                                             for item in result)
            else:
                gathered.live.records.extend((node, "gcp.essentialcontacts.contact", contact_record(node, item))
                                             for item in result)
        if tick:
            tick(1)
    for node in sorted(set(services) | set(tiers)):
        gathered.live.records.append((node, "gcp.scc.settings",
                                      scc_settings_record(node, tiers.get(node), services.get(node, {}))))


def _read_ancestors(reader: _Reader, pool: ThreadPoolExecutor, needed: set[str], chains: dict[str, list[str]],
                    gathered: _Gathered, tick: Callable[[int], None] | None) -> None:
    """Sinks, IAM and org policies of the ancestors outside the scope, listed from the topmost one needed.

    One listing at the organisation returns its folders' lines too, so a project scope under one organisation
    costs three listings whatever the number of projects. A listing that fails is recorded against its node,
    and the nodes below it are then tried one level down.
    """
    remaining = set(needed)
    tried: set[str] = set()
    while remaining:
        roots = sorted({next(a for a in reversed(chain) if a in remaining) for chain in chains.values()
                        if any(a in remaining for a in chain)})
        jobs = [(root, content, pool.submit(reader.list_assets, root, content, types, None))
                for root in roots
                for content, types in (("RESOURCE", ANCESTOR_RESOURCE_TYPES), ("IAM_POLICY", HOLDER_TYPES[:2]),
                                       ("ORG_POLICY", HOLDER_TYPES[:2]))]
        covered: set[str] = set()
        for root, content, future in jobs:
            try:
                found = future.result()
            except CallFailed as failed:
                gathered.live.failures.append((root, failed.error))
            else:
                if content == "RESOURCE":
                    covered |= _below(root, chains)
                # Only the lines of nodes not read already: a project's own sinks came with its project.
                gathered.assets.extend(a for a in found if a.get("ancestors") and a["ancestors"][0] in remaining)
            if tick:
                tick(1)
        tried |= set(roots)
        remaining -= covered | tried


def _below(root: str, chains: dict[str, list[str]]) -> set[str]:
    """`root` and the ancestors under it on every chain that passes through it."""
    out = {root}
    for chain in chains.values():
        if root in chain:
            out |= set(chain[:chain.index(root)])
    return out


def _attribute_calls(snapshots: list[Snapshot], ledger: CallLedger) -> None:
    """Each project's own calls on its snapshot; calls shared by all on the first, so totals stay true."""
    for index, snapshot in enumerate(snapshots):
        projects = [r for r in snapshot.resources.get("gcp.project", [])]
        owners: set[str | None] = {f"projects/{snapshot.account_id}"}
        owners |= {f"projects/{r['number']}" for r in projects if r.get("number")}
        if index == 0:
            owners.add(None)
        snapshot.api_calls = ledger.calls_of(owners)
