"""A fault-injecting HTTP proxy in front of the moto server, for testing how collection survives a bad day.

boto3 is pointed at the proxy (AWS_ENDPOINT_URL); the proxy forwards every request to moto unless a rule
matches, in which case it answers with throttling, AccessDenied, a 500, or forwards after a delay. A rule
matches on the operation (X-Amz-Target header or Action= query/form parameter), and optionally on the service
and region taken from the request's SigV4 credential scope (every service shares one endpoint here) or on a
path pattern for REST services. A rule fires for its first `times` matches (transient) or always (persistent).
A `respond` rule answers 200 with a given JSON body: a stand-in for an operation moto does not implement, so
the collector's handling of a real answer to it can still be exercised over HTTP.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Literal

from tests.collectors.local_http import LocalServer

Fault = Literal["throttle", "throttle429", "denied", "error500", "slow", "respond"]

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
# Hop-by-hop headers, and those the proxy sets itself (length, host, and send_response's server and date).
_DROP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer",
         "content-length", "host", "server", "date"}


@dataclass
class Rule:
    fault: Fault
    operation: str | None = None  # e.g. "DescribeTrails"; None matches any operation
    service: str | None = None  # SigV4 signing name, e.g. "cloudtrail", "ec2"
    region: str | None = None
    path: str | None = None  # regex searched in the request path, for REST protocols
    times: int | None = None  # fire for the first N matches only; None: always
    delay: float = 0.0  # for "slow": seconds to wait before forwarding
    body: str = ""  # for "respond": the JSON answered with status 200
    fired: int = 0

    def matches(self, request: Request) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        return ((self.operation is None or self.operation == request.operation)
                and (self.service is None or self.service == request.service)
                and (self.region is None or self.region == request.region)
                and (self.path is None or re.search(self.path, request.path) is not None))


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    service: str | None
    region: str | None
    operation: str | None
    protocol: Literal["json", "query", "rest"]


@dataclass
class FaultProxy:
    """Start with `start()`; `url` is the endpoint to give boto3; `seen` lists (service, region, operation, fault)."""

    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str | None, str | None, str | None, str | None]] = field(default_factory=list)
    _server: LocalServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the proxy first"
        return self._server.url

    def start(self) -> FaultProxy:
        self._server = LocalServer(self._handle)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def fired(self, fault: Fault | None = None) -> int:
        return sum(1 for s in self.seen if s[3] is not None and (fault is None or s[3] == fault))

    def _pick(self, request: Request) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(request):
                    rule.fired += 1
                    self.seen.append((request.service, request.region, request.operation, rule.fault))
                    return rule
            self.seen.append((request.service, request.region, request.operation, None))
            return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = _describe(handler, body)
        rule = self._pick(request)
        try:
            if rule is None:
                self._forward(handler, body)
            elif rule.fault == "slow":
                time.sleep(rule.delay)
                self._forward(handler, body)
            elif rule.fault == "respond":
                _send(handler, 200, [("Content-Type", "application/json")], rule.body.encode())
            else:
                status, headers, payload = _error_response(rule.fault, request)
                _send(handler, status, headers, payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): nothing to answer
            pass

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        target = urllib.parse.urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _DROP}
        try:
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _DROP]
            _send(handler, response.status, kept, payload)
        finally:
            connection.close()


def _describe(handler: BaseHTTPRequestHandler, body: bytes) -> Request:
    scope = _SCOPE.search(handler.headers.get("Authorization") or "")
    region, service = (scope.group(1), scope.group(2)) if scope else (None, None)
    target = handler.headers.get("X-Amz-Target")
    if target:
        return Request(handler.command, handler.path, service, region, target.rsplit(".", 1)[-1], "json")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
    if "form-urlencoded" in (handler.headers.get("Content-Type") or ""):
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    if "Action" in params:
        return Request(handler.command, handler.path, service, region, params["Action"][0], "query")
    return Request(handler.command, handler.path, service, region, None, "rest")


_CODES: dict[Fault, tuple[int, dict[str, str]]] = {
    # fault: (HTTP status, error code by protocol flavour); EC2 has its own names for the same errors.
    "throttle": (400, {"json": "ThrottlingException", "rest": "ThrottlingException", "query": "Throttling",
                       "ec2": "RequestLimitExceeded"}),
    "throttle429": (429, {"json": "TooManyRequestsException", "rest": "TooManyRequestsException",
                          "query": "Throttling", "ec2": "RequestLimitExceeded"}),
    "denied": (403, {"json": "AccessDeniedException", "rest": "AccessDeniedException", "query": "AccessDenied",
                     "ec2": "UnauthorizedOperation"}),
    "error500": (500, {"json": "InternalError", "rest": "InternalError", "query": "InternalError",
                       "ec2": "InternalError"}),
}


def _error_response(fault: Fault, request: Request) -> tuple[int, list[tuple[str, str]], bytes]:
    status, codes = _CODES[fault]
    flavour = "ec2" if request.protocol == "query" and request.service == "ec2" else request.protocol
    code = codes[flavour]
    message = f"injected {fault} for {request.operation or request.path}"
    if request.protocol == "json":
        return status, [("Content-Type", "application/x-amz-json-1.1")], json.dumps(
            {"__type": code, "message": message}).encode()
    if request.protocol == "rest":
        return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)], json.dumps(
            {"message": message}).encode()
    if flavour == "ec2":
        xml = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
               "<RequestID>fault-proxy</RequestID></Response>")
    else:
        xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
               "<RequestId>fault-proxy</RequestId></ErrorResponse>")
    return status, [("Content-Type", "text/xml")], xml.encode()


def _send(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
    handler.send_response(status)
    for key, value in headers:
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(payload)
