"""Builders shared by the GCP check tests (no tests here): a project in a small hierarchy, snapshots
around it, collection failures, and a helper that picks the single finding of a status."""

from __future__ import annotations

from typing import Any

from assessor.models import Finding, Snapshot
from tests.factories import snapshot, statuses

PROJECT = "proj-x"
NUMBER = "111111111111"
FOLDER = "folders/222"
ORG = "organizations/900"
OTHER_FOLDER = "folders/333"  # a sibling folder: its settings must not apply to proj-x
CAI = "//cloudresourcemanager.googleapis.com"


def project(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"{CAI}/projects/{NUMBER}", "project_id": PROJECT, "number": NUMBER,
        "display_name": "Project X", "state": "ACTIVE", "parent": FOLDER,
        "ancestors": [f"projects/{NUMBER}", FOLDER, ORG], "labels": {},
    }
    data.update(overrides)
    return data


def gcp(resources: dict[str, list[dict[str, Any]]] | None = None,
        errors: list[dict[str, Any]] | None = None, with_project: bool = True) -> Snapshot:
    """A snapshot of proj-x; the project record is added unless told otherwise."""
    res = dict(resources or {})
    if with_project:
        res.setdefault("gcp.project", [project()])
    return snapshot("gcp", resources=res, errors=errors, account_id=PROJECT, regions=["europe-west1"])


def denied(*types: str, service: str = "cloudasset", operation: str = "ListAssets",
           region: str | None = None, permission: str = "cloudasset.assets.listResource") -> dict[str, Any]:
    return {"service": service, "operation": operation, "region": region, "code": "PERMISSION_DENIED",
            "message": "The caller does not have permission", "resource_types": list(types),
            "permission": permission}


def held(scope: str) -> dict[str, Any]:
    """scope / scope_id / parent fields of a record held at `organizations/N`, `folders/N`, ..."""
    kind, _, number = scope.partition("/")
    singular = {"organizations": "organization", "folders": "folder", "projects": "project"}[kind]
    return {"scope": singular, "scope_id": number, "parent": scope}


def one(found: list[Finding], status: str) -> Finding:
    matching = [f for f in found if f.status.value == status]
    assert len(matching) == 1, (statuses(found), [f.message for f in found])
    return matching[0]


def by_region(found: list[Finding]) -> dict[str | None, str]:
    return {f.region: f.status.value for f in found}
