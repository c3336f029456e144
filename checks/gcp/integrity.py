"""GCP log integrity and retention (LI): locked log stores, retention, customer-managed keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    EVIDENCE_CAP,
    REQUIRED_BUCKET,
    capped,
    coverage_result,
    destination_kind,
    effective_sinks,
    hierarchy,
    path_of,
)

DEFAULT_RETENTION_DAYS = 30  # what Cloud Logging applies when retentionDays is 0 or unset


def _managed_log_buckets(ctx: CheckContext) -> list[dict[str, Any]]:
    """Log buckets the customer controls: `_Required` is fixed by Google (400 days, undeletable)."""
    return [b for b in ctx.resources("gcp.logging.bucket")
            if b.get("name") != REQUIRED_BUCKET and b.get("lifecycle_state") != "DELETE_REQUESTED"]


def retention_days(bucket: dict[str, Any]) -> int:
    return int(bucket.get("retention_days") or DEFAULT_RETENTION_DAYS)


@check(
    id="gcp.logging.bucket_locked",
    title="Log buckets are locked against deletion and shortened retention",
    control="LI-03", severity="high", provider="gcp",
    needs=("gcp.logging.bucket",),
    remediation="Set the retention the investigation needs, then lock the bucket "
                "(gcloud logging buckets update BUCKET --location=LOC --locked); locking cannot be undone.",
    refs=("cis-gcp-5.0.0:2.4", "csa-ccm-4.0:LOG-09", "nist-csf-2.0:RS.AN-07"),
)
def bucket_locked(ctx: CheckContext) -> Iterable[CheckResult]:
    """An intruder with logging admin rights can shorten a bucket's retention or delete it, erasing
    the trail of what they did. A locked bucket keeps every entry for its full retention whoever
    asks, which is what makes the logs usable as evidence."""
    buckets = _managed_log_buckets(ctx)
    yield coverage_result(buckets, lambda b: bool(b.get("locked")), noun="log buckets (excluding _Required)",
                          what="are locked")


@check(
    id="gcp.storage.log_export_bucket_locked",
    title="Cloud Storage buckets receiving exported logs use Bucket Lock",
    control="LI-03", severity="high", provider="gcp",
    needs=("gcp.project", "gcp.logging.sink", "gcp.storage.bucket"),
    remediation="Give each log-export bucket a retention policy at least as long as the required log "
                "retention and lock it (gsutil retention set / gcloud storage buckets update "
                "--lock-retention-period).",
    refs=("cis-gcp-5.0.0:2.4", "csa-ccm-4.0:LOG-09"),
)
def log_export_bucket_locked(ctx: CheckContext) -> Iterable[CheckResult]:
    """Logs exported to Cloud Storage are only as durable as the bucket: without a locked retention
    policy anyone with storage admin rights can delete the archive an investigation depends on."""
    tree = hierarchy(ctx)
    sinks = [s for s in effective_sinks(ctx, tree) if destination_kind(s.get("destination")) == "storage"]
    if not sinks:
        yield CheckResult.not_applicable("No sink routes this project's logs to Cloud Storage")
        return
    buckets = {str(b.get("name")): b for b in ctx.resources("gcp.storage.bucket")}
    seen: list[dict[str, Any]] = []
    for sink in sinks:
        name = path_of(sink.get("destination"))
        bucket = buckets.get(name)
        if bucket is None:
            yield CheckResult.unknown(
                f"Sink {sink.get('name')} writes to bucket {name}, which is not in this snapshot "
                "(it may belong to another project); assess that project too", resource=str(sink["id"]))
        elif bucket not in seen:
            seen.append(bucket)
    if seen:
        yield coverage_result(
            seen, lambda b: bool(b.get("retention_locked")) and bool(b.get("retention_period_days")),
            noun="log export buckets", what="have a locked retention policy")


@check(
    id="gcp.logging.bucket_retention",
    title="Log buckets keep logs as long as the organisation requires",
    control="LI-04", severity="high", provider="gcp",
    needs=("gcp.logging.bucket",),
    remediation="Raise retentionDays on _Default and the other log buckets to the required period "
                "(gcloud logging buckets update _Default --location=global --retention-days=N), or "
                "route logs to a central bucket that keeps them long enough.",
    refs=("csa-ccm-4.0:LOG-02", "nist-csf-2.0:PR.PS-04"),
)
def bucket_retention(ctx: CheckContext) -> Iterable[CheckResult]:
    """The `_Default` bucket, which holds Data Access, flow, DNS and application logs, keeps them for
    30 days unless changed. Intrusions are often found months later; by then the logs that show how
    they started are gone."""
    required = ctx.profile.required_log_retention_days
    buckets = _managed_log_buckets(ctx)
    short = {str(b["id"]): retention_days(b) for b in buckets if retention_days(b) < required}
    yield coverage_result(
        buckets, lambda b: retention_days(b) >= required, noun="log buckets (excluding _Required)",
        what=f"keep logs for at least {required} days",
        extra={"required_days": required, "retention_days_of_short": dict(sorted(short.items())[:EVIDENCE_CAP])})


@check(
    id="gcp.logging.bucket_cmek",
    title="Log buckets are encrypted with a customer-managed key",
    control="LI-05", severity="low", provider="gcp",
    needs=("gcp.logging.bucket", "gcp.kms.crypto_key"),
    remediation="Create log buckets with CMEK (--cmek-kms-key-name) or set the organisation's default "
                "Cloud Logging CMEK settings before buckets are created, with automatic key rotation.",
    refs=("csa-ccm-4.0:LOG-10", "csa-ccm-4.0:LOG-11"),
)
def bucket_cmek(ctx: CheckContext) -> Iterable[CheckResult]:
    """A customer-managed key lets the organisation decide who can read its logs, revoke that access,
    and see every use of the key in its own audit log; with Google-managed keys none of that is in
    its hands."""
    buckets = _managed_log_buckets(ctx)
    keys = {path_of(str(k["id"])): k for k in ctx.optional_resources("gcp.kms.crypto_key") or []}
    used = {path_of(str(b.get("cmek_key_name"))) for b in buckets if b.get("cmek_key_name")}
    unrotated = [k for k in used if k in keys and not keys[k].get("rotation_period_days")]
    extra = {"keys_without_rotation": capped(unrotated)} if unrotated else None
    yield coverage_result(buckets, lambda b: bool(b.get("cmek_key_name")),
                          noun="log buckets (excluding _Required)", what="use a customer-managed key",
                          extra=extra)
