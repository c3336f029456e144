"""Collect AWS accounts into snapshots: one sweep per service and region, concurrently, read-only.

boto3 is imported lazily so the offline core needs no AWS SDK. Endpoints come from boto3's own settings
(AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, profiles), which is also how tests reach a local moto server.

Cost model: every API call runs in one pool of `max_workers` threads, however many accounts there are, and
clients are built once per (service, region) for the whole run, member accounts included (see
BoundCredentials). Memory then grows with the snapshots only, not with accounts x regions x services.
"""

from __future__ import annotations

import contextvars
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from assessor import __version__
from assessor.collectors.aws.framework import (
    SWEEPS,
    Caller,
    ClientFactory,
    Ledger,
    Operation,
    Sweep,
    SweepFailed,
    scrub,
)
from assessor.errors import InputError, MissingExtraError
from assessor.models import CollectionError, Snapshot

GLOBAL_REGION = "us-east-1"  # where global services (IAM, Organizations, Account) answer

STS_IDENTITY = Operation("sts", "GetCallerIdentity", "sts:GetCallerIdentity", ())
EC2_REGIONS = Operation("ec2", "DescribeRegions", "ec2:DescribeRegions", ())
ORG_ACCOUNTS = Operation("organizations", "ListAccounts", "organizations:ListAccounts", ())
ASSUME_ROLE = Operation("sts", "AssumeRole", "sts:AssumeRole", ())
# Operations the orchestrator itself makes, declared like the sweeps'. AssumeRole is the one call that is not
# a read: it obtains the read-only role's session in each member account and changes nothing.
ORCHESTRATOR_OPERATIONS = (STS_IDENTITY, EC2_REGIONS, ORG_ACCOUNTS, ASSUME_ROLE)


@dataclass(frozen=True)
class AwsScanConfig:
    profile: str | None = None
    regions: tuple[str, ...] = ()  # empty: the account's enabled regions
    org_role: str | None = None  # assume this role in every member account found through Organizations
    external_id: str | None = None
    accounts: tuple[str, ...] = ()  # explicit account ids (with org_role, the role to assume in each)
    max_workers: int = 16  # concurrent API calls over the whole run, all accounts together
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 8
    shard: tuple[int, int] | None = None  # (i, n): collect only the accounts of shard i of n


@dataclass
class AccountTarget:
    account_id: str
    name: str | None
    identity: str | None
    clients: ClientFactory | None  # None: the account could not be reached (see the ledger's errors)
    # Entered around each job of this account: binds a member's credentials to the thread doing it.
    bind: Callable[[], AbstractContextManager[None]] = nullcontext
    ledger: Ledger = field(default_factory=Ledger)  # calls made and errors met on the account's behalf before


Progress = Callable[[int], None]


def _boto3() -> Any:
    try:
        import boto3
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("boto3", "aws") from None
    return boto3


