"""A local Cloud Asset API server on 127.0.0.1 for the GCP collector tests.

It answers `GET /v1/{parent}/assets` (ListAssets) the way the REST surface does: camelCase JSON built with the
library's own `ListAssetsResponse`, filtered by `assetTypes` and `contentType`, paged with `pageSize` and
`pageToken`. The assets it serves are export-shaped dicts (what `gcloud asset export` writes), turned into
`asset_v1.Asset` messages, so the live and the offline paths are fed the same data. Faults for the tests: a
parent that answers 403 PERMISSION_DENIED, and a number of 503s before the first good answer.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.collectors.local_http import LocalServer

# ContentType enum of the Cloud Asset API: the REST client may send the name or the number.
_CONTENT_TYPES = {"RESOURCE": 1, "IAM_POLICY": 2, "ORG_POLICY": 4, "ACCESS_POLICY": 5, "OS_INVENTORY": 6,
                  "RELATIONSHIP": 7}


@dataclass
class AssetServer:
    """`start()` it; `url` is the api_endpoint to give the client; `requests` lists (path, query) seen."""

    assets: list[dict[str, Any]] = field(default_factory=list)
    denied_parents: set[str] = field(default_factory=set)
    unavailable_first: int = 0  # answer this many requests with 503 before serving
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    _server: LocalServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return self._server.url

    def start(self) -> AssetServer:
        self._server = LocalServer(self._handle, keep_alive=True, nodelay=True)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urllib.parse.urlsplit(handler.path)
        query = urllib.parse.parse_qs(split.query)
        with self._lock:
            self.requests.append((split.path, query))
            unavailable = self.unavailable_first > 0
            if unavailable:
                self.unavailable_first -= 1
        if unavailable:
            return _send(handler, 503, _error(503, "UNAVAILABLE", "The service is currently unavailable."))
        if not (split.path.startswith("/v1/") and split.path.endswith("/assets")):
            return _send(handler, 404, _error(404, "NOT_FOUND", f"no such method: {split.path}"))
        parent = split.path[len("/v1/"):-len("/assets")]
        if parent in self.denied_parents:
            return _send(handler, 403, _error(403, "PERMISSION_DENIED",
                                              f"The caller does not have permission cloudasset.assets.listResource "
                                              f"on {parent}"))
        _send(handler, 200, self._list(parent, query))

    def _list(self, parent: str, query: dict[str, list[str]]) -> bytes:
        from google.cloud import asset_v1

        content = (query.get("contentType") or ["RESOURCE"])[0]
        content_type = _CONTENT_TYPES.get(content, int(content) if content.isdigit() else 0)
        wanted = set(query.get("assetTypes") or [])
        matching = [a for a in _under(self.assets, parent)
                    if (not wanted or a["assetType"] in wanted) and _has(a, content_type)]
        size = int((query.get("pageSize") or ["100"])[0]) or 100
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        page = matching[start:start + size]
        token = str(start + size) if start + size < len(matching) else ""
        assets = [asset_v1.Asset.from_json(json.dumps(_only(a, content_type)), ignore_unknown_fields=True)
                  for a in page]
        response = asset_v1.ListAssetsResponse(assets=assets, next_page_token=token)
        return asset_v1.ListAssetsResponse.to_json(response).encode()


def _under(assets: Iterable[dict[str, Any]], parent: str) -> list[dict[str, Any]]:
    """Assets whose ancestry includes `parent` (projects by number or id, folders, organizations)."""
    out = []
    for asset in assets:
        ancestors = set(asset.get("ancestors") or [])
        project_id = ((asset.get("resource") or {}).get("data") or {}).get("projectId")
        if parent in ancestors or (project_id and parent == f"projects/{project_id}"):
            out.append(asset)
    return out


def _has(asset: dict[str, Any], content_type: int) -> bool:
    return (content_type == 1 and "resource" in asset) or (content_type == 2 and "iamPolicy" in asset)


def _only(asset: dict[str, Any], content_type: int) -> dict[str, Any]:
    """The asset as ListAssets returns it for one content type: the other content is left out."""
    drop = "iamPolicy" if content_type == 1 else "resource"
    return {k: v for k, v in asset.items() if k != drop}


def _error(code: int, status: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "status": status}}).encode()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
