"""Collect AWS accounts into snapshots: one sweep per service and region, concurrently, read-only.

boto3 is imported lazily so the offline core needs no AWS SDK. Endpoints come from boto3's own settings
(AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, profiles), which is also how tests reach a local moto server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from assessor import __version__
from assessor.collectors.aws.framework import SWEEPS, Caller, Ledger, Operation, Sweep, SweepFailed, scrub
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
    max_workers: int = 16
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 8


@dataclass
class AccountTarget:
    account_id: str
    name: str | None
    session: Any  # boto3.Session
    identity: str | None
    errors: list[CollectionError] = field(default_factory=list)


Progress = Callable[[int], None]


def _boto3() -> Any:
    try:
        import boto3
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("boto3", "aws") from None
    return boto3


class ClientCache:
    """One client per (service, region) per account, shared by all sweeps: clients are thread-safe."""

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
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._session.client(service, region_name=region, config=self._config)
            return self._clients[key]


def collect(config: AwsScanConfig, progress: Callable[[int], Progress] | None = None) -> list[Snapshot]:
    """Snapshots of every targeted account, sorted by account id. Never raises for an API failure."""
    boto3 = _boto3()
    base = boto3.Session(profile_name=config.profile) if config.profile else boto3.Session()
    targets = _targets(base, config)
    regions_by_account = {t.account_id: _regions(t, config) for t in targets}
    jobs = sum(len(regions_by_account[t.account_id]) for t in targets)
    tick = progress(jobs) if progress else None
    shared = _organization_data(base, config) if config.org_role else None
    with ThreadPoolExecutor(max_workers=max(1, min(config.max_workers, len(targets)))) as pool:
        snapshots = list(pool.map(
            lambda t: _collect_account(t, regions_by_account[t.account_id], config, tick, shared), targets))
    snapshots.sort(key=lambda s: s.account_id)
    if shared is not None and snapshots:
        # The organisation was read once; its calls are counted on one snapshot so totals stay true.
        owner = next((s for s in snapshots if s.account_id == shared.account_id), snapshots[0])
        owner.api_calls = sorted([*owner.api_calls, *shared.ledger.api_calls()],
                                 key=lambda c: (c.service, c.operation, c.region or ""))
    return snapshots


@dataclass
class SharedData:
    """Organisation-level resources read once from the management session and given to every member."""

    account_id: str | None
    ledger: Ledger
    resources: dict[str, list[dict[str, Any]]]
    services: frozenset[str]


def _organization_data(base: Any, config: AwsScanConfig) -> SharedData:
    from assessor.collectors.aws import services  # noqa: F401 - registers the sweeps

    ledger = Ledger()
    clients = ClientCache(base, config)
    resources: dict[str, list[dict[str, Any]]] = {}
    org_sweeps = [s for s in SWEEPS if s.service == "organizations"]
    for sw in org_sweeps:
        _run_sweep(sw, GLOBAL_REGION, clients, ledger, resources, threading.Lock())
    identity = _call_plain(base, STS_IDENTITY, GLOBAL_REGION, Ledger(), config)
    return SharedData(identity["Account"] if identity else None, ledger, resources,
                      frozenset(s.service for s in org_sweeps))


def _targets(base: Any, config: AwsScanConfig) -> list[AccountTarget]:
    ledger = Ledger()
    identity = _call_plain(base, STS_IDENTITY, GLOBAL_REGION, ledger, config)
    if identity is None:
        raise InputError("cannot identify the AWS caller (sts:GetCallerIdentity failed): "
                         + "; ".join(e.message for e in ledger.errors) + ". Check credentials and --profile.")
    caller_account: str = identity["Account"]
    caller_arn: str = identity["Arn"]
    if not config.org_role:
        if config.accounts and set(config.accounts) != {caller_account}:
            raise InputError("--accounts lists accounts other than the caller's; pass --org-role NAME to assume "
                             "a role in each")
        return [AccountTarget(caller_account, None, base, caller_arn)]
    names: dict[str, str | None] = {}
    if config.accounts:
        account_ids = sorted(set(config.accounts))
    else:
        found = _org_accounts(base, ledger, config)
        if found is None:
            raise InputError("cannot list the organisation's accounts (organizations:ListAccounts failed: "
                             + "; ".join(e.message for e in ledger.errors)
                             + "); run from the management or a delegated administrator account, or pass --accounts")
        names = found
        account_ids = sorted(names)
    targets = []
    for account_id in account_ids:
        targets.append(_assume(base, account_id, names.get(account_id), config))
    return targets


def _assume(base: Any, account_id: str, name: str | None, config: AwsScanConfig) -> AccountTarget:
    boto3 = _boto3()
    role_arn = f"arn:aws:iam::{account_id}:role/{config.org_role}"
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": "ir-assessor"}
    if config.external_id:
        params["ExternalId"] = config.external_id
    ledger = Ledger()
    creds = _call_plain(base, ASSUME_ROLE, GLOBAL_REGION, ledger, config, **params)
    if creds is None:
        return AccountTarget(account_id, name, None, role_arn, errors=ledger.errors)
    c = creds["Credentials"]
    session = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                            aws_session_token=c["SessionToken"], botocore_session=_member_botocore_session(base))
    return AccountTarget(account_id, name, session, f"{role_arn} (assumed)")


def _member_botocore_session(base: Any) -> Any:
    """A botocore session sharing the base session's model loader.

    Each boto3 Session otherwise parses every service model again: with fifty member accounts that cost
    gigabytes and most of the run. Credentials stay per session.
    """
    import botocore.session

    member = botocore.session.get_session()
    member.register_component("data_loader", base._session.get_component("data_loader"))
    return member


def _org_accounts(base: Any, ledger: Ledger, config: AwsScanConfig) -> dict[str, str | None] | None:
    from botocore.exceptions import BotoCoreError, ClientError

    client = ClientCache(base, config)("organizations", GLOBAL_REGION)
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


def _call_plain(session: Any, op: Operation, region: str, ledger: Ledger, config: AwsScanConfig,
                **params: Any) -> dict[str, Any] | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        ledger.count(op, None)
        result: dict[str, Any] = getattr(ClientCache(session, config)(op.service, region), op.python_name)(**params)
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


def _regions(target: AccountTarget, config: AwsScanConfig) -> list[str]:
    if config.regions:
        return sorted(set(config.regions))
    if target.session is None:
        return []
    ledger = Ledger()
    found = _call_plain(target.session, EC2_REGIONS, GLOBAL_REGION, ledger, config)
    target.errors.extend(ledger.errors)
    if found is None:
        return [GLOBAL_REGION]
    return sorted(r["RegionName"] for r in found.get("Regions", []))


def _collect_account(target: AccountTarget, regions: Sequence[str], config: AwsScanConfig,
                     tick: Progress | None, shared: SharedData | None = None) -> Snapshot:
    from assessor.collectors.aws import services  # noqa: F401 - registers the sweeps

    ledger = Ledger(errors=list(target.errors))
    resources: dict[str, list[dict[str, Any]]] = {}
    lock = threading.Lock()
    if target.session is None:  # the role could not be assumed: everything is unknown, with the reason
        for error in ledger.errors:
            error.resource_types = sorted({t for s in SWEEPS for t in s.types})
        return _snapshot(target, regions, ledger, resources)
    clients = ClientCache(target.session, config)
    jobs: list[tuple[Sweep, str]] = []
    if shared is not None:
        for type_name, records in shared.resources.items():
            resources[type_name] = [dict(r) for r in records]
        for error in shared.ledger.errors:
            ledger.error(error.model_copy())
    for sw in SWEEPS:
        if shared is not None and sw.service in shared.services:
            continue
        if sw.scope == "global":
            jobs.append((sw, GLOBAL_REGION))
        else:
            jobs.extend((sw, region) for region in regions)

    def run(job: tuple[Sweep, str]) -> None:
        _run_sweep(job[0], job[1], clients, ledger, resources, lock, tuple(sorted(regions)))

    with ThreadPoolExecutor(max_workers=config.max_workers) as pool:
        list(pool.map(run, jobs))
    if tick:
        tick(len(regions))
    for type_name in resources:
        resources[type_name].sort(key=lambda r: (str(r.get("region", "")), str(r.get("id", ""))))
    return _snapshot(target, regions, ledger, resources)


def _run_sweep(sw: Sweep, region: str, clients: ClientCache, ledger: Ledger,
               resources: dict[str, list[dict[str, Any]]], lock: threading.Lock,
               swept: tuple[str, ...] = ()) -> None:
    before = len(ledger.errors)
    try:
        produced = sw.function(Caller(sw, region, clients, ledger, swept), region)
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
