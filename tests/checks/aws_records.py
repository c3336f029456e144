"""Builders for AWS resource records and collection errors, shaped as `assessor.resource_types.aws` says."""

from __future__ import annotations

from typing import Any

from assessor.models import Finding
from tests.factories import statuses

ACCOUNT = "111111111111"


def trail(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/main", "name": "main", "region": "eu-west-1",
        "is_multi_region": True, "is_organization_trail": False, "is_logging": True,
        "log_file_validation": True, "kms_key_id": None, "s3_bucket": "trail-logs", "s3_key_prefix": None,
        "cloudwatch_log_group_arn": None, "include_global_events": True, "management_events": "All",
        "data_events": [],
    }
    data.update(overrides)
    return data


def bucket(name: str, region: str = "eu-west-1", *, lock: str | None = None,
           tags: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": f"arn:aws:s3:::{name}", "name": name, "region": region, "tags": tags or {},
            "versioning": "Enabled", "mfa_delete": False, "object_lock_enabled": lock is not None,
            "object_lock_mode": lock, "retention_days": 365 if lock else None, "access_logging_target": None,
            "public_access_block_all": True}


def vpc(vpc_id: str, region: str = "eu-west-1") -> dict[str, Any]:
    return {"id": f"arn:aws:ec2:{region}:{ACCOUNT}:vpc/{vpc_id}", "vpc_id": vpc_id, "region": region,
            "name": None, "is_default": False, "cidr_block": "10.0.0.0/16", "tags": {}}


def instance(instance_id: str, region: str = "eu-west-1", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"arn:aws:ec2:{region}:{ACCOUNT}:instance/{instance_id}", "instance_id": instance_id,
        "region": region, "state": "running", "vpc_id": "vpc-1", "termination_protection": False,
        "root_device_name": "/dev/xvda", "root_delete_on_termination": True, "autoscaling_group": None,
        "tags": {},
    }
    data.update(overrides)
    return data


def log_group(name: str, retention: int | None = None, region: str = "eu-west-1", *,
              key: str | None = None, destinations: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"id": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}", "name": name, "region": region,
            "retention_days": retention, "kms_key_id": key, "stored_bytes": 0,
            "subscription_filters": [{"name": f"to-siem-{i}", "destination_arn": d, "filter_pattern": ""}
                                     for i, d in enumerate(destinations)]}


def failure(service: str, operation: str, types: list[str], region: str | None = None,
            code: str = "AccessDeniedException") -> dict[str, Any]:
    """A collection error as a collector records it."""
    return {"service": service, "operation": operation, "region": region, "code": code,
            "message": "not authorized", "resource_types": types, "permission": f"{service}:{operation}"}


def only(found: list[Finding], status: str) -> Finding:
    """The single finding with `status` (fails the test if there is not exactly one)."""
    matching = [f for f in found if f.status.value == status]
    assert len(matching) == 1, statuses(found)
    return matching[0]
