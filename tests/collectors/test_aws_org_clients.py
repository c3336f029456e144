"""Organisation collection shares one client per service and region across member accounts.

Each member's requests must still be signed with that member's own assumed-role credentials: these tests
plant different data in each account and check every snapshot holds its own account's data only, that the
number of clients does not grow with the number of accounts, and that a member client used outside an
account's sweep refuses to sign instead of borrowing some account's credentials.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from assessor.collectors.aws.collector import AwsScanConfig, BoundCredentials, UnboundCredentialsError, collect
from tests.collectors.conftest import botocore_hook, client

ROLE = "OrganizationAccountAccessRole"
REGIONS = ("eu-west-1", "us-east-1")
LOG_GROUP = "aws.logs.log_group"


def member_client(account: str, service: str, region: str) -> Any:
    import boto3

    creds = client("sts", "us-east-1").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                                   RoleSessionName="seed")["Credentials"]
    return boto3.client(service, region_name=region, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


def seed_members(count: int) -> dict[str, str]:
    """An organisation with `count` members; each gets one log group named after it. account id -> group."""
    org = client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    for n in range(count):
        org.create_account(Email=f"m{n}@example.org", AccountName=f"member-{n}")
    management = client("sts", "us-east-1").get_caller_identity()["Account"]
    groups = {}
    for account in sorted(a["Id"] for a in org.list_accounts()["Accounts"]):
        if account == management:
            continue
        groups[account] = f"/only/{account}"
        member_client(account, "logs", "eu-west-1").create_log_group(logGroupName=groups[account])
    return groups


class ClientRecorder:
    """Which client (by its request signer) sent each call, per (service, region)."""

    def __init__(self) -> None:
        self.signers: dict[tuple[str, str], set[int]] = {}
        self._lock = threading.Lock()

    def __call__(self, model: Any, request_signer: Any, context: dict[str, Any], **_: Any) -> None:
        key = (model.service_model.service_name, str(context.get("client_region")))
        with self._lock:
            self.signers.setdefault(key, set()).add(id(request_signer))


@pytest.fixture
def recorder(moto: str) -> Iterator[ClientRecorder]:
    """Records every client the collector's sessions make and use."""
    hook = ClientRecorder()
    with botocore_hook(hook):
        yield hook


def test_each_member_snapshot_holds_its_own_accounts_data_only(moto: str) -> None:
    """With clients shared across accounts, each member's log group appears in its own snapshot and no other."""
    groups = seed_members(3)

    snapshots = {s.account_id: s for s in collect(AwsScanConfig(regions=REGIONS, org_role=ROLE, max_workers=8))}

    for account, group in groups.items():
        names = [g["name"] for g in snapshots[account].resources[LOG_GROUP]]
        assert names == [group], account
        assert not [e for e in snapshots[account].errors], snapshots[account].errors


def test_clients_do_not_multiply_with_accounts(recorder: ClientRecorder) -> None:
    """Three member accounts are swept through at most two clients per service and region (management, members)."""
    seed_members(3)

    snapshots = collect(AwsScanConfig(regions=REGIONS, org_role=ROLE, max_workers=8))

    assert len(snapshots) == 4 and all(s.api_calls for s in snapshots)
    assert ("logs", "eu-west-1") in recorder.signers
    crowded = {key: len(ids) for key, ids in recorder.signers.items() if len(ids) > 2}
    assert crowded == {}


def test_member_credentials_are_refused_outside_an_accounts_work() -> None:
    """Nothing bound means no signature; a binding lasts exactly as long as its block, also when nested."""
    from botocore.credentials import ReadOnlyCredentials

    bound = BoundCredentials()
    first = ReadOnlyCredentials("AKIDFIRST", "secret-1", "token-1", "111111111111")
    second = ReadOnlyCredentials("AKIDSECOND", "secret-2", "token-2", "222222222222")
    with pytest.raises(UnboundCredentialsError):
        bound.get_frozen_credentials()
    with bound.bound(first):
        assert bound.get_frozen_credentials() == first
        with bound.bound(second):
            assert bound.get_frozen_credentials() == second
        assert bound.get_frozen_credentials() == first
    with pytest.raises(UnboundCredentialsError):
        bound.get_frozen_credentials()


def test_a_binding_is_seen_only_by_the_thread_that_made_it() -> None:
    """Another thread running while one account is bound sees no credentials at all."""
    from botocore.credentials import ReadOnlyCredentials

    bound = BoundCredentials()
    seen: list[BaseException | None] = []

    def other() -> None:
        try:
            bound.get_frozen_credentials()
            seen.append(None)
        except UnboundCredentialsError as exc:
            seen.append(exc)

    with bound.bound(ReadOnlyCredentials("AKIDFIRST", "secret-1", "token-1", None)):
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert len(seen) == 1 and isinstance(seen[0], UnboundCredentialsError)
