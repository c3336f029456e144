"""Seed a local moto server with a small AWS organisation for the live-scan demo, and write its answers file.

The organisation has the management account and two members reached with sts:AssumeRole: `shop-prod` is
reasonably prepared for incident response (a multi-region trail, VPC flow logs, GuardDuty, a tagged evidence
bucket), `sandbox` has nothing. Usage: python examples/aws_moto_seed.py ENDPOINT ANSWERS_OUT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import boto3
import yaml

ROLE = "OrganizationAccountAccessRole"
HERE = Path(__file__).resolve().parent


def member(endpoint: str, account_id: str) -> Any:
    creds = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="demo-seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])


def prepare(session: Any, endpoint: str) -> None:
    """A multi-region trail with read and write management events, flow logs on a VPC, GuardDuty on."""
    def client(service: str, region: str = "eu-west-1") -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint)

    client("s3").create_bucket(Bucket="shop-prod-audit-logs",
                               CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client("s3").put_bucket_tagging(Bucket="shop-prod-audit-logs", Tagging={"TagSet": [
        {"Key": "classification", "Value": "restricted"}]})
    trails = client("cloudtrail")
    trails.create_trail(Name="audit", S3BucketName="shop-prod-audit-logs", IsMultiRegionTrail=True,
                        IncludeGlobalServiceEvents=True, EnableLogFileValidation=True)
    trails.put_event_selectors(TrailName="audit", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    trails.start_logging(Name="audit")
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "shop-prod"}])
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                         LogDestination="arn:aws:s3:::shop-prod-audit-logs/flows/")
    for region in ("eu-west-1", "us-east-1"):
        client("guardduty", region).create_detector(Enable=True)
    client("logs").create_log_group(logGroupName="/shop/app")


def main(endpoint: str, answers_out: Path) -> None:
    org = boto3.client("organizations", region_name="us-east-1", endpoint_url=endpoint)
    org.create_organization(FeatureSet="ALL")
    accounts = {}
    for name in ("shop-prod", "sandbox"):
        request = org.create_account(Email=f"{name}@example.com", AccountName=name)
        status = org.describe_create_account_status(CreateAccountRequestId=request["CreateAccountStatus"]["Id"])
        accounts[name] = status["CreateAccountStatus"]["AccountId"]
    prepare(member(endpoint, accounts["shop-prod"]), endpoint)

    # The example organisation's answers, with its workloads moved to the demo accounts.
    answers = yaml.safe_load((HERE / "acme" / "answers.yaml").read_text(encoding="utf-8"))
    answers["profile"]["workloads"] = [
        {"name": "web-shop", "provider": "aws", "service_model": "iaas", "data_classification": "confidential",
         "accounts": [accounts["shop-prod"]], "description": "Online shop on EC2 (demo)."},
        {"name": "experiments", "provider": "aws", "service_model": "paas",
         "accounts": [accounts["sandbox"]], "description": "Developer sandbox (demo)."},
    ]
    answers_out.parent.mkdir(parents=True, exist_ok=True)
    answers_out.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    print(f"seeded organisation: {json.dumps(accounts)}; answers in {answers_out}")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
