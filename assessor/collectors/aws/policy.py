"""The least-privilege IAM policy for collection, built from the operations the sweeps declare.

Nothing here is written by hand: adding an operation to a sweep adds its action to the policy, so the policy
and the calls the collector can make never drift apart. boto3 is not needed to print it.
"""

from __future__ import annotations

import json
from typing import Any

from assessor.collectors.aws.collector import ASSUME_ROLE, ORCHESTRATOR_OPERATIONS
from assessor.collectors.aws.framework import declared_operations

POLICY_VERSION = "2012-10-17"


def read_actions() -> list[str]:
    """Every IAM action collection may use, except sts:AssumeRole (scoped separately), sorted and unique."""
    operations = [*declared_operations(), *ORCHESTRATOR_OPERATIONS]
    return sorted({op.iam_action for op in operations if op is not ASSUME_ROLE})


def collection_policy(org_role: str | None = None) -> dict[str, Any]:
    """An identity policy for the principal that runs the collector.

    With `org_role`, a second statement lets it assume that role (and only that role) in member accounts;
    the role in each member account needs the read statement too.
    """
    statements: list[dict[str, Any]] = [{
        "Sid": "IrAssessorReadOnly",
        "Effect": "Allow",
        "Action": read_actions(),
        "Resource": "*",
    }]
    if org_role:
        statements.append({
            "Sid": "IrAssessorAssumeMemberRole",
            "Effect": "Allow",
            "Action": [ASSUME_ROLE.iam_action],
            "Resource": f"arn:aws:iam::*:role/{org_role}",
        })
    return {"Version": POLICY_VERSION, "Statement": statements}


def policy_json(org_role: str | None = None) -> str:
    return json.dumps(collection_policy(org_role), indent=2, sort_keys=True) + "\n"
