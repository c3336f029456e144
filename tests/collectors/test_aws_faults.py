"""Collection on a bad day: throttling, denied calls, server errors and slow answers, injected over real HTTP.

A fault proxy sits between boto3 and the moto server and answers chosen operations with an error; the
collector must absorb what retries can absorb, record the rest as errors naming the operation and permission,
keep every other region's data, and finish.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from assessor.collectors.aws.collector import AwsScanConfig, collect
from assessor.models import Snapshot
from tests.collectors.conftest import client
from tests.collectors.faultproxy import FaultProxy, Rule
from tests.factories import findings

REGIONS = ("eu-west-1", "us-east-1")
TRAIL = "aws.cloudtrail.trail"
# Small timeouts and few attempts keep a failing run fast; enough attempts to ride out two throttles.
FAST = AwsScanConfig(regions=REGIONS, max_workers=8, connect_timeout=2.0, read_timeout=2.0, max_attempts=4)


def seed_trails(moto: str) -> None:
    """One logging single-region trail per region, so each region has data of its own."""
    for region in REGIONS:
        s3 = client("s3", region, endpoint_url=moto)
        bucket = f"trail-logs-{region}"
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        trails = client("cloudtrail", region, endpoint_url=moto)
        trails.create_trail(Name=f"audit-{region}", S3BucketName=bucket, IsMultiRegionTrail=False)
        trails.start_logging(Name=f"audit-{region}")


@pytest.fixture
def proxy(moto: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """A fault proxy in front of the seeded moto server; boto3 (and so the collector) goes through it."""
    seed_trails(moto)
    started = FaultProxy(moto).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", started.url)
    yield started
    started.stop()


def only(snapshots: list[Snapshot]) -> Snapshot:
    assert len(snapshots) == 1
    return snapshots[0]


def trail_errors(snapshot: Snapshot) -> list[Any]:
    return [e for e in snapshot.errors if e.service == "cloudtrail"]


# ---------------------------------------------------------------------- retries absorb transient faults


@pytest.mark.parametrize("fault", ["throttle", "throttle429"])
def test_transient_throttling_is_absorbed_by_retries(proxy: FaultProxy, moto: str, fault: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Two throttled DescribeTrails calls are retried: the snapshot equals a clean run's, with no error."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
    clean = only(collect(FAST))
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    proxy.rules.append(Rule(fault, operation="DescribeTrails", times=2))  # type: ignore[arg-type]

    throttled = only(collect(FAST))

    assert proxy.fired(fault) == 2  # type: ignore[arg-type]
    assert trail_errors(throttled) == []
    assert len(throttled.resources[TRAIL]) == 2
    assert throttled.resources == clean.resources


# ---------------------------------------------------------------------- persistent faults are recorded


def test_denied_describe_trails_is_recorded_and_makes_lc01_unknown(proxy: FaultProxy) -> None:
    """A persistent AccessDenied on DescribeTrails is recorded per region; LC-01 is unknown, naming the permission."""
    from ir_assessor_checks.aws.logging import all_regions

    proxy.rules.append(Rule("denied", operation="DescribeTrails"))

    snapshot = only(collect(FAST))

    errors = trail_errors(snapshot)
    assert sorted(e.region for e in errors) == sorted(REGIONS)
    for error in errors:
        assert error.operation == "DescribeTrails"
        assert error.code == "AccessDeniedException"
        assert error.permission == "cloudtrail:DescribeTrails"
        assert TRAIL in error.resource_types
    assert snapshot.resources.get(TRAIL) == []  # nothing read, and nothing claimed
    found = findings(all_regions, snapshot)
    assert [f.status.value for f in found] == ["unknown"]
    assert "cloudtrail:DescribeTrails" in (found[0].reason or "")


def test_server_error_in_one_region_keeps_the_other_regions_data(proxy: FaultProxy) -> None:
    """A persistent 500 from CloudTrail in us-east-1 is an error there; the eu-west-1 trail is still collected."""
    proxy.rules.append(Rule("error500", service="cloudtrail", region="us-east-1"))

    snapshot = only(collect(FAST))

    errors = trail_errors(snapshot)
    assert errors and {e.region for e in errors} == {"us-east-1"}
    assert {e.code for e in errors} == {"InternalError"}
    assert [t["region"] for t in snapshot.resources[TRAIL]] == ["eu-west-1"]
    assert snapshot.resources[TRAIL][0]["is_logging"] is True
    assert proxy.fired("error500") >= FAST.max_attempts  # it was retried before it was recorded


def test_slow_answer_beyond_read_timeout_is_a_timeout_error_and_the_run_finishes(proxy: FaultProxy) -> None:
    """DescribeTrails answering after the read timeout is recorded as a timeout; collection still completes."""
    config = AwsScanConfig(regions=REGIONS, max_workers=8, connect_timeout=1.0, read_timeout=0.5, max_attempts=1)
    proxy.rules.append(Rule("slow", operation="DescribeTrails", region="eu-west-1", delay=3.0))

    started = time.monotonic()
    snapshot = only(collect(config))
    elapsed = time.monotonic() - started

    errors = trail_errors(snapshot)
    assert [(e.operation, e.region) for e in errors] == [("DescribeTrails", "eu-west-1")]
    assert "Timeout" in errors[0].code
    assert errors[0].permission == "cloudtrail:DescribeTrails"
    assert [t["region"] for t in snapshot.resources[TRAIL]] == ["us-east-1"]
    assert elapsed < 30  # the run did not wait for the slow answer, let alone hang


def test_proxy_matches_query_protocol_actions(proxy: FaultProxy) -> None:
    """The proxy also recognises Action= requests (EC2 query protocol) and answers in EC2's error format."""
    from botocore.exceptions import ClientError

    proxy.rules.append(Rule("denied", operation="DescribeVpcs", times=1))
    ec2 = client("ec2", "eu-west-1")
    with pytest.raises(ClientError) as denied:
        ec2.describe_vpcs()
    assert denied.value.response["Error"]["Code"] == "UnauthorizedOperation"
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1  # transient: the second call reaches moto


