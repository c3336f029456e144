"""Organizations: member accounts with their place in the OU tree, and service control policies.

Readable from the management account or a delegated administrator. An account outside any organisation
answers DescribeOrganization with AWSOrganizationsNotInUseException: that is a fact (no SCP can apply), so
the sweep writes no record and no error.
"""

from __future__ import annotations

import json
from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

ACCOUNT = "aws.organizations.account"
POLICY = "aws.organizations.policy"
TYPES = (ACCOUNT, POLICY)
SCP = "SERVICE_CONTROL_POLICY"
OPS = (
    Operation("organizations", "DescribeOrganization", "organizations:DescribeOrganization", TYPES,
              benign_errors=("AWSOrganizationsNotInUseException",)),
    Operation("organizations", "ListAccounts", "organizations:ListAccounts", (ACCOUNT,)),
    Operation("organizations", "ListParents", "organizations:ListParents", (ACCOUNT,)),
    Operation("organizations", "DescribeOrganizationalUnit", "organizations:DescribeOrganizationalUnit", (ACCOUNT,)),
    Operation("organizations", "ListPolicies", "organizations:ListPolicies", (POLICY,)),
    Operation("organizations", "DescribePolicy", "organizations:DescribePolicy", (POLICY,)),
    Operation("organizations", "ListTargetsForPolicy", "organizations:ListTargetsForPolicy", (POLICY,)),
)
_REGION_KEY = "aws:requestedregion"
# Operators under which the listed regions are the ones left usable by a Deny statement.
_ALLOWLIST_OPERATORS = ("stringnotequals", "stringnotlike", "stringnotequalsignorecase")


@sweep(service="organizations", scope="global", types=TYPES, operations=OPS)
def organization(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    if call.benign("DescribeOrganization") is None:
        return {ACCOUNT: [], POLICY: []}
    return {ACCOUNT: _accounts(call), POLICY: _policies(call)}


def _accounts(call: Caller) -> list[dict[str, Any]]:
    chains: dict[str, list[dict[str, str]]] = {}  # child id -> its parents up to the root, nearest first
    names: dict[str, str] = {}

    def ancestry(child: str) -> list[dict[str, str]]:
        if child not in chains:
            parents = [p for page in call.pages("ListParents", ChildId=child) for p in page.get("Parents", [])]
            if not parents:
                chains[child] = []
            else:
                parent = {"id": str(parents[0]["Id"]), "type": str(parents[0].get("Type"))}
                above = [] if parent["type"] == "ROOT" else ancestry(parent["id"])
                chains[child] = [parent, *above]
        return chains[child]

    def name_of(parent: dict[str, str]) -> str | None:
        if parent["type"] == "ROOT":
            return "Root"
        if parent["id"] not in names:
            unit = call("DescribeOrganizationalUnit", OrganizationalUnitId=parent["id"])["OrganizationalUnit"]
            names[parent["id"]] = str(unit.get("Name"))
        return names[parent["id"]]

    out = []
    for page in call.pages("ListAccounts"):
        for account in page.get("Accounts", []):
            chain = ancestry(account["Id"])
            out.append({
                "id": account["Arn"], "account_id": account["Id"], "name": account.get("Name"),
                "status": account.get("Status") or account.get("State"),
                "ancestor_ids": [p["id"] for p in reversed(chain)],
                "parent_name": name_of(chain[0]) if chain else None,
            })
    return out


def _policies(call: Caller) -> list[dict[str, Any]]:
    out = []
    for page in call.pages("ListPolicies", Filter=SCP):
        for summary in page.get("Policies", []):
            policy_id = summary["Id"]
            content = call("DescribePolicy", PolicyId=policy_id)["Policy"].get("Content") or "{}"
            targets = [{"id": t.get("TargetId"), "type": t.get("Type")}
                       for page_ in call.pages("ListTargetsForPolicy", PolicyId=policy_id)
                       for t in page_.get("Targets", [])]
            out.append({
                "id": summary["Arn"], "policy_id": policy_id, "name": summary.get("Name"),
                "type": summary.get("Type", SCP), "aws_managed": bool(summary.get("AwsManaged")),
                "targets": targets, "region_allowlist": region_allowlist(content),
            })
    return out


def region_allowlist(content: str) -> list[str] | None:
    """Regions a policy leaves usable through Deny statements conditioned on aws:RequestedRegion.

    Several such statements all apply, so the regions left open are those every one of them allows.
    Values are kept as written (StringNotLike patterns such as 'eu-*' included). None when no statement
    restricts regions, or when the document cannot be read.
    """
    try:
        document = json.loads(content)
    except ValueError:
        return None
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    allowed: set[str] | None = None
    for statement in statements:
        if not isinstance(statement, dict) or str(statement.get("Effect", "")).lower() != "deny":
            continue
        regions = _allowed_by(statement.get("Condition"))
        if regions is not None:
            allowed = regions if allowed is None else allowed & regions
    return None if allowed is None else sorted(allowed)


def _allowed_by(condition: Any) -> set[str] | None:
    if not isinstance(condition, dict):
        return None
    found: set[str] | None = None
    for operator, clauses in condition.items():
        base = str(operator).lower().removeprefix("forallvalues:").removeprefix("foranyvalue:")
        base = base.removesuffix("ifexists")
        if base not in _ALLOWLIST_OPERATORS or not isinstance(clauses, dict):
            continue
        for key, values in clauses.items():
            if str(key).lower() == _REGION_KEY:
                listed = {str(v) for v in (values if isinstance(values, list) else [values])}
                found = listed if found is None else found & listed
    return found
