"""The AWS collection framework: declared read-only operations, one sweep per service, error recording.

A service module declares its sweep with `@sweep(...)`: the service, whether it is regional or global, the
operations it may call (each with the IAM action and the resource types a failure leaves unknown), and a
function `fn(call: Caller, region: str) -> dict[type, list[record]]`. The function calls AWS only through
`call(...)`, which pages, counts calls, and turns any failure into a recorded CollectionError; the types
named by a failed operation then become `unknown` for the checks. Nothing here knows a check.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from assessor.models import ApiCall, CollectionError

READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Lookup", "Search", "BatchGet", "Select")


@dataclass(frozen=True)
class Operation:
    """One API operation a sweep may call, and what its failure costs."""

    service: str  # boto3 client name, e.g. "cloudtrail", "elbv2"
    name: str  # API operation in PascalCase, e.g. "DescribeTrails"
    iam_action: str  # e.g. "cloudtrail:DescribeTrails"
    types: tuple[str, ...]  # resource types left incomplete when it fails
    benign_errors: tuple[str, ...] = ()  # error codes that mean "not configured", not a failure

    @property
    def python_name(self) -> str:
        """boto3's method name for the operation (ListWebACLs -> list_web_acls)."""
        from botocore import xform_name

        return str(xform_name(self.name))


class SweepFailed(Exception):
    """Raised by `Caller` after recording an error, so a sweep can stop reading what depends on it."""


Scope = Literal["regional", "global"]
SweepFunction = Callable[["Caller", str], dict[str, list[dict[str, Any]]]]


@dataclass(frozen=True)
class Sweep:
    service: str
    scope: Scope
    operations: tuple[Operation, ...]
    function: SweepFunction
    types: tuple[str, ...]  # every resource type it produces

    def operation(self, name: str) -> Operation:
        for op in self.operations:
            if op.name == name:
                return op
        raise KeyError(f"{self.service} sweep did not declare {name}")


SWEEPS: list[Sweep] = []


def sweep(*, service: str, scope: Scope, types: tuple[str, ...], operations: tuple[Operation, ...]
          ) -> Callable[[SweepFunction], SweepFunction]:
    """Register a service sweep with its declared operations."""

    def register(fn: SweepFunction) -> SweepFunction:
        for op in operations:
            if not op.name.startswith(READ_ONLY_PREFIXES):
                raise ValueError(f"{op.iam_action} is not a read-only operation")
        SWEEPS.append(Sweep(service, scope, operations, fn, types))
        return fn

    return register


def declared_operations() -> list[Operation]:
    """Every operation any sweep may call, sorted; the IAM policy is built from this list."""
    from assessor.collectors.aws import services  # noqa: F401 - registers the sweeps

    seen = {(op.service, op.name): op for s in SWEEPS for op in s.operations}
    return [seen[k] for k in sorted(seen)]


@dataclass
class Ledger:
    """Thread-safe record of calls made and errors met while collecting one account."""

    calls: Counter[tuple[str, str, str | None]] = field(default_factory=Counter)
    errors: list[CollectionError] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, op: Operation, region: str | None) -> None:
        with self.lock:
            self.calls[(op.service, op.name, region)] += 1

    def error(self, error: CollectionError) -> None:
        with self.lock:
            self.errors.append(error)

    def api_calls(self) -> list[ApiCall]:
        return [ApiCall(service=s, operation=o, region=r, count=n)
                for (s, o, r), n in sorted(self.calls.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))]


ClientFactory = Callable[[str, str], Any]  # (service, region) -> boto3 client


class Caller:
    """What a sweep uses to call AWS: declared operations only, paged, counted, failures recorded."""

    def __init__(self, sweep_: Sweep, region: str, clients: ClientFactory, ledger: Ledger,
                 swept_regions: tuple[str, ...] = (), *, account_id: str) -> None:
        self._sweep, self._region, self._clients, self._ledger = sweep_, region, clients, ledger
        self._swept = swept_regions or (region,)
        self._account_id = account_id

    @property
    def region(self) -> str:
        return self._region

    @property
    def account_id(self) -> str:
        """The account being collected, known before any sweep runs (for ARNs the APIs do not return)."""
        return self._account_id

    def elsewhere(self, region: str) -> Caller:
        """The same sweep's caller bound to another region (e.g. a trail's home region outside the sweep)."""
        return Caller(self._sweep, region, self._clients, self._ledger, self._swept, account_id=self._account_id)

    @property
    def swept_regions(self) -> tuple[str, ...]:
        """Every region this collection sweeps, so a sweep can own what lives outside them exactly once."""
        return self._swept

    def __call__(self, operation: str, *, types: tuple[str, ...] | None = None, **params: Any) -> dict[str, Any]:
        """One call (no paging). Raises SweepFailed after recording the error."""
        return next(self._pages(operation, types, paged=False, params=params))

    def pages(self, operation: str, *, types: tuple[str, ...] | None = None, **params: Any
              ) -> Iterator[dict[str, Any]]:
        """Every page of a pageable operation."""
        return self._pages(operation, types, paged=True, params=params)

    def benign(self, operation: str, **params: Any) -> dict[str, Any] | None:
        """A call whose declared benign error codes mean "not set up": None instead of an error."""
        try:
            return self(operation, **params)
        except _Benign:
            return None

    def _pages(self, operation: str, types: tuple[str, ...] | None, *, paged: bool,
               params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        from botocore.exceptions import BotoCoreError, ClientError

        op = self._sweep.operation(operation)
        client = self._clients(op.service, self._region)
        region = None if self._sweep.scope == "global" else self._region
        try:
            if paged and client.can_paginate(op.python_name):
                for page in client.get_paginator(op.python_name).paginate(**params):
                    self._ledger.count(op, region)
                    yield page
            else:
                self._ledger.count(op, region)
                yield getattr(client, op.python_name)(**params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "ClientError"))
            if code in op.benign_errors:
                raise _Benign(code) from None
            message = str(exc.response.get("Error", {}).get("Message", ""))
            self._record(op, region, _normalise_code(code, exc), message, types)
            raise SweepFailed(code) from None
        except BotoCoreError as exc:
            self._record(op, region, type(exc).__name__, str(exc), types)
            raise SweepFailed(type(exc).__name__) from None

    def _record(self, op: Operation, region: str | None, code: str, message: str,
                types: tuple[str, ...] | None) -> None:
        self._ledger.error(CollectionError(
            service=op.service, operation=op.name, region=region, code=code, message=scrub(message),
            resource_types=sorted(types if types is not None else op.types), permission=op.iam_action,
        ))


class _Benign(Exception):
    pass


def _normalise_code(code: str, exc: Any) -> str:
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    # An endpoint that does not know an operation answers 501, or a bare 404 with no error code.
    if code in ("InternalFailure", "NotImplemented", "UnknownOperationException") or status == 501 or code == "404":
        return "NotImplemented"
    return code


def scrub(message: str) -> str:
    """Keep error text, never a signature or credential fragment an endpoint might echo back."""
    import re

    message = re.sub(r"(X-Amz-(Signature|Credential|Security-Token)=)[^&\s]+", r"\1[redacted]", message)
    message = re.sub(r"\b(ASIA|AKIA)[A-Z0-9]{12,}\b", "[redacted-key-id]", message)
    return message[:500]
