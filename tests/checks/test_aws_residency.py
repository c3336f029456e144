"""Data residency (DR) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import residency as dr

from tests.checks.aws_records import ACCOUNT, bucket, failure, instance, log_group, only
from tests.factories import findings, profile, snapshot, statuses

EU_UK = profile(allowed_jurisdictions=["EU", "UK"])


def collected(**resources: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every data-holding type present (empty unless given), so only the given ones count."""
    everything: dict[str, list[dict[str, Any]]] = {t: [] for t in dr.DATA_TYPES}
    names = {"buckets": dr.BUCKET, "groups": dr.LOG_GROUP, "instances": dr.INSTANCE}
    everything.update({names[k]: v for k, v in resources.items()})
    return everything


class TestDataRegions:
    def test_regions_are_judged_by_jurisdiction(self) -> None:
        """EU and UK regions pass for an EU/UK profile; us-east-1 fails and says why."""
        snap = snapshot(resources=collected(buckets=[bucket("a", "eu-west-1"), bucket("b", "us-east-1")],
                                            instances=[instance("i-1", "eu-west-2")]))
        found = findings(dr.data_regions, snap, EU_UK)
        by_region = {f.region: f.status.value for f in found}
        assert by_region == {"eu-west-1": "pass", "eu-west-2": "pass", "us-east-1": "fail"}
        us = only(found, "fail")
        assert us.evidence["jurisdiction"] == "US"
        assert us.evidence["resource_ids"] == ["arn:aws:s3:::b"]
        assert us.evidence["by_type"] == {dr.BUCKET: 1}

    def test_names_come_from_name_tags_and_are_cut(self) -> None:
        """Evidence names resources by their Name tag, cut to a bounded length; the text is kept as data."""
        hostile = bucket("b", "us-east-1", tags={"Name": "<script>alert(1)</script>"})
        long_name = instance("i-1", "us-east-1", tags={"Name": "x" * 10_000})
        snap = snapshot(resources=collected(buckets=[hostile], instances=[long_name]))
        names = findings(dr.data_regions, snap, EU_UK)[0].evidence["resource_names"]
        assert "<script>alert(1)</script>" in names
        assert max(len(n) for n in names) == 201

    def test_unplaceable_region_is_unknown_never_pass(self) -> None:
        """A region the catalogue does not know is unknown, not assumed allowed."""
        snap = snapshot(resources=collected(buckets=[bucket("x", "xx-nowhere-9")]))
        found = findings(dr.data_regions, snap, EU_UK)
        assert statuses(found) == ["unknown"]
        assert "jurisdiction" in (found[0].reason or "")

    def test_unreadable_type_adds_unknown(self) -> None:
        """A type that could not be read is listed as not inventoried, next to the judged regions."""
        snap = snapshot(resources=collected(buckets=[bucket("a", "eu-west-1")]),
                        errors=[failure("backup", "ListBackupVaults", [dr.BACKUP_VAULT], "eu-west-1")])
        found = findings(dr.data_regions, snap, EU_UK)
        assert statuses(found) == ["pass", "unknown"]
        unknown = only(found, "unknown")
        assert "ListBackupVaults" in (unknown.reason or "")
        assert unknown.evidence["not_inventoried"] == [f"{dr.BACKUP_VAULT} in eu-west-1"]

    def test_empty_account_is_not_applicable(self) -> None:
        """No data-holding resource anywhere: not applicable."""
        assert statuses(findings(dr.data_regions, snapshot(resources=collected()), EU_UK)) == ["not_applicable"]

    def test_nothing_collected_is_unknown_only(self) -> None:
        """With no type collected, the only result is unknown."""
        assert statuses(findings(dr.data_regions, snapshot(resources={}), EU_UK)) == ["unknown"]

    def test_log_groups_count_as_data(self) -> None:
        """Logs are data too: a log group in the US fails an EU-only profile."""
        snap = snapshot(resources=collected(groups=[log_group("/app", 30, "us-east-1")]))
        assert statuses(findings(dr.data_regions, snap, profile(allowed_jurisdictions=["EU"]))) == ["fail"]