class ClientCache:
    """One client per (service, region), created on first use and shared by every sweep: clients are
    thread-safe, and building one costs tens of milliseconds and about a third of a megabyte."""

    def __init__(self, session: Any, config: AwsScanConfig) -> None:
        from botocore.config import Config

        self._session = session
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": config.max_attempts},
            connect_timeout=config.connect_timeout, read_timeout=config.read_timeout,
            max_pool_connections=max(10, config.max_workers), user_agent_extra="ir-assessor",
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:  # the common case, without waiting for a client being built
            return client
        # Clients are built one at a time: two threads building clients of one service at once would each
        # parse its model (megabytes of JSON) before the loader caches it.
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._session.client(service, region_name=region, config=self._config)
            return self._clients[key]

    def close(self) -> None:
        """Release every client and its connection pool."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()


class UnboundCredentialsError(RuntimeError):
    """A member client was used outside a sweep of its account: refused rather than signed with anything."""


class BoundCredentials:
    """The credentials of the member account whose work the calling thread is doing.

    Member accounts share one client per (service, region) instead of building their own: an organisation
    of fifty accounts and four regions would otherwise build some four thousand clients, which cost more
    CPU and memory than the API calls themselves. botocore signs each request in the calling thread with
    `get_frozen_credentials()`, so binding an account's credentials to the thread for the length of its
    sweep signs exactly that sweep's requests with them; with nothing bound, signing fails.
    """

    method = "ir-assessor-assumed-role"
    account_id = None  # no account-scoped endpoints: none of the swept services uses them

    def __init__(self) -> None:
        self._current: contextvars.ContextVar[Any] = contextvars.ContextVar("ir_assessor_account_credentials")

    @contextmanager
    def bound(self, credentials: Any) -> Iterator[None]:
        token = self._current.set(credentials)
        try:
            yield
        finally:
            self._current.reset(token)

    def get_frozen_credentials(self) -> Any:
        credentials = self._current.get(None)
        if credentials is None:
            raise UnboundCredentialsError("no member account is bound to this thread")
        return credentials

    def get_deferred_property(self, name: str) -> Callable[[], Any]:
        return lambda: getattr(self, name)


def _member_clients(base: Any, config: AwsScanConfig) -> tuple[ClientCache, BoundCredentials]:
    """Clients shared by every member account, signing with the credentials bound to the calling thread.

    The session shares the base session's model loader (each session would otherwise parse every service
    model again) and profile (endpoint and other settings), but not its credentials.
    """
    import botocore.credentials
    import botocore.session

    bound = BoundCredentials()

    class Provider(botocore.credentials.CredentialProvider):  # type: ignore[misc]
        METHOD = bound.method

        def load(self) -> Any:
            return bound

    member = botocore.session.Session(profile=config.profile)
    member.register_component("data_loader", base._session.get_component("data_loader"))
    member.register_component("credential_provider", botocore.credentials.CredentialResolver([Provider()]))
    return ClientCache(_boto3().Session(botocore_session=member), config), bound


def collect(config: AwsScanConfig, progress: Callable[[int], Progress] | None = None) -> list[Snapshot]:
    """Snapshots of every targeted account, sorted by account id. Never raises for an API failure.

    Every API call runs in one pool of `max_workers` threads, whatever the number of accounts; accounts
    are taken up a bounded number at a time, and an account's credentials are dropped once its snapshot
    is built. Member roles are assumed only when their account's turn comes, so a long run does not
    outlive the sessions it obtained at the start.
    """
    from assessor.collectors.aws import services  # noqa: F401 - registers the sweeps

    boto3 = _boto3()
    base = boto3.Session(profile_name=config.profile) if config.profile else boto3.Session()
    base_clients = ClientCache(base, config)
    member_clients: ClientCache | None = None
    try:
        discovery = Ledger()
        identity, accounts = _discover(base_clients, config, discovery)
        if config.shard is not None:
            from assessor.shard import in_shard

            accounts = [a for a in accounts if in_shard(a[0], *config.shard)]
        tick = progress(len(accounts)) if progress else None
        with ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="sweep") as pool:
            shared: Future[SharedData] | None = None
            if config.org_role:
                member_clients, bound = _member_clients(base, config)
                # The organisation is read once, alongside the members' sweeps, and copied into each snapshot.
                shared = pool.submit(_organization_data, base_clients, identity["Account"], discovery)
                target_of: Callable[[str, str | None], AccountTarget] = partial(
                    _member_target, pool=pool, base_clients=base_clients, member_clients=member_clients,
                    bound=bound, config=config)
            else:
                caller = AccountTarget(identity["Account"], None, identity["Arn"], base_clients, ledger=discovery)

                def target_of(account_id: str, name: str | None) -> AccountTarget:
                    return caller  # the caller's own account, with the base session's credentials

            def one(account: tuple[str, str | None]) -> Snapshot:
                target = target_of(*account)
                snapshot = _collect_account(target, pool, config, shared)
                if tick:
                    tick(1)
                return snapshot

            # Account drivers only wait on the sweep pool; a few at a time keep it busy across accounts.
            in_flight = max(1, min(len(accounts), _ACCOUNTS_IN_FLIGHT))
            with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="account") as drivers:
                snapshots = list(drivers.map(one, accounts))
            org = shared.result() if shared is not None else None
    finally:
        base_clients.close()
        if member_clients is not None:
            member_clients.close()
    snapshots.sort(key=lambda s: s.account_id)
    if org is not None and snapshots:
        # The organisation was read once; its calls are counted on one snapshot so totals stay true.
        owner = next((s for s in snapshots if s.account_id == org.account_id), snapshots[0])
        owner.api_calls = sorted([*owner.api_calls, *org.ledger.api_calls()],
                                 key=lambda c: (c.service, c.operation, c.region or ""))
    return snapshots


_ACCOUNTS_IN_FLIGHT = 4  # accounts whose sweeps are queued at once; enough to overlap one's tail with the next


@dataclass
class SharedData:
    """Organisation-level resources read once from the management session and given to every member."""

    account_id: str
    ledger: Ledger
    resources: dict[str, list[dict[str, Any]]]


ORG_SERVICE = "organizations"  # read once from the management session when collecting an organisation


def _organization_data(clients: ClientCache, account_id: str, discovery: Ledger) -> SharedData:
    """The organisation's own resources; the calls that found the accounts are counted with them."""
    ledger = Ledger(calls=Counter(discovery.calls))
    resources: dict[str, list[dict[str, Any]]] = {}
    for sw in SWEEPS:
        if sw.service == ORG_SERVICE:
            _run_sweep(sw, GLOBAL_REGION, clients, ledger, resources, threading.Lock(), account_id=account_id)
    return SharedData(account_id, ledger, resources)


