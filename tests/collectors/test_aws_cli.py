"""`collect aws`, `scan aws` and `permissions aws` end to end: the CLI as a subprocess against a moto organisation.

The organisation has a management account and two members reached with sts:AssumeRole: `prod` is well
prepared (a logging multi-region trail, a VPC flow log), `sandbox` is bare and carries hostile names.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.collectors.conftest import FAKE_CREDENTIALS, client

REPO = Path(__file__).resolve().parents[2]
ROLE = "OrganizationAccountAccessRole"
REGIONS = "eu-west-1,us-east-1"
WHEN = "2026-11-01T12:00:00Z"
HOSTILE = "<script>alert(1)</script>"
# Distinctive fake credentials, so "no secret in any output" cannot pass by accident.
SECRET = "IrSecretDoNotLeak9f3c2a"
TOKEN = "IrSessionTokenDoNotLeak71be0d"
STALE = REPO / "examples" / "acme" / "snapshots" / "aws-444455556666.json"
KEY_ID = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{12,}\b")


def start(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The CLI as a subprocess, with the moto environment and distinctive fake credentials."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), "AWS_SECRET_ACCESS_KEY": SECRET,
                   "AWS_SESSION_TOKEN": TOKEN, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "assessor", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, env=environment)


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return finish(start(*args, env=env))


@dataclass(frozen=True)
class Org:
    management: str
    prod: str
    sandbox: str


def member_session(account_id: str) -> Any:
    """A boto3 session in a member account, as the seeding admin would get one."""
    import boto3

    creds = client("sts", "us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="seeding")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])


def prepare_well(session: Any) -> None:
    """A multi-region trail logging to S3, and a tagged VPC with a flow log capturing all traffic."""
    session.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="prod-org-trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    trails = session.client("cloudtrail", region_name="eu-west-1")
    trails.create_trail(Name="org-audit", S3BucketName="prod-org-trail-logs", IsMultiRegionTrail=True,
                        IncludeGlobalServiceEvents=True, EnableLogFileValidation=True)
    trails.put_event_selectors(TrailName="org-audit", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    trails.start_logging(Name="org-audit")
    ec2 = session.client("ec2", region_name="eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "prod-core"}])
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                         LogDestination="arn:aws:s3:::prod-org-trail-logs/flows/")


def seed_org() -> Org:
    """A moto organisation: management account, a well-prepared `prod` and a bare, hostile-named `sandbox`."""
    organizations = client("organizations", "us-east-1")
    organizations.create_organization(FeatureSet="ALL")
    ids = {}
    for name in ("prod", HOSTILE):
        request = organizations.create_account(Email=f"aws-{len(ids)}@example.com", AccountName=name)
        status = organizations.describe_create_account_status(
            CreateAccountRequestId=request["CreateAccountStatus"]["Id"])["CreateAccountStatus"]
        ids[name] = status["AccountId"]
    management = client("sts", "us-east-1").get_caller_identity()["Account"]
    prepare_well(member_session(ids["prod"]))
    sandbox_ec2 = member_session(ids[HOSTILE]).client("ec2", region_name="eu-west-1")
    vpc = sandbox_ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    sandbox_ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": HOSTILE}])
    return Org(management, ids["prod"], ids[HOSTILE])


def answers_for(org: Org, path: Path) -> Path:
    """The example answers file with its workloads replaced by AWS workloads in the organisation's accounts."""
    data = yaml.safe_load((REPO / "examples" / "acme" / "answers.yaml").read_text())
    data["profile"]["workloads"] = [
        {"name": "shop", "provider": "aws", "service_model": "iaas", "data_classification": "confidential",
         "accounts": [org.prod]},
        {"name": "experiments", "provider": "aws", "service_model": "paas", "accounts": [org.sandbox]},
        {"name": "landing-zone", "provider": "aws", "service_model": "iaas", "accounts": [org.management]},
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def findings_of(assessment: dict[str, Any], check_id: str) -> dict[str, str]:
    """account id -> status of one check's findings (one per account for account-wide checks)."""
    return {f["account_id"]: f["status"] for c in assessment["controls"] for f in c["findings"]
            if f["check_id"] == check_id}


def output_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------------- scan aws across an organisation


@dataclass(frozen=True)
class Runs:
    """Every command run against the organisation, launched together while its state is in moto."""

    org: Org
    out: Path
    scan: subprocess.CompletedProcess[str]
    collect_one: subprocess.CompletedProcess[str]
    collect_two: subprocess.CompletedProcess[str]
    collect_listed: subprocess.CompletedProcess[str]
    shard_one: subprocess.CompletedProcess[str]
    shard_two: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def runs(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """Seed the organisation once, then run scan and three collections in parallel (moto serves threads)."""
    tmp = tmp_path_factory.mktemp("org")
    with pytest.MonkeyPatch.context() as env:
        request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).read()
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            env.delenv(key)
        for key, value in {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": moto_endpoint, "AWS_CONFIG_FILE": os.devnull,
                           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}.items():
            env.setenv(key, value)
        org = seed_org()
        listed = tmp / "accounts.txt"
        listed.write_text(f"# production only\n{org.prod}  # shop\n")
        org_args = ("--org-role", ROLE, "--regions", REGIONS)
        # A snapshot an earlier scan left behind (an account since closed): not part of this scan's report.
        (tmp / "scan" / "snapshots").mkdir(parents=True)
        (tmp / "scan" / "snapshots" / STALE.name).write_bytes(STALE.read_bytes())
        processes = [
            start("scan", "aws", *org_args, "--answers", answers_for(org, tmp / "answers.yaml"), "--out",
                  tmp / "scan", "--format", "html,json", "--generated-at", WHEN),
            start("collect", "aws", *org_args, "--out", tmp / "one"),
            start("collect", "aws", *org_args, "--out", tmp / "two"),
            start("collect", "aws", "--org-role", ROLE, "--external-id", "ir-assessor-2026", "--accounts", listed,
                  "--regions", "eu-west-1", "--out", tmp / "listed", "--quiet"),
            start("collect", "aws", *org_args, "--shard", "1/2", "--out", tmp / "shard1", "--quiet"),
            start("collect", "aws", *org_args, "--shard", "2/2", "--out", tmp / "shard2", "--quiet"),
        ]
        done = [finish(p) for p in processes]
        yield Runs(org, tmp, *done)


def test_scan_writes_one_snapshot_per_account_and_the_reports(runs: Runs) -> None:
    """scan aws collects every organisation account into DIR/snapshots and writes the HTML and JSON reports."""
    result, out, org = runs.scan, runs.out / "scan", runs.org
    assert result.returncode == 0, result.stderr
    snapshots = sorted(p.name for p in (out / "snapshots").iterdir() if p.name != STALE.name)
    assert snapshots == sorted(f"aws-{a}.json" for a in (org.management, org.prod, org.sandbox))
    assert {"report.html", "assessment.json", "manifest.json"} <= {p.name for p in out.iterdir()}
    assert "Collected 3 AWS account(s)" in result.stdout and "Readiness index" in result.stdout
    for name in snapshots:
        snap = json.loads((out / "snapshots" / name).read_text())
        assert snap["regions"] == ["eu-west-1", "us-east-1"]
        assert snap["identity"].endswith(f":role/{ROLE} (assumed)")
        assert snap["api_calls"], "every account was actually swept"


def test_scan_scopes_and_logging_statuses_match_what_was_planted(runs: Runs) -> None:
    """The assessment has one scope per account; CloudTrail passes in prod and fails in the bare sandbox."""
    result, out, org = runs.scan, runs.out / "scan", runs.org
    assert result.returncode == 0, result.stderr
    assessment = json.loads((out / "assessment.json").read_text())
    scopes = {s["account_id"]: s for s in assessment["scopes"]}
    assert set(scopes) == {org.management, org.prod, org.sandbox}  # not the stale snapshot's account
    assert "1 older snapshot(s)" in result.stderr and "left out of the report" in result.stderr
    assert scopes[org.prod]["account_name"] == "prod"
    assert all(s["provider"] == "aws" and s["regions"] == ["eu-west-1", "us-east-1"] for s in scopes.values())
    trails = findings_of(assessment, "aws.cloudtrail.all_regions")
    assert trails[org.prod] == "pass"
    assert trails[org.sandbox] == "fail"
    # Flow logs depend on the EC2 sweep: unknown while it is not collected, never a pass for the bare account.
    flows = findings_of(assessment, "aws.ec2.vpc_flow_logs")
    assert flows.get(org.sandbox, "unknown") in {"fail", "unknown"}
    assert flows.get(org.prod, "unknown") in {"pass", "partial", "fail", "unknown"}


def test_scan_report_has_an_organisation_summary_weakest_account_first(runs: Runs) -> None:
    """Every account gets a posture of its own; the bare sandbox scores below prod and is listed before it."""
    result, out, org = runs.scan, runs.out / "scan", runs.org
    assert result.returncode == 0, result.stderr
    assessment = json.loads((out / "assessment.json").read_text())
    postures = {a["account_id"]: a for a in assessment["accounts"]}
    assert set(postures) == {org.management, org.prod, org.sandbox}
    assert postures[org.prod]["readiness_index"] is not None
    assert postures[org.sandbox]["readiness_index"] is not None
    assert postures[org.sandbox]["readiness_index"] < postures[org.prod]["readiness_index"]
    assert "LC-01" in postures[org.sandbox]["failing"]  # no trail at all in the bare account
    assert "LC-01" not in postures[org.prod]["failing"]
    html = (out / "report.html").read_text()
    section = html[html.index('<section id="accounts"'):]
    section = section[:section.index("</section>")]
    assert "Organisation summary by account" in section and "Gaps shared by several accounts" in section
    assert section.index(org.sandbox) < section.index(org.prod)


def test_outputs_hold_no_credential(runs: Runs) -> None:
    """Neither the fake secrets, the session token nor any access key id appears in an output or on the console."""
    results = [runs.scan, runs.collect_one, runs.collect_two, runs.collect_listed]
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    files = [p for p in output_files(runs.out) if p.suffix != ".yaml" and p.suffix != ".txt"]
    assert len(files) > 10
    consoles = [text for r in results for text in (r.stdout, r.stderr)]
    for text in [*consoles, *(p.read_text(errors="replace") for p in files)]:
        assert SECRET not in text and TOKEN not in text
        assert "testing" not in text  # the fixture's own fake secret
        assert not KEY_ID.search(text)


def test_hostile_names_are_escaped_in_the_html_report(runs: Runs) -> None:
    """A <script> account name and VPC Name tag come out as text in report.html, never as markup."""
    result, out, org = runs.scan, runs.out / "scan", runs.org
    assert result.returncode == 0, result.stderr
    html = (out / "report.html").read_text()
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    snapshot = json.loads((out / "snapshots" / f"aws-{org.sandbox}.json").read_text())
    assert snapshot["account_name"] == HOSTILE  # carried as data, unchanged


# ---------------------------------------------------------------------- collect aws


def test_collect_is_stable_and_atomic(runs: Runs) -> None:
    """Two collections of unchanged accounts give identical sorted-key snapshots apart from the time; no temp files."""
    org = runs.org
    folders = [runs.out / "one", runs.out / "two"]
    for result in (runs.collect_one, runs.collect_two):
        assert result.returncode == 0, result.stderr
        assert "API calls" in result.stdout and "collection error(s)" in result.stdout
    first, second = ([p.name for p in output_files(folder)] for folder in folders)
    assert first == second == sorted(f"aws-{a}.json" for a in (org.management, org.prod, org.sandbox))
    for name in first:
        texts = [re.sub(r'"collected_at": "[^"]+"', "", (folder / name).read_text()) for folder in folders]
        assert texts[0] == texts[1]
        data = json.loads((folders[0] / name).read_text())
        assert list(data) == sorted(data)


def test_shards_cover_the_organisation_once(runs: Runs) -> None:
    """--shard 1/2 and 2/2 collect disjoint sets of accounts whose union is the whole organisation."""
    for result in (runs.shard_one, runs.shard_two):
        assert result.returncode == 0, result.stderr
    one = {p.name for p in output_files(runs.out / "shard1")}
    two = {p.name for p in output_files(runs.out / "shard2")}
    assert not one & two and one | two == {p.name for p in output_files(runs.out / "one")}


def test_collect_accounts_file_limits_the_targets_and_passes_the_external_id(runs: Runs) -> None:
    """--accounts FILE collects just the listed accounts (comments ignored); --external-id is accepted."""
    result = runs.collect_listed
    assert result.returncode == 0, result.stderr
    assert [p.name for p in output_files(runs.out / "listed")] == [f"aws-{runs.org.prod}.json"]
    assert result.stdout == ""


def test_collect_single_account_uses_the_callers_account(moto: str, tmp_path: Path) -> None:
    """Without --org-role the caller's own account is collected, with its identity recorded."""
    result = cli("collect", "aws", "--regions", "eu-west-1", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    (path,) = output_files(tmp_path)
    snapshot = json.loads(path.read_text())
    assert path.name == f"aws-{snapshot['account_id']}.json"
    assert snapshot["identity"].startswith("arn:aws:")


@pytest.mark.parametrize(("args", "needle"), [
    (["--accounts", "12345,abc"], "--accounts"),
    (["--external-id", "x-1234"], "--external-id needs --org-role"),
    (["--org-role", "Admin/*"], "--org-role"),
    (["--regions", "eu-west-1,mars-1"], "--regions"),
    (["--max-workers", "0"], "--max-workers"),
])
def test_collect_rejects_bad_options_in_one_line(moto: str, tmp_path: Path, args: list[str], needle: str) -> None:
    """A bad option is one line on stderr naming it, exit 2, no traceback, and nothing written."""
    result = cli("collect", "aws", *args, "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert not (tmp_path / "out").exists()


def test_scan_rejects_a_bad_answers_file_before_collecting(moto: str, tmp_path: Path) -> None:
    """scan aws validates the answers file first: exit 2 naming the file, and no API call or snapshot."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("version: 1\nprofile: {organization: x}\n")
    result = cli("scan", "aws", "--answers", answers, "--out", tmp_path / "out", "--format", "json")
    assert result.returncode == 2, result.stderr
    assert "answers.yaml" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_boto3_names_the_extra(moto: str, tmp_path: Path) -> None:
    """Without boto3, collect exits 2 with one line naming the [aws] extra; permissions still works."""
    shadow = tmp_path / "shadow"
    (shadow / "boto3").mkdir(parents=True)
    (shadow / "boto3" / "__init__.py").write_text("raise ImportError('boto3 is not installed here')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(shadow), str(REPO)])}
    result = cli("collect", "aws", "--out", tmp_path / "out", env=env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "ir-assessor[aws]" in lines[0], result.stderr
    assert cli("permissions", "aws", env=env).returncode == 0


def test_unreachable_credentials_are_a_clean_error(moto: str, tmp_path: Path) -> None:
    """When the caller cannot be identified (no endpoint answers) the run stops with one actionable line."""
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}
    result = cli("collect", "aws", "--regions", "eu-west-1", "--max-attempts", "1", "--out", tmp_path / "o",
                 env=env)
    assert result.returncode == 2, result.stderr
    assert "sts:GetCallerIdentity" in result.stderr and "Traceback" not in result.stderr
    assert SECRET not in result.stderr and TOKEN not in result.stderr
