"""S3: buckets with the settings that decide whether they can hold logs or evidence unaltered.

ListBuckets is global, so this sweep runs once. Asked with MaxBuckets, AWS also returns each bucket's
region; GetBucketLocation is called only where that is missing (older endpoints, moto). The per-bucket reads
then go to the bucket's own region, which saves S3's redirect round trip. Cost: five or six calls per bucket.
"""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

BUCKET = "aws.s3.bucket"
OPS = (
    Operation("s3", "ListBuckets", "s3:ListAllMyBuckets", (BUCKET,)),
    # NoSuchBucket: deleted between ListBuckets and this call; it no longer exists, so it is skipped.
    Operation("s3", "GetBucketLocation", "s3:GetBucketLocation", (BUCKET,), benign_errors=("NoSuchBucket",)),
    Operation("s3", "GetBucketTagging", "s3:GetBucketTagging", (BUCKET,), benign_errors=("NoSuchTagSet",)),
    Operation("s3", "GetBucketVersioning", "s3:GetBucketVersioning", (BUCKET,)),
    Operation("s3", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", (BUCKET,),
              benign_errors=("ObjectLockConfigurationNotFoundError",)),
    Operation("s3", "GetBucketLogging", "s3:GetBucketLogging", (BUCKET,)),
    Operation("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", (BUCKET,),
              benign_errors=("NoSuchPublicAccessBlockConfiguration",)),
)
_BLOCK_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
# GetBucketLocation answers null for us-east-1 and the legacy 'EU' for eu-west-1.
_LEGACY_LOCATIONS = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}
_PAGE_SIZE = 10000  # the largest MaxBuckets; any MaxBuckets also makes AWS return each bucket's region


@sweep(service="s3", scope="global", types=(BUCKET,), operations=OPS)
def buckets(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    listed: dict[str, str | None] = {}
    for page in call.pages("ListBuckets", PaginationConfig={"PageSize": _PAGE_SIZE}):
        for bucket in page.get("Buckets") or []:
            listed[str(bucket["Name"])] = bucket.get("BucketRegion") or None
    found = [_bucket(call, name, listed[name]) for name in sorted(listed)]
    return {BUCKET: [b for b in found if b is not None]}


def _bucket(call: Caller, name: str, region: str | None) -> dict[str, Any] | None:
    if region is None:
        located = call.benign("GetBucketLocation", Bucket=name)
        if located is None:
            return None
        location = located.get("LocationConstraint")
        region = str(_LEGACY_LOCATIONS.get(location, location))
    if region != call.region:
        call = call.elsewhere(region)
    tagging = call.benign("GetBucketTagging", Bucket=name) or {}
    versioning = call("GetBucketVersioning", Bucket=name)
    lock = (call.benign("GetObjectLockConfiguration", Bucket=name) or {}).get("ObjectLockConfiguration") or {}
    logging = call("GetBucketLogging", Bucket=name).get("LoggingEnabled") or {}
    block = (call.benign("GetPublicAccessBlock", Bucket=name) or {}).get("PublicAccessBlockConfiguration") or {}
    retention = (lock.get("Rule") or {}).get("DefaultRetention") or {}
    # AWS sets one of Days and Years; some implementations echo the other as 0.
    days = retention.get("Days") or (int(retention["Years"]) * 365 if retention.get("Years") else None)
    return {
        "id": f"arn:aws:s3:::{name}",
        "name": name,
        "region": region,
        "tags": {str(t.get("Key")): str(t.get("Value")) for t in tagging.get("TagSet") or []},
        "versioning": versioning.get("Status") or "Disabled",
        "mfa_delete": versioning.get("MFADelete") == "Enabled",
        "object_lock_enabled": lock.get("ObjectLockEnabled") == "Enabled",
        "object_lock_mode": retention.get("Mode"),
        "retention_days": int(days) if days is not None else None,
        "access_logging_target": logging.get("TargetBucket"),
        "public_access_block_all": bool(block) and all(block.get(k) is True for k in _BLOCK_SETTINGS),
    }
