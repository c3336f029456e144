"""The local Cloud Asset API server speaks the REST surface the real google-cloud-asset client uses.

These tests pin the test server itself, with the real `AssetServiceClient(transport="rest")` and anonymous
credentials, before any collector relies on it: paging, content types, a denied parent and a retried 503.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.collectors.gcp_asset_server import AssetServer

PROJECT_NUMBER = "100000000001"


def subnet(n: int) -> dict[str, Any]:
    return {
        "name": f"//compute.googleapis.com/projects/acme-prod/regions/europe-west1/subnetworks/s{n}",
        "assetType": "compute.googleapis.com/Subnetwork",
        "ancestors": [f"projects/{PROJECT_NUMBER}", "organizations/42"],
        "resource": {"version": "v1", "location": "europe-west1", "parent": "//x",
                     "data": {"name": f"s{n}", "logConfig": {"enable": n % 2 == 0, "flowSampling": 0.5}}},
    }


AUDITED_PROJECT = {
    "name": f"//cloudresourcemanager.googleapis.com/projects/{PROJECT_NUMBER}",
    "assetType": "cloudresourcemanager.googleapis.com/Project",
    "ancestors": [f"projects/{PROJECT_NUMBER}", "organizations/42"],
    "resource": {"version": "v1", "data": {"projectId": "acme-prod", "projectNumber": PROJECT_NUMBER}},
    "iamPolicy": {"auditConfigs": [{"service": "allServices",
                                    "auditLogConfigs": [{"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}]}],
                  "bindings": [{"role": "roles/viewer", "members": ["group:sec@example.com"]}]},
}


@pytest.fixture
def server() -> Iterator[AssetServer]:
    started = AssetServer(assets=[AUDITED_PROJECT, *(subnet(n) for n in range(250))]).start()
    yield started
    started.stop()


def client(server: AssetServer) -> Any:
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import asset_v1

    return asset_v1.AssetServiceClient(credentials=AnonymousCredentials(), transport="rest",
                                       client_options=ClientOptions(api_endpoint=server.url))


def test_list_assets_pages_through_every_asset(server: AssetServer) -> None:
    """250 subnetworks at 100 a page arrive complete over three requests, with their data intact."""
    from google.cloud import asset_v1

    request = asset_v1.ListAssetsRequest(parent=f"projects/{PROJECT_NUMBER}", page_size=100,
                                         content_type=asset_v1.ContentType.RESOURCE,
                                         asset_types=["compute.googleapis.com/Subnetwork"])
    assets = list(client(server).list_assets(request=request))
    assert len(assets) == 250
    assert len(server.requests) == 3
    first = next(a for a in assets if a.name.endswith("/s0"))
    assert first.resource.location == "europe-west1"
    assert first.resource.data["logConfig"]["enable"] is True
    assert first.resource.data["logConfig"]["flowSampling"] == 0.5


def test_iam_policy_content_carries_audit_configs(server: AssetServer) -> None:
    """IAM_POLICY answers hold the policy (as a raw protobuf message) with its auditConfigs."""
    from google.cloud import asset_v1

    request = asset_v1.ListAssetsRequest(parent="organizations/42", content_type=asset_v1.ContentType.IAM_POLICY)
    (project,) = list(client(server).list_assets(request=request))
    assert project.asset_type == "cloudresourcemanager.googleapis.com/Project"
    assert [c.service for c in project.iam_policy.audit_configs] == ["allServices"]
    assert len(project.iam_policy.audit_configs[0].audit_log_configs) == 2
    assert not project.resource.data  # the RESOURCE content is not part of an IAM_POLICY answer


def test_denied_parent_is_forbidden(server: AssetServer) -> None:
    """A parent the caller may not read raises Forbidden, naming the permission."""
    from google.api_core.exceptions import Forbidden
    from google.cloud import asset_v1

    server.denied_parents.add("projects/denied-1")
    with pytest.raises(Forbidden, match=r"cloudasset\.assets\.listResource"):
        list(client(server).list_assets(request=asset_v1.ListAssetsRequest(parent="projects/denied-1")))


def test_one_503_is_retried_by_the_client(server: AssetServer) -> None:
    """The client's default retry rides out a 503; the answer equals an undisturbed one."""
    from google.cloud import asset_v1

    request = asset_v1.ListAssetsRequest(parent=f"projects/{PROJECT_NUMBER}", page_size=500,
                                         asset_types=["compute.googleapis.com/Subnetwork"])
    server.unavailable_first = 1
    assets = list(client(server).list_assets(request=request))
    assert len(assets) == 250
    assert len(server.requests) == 2  # the 503, then the good answer