def _discover(clients: ClientCache, config: AwsScanConfig, ledger: Ledger
              ) -> tuple[dict[str, Any], list[tuple[str, str | None]]]:
    """The caller's identity and the (account id, name) pairs to collect."""
    identity = _call_plain(clients, STS_IDENTITY, GLOBAL_REGION, ledger)
    if identity is None:
        raise InputError("cannot identify the AWS caller (sts:GetCallerIdentity failed): "
                         + "; ".join(e.message for e in ledger.errors) + ". Check credentials and --profile.")
    caller_account: str = identity["Account"]
    if not config.org_role:
        if config.accounts and set(config.accounts) != {caller_account}:
            raise InputError("--accounts lists accounts other than the caller's; pass --org-role NAME to assume "
                             "a role in each")
        return identity, [(caller_account, None)]
    if config.accounts:
        return identity, [(account_id, None) for account_id in sorted(set(config.accounts))]
    found = _org_accounts(clients, ledger)
    if found is None:
        raise InputError("cannot list the organisation's accounts (organizations:ListAccounts failed: "
                         + "; ".join(e.message for e in ledger.errors)
                         + "); run from the management or a delegated administrator account, or pass --accounts")
    return identity, sorted(found.items())


def _member_target(account_id: str, name: str | None, *, pool: ThreadPoolExecutor, base_clients: ClientCache,
                   member_clients: ClientCache, bound: BoundCredentials, config: AwsScanConfig) -> AccountTarget:
    """Assume the org role in one member account (as a job of the sweep pool, like every other call)."""
    role_arn = f"arn:aws:iam::{account_id}:role/{config.org_role}"
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": "ir-assessor"}
    if config.external_id:
        params["ExternalId"] = config.external_id
    ledger = Ledger()
    creds = pool.submit(_call_plain, base_clients, ASSUME_ROLE, GLOBAL_REGION, ledger, **params).result()
    if creds is None:
        return AccountTarget(account_id, name, role_arn, None, ledger=ledger)
    from botocore.credentials import ReadOnlyCredentials

    c = creds["Credentials"]
    frozen = ReadOnlyCredentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], account_id)
    return AccountTarget(account_id, name, f"{role_arn} (assumed)", member_clients, bind=partial(bound.bound, frozen),
                         ledger=ledger)


def _org_accounts(clients: ClientCache, ledger: Ledger) -> dict[str, str | None] | None:
    from botocore.exceptions import BotoCoreError, ClientError

    client = clients("organizations", GLOBAL_REGION)
    accounts: dict[str, str | None] = {}
    try:
        for page in client.get_paginator("list_accounts").paginate():
            ledger.count(ORG_ACCOUNTS, None)
            for account in page.get("Accounts", []):
                if account.get("Status", "ACTIVE") == "ACTIVE":
                    accounts[account["Id"]] = account.get("Name")
    except (ClientError, BotoCoreError) as exc:
        ledger.error(_plain_error(ORG_ACCOUNTS, exc))
        return None
    return accounts


def _call_plain(clients: ClientFactory, op: Operation, region: str, ledger: Ledger,
                **params: Any) -> dict[str, Any] | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        ledger.count(op, None)
        result: dict[str, Any] = getattr(clients(op.service, region), op.python_name)(**params)
        return result
    except (ClientError, BotoCoreError) as exc:
        ledger.error(_plain_error(op, exc))
        return None


