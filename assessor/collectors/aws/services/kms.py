"""KMS: keys, who manages them, their automatic rotation and their aliases."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

KEY = "aws.kms.key"
OPS = (
    Operation("kms", "ListKeys", "kms:ListKeys", (KEY,)),
    Operation("kms", "DescribeKey", "kms:DescribeKey", (KEY,)),
    Operation("kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus", (KEY,)),
    Operation("kms", "ListAliases", "kms:ListAliases", (KEY,)),
)
# GetKeyRotationStatus answers only for keys in these states; others (pending import, unavailable) refuse it.
_ROTATION_READABLE_STATES = ("Enabled", "Disabled")


@sweep(service="kms", scope="regional", types=(KEY,), operations=OPS)
def keys(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    listed_keys = [k for page in call.pages("ListKeys", PaginationConfig={"PageSize": 1000})
                   for k in page.get("Keys", [])]
    if not listed_keys:
        return {KEY: []}  # no key, so no alias worth listing
    aliases: dict[str, list[str]] = {}
    for page in call.pages("ListAliases", PaginationConfig={"PageSize": 100}):
        for alias in page.get("Aliases", []):
            if alias.get("TargetKeyId"):
                aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    out = []
    for listed in listed_keys:
        meta = call("DescribeKey", KeyId=listed["KeyArn"])["KeyMetadata"]
        out.append({
            "id": meta["Arn"], "key_id": meta["KeyId"], "region": region,
            "key_manager": meta.get("KeyManager"), "key_state": meta.get("KeyState"),
            "key_spec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
            "rotation_enabled": _rotation(call, meta),
            "aliases": sorted(aliases.get(meta["KeyId"], [])),
        })
    return {KEY: out}


def _rotation(call: Caller, meta: dict[str, Any]) -> bool | None:
    """Automatic rotation applies only to customer-managed symmetric keys with key material from KMS."""
    applies = (meta.get("KeyManager") == "CUSTOMER"
               and (meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
               and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
               and meta.get("KeyState") in _ROTATION_READABLE_STATES)
    if not applies:
        return None
    return bool(call("GetKeyRotationStatus", KeyId=meta["Arn"]).get("KeyRotationEnabled"))
