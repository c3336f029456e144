"""AWS scan benchmark: a moto organisation of N accounts x R regions, collected live, then assessed.

Usage: python benchmarks/aws_scan.py [--accounts 3] [--regions 3] [--workers 16] [--keep DIR]
       [--prowler-jobs 1] [--prowler-retries N]

A moto server (ThreadedMotoServer on 127.0.0.1, port 0) runs in a child process so its memory and CPU are
not counted as the collector's. The management account creates an organisation and N-1 member accounts;
every account gets, in every region: VPCs with flow logs, a trail, buckets, log groups, instances and an
Application Load Balancer. The collector then scans the organisation through the OrganizationAccountAccessRole
exactly as `ir-assessor collect aws --org-role` would, and the snapshots are loaded, evaluated and scored.

Seeding runs in a short-lived child process of its own, so the peak RSS printed is the collector's.
Printed: collection wall time, API calls per operation and in total, peak RSS of this process, total
snapshot size, then load+evaluate+score time.

Prowler comparison: with PROWLER=/path/to/prowler set (Prowler installed in a virtual environment of its own,
outside this repository; never run `prowler --version`, it asks GitHub for the latest release), Prowler's
comparable checks (PROWLER_CHECKS) run against the same moto endpoint (boto3 honours AWS_ENDPOINT_URL), the
same regions and every account, one Prowler process per account assuming the same org role
(`--role arn:aws:iam::<account>:role/OrganizationAccountAccessRole`). Printed: Prowler's CSV rows per check
and status (evidence that it did real work), its logged errors, any account where it failed and why, the
per-process start-up of both tools (each measured by a fresh process that loads and stops before any AWS
call), and the ratio of Prowler's wall time to ours (collect + load/evaluate/score) both with start-up
included (the figure judged against the issue's 10x target) and excluded.

To be sure that nothing (moto, the collector, Prowler) reaches beyond loopback, run it in a private network
namespace that has only `lo` (works unprivileged where user namespaces are allowed):

    unshare -rn sh -c 'ip link set lo up && PROWLER=/work/prowler-venv/bin/prowler \
        .venv/bin/python benchmarks/aws_scan.py --accounts 3 --regions 3'
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import os
import re
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
from dataclasses import dataclass, field
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
# load balancers, instances, detectors, recorders); the comparison is of wall time over the same endpoint and
# accounts. The first eight are the ones issue 3 names; all twelve exist in Prowler 5.46 (`--list-checks`).
PROWLER_CHECKS = [
    "cloudtrail_multi_region_enabled", "cloudtrail_log_file_validation_enabled", "vpc_flow_logs_enabled",
    "guardduty_is_enabled", "config_recorder_all_regions_enabled",
    "cloudwatch_log_group_retention_policy_specific_days_enabled", "elbv2_logging_enabled", "s3_bucket_object_lock",
    "cloudtrail_kms_encryption_enabled", "cloudtrail_cloudwatch_logging_enabled",
    "s3_bucket_server_access_logging_enabled", "ec2_instance_managed_by_ssm",
]
# Our own per-process start-up, measured the way Prowler's is: a fresh interpreter that imports what a scan
# imports and loads the catalogue and checks, then stops before touching AWS.
OUR_STARTUP = ("import sys; sys.path.insert(0, sys.argv[1]); import boto3; "
               "from assessor.collectors.aws.collector import collect; from assessor.pipeline import run_assessment; "
               "from assessor.catalogue import load_catalogue; from assessor.plugins import load_checks; "
               "load_checks(load_catalogue())")


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


def _cpu_seconds(pid: int | None = None) -> float:
    """User plus system CPU seconds of a process (this one by default), from /proc (Linux)."""
    fields = Path(f"/proc/{pid or os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


MOTO_PID: int | None = None  # the moto child, so its CPU time can be printed beside ours


@contextmanager
def moto_server() -> Iterator[str]:
    global MOTO_PID
    context = multiprocessing.get_context("spawn")
    port_queue, stop = context.Queue(), context.Event()
    process = context.Process(target=_serve, args=(port_queue, stop), daemon=True)
    process.start()
    MOTO_PID = process.pid
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


def seed_in_child(endpoint: str, accounts: int, regions: list[str]) -> tuple[list[str], int]:
    """Seed from a short-lived child process: the seeding's boto3 sessions (hundreds of megabytes) must not
    count towards the collector's peak memory, nor slow its garbage collector down."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        result: tuple[list[str], int] = pool.apply(_seed_child, (endpoint, accounts, regions))
    return result


