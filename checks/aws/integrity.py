"""Log integrity and retention (LI): tamper evidence, write-once storage, retention and encryption of logs."""

from __future__ import annotations

from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import (
    Record,
    ids,
    listing,
    logging_trails,
    object_locked,
    read_regional,
    share,
)

TRAIL = "aws.cloudtrail.trail"
BUCKET = "aws.s3.bucket"
LOG_GROUP = "aws.logs.log_group"
KMS_KEY = "aws.kms.key"


@check(
    id="aws.cloudtrail.log_file_validation",
    title="CloudTrail writes digest files to prove logs were not altered",
    control="LI-02",
    severity="high",
    provider="aws",
    needs=(TRAIL,),
    remediation="Enable log file validation on every trail (EnableLogFileValidation) and keep the digest "
    "files with the logs.",
    refs=("cis-aws-7.0.0:4.2", "nist-csf-2.0:RS.AN-07", "nist-sp-800-86:integrity"),
)
def log_file_validation(ctx: CheckContext) -> Iterator[CheckResult]:
    """Evidence has to be shown to be unaltered. Digest files chain signed hashes of every log file, so a
    deleted or edited log file is detectable: the cloud counterpart of hashing a disk image at acquisition."""
    trails = logging_trails(ctx.resources(TRAIL))
    if not trails:
        yield CheckResult.not_applicable("No trail is logging")
        return
    good = [t["id"] for t in trails if t.get("log_file_validation") is True]
    bad = [t["id"] for t in trails if t.get("log_file_validation") is not True]
    yield share("Logging trails with log file validation", good, bad)


@check(
    id="aws.cloudtrail.bucket_object_lock",
    title="Trail log buckets are write-once (S3 Object Lock)",
    control="LI-03",
    severity="high",
    provider="aws",
    needs=(TRAIL, BUCKET),
    remediation="Deliver trails to a bucket in the log archive account with Object Lock enabled and a default "
    "retention (compliance mode for logs that may become evidence).",
    refs=("csa-ccm-4.0:LOG-09", "aws-waf:SEC04-BP02", "attack:T1562.008"),
)
def bucket_object_lock(ctx: CheckContext) -> Iterator[CheckResult]:
    """An intruder with administrator rights deletes the trail's log files first. Validation shows that
    they were deleted; only write-once storage keeps them. A bucket owned by another account (the usual
    log archive) is not in this snapshot and is reported as unknown, to be judged from that account."""
    trails = logging_trails(ctx.resources(TRAIL))
    buckets = {b.get("name"): b for b in ctx.resources(BUCKET)}
    names = sorted({str(t["s3_bucket"]) for t in trails if t.get("s3_bucket")})
    if not names:
        yield CheckResult.not_applicable("No logging trail delivers to S3")
        return
    here = [buckets[n] for n in names if n in buckets]
    elsewhere = [n for n in names if n not in buckets]
    if here:
        good = [b["id"] for b in here if object_locked(b)]
        bad = [b["id"] for b in here if not object_locked(b)]
        modes = {b["id"]: b.get("object_lock_mode") for b in here if object_locked(b)}
        yield share("Trail log buckets with Object Lock default retention", good, bad,
                    evidence={"lock_modes": dict(sorted(modes.items())[:50])})
    if elsewhere:
        yield CheckResult.unknown(
            f"{len(elsewhere)} trail log bucket(s) are not owned by this account; assess the account "
            "that owns them (usually the log archive)", evidence=listing("buckets_elsewhere", elsewhere))


