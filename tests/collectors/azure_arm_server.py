"""A local HTTPS ARM server on 127.0.0.1 for the Azure collector tests, with a private CA made per test session.

azure-core refuses bearer tokens over plain http, so the server speaks TLS with a certificate signed by a CA
created here; the clients get the CA file as `connection_verify`, so production code needs no test switch.
It answers Azure Resource Graph queries (`POST /providers/Microsoft.ResourceGraph/resources`) with the rows it
holds, paged with `$skipToken` (the page size is `options.$top`), and plain ARM GETs from a path -> JSON map.
ARM lists (`collections`, path -> items) are paged with `nextLink` like ARM does, `GET /subscriptions` lists the
subscription rows, and a query that starts with `resourcecontainers` gets the subscription rows only.

It is also the Entra ID authority for the tests (OpenID configuration and the OAuth client-credentials token
endpoint MSAL uses), so the real azure-identity flow runs against it and the bearer token ARM sees is the one it
issued. Faults: a subscription that answers 403, and a number of 429s (with Retry-After) before the first good
answer.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.collectors.local_http import LocalServer

RESOURCE_GRAPH = "/providers/Microsoft.ResourceGraph/resources"
SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) files for 127.0.0.1, valid for one day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ir-assessor test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@dataclass
class ArmServer:
    """`start(folder)`; `url` is the base_url for the clients, `ca` the file for `connection_verify`."""

    rows: list[dict[str, Any]] = field(default_factory=list)  # Resource Graph rows (each with subscriptionId)
    documents: dict[str, Any] = field(default_factory=dict)  # ARM path (no query) -> JSON answer
    collections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # lower-case path -> items
    page_size: int = 100  # items per ARM list page
    denied_subscriptions: set[str] = field(default_factory=set)
    tenant: str = "72f988bf-0000-4000-8000-0000000000aa"
    client_id: str = "11111111-2222-4333-8444-555555555555"
    client_secret: str = ""  # when set, the token endpoint checks it
    tokens_issued: int = 0
    throttle_first: int = 0  # answer this many requests with 429 before serving
    requests: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)  # (method, path, body)
    ca: Path | None = None
    _server: LocalServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return self._server.url

    def start(self, folder: Path) -> ArmServer:
        self.ca, cert, key = make_ca_and_server_cert(folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server = LocalServer(self._handle, keep_alive=True, tls=context)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    @property
    def token(self) -> str:
        """The access token the token endpoint issues: JWT-shaped, with the app and tenant claims ARM tokens carry."""
        import base64

        def part(data: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

        return ".".join([part({"typ": "JWT", "alg": "none"}),
                         part({"appid": self.client_id, "tid": self.tenant, "aud": "arm"}), "local"])

    def _identity_provider(self, handler: BaseHTTPRequestHandler, path: str, raw: bytes) -> bool:
        """OpenID configuration and the client-credentials grant, as Entra ID answers them to MSAL."""
        base = f"{self.url}/{self.tenant}"
        if path.endswith("/.well-known/openid-configuration"):
            _send(handler, 200, json.dumps({
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode", "issuer": f"{base}/v2.0",
                "jwks_uri": f"{base}/discovery/v2.0/keys", "response_types_supported": ["code", "token"],
                "tenant_region_scope": "EU"}).encode())
            return True
        if path == f"/{self.tenant}/oauth2/v2.0/token" and handler.command == "POST":
            form = urllib.parse.parse_qs(raw.decode())
            good = (form.get("grant_type") == ["client_credentials"] and form.get("client_id") == [self.client_id]
                    and (not self.client_secret or form.get("client_secret") == [self.client_secret]))
            if not good:
                _send(handler, 401, json.dumps({"error": "invalid_client", "error_description":
                                                "AADSTS7000215: Invalid client secret provided."}).encode())
                return True
            with self._lock:
                self.tokens_issued += 1
            _send(handler, 200, json.dumps({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                            "access_token": self.token}).encode())
            return True
        return False

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        split = urllib.parse.urlsplit(handler.path)
        path, query = split.path, urllib.parse.parse_qs(split.query)
        if self._identity_provider(handler, path, raw):
            return None
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append((handler.command, path, body))
            throttled = self.throttle_first > 0
            if throttled:
                self.throttle_first -= 1
        if not (handler.headers.get("Authorization") or "").startswith("Bearer "):
            return _send(handler, 401, _error("AuthenticationFailed", "no bearer token"))
        if self.client_secret and handler.headers.get("Authorization") != f"Bearer {self.token}":
            return _send(handler, 401, _error("InvalidAuthenticationToken", "the access token is invalid"))
        if throttled:
            return _send(handler, 429, _error("TooManyRequests", "Rate limit exceeded, retry later"),
                         {"Retry-After": "1"})
        if handler.command == "POST" and path == RESOURCE_GRAPH:
            return self._query(handler, body or {})
        denied = next((s for s in self.denied_subscriptions if path.lower().startswith(f"/subscriptions/{s}")), None)
        if denied:
            return _send(handler, 403, _error("AuthorizationFailed", f"The client does not have authorization to "
                                              f"perform action over scope '/subscriptions/{denied}'"))
        if path in self.documents:
            return _send(handler, 200, json.dumps(self.documents[path]).encode())
        if path == "/subscriptions":
            items = [{"id": f"/subscriptions/{r['subscriptionId']}", "subscriptionId": r["subscriptionId"],
                      "displayName": r.get("name"), "tenantId": r.get("tenantId"),
                      "state": (r.get("properties") or {}).get("state", "Enabled")}
                     for r in self.rows if str(r.get("type")).lower() == SUBSCRIPTION_TYPE]
            return self._page(handler, path, query, items)
        if path.lower() in self.collections:
            return self._page(handler, path, query, self.collections[path.lower()])
        _send(handler, 404, _error("ResourceNotFound", f"no document at {path}"))

    def _page(self, handler: BaseHTTPRequestHandler, path: str, query: dict[str, list[str]],
              items: list[dict[str, Any]]) -> None:
        start = int((query.get("$skiptoken") or ["0"])[0])
        answer: dict[str, Any] = {"value": items[start:start + self.page_size]}
        if start + self.page_size < len(items):
            version = (query.get("api-version") or [""])[0]
            answer["nextLink"] = f"{self.url}{path}?api-version={version}&$skiptoken={start + self.page_size}"
        _send(handler, 200, json.dumps(answer).encode())

    def _query(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        subscriptions = body.get("subscriptions") or []
        denied = sorted(set(subscriptions) & self.denied_subscriptions)
        if denied:
            return _send(handler, 403, _error("AuthorizationFailed", f"no read access to subscription {denied[0]}"))
        options = body.get("options") or {}
        top = int(options.get("$top") or 1000)
        start = int(options.get("$skipToken") or 0)
        containers = str(body.get("query") or "").lstrip().lower().startswith("resourcecontainers")
        rows = [r for r in self.rows if (not subscriptions or str(r.get("subscriptionId")).lower() in
                                         {s.lower() for s in subscriptions})
                and (str(r.get("type")).lower() == SUBSCRIPTION_TYPE) == containers]
        page = rows[start:start + top]
        answer: dict[str, Any] = {"totalRecords": len(rows), "count": len(page), "resultTruncated": "false",
                                  "data": page, "facets": []}
        if start + top < len(rows):
            answer["$skipToken"] = str(start + top)
        _send(handler, 200, json.dumps(answer).encode())


def _error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)
