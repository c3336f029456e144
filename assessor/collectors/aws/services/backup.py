"""AWS Backup: vaults and their Vault Lock (the immutable-backup counterpart)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

VAULT = "aws.backup.vault"
OPS = (
    Operation("backup", "ListBackupVaults", "backup:ListBackupVaults", (VAULT,)),
    Operation("backup", "DescribeBackupVault", "backup:DescribeBackupVault", (VAULT,)),
)


@sweep(service="backup", scope="regional", types=(VAULT,), operations=OPS)
def vaults(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    out = []
    for page in call.pages("ListBackupVaults", PaginationConfig={"PageSize": 1000}):
        for listed in page.get("BackupVaultList", []):
            name = listed["BackupVaultName"]
            # DescribeBackupVault is the documented source of the lock fields; the listing fills any gap.
            vault = {**listed, **call("DescribeBackupVault", BackupVaultName=name)}
            locked = bool(vault.get("Locked"))
            lock_date = vault.get("LockDate") if locked else None
            out.append({
                "id": vault["BackupVaultArn"], "name": name, "region": region,
                "locked": locked,
                "lock_date": lock_date.isoformat() if isinstance(lock_date, datetime) else lock_date,
                "min_retention_days": vault.get("MinRetentionDays") if locked else None,
                "max_retention_days": vault.get("MaxRetentionDays") if locked else None,
                "recovery_points": vault.get("NumberOfRecoveryPoints"),
                "encryption_key_arn": vault.get("EncryptionKeyArn"),
            })
    return {VAULT: out}