def scp(allow: list[str] | None, targets: list[tuple[str, str]], name: str = "regions") -> dict[str, Any]:
    return {"id": f"arn:aws:organizations::999999999999:policy/o-1/service_control_policy/p-{name}",
            "policy_id": f"p-{name}", "name": name, "type": "SERVICE_CONTROL_POLICY", "aws_managed": False,
            "targets": [{"id": i, "type": t} for i, t in targets], "region_allowlist": allow}


def me(ancestors: list[str]) -> dict[str, Any]:
    return {"id": f"arn:aws:organizations::999999999999:account/o-1/{ACCOUNT}", "account_id": ACCOUNT,
            "name": "prod", "status": "ACTIVE", "ancestor_ids": ancestors, "parent_name": "Workloads"}


class TestRegionGuardrail:
    def test_root_guardrail_inside_jurisdictions_passes(self) -> None:
        """A root SCP allowing only EU/UK regions passes."""
        snap = snapshot(resources={dr.POLICY: [scp(["eu-west-1", "eu-west-2"], [("r-1", "ROOT")])],
                                   dr.ACCOUNT: [me(["r-1", "ou-1"])]})
        found = findings(dr.region_guardrail, snap, EU_UK)
        assert statuses(found) == ["pass"]
        assert found[0].evidence["regions_allowed"] == ["eu-west-1", "eu-west-2"]

    def test_guardrail_leaving_us_region_open_is_partial(self) -> None:
        """Allowing us-east-1 besides an EU region is partial, naming the region outside."""
        snap = snapshot(resources={dr.POLICY: [scp(["eu-west-1", "us-east-1"], [("ou-1", "ORGANIZATIONAL_UNIT")])],
                                   dr.ACCOUNT: [me(["r-1", "ou-1"])]})
        found = findings(dr.region_guardrail, snap, EU_UK)
        assert statuses(found) == ["partial"]
        assert found[0].evidence["outside_jurisdictions"] == ["us-east-1"]

    def test_two_guardrails_narrow_each_other(self) -> None:
        """The regions open are the intersection of every applicable guardrail."""
        policies = [scp(["eu-west-1", "us-east-1"], [("r-1", "ROOT")], "a"),
                    scp(["eu-west-1", "eu-central-1"], [(ACCOUNT, "ACCOUNT")], "b")]
        snap = snapshot(resources={dr.POLICY: policies, dr.ACCOUNT: [me(["r-1"])]})
        found = findings(dr.region_guardrail, snap, EU_UK)
        assert statuses(found) == ["pass"] and found[0].evidence["regions_allowed"] == ["eu-west-1"]

    def test_guardrail_on_other_ou_does_not_apply(self) -> None:
        """An SCP attached to a sibling OU leaves this account unguarded: fail."""
        snap = snapshot(resources={dr.POLICY: [scp(["eu-west-1"], [("ou-other", "ORGANIZATIONAL_UNIT")])],
                                   dr.ACCOUNT: [me(["r-1", "ou-1"])]})
        assert statuses(findings(dr.region_guardrail, snap, EU_UK)) == ["fail"]

    def test_unknown_ancestry_with_ou_guardrail_is_unknown(self) -> None:
        """If the account is missing from the org listing, an OU guardrail may or may not apply: unknown."""
        snap = snapshot(resources={dr.POLICY: [scp(["eu-west-1"], [("ou-1", "ORGANIZATIONAL_UNIT")])],
                                   dr.ACCOUNT: []})
        assert statuses(findings(dr.region_guardrail, snap, EU_UK)) == ["unknown"]

    def test_no_region_policy_fails(self) -> None:
        """Only FullAWSAccess (no region restriction) means no guardrail."""
        full = {**scp(None, [("r-1", "ROOT")], "full"), "aws_managed": True}
        snap = snapshot(resources={dr.POLICY: [full], dr.ACCOUNT: [me(["r-1"])]})
        assert statuses(findings(dr.region_guardrail, snap, EU_UK)) == ["fail"]

    def test_denied_list_policies_is_unknown(self) -> None:
        """A member account without Organizations access reports unknown with the operation."""
        snap = snapshot(resources={dr.ACCOUNT: []},
                        errors=[failure("organizations", "ListPolicies", [dr.POLICY])])
        found = findings(dr.region_guardrail, snap, EU_UK)
        assert statuses(found) == ["unknown"] and "ListPolicies" in (found[0].reason or "")
