"""A local Cloud Asset API server on 127.0.0.1 for the GCP collector tests.

It answers `GET /v1/{parent}/assets` (ListAssets) the way the REST surface does: camelCase JSON built with the
library's own `ListAssetsResponse`, filtered by `assetTypes` and `contentType`, paged with `pageSize` and
`pageToken`. The assets it serves are export-shaped dicts (what `gcloud asset export` writes), turned into
`asset_v1.Asset` messages, so the live and the offline paths are fed the same data.

Beside Cloud Asset it answers what the collector reads from other Google APIs, on the same port (the
collector's `--endpoint` options point every service here): the OAuth token endpoint a service-account key's
`token_uri` names (so the real google-auth JWT flow runs), Security Command Center (v1beta2 subscription tier,
v1 notification configs, securitycentermanagement services) and Essential Contacts.

Faults for the tests: a parent that answers 403 PERMISSION_DENIED on every API, and a number of 503s before
the first good answer. With `require_token`, a request without the bearer token the token endpoint issued
gets 401.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.collectors.local_http import LocalServer

# ContentType enum of the Cloud Asset API: the REST client may send the name or the number.
TOKEN = "ya29.local-test-token"
_CONTENT_TYPES = {"RESOURCE": 1, "IAM_POLICY": 2, "ORG_POLICY": 4, "ACCESS_POLICY": 5, "OS_INVENTORY": 6,
                  "RELATIONSHIP": 7}


@dataclass
class AssetServer:
    """`start()` it; `url` is the api_endpoint to give the client; `requests` lists (path, query) seen."""

    assets: list[dict[str, Any]] = field(default_factory=list)
    denied_parents: set[str] = field(default_factory=set)
    unavailable_first: int = 0  # answer this many requests with `fault_status` before serving
    fault_status: int = 503  # 503 UNAVAILABLE, or 429 RESOURCE_EXHAUSTED (throttled)
    require_token: bool = False
    scc_tiers: dict[str, str] = field(default_factory=dict)  # organizations/N -> STANDARD / PREMIUM / ...
    scc_services: dict[str, dict[str, str]] = field(default_factory=dict)  # holder -> service -> state
    scc_notifications: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # holder -> configs
    contacts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # holder -> contacts
    page_size_cap: int = 1000
    tokens_issued: int = 0
    methods: set[str] = field(default_factory=set)  # HTTP methods seen ("POST /token" for the token grant)
    signing_keys: dict[str, Any] = field(default_factory=dict)  # client email -> RSA public key
    self_signed_accepted: int = 0
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
        # Read the body first, whatever the answer: an unread body would be parsed as the next request on a
        # kept-alive connection.
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        with self._lock:
            self.requests.append((split.path, query))
            self.methods.add("POST /token" if split.path == "/token" else handler.command)
            unavailable = self.unavailable_first > 0 and split.path != "/token"  # faults hit the APIs, not OAuth
            if unavailable:
                self.unavailable_first -= 1
        if unavailable and self.fault_status == 429:
            return _send(handler, 429, _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric "
                                                                         "'List requests per minute'."))
        if unavailable:
            return _send(handler, 503, _error(503, "UNAVAILABLE", "The service is currently unavailable."))
        if split.path == "/token" and handler.command == "POST":
            return self._token(handler, body)
        if self.require_token and not self._authorized(handler.headers.get("Authorization") or ""):
            return _send(handler, 401, _error(401, "UNAUTHENTICATED", "Request had invalid authentication "
                                                                      "credentials."))
        route = _route(split.path)
        if route is None:
            return _send(handler, 404, _error(404, "NOT_FOUND", f"no such method: {split.path}"))
        kind, holder = route
        if holder in self.denied_parents:
            return _send(handler, 403, _error(403, "PERMISSION_DENIED", f"The caller does not have permission "
                                                                        f"{_PERMISSIONS[kind]} on {holder}"))
        if kind == "assets":
            return _send(handler, 200, self._list(holder, query))
        if kind == "subscription":
            if holder not in self.scc_tiers:
                return _send(handler, 404, _error(404, "NOT_FOUND", f"{holder} has no SCC subscription"))
            return _send(handler, 200, json.dumps({"name": f"{holder}/subscription",
                                                   "tier": self.scc_tiers[holder]}).encode())
        if kind == "services":
            items = [{"name": f"{holder}/locations/global/securityCenterServices/{service}",
                      "intendedEnablementState": state, "effectiveEnablementState": state}
                     for service, state in sorted(self.scc_services.get(holder, {}).items())]
            return _send(handler, 200, _paged("securityCenterServices", items, query))
        if kind == "notificationConfigs":
            items = [{"name": f"{holder}/notificationConfigs/{c['id']}", **{k: v for k, v in c.items() if k != "id"}}
                     for c in self.scc_notifications.get(holder, [])]
            return _send(handler, 200, _paged("notificationConfigs", items, query))
        items = [{"name": f"{holder}/contacts/{c['id']}", **{k: v for k, v in c.items() if k != "id"}}
                 for c in self.contacts.get(holder, [])]
        return _send(handler, 200, _paged("contacts", items, query))

    def _authorized(self, header: str) -> bool:
        """The token this server issued, or a self-signed JWT (what Google clients send for a service-account key)
        whose RS256 signature verifies with the public key registered for its issuer and which has not expired."""
        import base64
        import time

        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        token = header.removeprefix("Bearer ")
        if token == TOKEN:
            return True
        parts = token.split(".")
        if len(parts) != 3:
            return False

        def decode(part: str) -> bytes:
            return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

        try:
            claims = json.loads(decode(parts[1]))
            key = self.signing_keys[claims["iss"]]
            key.verify(decode(parts[2]), f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, KeyError, InvalidSignature):
            return False
        if float(claims.get("exp", 0)) < time.time():
            return False
        with self._lock:
            self.self_signed_accepted += 1
        return True

    def _token(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        """The OAuth 2.0 JWT-bearer grant a service-account key's `token_uri` receives."""
        form = urllib.parse.parse_qs(body.decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"] or not form.get("assertion"):
            return _send(handler, 400, json.dumps({"error": "invalid_grant"}).encode())
        with self._lock:
            self.tokens_issued += 1
        _send(handler, 200, json.dumps({"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"}).encode())

    def _list(self, parent: str, query: dict[str, list[str]]) -> bytes:
        from google.cloud import asset_v1

        content = (query.get("contentType") or ["RESOURCE"])[0]
        content_type = _CONTENT_TYPES.get(content, int(content) if content.isdigit() else 0)
        wanted = set(query.get("assetTypes") or [])
        matching = [a for a in _under(self.assets, parent)
                    if (not wanted or a["assetType"] in wanted) and _has(a, content_type)]
        size = min(int((query.get("pageSize") or ["100"])[0]) or 100, self.page_size_cap)
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        page = matching[start:start + size]
        token = str(start + size) if start + size < len(matching) else ""
        assets = [asset_v1.Asset.from_json(json.dumps(_only(a, content_type)), ignore_unknown_fields=True)
                  for a in page]
        response = asset_v1.ListAssetsResponse(assets=assets, next_page_token=token)
        return asset_v1.ListAssetsResponse.to_json(response).encode()


_HOLDER = r"((?:organizations|folders|projects)/[^/]+)"
_ROUTES = (
    (re.compile(rf"^/v1/{_HOLDER}/assets$"), "assets"),
    (re.compile(r"^/v1beta2/(organizations/[^/]+)/subscription$"), "subscription"),
    (re.compile(rf"^/v1/{_HOLDER}/locations/global/securityCenterServices$"), "services"),
    (re.compile(rf"^/v1/{_HOLDER}/notificationConfigs$"), "notificationConfigs"),
    (re.compile(rf"^/v1/{_HOLDER}/contacts$"), "contacts"),
)


_PERMISSIONS = {"assets": "cloudasset.assets.listResource", "subscription": "securitycenter.subscription.get",
                "services": "securitycentermanagement.securityCenterServices.list",
                "notificationConfigs": "securitycenter.notificationconfig.list",
                "contacts": "essentialcontacts.contacts.list"}


def _route(path: str) -> tuple[str, str] | None:
    for pattern, kind in _ROUTES:
        match = pattern.match(path)
        if match:
            return kind, match.group(1)
    return None


def _paged(key: str, items: list[dict[str, Any]], query: dict[str, list[str]]) -> bytes:
    size = int((query.get("pageSize") or ["50"])[0]) or 50
    start = int((query.get("pageToken") or ["0"])[0] or 0)
    body: dict[str, Any] = {key: items[start:start + size]}
    if start + size < len(items):
        body["nextPageToken"] = str(start + size)
    return json.dumps(body).encode()


def _under(assets: Iterable[dict[str, Any]], parent: str) -> list[dict[str, Any]]:
    """Assets whose ancestry includes `parent` (projects by number or id, folders, organizations)."""
    assets = list(assets)
    if parent.startswith("projects/"):  # the API takes a project id as well as a number
        for asset in assets:
            data = (asset.get("resource") or {}).get("data") or {}
            if asset["assetType"] == "cloudresourcemanager.googleapis.com/Project" and \
                    parent == f"projects/{data.get('projectId')}" and asset.get("ancestors"):
                parent = str(asset["ancestors"][0])
                break
    return [a for a in assets if parent in (a.get("ancestors") or [])]


_CONTENT_KEYS = {1: "resource", 2: "iamPolicy", 4: "orgPolicy"}


def _has(asset: dict[str, Any], content_type: int) -> bool:
    return _CONTENT_KEYS.get(content_type, "-") in asset


def _only(asset: dict[str, Any], content_type: int) -> dict[str, Any]:
    """The asset as ListAssets returns it for one content type: the other contents are left out."""
    drop = set(_CONTENT_KEYS.values()) - {_CONTENT_KEYS[content_type]}
    return {k: v for k, v in asset.items() if k not in drop}


def _error(code: int, status: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "status": status}}).encode()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