def _seed_child(endpoint: str, accounts: int, regions: list[str]) -> tuple[list[str], int]:
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update({**FAKE_ENV, "AWS_ENDPOINT_URL": endpoint})
    return seed(accounts, regions)


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


@dataclass
class ProwlerRun:
    """What Prowler did over the organisation: wall time, CSV rows, and what went wrong."""

    seconds: float = 0.0
    per_account: dict[str, float] = field(default_factory=dict)
    scan_phase: dict[str, float] = field(default_factory=dict)  # Prowler's own timer over its checks loop
    rows: Counter[tuple[str, str]] = field(default_factory=Counter)  # (check, status) -> CSV rows
    failures: list[str] = field(default_factory=list)  # accounts where Prowler produced no usable result
    errors: Counter[str] = field(default_factory=Counter)  # Prowler's logged ERROR lines per module
    error_example: dict[str, str] = field(default_factory=dict)
    version: str = "?"


def _prowler_env() -> dict[str, str]:
    # Same credentials and AWS_ENDPOINT_URL as the collector (boto3 sends every client, STS included, there);
    # LOG_LEVEL would override --log-level inside Prowler.
    return {k: v for k, v in os.environ.items() if k != "LOG_LEVEL"}


def prowler_startup(prowler: str) -> float:
    """Wall seconds of a Prowler process that stops after start-up: `--list-checks` imports Prowler, loads
    every check's metadata and the compliance frameworks (local JSON files, as a scan does), prints and exits
    before any AWS call; nothing in that path touches the network."""
    started = time.perf_counter()
    subprocess.run([prowler, "aws", "--list-checks", "--checks", *PROWLER_CHECKS, "--no-banner"],
                   capture_output=True, env=_prowler_env(), timeout=600, check=True)
    return time.perf_counter() - started


def _scan_phase_seconds(stdout: str) -> float | None:
    """Prowler's progress bar ends "Scan completed! ... in 21.5s" (or "in 1:02.3"): the time of its checks
    loop, which is where its services make their API calls and its checks run."""
    match = re.search(r"Scan completed!.*? in (?:(\d+):)?(\d+(?:\.\d+)?)s?\b", stdout)
    if not match:
        return None
    return int(match.group(1) or 0) * 60 + float(match.group(2))


