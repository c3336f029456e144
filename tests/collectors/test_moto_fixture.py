"""The moto server fixture is real HTTP on loopback and starts clean for every test."""

from __future__ import annotations

from tests.collectors.conftest import client


def test_moto_server_speaks_http_and_resets(moto: str) -> None:
    """boto3 reaches moto over 127.0.0.1 and each test starts with no VPC but the default."""
    assert moto.startswith("http://127.0.0.1:")
    ec2 = client("ec2")
    ec2.create_vpc(CidrBlock="10.9.0.0/16")
    assert len(ec2.describe_vpcs()["Vpcs"]) == 2  # the default VPC and ours


def test_state_does_not_leak_between_tests(moto: str) -> None:
    """A reset server holds only moto's default VPC."""
    assert len(client("ec2").describe_vpcs()["Vpcs"]) == 1
