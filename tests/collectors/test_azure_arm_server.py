"""The local HTTPS ARM server answers the real Azure clients: TLS with a per-session private CA, Resource Graph
paging with $skipToken, a denied subscription and a 429 with Retry-After, before any collector relies on it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.collectors.azure_arm_server import RESOURCE_GRAPH, ArmServer

SUB_A = "11111111-1111-4111-8111-111111111111"
SUB_B = "22222222-2222-4222-8222-222222222222"


class StaticToken:
    """A TokenCredential that hands out a fixed test token: no identity provider is contacted."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("test-token", int(time.time()) + 3600)


def row(n: int, subscription: str) -> dict[str, Any]:
    return {"id": f"/subscriptions/{subscription}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v{n}",
            "name": f"v{n}", "type": "microsoft.network/virtualnetworks", "location": "westeurope",
            "subscriptionId": subscription, "tags": {"owner": "<script>alert(1)</script>"}}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ArmServer]:
    started = ArmServer(rows=[*(row(n, SUB_A) for n in range(120)), *(row(n, SUB_B) for n in range(5))])
    started.start(tmp_path)
    yield started
    started.stop()


def graph(server: ArmServer) -> Any:
    from azure.mgmt.resourcegraph import ResourceGraphClient

    return ResourceGraphClient(StaticToken(), base_url=server.url, connection_verify=str(server.ca),
                               retry_backoff_factor=0.01)


def query_all(client: Any, subscriptions: list[str], top: int) -> list[dict[str, Any]]:
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

    rows: list[dict[str, Any]] = []
    token = None
    while True:
        answer = client.resources(QueryRequest(subscriptions=subscriptions, query="Resources",
                                               options=QueryRequestOptions(top=top, skip_token=token)))
        rows.extend(answer.data)
        token = answer.skip_token
        if not token:
            return rows


def test_resource_graph_pages_over_tls_with_the_private_ca(server: ArmServer) -> None:
    """125 rows at 50 a page come back complete in three queries, over HTTPS verified against the test CA."""
    rows = query_all(graph(server), [SUB_A, SUB_B], top=50)
    assert len(rows) == 125
    assert [r[1] for r in server.requests] == [RESOURCE_GRAPH] * 3
    assert rows[0]["tags"]["owner"] == "<script>alert(1)</script>"  # carried as data


def test_untrusted_without_the_ca(server: ArmServer) -> None:
    """Without the CA file the client refuses the server's certificate: TLS is really verified."""
    from azure.core.exceptions import ServiceRequestError
    from azure.mgmt.resourcegraph import ResourceGraphClient
    from azure.mgmt.resourcegraph.models import QueryRequest

    client = ResourceGraphClient(StaticToken(), base_url=server.url, retry_total=0)
    with pytest.raises(ServiceRequestError, match="CERTIFICATE_VERIFY_FAILED"):
        client.resources(QueryRequest(subscriptions=[SUB_A], query="Resources"))


def test_denied_subscription_is_403(server: ArmServer) -> None:
    """A subscription the identity cannot read answers 403 AuthorizationFailed."""
    from azure.core.exceptions import HttpResponseError

    server.denied_subscriptions.add(SUB_B)
    with pytest.raises(HttpResponseError) as denied:
        query_all(graph(server), [SUB_B], top=50)
    assert denied.value.status_code == 403
    assert "AuthorizationFailed" in str(denied.value)


def test_429_with_retry_after_is_retried(server: ArmServer) -> None:
    """One 429 with Retry-After: 1 is waited out by the client's retry policy; the rows equal a clean query."""
    server.throttle_first = 1
    started = time.monotonic()
    rows = query_all(graph(server), [SUB_B], top=50)
    assert len(rows) == 5
    assert len(server.requests) == 2
    assert time.monotonic() - started >= 0.9  # Retry-After was honoured