def our_startup() -> float:
    """Wall seconds of a fresh interpreter importing the collector and pipeline and loading the checks."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", OUR_STARTUP, str(REPO)], timeout=600, check=True)
    return time.perf_counter() - started


def run_prowler(prowler: str, account_ids: list[str], regions: list[str], out: Path, jobs: int,
                retries: int | None) -> ProwlerRun:
    """Prowler's comparable checks over the same accounts and regions: one process per account (Prowler scans
    one account per run) assuming the same org role the collector assumes, `jobs` processes at a time.
    `retries` (None: Prowler's default of 3) bounds botocore's retries; moto answers the operations it lacks
    with HTTP 500, which Prowler retries with back-off where real AWS would have answered."""
    run = ProwlerRun()

    def one(account: str) -> tuple[str, float, subprocess.CompletedProcess[str]]:
        folder = out / account
        folder.mkdir(parents=True, exist_ok=True)
        command = [prowler, "aws", "--checks", *PROWLER_CHECKS, "--region", *regions,
                   "--role", f"arn:aws:iam::{account}:role/{ORG_ROLE}", "--output-directory", str(folder),
                   "--output-formats", "csv", "--no-banner", "--no-color", "--ignore-exit-code-3",
                   "--log-level", "ERROR"]
        if retries is not None:
            command += ["--aws-retries-max-attempts", str(retries)]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=_prowler_env(), timeout=3600,
                                check=False)
        return account, time.perf_counter() - started, result

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        results = list(pool.map(one, account_ids))
    run.seconds = time.perf_counter() - started

    for account, seconds, result in results:
        run.per_account[account] = seconds
        phase = _scan_phase_seconds(result.stdout)
        if phase is not None:
            run.scan_phase[account] = phase
        for line in result.stderr.splitlines():
            # Prowler's log line: "<date> [File: x.py:12] \t[Module: x]\t ERROR: <message>"
            if " ERROR: " in line and "[Module: " in line:
                module = line.split("[Module: ", 1)[1].split("]", 1)[0]
                run.errors[module] += 1
                run.error_example.setdefault(module, line.split(" ERROR: ", 1)[1][:160])
        rows = [row for path in sorted((out / account).glob("*.csv"))
                for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter=";")]
        if result.returncode != 0 or not rows:
            tail = (result.stderr.strip() or result.stdout.strip())[-400:]
            run.failures.append(f"{account}: exit {result.returncode}, {len(rows)} CSV rows: {tail}")
        foreign = {row["ACCOUNT_UID"] for row in rows} - {account}
        if foreign:  # the role was not the one assumed: those rows describe another account
            run.failures.append(f"{account}: CSV rows for other accounts {sorted(foreign)}")
        for row in rows:
            run.rows[(row["CHECK_ID"], row["STATUS"])] += 1
            run.version = row.get("PROWLER_VERSION") or run.version
    return run


def report_prowler(run: ProwlerRun, startup_s: float, ours_startup_s: float, collect_s: float, assess_s: float,
                   accounts: int, regions: int, jobs: int, retries: int | None) -> None:
    """Print what Prowler found and the wall-time comparison, with and without per-process start-up."""
    per_account = ", ".join(f"{s:.1f}" for s in run.per_account.values())
    print(f"prowler {run.version}: {len(PROWLER_CHECKS)} checks x {accounts} accounts x {regions} regions, "
          f"{accounts} processes ({jobs} at a time), botocore retries "
          f"{'Prowler default (3)' if retries is None else retries}: {run.seconds:.2f} s wall "
          f"(per process: {per_account} s)")
    checks = sorted({check for check, _ in run.rows})
    print(f"prowler findings (CSV rows): {sum(run.rows.values())} total, per check over all accounts:")
    for check in checks:
        statuses = {status: n for (c, status), n in sorted(run.rows.items()) if c == check}
        print(f"  {sum(statuses.values()):7d}  {check} ({', '.join(f'{s} {n}' for s, n in statuses.items())})")
    silent = [c for c in PROWLER_CHECKS if c not in checks]
    if silent:
        print(f"  no rows from: {', '.join(silent)}")
    if run.errors:
        print(f"prowler logged {sum(run.errors.values())} ERROR lines (module: count, first message):")
        for module, count in run.errors.most_common():
            print(f"  {count:7d}  {module}: {run.error_example[module]}")
    for failure in run.failures:
        print(f"  PROWLER FAILED {failure}")

    ours = collect_s + assess_s
    if run.scan_phase:
        phase = sum(run.scan_phase.values())
        print(f"prowler's own timer over its checks loop (service API calls + checks), summed over processes: "
              f"{phase:.2f} s; the rest of its process time (start-up, credentials and role, output): "
              f"{sum(run.per_account.values()) - phase:.2f} s")
    print(f"start-up per process: prowler {startup_s:.2f} s (offline `--list-checks` run), "
          f"ir-assessor {ours_startup_s:.2f} s (imports + catalogue and checks)")
    net = run.seconds - accounts * startup_s / max(jobs, 1)
    full = ours + ours_startup_s
    print(f"wall time, start-up included (ratio used for the target): prowler {run.seconds:.2f} s vs ir-assessor "
          f"{ours_startup_s:.2f} + {collect_s:.2f} collect + {assess_s:.2f} assess = {full:.2f} s "
          f"-> ir-assessor {run.seconds / full:.1f}x faster")
    print(f"wall time, start-up excluded: prowler {run.seconds:.2f} - {accounts} x {startup_s:.2f} / {max(jobs, 1)} "
          f"= {net:.2f} s vs ir-assessor {ours:.2f} s -> {net / ours:.1f}x faster"
          + (" (approximate: parallel start-ups share the CPUs)" if jobs > 1 else ""))
    if run.scan_phase and jobs == 1:
        # Timed inside each Prowler process, so it does not depend on a start-up measured in another process;
        # it also leaves out Prowler's role assumption and output, which our collect figure includes.
        phase = sum(run.scan_phase.values())
        print(f"prowler checks loop only (its own timer) {phase:.2f} s vs ir-assessor {ours:.2f} s "
              f"-> {phase / ours:.1f}x faster")
    verdict = "met" if run.seconds / full >= 10 and not run.failures else "NOT met"
    print(f"issue 3 target (ir-assessor >= 10x faster than Prowler at 3 accounts x 3 regions): {verdict}"
          + ("" if (accounts, regions) == (3, 3) else f" (this run is {accounts} x {regions})"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=3, help="accounts including the management account")
    parser.add_argument("--regions", type=int, default=3, help=f"regions per account (at most {len(ALL_REGIONS)})")
    parser.add_argument("--workers", type=int, default=16, help="collector worker threads")
    parser.add_argument("--keep", type=Path, help="keep the snapshots in this folder")
    parser.add_argument("--prowler-jobs", type=int, default=1,
                        help="Prowler processes (one per account) run at a time; default one after another")
    parser.add_argument("--prowler-retries", type=int,
                        help="Prowler's --aws-retries-max-attempts (default: Prowler's own, 3; 0 spares it the "
                             "back-off on operations moto answers with HTTP 500)")
    args = parser.parse_args()
    if not 1 <= args.regions <= len(ALL_REGIONS) or args.accounts < 1:
        parser.error(f"--accounts >= 1 and 1 <= --regions <= {len(ALL_REGIONS)}")
    regions = ALL_REGIONS[:args.regions]

    with moto_server() as endpoint:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[key]
        os.environ.update({**FAKE_ENV, "AWS_ENDPOINT_URL": endpoint})
        t0 = time.perf_counter()
        account_ids, made = seed_in_child(endpoint, args.accounts, regions)
        print(f"seeded {len(account_ids)} accounts x {len(regions)} regions, {made} resources "
              f"in {time.perf_counter() - t0:.1f} s (moto at {endpoint})")

        from assessor.collectors.aws.collector import AwsScanConfig, collect

        baseline = _peak_rss_mib()
        cpu0, moto0 = _cpu_seconds(), _cpu_seconds(MOTO_PID)
        t0 = time.perf_counter()
        snapshots = collect(AwsScanConfig(org_role=ORG_ROLE, regions=tuple(regions), max_workers=args.workers))
        collect_s = time.perf_counter() - t0
        cpu, moto_cpu = _cpu_seconds() - cpu0, _cpu_seconds(MOTO_PID) - moto0
        peak = _peak_rss_mib()
        calls: Counter[str] = Counter()
        for snap in snapshots:
            for call in snap.api_calls:
                calls[f"{call.service}:{call.operation}"] += call.count
        errors = Counter(f"{e.service}:{e.operation} {e.code}" for s in snapshots for e in s.errors)
        print(f"collect: {collect_s:.2f} s wall for {len(snapshots)} snapshots "
              f"({collect_s / max(len(snapshots), 1):.2f} s per account, {args.workers} workers)")
        print(f"API calls: {sum(calls.values())} total, {len(calls)} operations")
        # moto answers every request in one interpreter: when its CPU time nears the wall time, the local
        # server, not the collector, bounds the run.
        print(f"CPU during collect: ir-assessor {cpu:.1f} s, moto server {moto_cpu:.1f} s "
              f"({1000 * moto_cpu / max(sum(calls.values()), 1):.1f} ms of moto CPU per call)")
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
        assess_s = time.perf_counter() - t0
        findings = sum(len(c.findings) for c in run.assessment.controls)
        aws_checks = sum(1 for c in checks if c.spec.provider == "aws")
        print(f"load+evaluate+score: {assess_s:.2f} s, {aws_checks} AWS checks, {findings} findings, "
              f"readiness index {run.assessment.readiness_index}")

        prowler = os.environ.get("PROWLER")
        if not prowler:
            print("Prowler comparison skipped: set PROWLER=/path/to/prowler to run Prowler's comparable checks "
                  "against the same moto endpoint")
        elif not Path(prowler).is_file():
            print(f"Prowler comparison skipped: PROWLER={prowler} is not a file")
        else:
            # Start-ups are measured before the Prowler scan, one process at a time.
            startup_s, ours_startup_s = prowler_startup(prowler), our_startup()
            prowler_run = run_prowler(prowler, account_ids, regions, work / "prowler", args.prowler_jobs,
                                      args.prowler_retries)
            report_prowler(prowler_run, startup_s, ours_startup_s, collect_s, assess_s, len(account_ids),
                           len(regions), args.prowler_jobs, args.prowler_retries)
        if not args.keep:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
