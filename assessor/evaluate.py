"""Run every applicable check over every snapshot. A check that cannot read its data gives `unknown`;
a check that crashes gives `error`; the run always goes on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from assessor.checks_api import CHECK_ATTRIBUTE, CheckContext, CheckFunction, CheckSpec, Unavailable
from assessor.models import Catalogue, Finding, Profile, Snapshot, Status
from assessor.plugins import RegisteredCheck

Progress = Callable[[int], None]


def run_check_function(fn: CheckFunction, ctx: CheckContext) -> list[Finding]:
    spec: CheckSpec = getattr(fn, CHECK_ATTRIBUTE)
    base = {"check_id": spec.id, "control_id": spec.control, "provider": ctx.provider,
            "account_id": ctx.account_id}
    try:
        produced = list(fn(ctx))
    except Unavailable as exc:
        reason = exc.reason + (f" (permission needed: {exc.permission})" if exc.permission and
                               exc.permission not in exc.reason else "")
        return [Finding(**base, status=Status.UNKNOWN, message="Could not read the data this check needs",
                        reason=reason)]
    except Exception as exc:  # a faulty plugin must not stop the assessment
        return [Finding(**base, status=Status.ERROR, message="The check crashed",
                        reason=f"{type(exc).__name__}: {exc}")]
    if not produced:
        return [Finding(**base, status=Status.NOT_APPLICABLE, message="No resources of the kind this check reads")]
    return [
        Finding(**base, status=r.status, message=r.message, reason=r.reason, region=r.region,
                resource_id=r.resource_id, evidence=dict(r.evidence), coverage=r.coverage)
        for r in produced
    ]


def jurisdiction_maps(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Region -> jurisdiction per provider, keyed in lower case: region names are matched case-insensitively."""
    return {p: {k.lower(): v for k, v in m.items()} for p, m in catalogue.jurisdictions.items()}


def applicable_models(spec: CheckSpec, catalogue: Catalogue) -> set[str]:
    if spec.service_models is not None:
        return set(spec.service_models)
    control = next(c for c in catalogue.controls if c.id == spec.control)
    return set(control.service_models)


def evaluate(snapshots: Sequence[Snapshot], profile: Profile, catalogue: Catalogue,
             checks: Iterable[RegisteredCheck], progress: Progress | None = None) -> list[Finding]:
    """Findings of every check over every snapshot of its provider, in a stable order."""
    checks = list(checks)
    jurisdictions = jurisdiction_maps(catalogue)
    findings: list[Finding] = []
    for snapshot in snapshots:
        ctx = CheckContext(snapshot, profile, jurisdictions.get(snapshot.provider, {}))
        models_here = _service_models_for(snapshot, profile)
        for registered in checks:
            spec = registered.spec
            if spec.provider != snapshot.provider:
                continue
            base = {"check_id": spec.id, "control_id": spec.control, "provider": snapshot.provider,
                    "account_id": snapshot.account_id}
            if not models_here & applicable_models(spec, catalogue):
                findings.append(Finding(**base, status=Status.NOT_APPLICABLE,
                                        message="No workload in this account uses a service model this "
                                        f"check applies to ({', '.join(sorted(models_here)) or 'none'})"))
                continue
            findings.extend(run_check_function(registered.function, ctx))
        if progress:
            progress(1)
    findings.sort(key=lambda f: (f.control_id, f.check_id, f.provider or "", f.account_id or "",
                                 f.region or "", f.resource_id or "", f.status.value, f.message))
    return findings


def _service_models_for(snapshot: Snapshot, profile: Profile) -> set[str]:
    """Service models of the workloads that live in this snapshot's account (all of them if unmapped)."""
    models: set[str] = set()
    for workload in profile.workloads:
        if workload.provider != snapshot.provider:
            continue
        if not workload.accounts or snapshot.account_id in workload.accounts:
            models.add(workload.service_model)
    return models