@check(
    id="aws.logs.retention",
    title="CloudWatch Logs keep events as long as the organisation requires",
    control="LI-04",
    severity="medium",
    provider="aws",
    needs=(LOG_GROUP,),
    remediation="Set each log group's retention to at least the required period, or export the groups to the "
    "log archive bucket whose lifecycle keeps them that long.",
    refs=("csa-ccm-4.0:LOG-02", "csa-ccm-4.0:DSP-16"),
)
def log_retention(ctx: CheckContext) -> Iterator[CheckResult]:
    """Intrusions are often found months after they began; logs deleted after 30 days leave the start of
    the attack dark. A group without a retention setting never expires, which meets any requirement."""
    required = ctx.profile.required_log_retention_days
    data = read_regional(ctx, LOG_GROUP)
    yield from data.unknown
    groups = data.of(LOG_GROUP)
    if not groups:
        if not data.unknown:
            yield CheckResult.not_applicable("No CloudWatch Logs log group")
        return
    short = [g for g in groups if g.get("retention_days") is not None and g["retention_days"] < required]
    good = [g["id"] for g in groups if g not in short]
    evidence: dict[str, object] = {
        "required_days": required,
        "never_expire_count": sum(1 for g in groups if g.get("retention_days") is None),
    }
    if short:
        evidence["shortest_retention_days"] = min(int(g["retention_days"]) for g in short)
    yield share(f"Log groups keeping events at least {required} days", good, [g["id"] for g in short],
                evidence=evidence)


@check(
    id="aws.cloudtrail.kms_encryption",
    title="CloudTrail logs are encrypted with a customer-managed key",
    control="LI-05",
    severity="medium",
    provider="aws",
    needs=(TRAIL,),
    remediation="Configure SSE-KMS with a customer-managed key for every trail, with a key policy that lets "
    "only the log-reading roles decrypt.",
    refs=("cis-aws-7.0.0:4.5", "csa-ccm-4.0:LOG-10"),
)
def trail_kms(ctx: CheckContext) -> Iterator[CheckResult]:
    """With a customer-managed key, reading the logs needs a second, separately audited permission
    (kms:Decrypt), so someone with S3 read access alone cannot learn what the responders can see; every
    decryption is itself logged."""
    trails = logging_trails(ctx.resources(TRAIL))
    if not trails:
        yield CheckResult.not_applicable("No trail is logging")
        return
    good = [t["id"] for t in trails if t.get("kms_key_id")]
    bad = [t["id"] for t in trails if not t.get("kms_key_id")]
    yield share("Logging trails encrypted with a KMS key", good, bad)


def _key_index(keys: list[Record]) -> dict[str, Record]:
    """Keys findable by ARN, key id, alias name and alias ARN (log settings may name any of them)."""
    index: dict[str, Record] = {}
    for key in keys:
        arn = str(key.get("id"))
        index[arn] = key
        if key.get("key_id"):
            index[str(key["key_id"])] = key
        account_part = arn.split(":key/")[0]
        for alias in key.get("aliases") or []:
            index[str(alias)] = key
            index[f"{account_part}:{alias}"] = key
    return index


@check(
    id="aws.kms.log_key_rotation",
    title="Keys protecting logs rotate automatically",
    control="LI-05",
    severity="low",
    provider="aws",
    needs=(TRAIL, LOG_GROUP, KMS_KEY),
    remediation="Enable automatic rotation on every customer-managed key used by trails and log groups.",
    refs=("cis-aws-7.0.0:4.6", "csa-ccm-4.0:LOG-10"),
)
def log_key_rotation(ctx: CheckContext) -> Iterator[CheckResult]:
    """Logs kept for years outlive the people and systems that once held their key; rotation limits what
    one leaked key version exposes. AWS-managed keys rotate on their own and count as rotated."""
    refs = {str(t["kms_key_id"]) for t in logging_trails(ctx.resources(TRAIL)) if t.get("kms_key_id")}
    refs |= {str(g["kms_key_id"]) for g in ctx.resources(LOG_GROUP) if g.get("kms_key_id")}
    if not refs:
        yield CheckResult.not_applicable("No trail or log group is encrypted with a KMS key")
        return
    index = _key_index(ctx.resources(KMS_KEY))
    found = {str(index[r]["id"]): index[r] for r in refs if r in index}
    missing = sorted(r for r in refs if r not in index)
    if found:
        good = [k for k, key in found.items()
                if key.get("rotation_enabled") is True or key.get("key_manager") == "AWS"]
        bad = [k for k in found if k not in good]
        yield share("Log encryption keys with automatic rotation", good, bad)
    if missing:
        yield CheckResult.unknown(
            f"{len(missing)} key(s) used by log stores are not in this snapshot (another account or an "
            "unread region)", evidence={"keys_elsewhere": ids(missing), "keys_elsewhere_count": len(missing)})
