"""IAM: roles, who may assume them (parsed trust policy) and on which condition, attached policies and tags.

One GetAccountAuthorizationDetails sweep gives trust policies, attached policies and tags for every role;
ListRoles adds the description, which that operation does not return.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

ROLE = "aws.iam.role"
OPS = (
    Operation("iam", "GetAccountAuthorizationDetails", "iam:GetAccountAuthorizationDetails", (ROLE,)),
    Operation("iam", "ListRoles", "iam:ListRoles", (ROLE,)),
)
_MFA_PRESENT = "aws:multifactorauthpresent"
_MFA_AGE = "aws:multifactorauthage"
_MAX_AGE_OPERATORS = ("numericlessthan", "numericlessthanequals")


@sweep(service="iam", scope="global", types=(ROLE,), operations=OPS)
def roles(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    # Pages of 1000 (the maximum) instead of the default 100: an account's roles in one or two calls.
    pages = {"PageSize": 1000}
    descriptions = {r["Arn"]: r.get("Description") for page in call.pages("ListRoles", PaginationConfig=pages)
                    for r in page.get("Roles", [])}
    out = []
    for page in call.pages("GetAccountAuthorizationDetails", Filter=["Role"], PaginationConfig=pages):
        for role in page.get("RoleDetailList", []):
            trust = parse_trust_policy(role.get("AssumeRolePolicyDocument"))
            out.append({
                "id": role["Arn"], "name": role.get("RoleName"), "path": role.get("Path"),
                "description": descriptions.get(role["Arn"]) or None,
                **trust,
                "attached_policies": sorted(p["PolicyArn"] for p in role.get("AttachedManagedPolicies", [])
                                            if p.get("PolicyArn")),
                "tags": {t["Key"]: t.get("Value", "") for t in role.get("Tags", [])},
            })
    return {ROLE: out}


def parse_trust_policy(document: Any) -> dict[str, Any]:
    """Principals a trust policy allows, by kind, and whether every Allow for AWS principals needs MFA.

    The API returns the document URL-encoded; botocore usually decodes it already. A role that trusts no
    AWS principal has mfa_required false: there is nobody for MFA to apply to.
    """
    policy = _document(document)
    aws: set[str] = set()
    services: set[str] = set()
    federated: set[str] = set()
    aws_statements: list[dict[str, Any]] = []
    statements = policy.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*":
            principal = {"AWS": "*"}
        if not isinstance(principal, dict):
            continue
        found_aws = _values(principal.get("AWS"))
        aws |= found_aws
        services |= _values(principal.get("Service"))
        federated |= _values(principal.get("Federated"))
        if found_aws:
            aws_statements.append(statement)
    return {
        "trusted_aws_principals": sorted(aws), "trusted_services": sorted(services),
        "trusted_federated": sorted(federated),
        "mfa_required": bool(aws_statements) and all(_requires_mfa(s.get("Condition")) for s in aws_statements),
    }


def _document(document: Any) -> dict[str, Any]:
    if isinstance(document, dict):
        return document
    if not isinstance(document, str):
        return {}
    for text in (document, urllib.parse.unquote(document)):
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _values(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value}
    return set()


def _requires_mfa(condition: Any) -> bool:
    """Bool aws:MultiFactorAuthPresent true, or a maximum aws:MultiFactorAuthAge (IfExists variants let a
    session without MFA through, so they do not count)."""
    if not isinstance(condition, dict):
        return False
    for operator, clauses in condition.items():
        if not isinstance(clauses, dict):
            continue
        op = str(operator).lower()
        for key, value in clauses.items():
            values = {str(v).lower() for v in (value if isinstance(value, list) else [value])}
            if op == "bool" and str(key).lower() == _MFA_PRESENT and values == {"true"}:
                return True
            if op in _MAX_AGE_OPERATORS and str(key).lower() == _MFA_AGE and values:
                return True
    return False