# ---------------------------------------------------------------------- answers moto lacks, stood in by the proxy


def test_finding_aggregator_homed_outside_the_swept_regions_is_read_once_at_home(proxy: FaultProxy) -> None:
    """Every hub region lists the one aggregator; it is reported once and read in its home region, us-west-2.

    moto has no finding-aggregator API, so the proxy answers those two REST calls; GetFindingAggregator is
    answered only when signed for us-west-2, so a call from another region would reach moto and fail.
    """
    from ir_assessor_checks.aws import integration

    account = "123456789012"
    arn = f"arn:aws:securityhub:us-west-2:{account}:finding-aggregator/5f1c"
    for region in REGIONS:
        client("securityhub", region).enable_security_hub(EnableDefaultStandards=False)
    proxy.rules += [
        Rule("respond", path=r"^/findingAggregator/list", body=json.dumps(
            {"FindingAggregators": [{"FindingAggregatorArn": arn}]})),
        Rule("respond", path=r"^/findingAggregator/get/", region="us-west-2", body=json.dumps(
            {"FindingAggregatorArn": arn, "FindingAggregationRegion": "us-west-2",
             "RegionLinkingMode": "ALL_REGIONS", "Regions": []})),
    ]

    snapshot = only(collect(FAST))

    assert [e for e in snapshot.errors if e.operation in ("ListFindingAggregators", "GetFindingAggregator")] == []
    assert snapshot.resources["aws.securityhub.finding_aggregator"] == [
        {"id": arn, "region": "us-west-2", "region_linking_mode": "ALL_REGIONS", "regions": []}]
    gets = [s for s in proxy.seen if s[0] == "securityhub" and s[3] == "respond" and s[1] == "us-west-2"]
    assert len(gets) == 1  # read once, at home
    # The swept regions' findings go to us-west-2, whose EventBridge rules were not read: unknown, not fail.
    exported = findings(integration.findings_export, snapshot)
    assert sorted((f.region, f.status.value) for f in exported) == [("eu-west-1", "unknown"), ("us-east-1", "unknown")]
    assert all("us-west-2" in (f.reason or "") for f in exported)
    aggregation = findings(integration.finding_aggregation, snapshot)
    assert [f.status.value for f in aggregation] == ["pass"]
