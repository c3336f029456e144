"""Proof that collection only reads: every API call actually made is declared, declared calls are reads,
and the printed IAM policy grants exactly what was used, with no wildcard.

The calls are observed on the wire side of boto3: a `before-call` hook is added to botocore's built-in handlers,
so it is registered in every session the collector creates, including the assumed-role sessions of members.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assessor.collectors.aws.collector import ASSUME_ROLE, ORCHESTRATOR_OPERATIONS, AwsScanConfig, collect
from assessor.collectors.aws.framework import declared_operations
from tests.collectors.conftest import botocore_hook, client

REPO = Path(__file__).resolve().parents[2]
ROLE = "OrganizationAccountAccessRole"
READ_PREFIXES = ("Describe", "Get", "List", "Lookup", "Search", "BatchGet")


def declared() -> dict[tuple[str, str], str]:
    """(boto3 service, operation) -> IAM action, for every operation collection may call."""
    return {(op.service, op.name): op.iam_action for op in [*declared_operations(), *ORCHESTRATOR_OPERATIONS]}


def declared_methods() -> dict[tuple[str, str], str]:
    """(boto3 service, client method) -> IAM action: what the Caller actually dispatches on."""
    return {(op.service, op.python_name): op.iam_action
            for op in [*declared_operations(), *ORCHESTRATOR_OPERATIONS]}


def permissions(*args: str) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "assessor", "permissions", "aws", *args], capture_output=True,
                            text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    policy: dict[str, Any] = json.loads(result.stdout)  # valid JSON, or this raises
    return policy


def seed(moto: str) -> None:
    """An organisation with one member, and in the caller's account a little of everything the sweeps read."""
    org = client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    org.create_account(Email="member@example.com", AccountName="member")
    for region in ("eu-west-1", "us-east-1"):
        s3 = client("s3", region)
        bucket = f"audit-logs-{region}"
        config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=bucket, **config)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "classification", "Value": "restricted"}]})
        trails = client("cloudtrail", region)
        trails.create_trail(Name=f"audit-{region}", S3BucketName=bucket)
        trails.start_logging(Name=f"audit-{region}")
        ec2 = client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                             LogDestination=f"arn:aws:s3:::{bucket}/flows/")
        ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)
        client("logs", region).create_log_group(logGroupName=f"/aws/audit/{region}")
        client("kms", region).create_key(Description="evidence")
        client("guardduty", region).create_detector(Enable=True)
        client("events", region).put_rule(Name="findings", EventPattern=json.dumps({"source": ["aws.guardduty"]}))
        client("backup", region).create_backup_vault(BackupVaultName="vault")
    client("iam", "us-east-1").create_role(RoleName="Responder", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}))


class CallRecorder:
    """Records (service, client method) of every call botocore is about to send, from any session or thread.

    The method name (list_web_acls) rather than the API name (ListWebACLs) is compared with the declarations,
    because that is what a declared operation dispatches to whatever capitals it was declared with.
    """

    def __init__(self) -> None:
        self.calls: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def __call__(self, model: Any, **_: Any) -> None:
        from botocore import xform_name

        with self._lock:
            self.calls.add((model.service_model.service_name, xform_name(model.name)))


@pytest.fixture
def recorder(moto: str) -> Iterator[CallRecorder]:
    """Records every API call the collector's sessions send."""
    seed(moto)
    hook = CallRecorder()
    with botocore_hook(hook):
        yield hook


# ---------------------------------------------------------------------- what was called


def test_collection_calls_only_declared_operations_all_granted_by_the_policy(recorder: CallRecorder) -> None:
    """A full organisation collection sends only declared operations, and `permissions aws` grants each one."""
    snapshots = collect(AwsScanConfig(regions=("eu-west-1", "us-east-1"), org_role=ROLE, max_attempts=2))
    assert len(snapshots) == 2 and all(s.api_calls for s in snapshots)
    observed = recorder.calls
    assert ("sts", "assume_role") in observed and ("cloudtrail", "describe_trails") in observed
    actions = declared_methods()
    assert sorted(observed - set(actions)) == []
    # The proof is not vacuous: the seeded accounts exercised most declared services.
    services = {service for service, _ in actions}
    reached = {service for service, _ in observed}
    assert len(reached) >= max(2, len(services) // 2), sorted(services - reached)
    policy = permissions("--org-role", ROLE)
    granted = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert sorted(actions[call] for call in observed if actions[call] not in granted) == []


# ---------------------------------------------------------------------- what may be called


def test_declared_operations_are_reads_except_assume_role() -> None:
    """Every declared operation is a Describe/Get/List/Lookup/Search/BatchGet; sts:AssumeRole is the one exception."""
    writes = sorted(action for (_, name), action in declared().items()
                    if not name.startswith(READ_PREFIXES) and action != ASSUME_ROLE.iam_action)
    assert writes == []


def test_declared_operations_dispatch_to_real_api_operations() -> None:
    """Each declared operation is a real operation of its service (matched on the client method it calls)."""
    import botocore.session
    from botocore import xform_name

    session = botocore.session.get_session()
    unknown = []
    for op in [*declared_operations(), *ORCHESTRATOR_OPERATIONS]:
        methods = {xform_name(name) for name in session.get_service_model(op.service).operation_names}
        if op.python_name not in methods:
            unknown.append(f"{op.service}:{op.name}")
    assert unknown == []
