"""AWS scan benchmark: a moto organisation of N accounts x R regions, collected live, then assessed.

Usage: python benchmarks/aws_scan.py [--accounts 3] [--regions 3] [--workers 16] [--keep DIR]

A moto server (ThreadedMotoServer on 127.0.0.1, port 0) runs in a child process so its memory and CPU are
not counted as the collector's. The management account creates an organisation and N-1 member accounts;
every account gets, in every region: VPCs with flow logs, a trail, buckets, log groups, instances and an
Application Load Balancer. The collector then scans the organisation through the OrganizationAccountAccessRole
exactly as `ir-assessor collect aws --org-role` would, and the snapshots are loaded, evaluated and scored.

Printed: collection wall time, API calls per operation and in total, peak RSS of this process, total
snapshot size, then load+evaluate+score time. With PROWLER=/path/to/prowler set, Prowler's comparable
checks are run against the same endpoint, account by account, and the wall-time ratio is printed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ORG_ROLE = "OrganizationAccountAccessRole"
MOTO_AMI = "ami-12c6146b"  # one of the AMIs moto serves in every region
ALL_REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "eu-west-2", "eu-north-1",
               "ap-southeast-2", "ca-central-1"]
FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
# Prowler checks reading the same settings the assessor reads (trails, flow logs, buckets, log groups,
# load balancers, instances); the comparison is of wall time over the same endpoint and accounts.
PROWLER_CHECKS = [
    "cloudtrail_multi_region_enabled", "cloudtrail_log_file_validation_enabled",
    "cloudtrail_kms_encryption_enabled", "cloudtrail_cloudwatch_logging_enabled", "vpc_flow_logs_enabled",
    "s3_bucket_server_access_logging_enabled", "s3_bucket_object_lock",
    "cloudwatch_log_group_retention_policy_specific_days_enabled", "elbv2_logging_enabled",
    "ec2_instance_managed_by_ssm", "guardduty_is_enabled", "config_recorder_all_regions_enabled",
]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _serve(port_queue: Any, stop: Any) -> None:
    """Child process: run moto until told to stop."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port_queue.put(server._server.server_port)
    stop.wait()
    server.stop()


@contextmanager
def moto_server() -> Iterator[str]:
    context = multiprocessing.get_context("spawn")
    port_queue, stop = context.Queue(), context.Event()
    process = context.Process(target=_serve, args=(port_queue, stop), daemon=True)
    process.start()
    try:
        yield f"http://127.0.0.1:{port_queue.get(timeout=60)}"
    finally:
        stop.set()
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()


def _session(account: str | None, management: str) -> Any:
    import boto3

    if account is None or account == management:
        return boto3.Session()
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ORG_ROLE}",
                                            RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])


def seed(accounts: int, regions: list[str]) -> tuple[list[str], int]:
    """Create the organisation and its resources; return the account ids and the number of resources made."""
    import boto3

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    management = boto3.client("sts").get_caller_identity()["Account"]
    for n in range(1, accounts):
        org.create_account(Email=f"member{n}@example.org", AccountName=f"member-{n}")
    account_ids = sorted(a["Id"] for page in org.get_paginator("list_accounts").paginate() for a in page["Accounts"])

    def one(account: str) -> int:
        session = _session(account, management)
        return sum(_seed_region(session, account, region, home=i == 0) for i, region in enumerate(regions))

    # Seeding is not what is measured; accounts are seeded side by side to keep the run short.
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = sum(pool.map(one, account_ids))
    return account_ids, made