def _plain_error(op: Operation, exc: Exception) -> CollectionError:
    """A failure of an orchestrator call, with the service's own error code and a scrubbed message."""
    response = getattr(exc, "response", None) or {}
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    code = str(error.get("Code") or type(exc).__name__)
    message = str(error.get("Message") or exc)
    return CollectionError(service=op.service, operation=op.name, code=code, message=scrub(message),
                           permission=op.iam_action)


def _discover_regions(target: AccountTarget, ledger: Ledger) -> list[str]:
    """The account's enabled regions (when --regions is not given)."""
    assert target.clients is not None
    with target.bind():
        found = _call_plain(target.clients, EC2_REGIONS, GLOBAL_REGION, ledger)
    if found is None:
        return [GLOBAL_REGION]
    return sorted(r["RegionName"] for r in found.get("Regions", []))


# Sweeps that take longest go first, so an account's tail does not wait on one late, long sweep.
_FIRST = ("s3", "ec2", "logs", "iam")


def _collect_account(target: AccountTarget, pool: ThreadPoolExecutor, config: AwsScanConfig,
                     shared: Future[SharedData] | None = None) -> Snapshot:
    ledger = Ledger(calls=Counter(target.ledger.calls), errors=list(target.ledger.errors))
    resources: dict[str, list[dict[str, Any]]] = {}
    lock = threading.Lock()
    if target.clients is None:  # the role could not be assumed: everything is unknown, with the reason
        for error in ledger.errors:
            error.resource_types = sorted({t for s in SWEEPS for t in s.types})
        return _snapshot(target, sorted(set(config.regions)), ledger, resources)
    clients = target.clients
    regions = sorted(set(config.regions)) or pool.submit(_discover_regions, target, ledger).result()
    jobs: list[tuple[Sweep, str]] = []
    for sw in sorted(SWEEPS, key=lambda s: _FIRST.index(s.service) if s.service in _FIRST else len(_FIRST)):
        if shared is not None and sw.service == ORG_SERVICE:
            continue
        if sw.scope == "global":
            jobs.append((sw, GLOBAL_REGION))
        else:
            jobs.extend((sw, region) for region in regions)
    swept = tuple(regions)

    def run(job: tuple[Sweep, str]) -> None:
        with target.bind():
            _run_sweep(job[0], job[1], clients, ledger, resources, lock, swept, account_id=target.account_id)

    for future in [pool.submit(run, job) for job in jobs]:
        future.result()
    if shared is not None:
        org = shared.result()
        for type_name, records in org.resources.items():
            resources[type_name] = [dict(r) for r in records]
        for error in org.ledger.errors:
            ledger.error(error.model_copy())
    for type_name in resources:
        resources[type_name].sort(key=lambda r: (str(r.get("region", "")), str(r.get("id", ""))))
    return _snapshot(target, regions, ledger, resources)


def _run_sweep(sw: Sweep, region: str, clients: ClientFactory, ledger: Ledger,
               resources: dict[str, list[dict[str, Any]]], lock: threading.Lock,
               swept: tuple[str, ...] = (), *, account_id: str) -> None:
    before = len(ledger.errors)
    try:
        produced = sw.function(Caller(sw, region, clients, ledger, swept, account_id=account_id), region)
    except SweepFailed:
        produced = {}
        # A sweep that stopped leaves every type it produces incomplete in this region.
        with ledger.lock:
            for error in ledger.errors[before:]:
                error.resource_types = sorted(set(error.resource_types) | set(sw.types))
    except Exception as exc:  # a collector bug must not stop the run; it is recorded and visible
        ledger.error(CollectionError(service=sw.service, operation="(sweep)",
                                     region=None if sw.scope == "global" else region,
                                     code="CollectorError", message=f"{type(exc).__name__}: {exc}"[:300],
                                     resource_types=sorted(sw.types)))
        produced = {}
    with lock:
        for type_name in sw.types:
            resources.setdefault(type_name, []).extend(produced.get(type_name, []))


def _snapshot(target: AccountTarget, regions: Sequence[str], ledger: Ledger,
              resources: dict[str, list[dict[str, Any]]]) -> Snapshot:
    errors = sorted(ledger.errors, key=lambda e: (e.service, e.operation, e.region or "", e.code))
    return Snapshot(
        provider="aws", account_id=target.account_id, account_name=target.name, regions=sorted(regions),
        collected_at=datetime.now(UTC).replace(microsecond=0), tool_version=__version__,
        identity=target.identity, api_calls=ledger.api_calls(), errors=errors, resources=resources,
    )
