"""What a check author needs: the `@check` decorator, the context a check reads, and its results.

A check is a plain function `fn(ctx: CheckContext) -> Iterable[CheckResult]`. The decorator only
attaches metadata; `assessor.plugins` reads and validates it when the plugin loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assessor.models import CollectionError, Profile, Provider, ServiceModel, Severity, Snapshot, Status

CHECK_ATTRIBUTE = "__ir_assessor_check__"


class Unavailable(Exception):
    """Raised when a check needs data the collector could not read; the runner records `unknown`."""

    def __init__(self, reason: str, permission: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permission = permission


@dataclass(frozen=True)
class CheckResult:
    """One outcome of a check, for one resource, region or the whole account."""

    status: Status
    message: str
    resource_id: str | None = None
    region: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None
    coverage: float | None = None

    @classmethod
    def passed(cls, message: str, *, resource: str | None = None, region: str | None = None,
               evidence: Mapping[str, Any] | None = None) -> CheckResult:
        return cls(Status.PASS, message, resource, region, evidence or {})

    @classmethod
    def failed(cls, message: str, *, resource: str | None = None, region: str | None = None,
               evidence: Mapping[str, Any] | None = None) -> CheckResult:
        return cls(Status.FAIL, message, resource, region, evidence or {})

    @classmethod
    def partial(cls, message: str, *, coverage: float, resource: str | None = None,
                region: str | None = None, evidence: Mapping[str, Any] | None = None) -> CheckResult:
        return cls(Status.PARTIAL, message, resource, region, evidence or {}, coverage=coverage)

    @classmethod
    def unknown(cls, reason: str, *, resource: str | None = None, region: str | None = None,
                evidence: Mapping[str, Any] | None = None) -> CheckResult:
        return cls(Status.UNKNOWN, reason, resource, region, evidence or {}, reason=reason)

    @classmethod
    def not_applicable(cls, message: str, *, resource: str | None = None,
                       region: str | None = None) -> CheckResult:
        return cls(Status.NOT_APPLICABLE, message, resource, region)


@dataclass(frozen=True)
class CheckSpec:
    """Metadata a check declares; validated when its plugin loads."""

    id: str
    title: str
    control: str
    severity: Severity
    provider: Provider
    needs: tuple[str, ...]
    remediation: str
    service_models: tuple[ServiceModel, ...] | None = None  # None: those of the control
    refs: tuple[str, ...] = ()
    rationale: str = ""  # filled from the function's docstring


CheckFunction = Callable[["CheckContext"], Iterable[CheckResult]]


def check(*, id: str, title: str, control: str, severity: Severity, provider: Provider,
          needs: Iterable[str], remediation: str,
          service_models: Iterable[ServiceModel] | None = None,
          refs: Iterable[str] = ()) -> Callable[[CheckFunction], CheckFunction]:
    """Mark a function as a check. Nothing is registered here; the plugin loader finds it."""

    def mark(fn: CheckFunction) -> CheckFunction:
        spec = CheckSpec(
            id=id, title=title, control=control, severity=severity, provider=provider,
            needs=tuple(needs), remediation=remediation,
            service_models=tuple(service_models) if service_models is not None else None,
            refs=tuple(refs), rationale=" ".join((fn.__doc__ or "").split()),
        )
        setattr(fn, CHECK_ATTRIBUTE, spec)
        return fn

    return mark


class CheckContext:
    """Read-only view of one snapshot plus the organisation profile, as a check sees it."""

    def __init__(self, snapshot: Snapshot, profile: Profile,
                 jurisdictions: Mapping[str, str] | None = None) -> None:
        self.snapshot = snapshot
        self.profile = profile
        self._jurisdictions = jurisdictions or {}

    @property
    def provider(self) -> Provider:
        return self.snapshot.provider

    @property
    def account_id(self) -> str:
        return self.snapshot.account_id

    @property
    def regions(self) -> list[str]:
        return self.snapshot.regions

    def errors_for(self, type_name: str) -> list[CollectionError]:
        return [e for e in self.snapshot.errors if type_name in e.resource_types]

    def resources(self, type_name: str) -> list[dict[str, Any]]:
        """All resources of a type; raises `Unavailable` if they were not (fully) collected."""
        errors = self.errors_for(type_name)
        if errors:
            raise Unavailable(_describe(errors), errors[0].permission)
        if type_name not in self.snapshot.resources:
            raise Unavailable(_not_collected(type_name))
        return self.snapshot.resources[type_name]

    def resources_by_region(self, type_name: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Resources from the regions that were read, and {region: reason} for those that were not.

        For checks that can judge region by region; an error without a region still raises.
        """
        errors = self.errors_for(type_name)
        if any(e.region is None for e in errors) or (errors and type_name not in self.snapshot.resources):
            raise Unavailable(_describe(errors), errors[0].permission)
        if type_name not in self.snapshot.resources:
            raise Unavailable(_not_collected(type_name))
        failed = {e.region: _describe([e]) for e in errors if e.region is not None}
        items = [r for r in self.snapshot.resources[type_name] if r.get("region") not in failed]
        return items, failed

    def optional_resources(self, type_name: str) -> list[dict[str, Any]] | None:
        """Resources of a type, or None when unreadable; for evidence that only refines a result."""
        try:
            return self.resources(type_name)
        except Unavailable:
            return None

    def jurisdiction_of(self, region: str | None) -> str | None:
        """Jurisdiction code (EU, US, UK, ...) of a region, or None when the catalogue does not know it."""
        if region is None:
            return None
        return self._jurisdictions.get(region.lower())


def _not_collected(type_name: str) -> str:
    from assessor.resource_types import RESOURCE_TYPES

    known = RESOURCE_TYPES.get(type_name)
    source = f" (read by {known.source})" if known and known.source else ""
    return f"{type_name} was not collected in this snapshot{source}"


def _describe(errors: list[CollectionError]) -> str:
    first = errors[0]
    where = f" in {first.region}" if first.region else ""
    text = f"{first.service}:{first.operation} failed{where} ({first.code}"
    text += f": {first.message})" if first.message else ")"
    if first.permission:
        text += f"; needs {first.permission}"
    if len(errors) > 1:
        text += f"; and {len(errors) - 1} more failure(s)"
    return text