def _seed_region(session: Any, account: str, region: str, *, home: bool) -> int:
    ec2 = session.client("ec2", region_name=region)
    s3 = session.client("s3", region_name=region)
    logs = session.client("logs", region_name=region)
    made = 0
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    buckets = [f"b{account}-{region}-{kind}" for kind in ("trail", "data")]
    for name in buckets:
        s3.create_bucket(Bucket=name, **location)
        made += 1
    s3.put_bucket_versioning(Bucket=buckets[1], VersioningConfiguration={"Status": "Enabled"})
    for name in ("app", "audit", "/aws/lambda/job"):
        logs.create_log_group(logGroupName=f"{name}-{region}" if not name.startswith("/") else name)
        made += 1
    logs.put_retention_policy(logGroupName=f"app-{region}", retentionInDays=30)
    trail = session.client("cloudtrail", region_name=region)
    trail.create_trail(Name=f"trail-{region}", S3BucketName=buckets[0], IsMultiRegionTrail=home,
                       EnableLogFileValidation=True)
    trail.start_logging(Name=f"trail-{region}")
    made += 1
    subnets: list[str] = []
    for v in range(2):
        vpc = ec2.create_vpc(CidrBlock=f"10.{v}.0.0/16")["Vpc"]["VpcId"]
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL" if v == 0 else "REJECT",
                             LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{buckets[1]}")
        made += 2
        if v == 0:
            for z, zone in enumerate(("a", "b")):
                subnets.append(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{z}.0/24",
                                                 AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"])
    ec2.run_instances(ImageId=MOTO_AMI, MinCount=2, MaxCount=2, InstanceType="t3.micro", SubnetId=subnets[0])
    made += 2
    elb = session.client("elbv2", region_name=region)
    elb.create_load_balancer(Name=f"lb-{region}", Subnets=subnets, Type="application", Scheme="internal")
    made += 1
    return made


def _answers(folder: Path, account_ids: list[str]) -> Path:
    import yaml

    data = yaml.safe_load((REPO / "examples" / "acme" / "answers.yaml").read_text())
    data["profile"]["workloads"] = [{"name": "bench", "provider": "aws", "service_model": "iaas",
                                     "accounts": account_ids}]
    path = folder / "answers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_prowler(prowler: str, account_ids: list[str], regions: list[str], out: Path) -> float:
    """Prowler over the same accounts (one run per account through the org role); total wall seconds."""
    started = time.perf_counter()
    for account in account_ids:
        command = [prowler, "aws", "--checks", *PROWLER_CHECKS, "--region", *regions,
                   "--role", f"arn:aws:iam::{account}:role/{ORG_ROLE}", "--output-directory", str(out),
                   "--output-formats", "csv", "--no-banner", "--ignore-exit-code-3"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
        if result.returncode not in (0, 3):
            print(f"  prowler exited {result.returncode} for {account}: {result.stderr.strip()[-300:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=3, help="accounts including the management account")
    parser.add_argument("--regions", type=int, default=3, help=f"regions per account (at most {len(ALL_REGIONS)})")
    parser.add_argument("--workers", type=int, default=16, help="collector worker threads")
    parser.add_argument("--keep", type=Path, help="keep the snapshots in this folder")
    args = parser.parse_args()
    if not 1 <= args.regions <= len(ALL_REGIONS) or args.accounts < 1:
        parser.error(f"--accounts >= 1 and 1 <= --regions <= {len(ALL_REGIONS)}")
    regions = ALL_REGIONS[:args.regions]

    with moto_server() as endpoint:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[key]
        os.environ.update({**FAKE_ENV, "AWS_ENDPOINT_URL": endpoint})
        t0 = time.perf_counter()
        account_ids, made = seed(args.accounts, regions)
        print(f"seeded {len(account_ids)} accounts x {len(regions)} regions, {made} resources "
              f"in {time.perf_counter() - t0:.1f} s (moto at {endpoint})")

        from assessor.collectors.aws.collector import AwsScanConfig, collect

        baseline = _peak_rss_mib()
        t0 = time.perf_counter()
        snapshots = collect(AwsScanConfig(org_role=ORG_ROLE, regions=tuple(regions), max_workers=args.workers))
        collect_s = time.perf_counter() - t0
        peak = _peak_rss_mib()
        calls: Counter[str] = Counter()
        for snap in snapshots:
            for call in snap.api_calls:
                calls[f"{call.service}:{call.operation}"] += call.count
        errors = Counter(f"{e.service}:{e.operation} {e.code}" for s in snapshots for e in s.errors)
        print(f"collect: {collect_s:.2f} s wall for {len(snapshots)} snapshots "
              f"({collect_s / max(len(snapshots), 1):.2f} s per account, {args.workers} workers)")
        print(f"API calls: {sum(calls.values())} total, {len(calls)} operations")
        for name, count in sorted(calls.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {count:7d}  {name}")
        if errors:
            print(f"collection errors: {sum(errors.values())} ({len(errors)} kinds)")
            for name, count in sorted(errors.items(), key=lambda kv: (-kv[1], kv[0])):
                print(f"  {count:7d}  {name}")

        work = args.keep or Path(tempfile.mkdtemp(prefix="ir-aws-bench-"))
        folder = work / "snapshots"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        size = 0
        for snap in snapshots:
            path = folder / f"aws-{snap.account_id}.json"
            path.write_text(snap.model_dump_json())
            size += path.stat().st_size
        resources = sum(len(v) for s in snapshots for v in s.resources.values())
        print(f"peak RSS {peak:.0f} MiB (before collect {baseline:.0f} MiB); snapshots {size / 1e6:.2f} MB, "
              f"{resources} resource records")

        from assessor.catalogue import load_catalogue
        from assessor.pipeline import run_assessment
        from assessor.plugins import load_checks

        checks = load_checks(load_catalogue())
        answers = _answers(work, account_ids)
        t0 = time.perf_counter()
        run = run_assessment([folder], answers, datetime(2026, 11, 1, 12, tzinfo=UTC), checks)
        findings = sum(len(c.findings) for c in run.assessment.controls)
        aws_checks = sum(1 for c in checks if c.spec.provider == "aws")
        print(f"load+evaluate+score: {time.perf_counter() - t0:.2f} s, {aws_checks} AWS checks, {findings} findings, "
              f"readiness index {run.assessment.readiness_index}")

        prowler = os.environ.get("PROWLER")
        if not prowler:
            print("Prowler comparison skipped: set PROWLER=/path/to/prowler to run Prowler's comparable checks "
                  "against the same moto endpoint")
        elif not Path(prowler).is_file():
            print(f"Prowler comparison skipped: PROWLER={prowler} is not a file")
        else:
            prowler_s = run_prowler(prowler, account_ids, regions, work / "prowler")
            print(f"prowler ({len(PROWLER_CHECKS)} checks, {len(account_ids)} runs): {prowler_s:.2f} s; "
                  f"prowler / ir-assessor collect = {prowler_s / collect_s:.1f}x")
        if not args.keep:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
