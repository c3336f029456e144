"""Elasticity (EL) AWS checks over small hand-built snapshots."""

from __future__ import annotations

from typing import Any

from ir_assessor_checks.aws import elasticity as el

from tests.checks.aws_records import ACCOUNT, failure, instance
from tests.factories import findings, snapshot, statuses


def asg(name: str, hooks: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"arn:aws:autoscaling:eu-west-1:{ACCOUNT}:autoScalingGroup:uuid:autoScalingGroupName/{name}",
            "name": name, "region": "eu-west-1", "min_size": 1, "max_size": 4, "desired_capacity": 2,
            "instance_ids": [], "lifecycle_hooks": [{"name": f"hook-{i}", "transition": t, "default_result":
                                                     "CONTINUE", "heartbeat_timeout": 900}
                                                    for i, t in enumerate(hooks or [])]}


def vault(name: str, locked: bool, points: int | None = 3, lock_date: str | None = None) -> dict[str, Any]:
    return {"id": f"arn:aws:backup:eu-west-1:{ACCOUNT}:backup-vault:{name}", "name": name, "region": "eu-west-1",
            "locked": locked, "lock_date": lock_date, "min_retention_days": 35 if locked else None,
            "max_retention_days": None, "recovery_points": points, "encryption_key_arn": None}


class TestScaleIn:
    def test_terminating_hook_passes(self) -> None:
        """A group with an EC2_INSTANCE_TERMINATING hook passes."""
        snap = snapshot(resources={el.GROUP: [asg("web", [el.TERMINATING])], el.INSTANCE: []})
        found = findings(el.evidence_before_scale_in, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["with_terminating_hook_count"] == 1

    def test_kept_root_volumes_pass_without_hook(self) -> None:
        """Without a hook, a group whose instances keep their root volumes still keeps the disk evidence."""
        snap = snapshot(resources={el.GROUP: [asg("web")],
                                   el.INSTANCE: [instance("i-1", autoscaling_group="web",
                                                          root_delete_on_termination=False)]})
        found = findings(el.evidence_before_scale_in, snap)
        assert statuses(found) == ["pass"] and found[0].evidence["root_volumes_kept_count"] == 1

    def test_launch_hook_only_and_deleted_roots_fail(self) -> None:
        """A launching hook does not help; deleted root volumes are counted."""
        snap = snapshot(resources={el.GROUP: [asg("web", ["autoscaling:EC2_INSTANCE_LAUNCHING"])],
                                   el.INSTANCE: [instance("i-1", autoscaling_group="web"),
                                                 instance("i-2", autoscaling_group="web")]})
        found = findings(el.evidence_before_scale_in, snap)
        assert statuses(found) == ["fail"] and found[0].evidence["root_volumes_deleted_with_instance"] == 2

    def test_empty_group_without_hook_fails(self) -> None:
        """A group with no instances and no hook cannot show that its disks survive: fail."""
        snap = snapshot(resources={el.GROUP: [asg("batch")], el.INSTANCE: []})
        assert statuses(findings(el.evidence_before_scale_in, snap)) == ["fail"]

    def test_mixed_is_partial_and_no_group_not_applicable(self) -> None:
        """One prepared group of two is partial; no groups is not applicable."""
        mixed = snapshot(resources={el.GROUP: [asg("a", [el.TERMINATING]), asg("b")], el.INSTANCE: []})
        assert statuses(findings(el.evidence_before_scale_in, mixed)) == ["partial"]
        none = snapshot(resources={el.GROUP: [], el.INSTANCE: []})
        assert statuses(findings(el.evidence_before_scale_in, none)) == ["not_applicable"]

    def test_denied_hooks_are_unknown(self) -> None:
        """A denied DescribeLifecycleHooks is unknown, naming the operation."""
        snap = snapshot(resources={el.INSTANCE: [], el.GROUP: []},
                        errors=[failure("autoscaling", "DescribeLifecycleHooks", [el.GROUP], "eu-west-1")])
        found = findings(el.evidence_before_scale_in, snap)
        assert statuses(found) == ["unknown"] and "DescribeLifecycleHooks" in (found[0].reason or "")


class TestVaultLock:
    def test_locked_vault_passes_and_compliance_mode_noted(self) -> None:
        """A locked vault passes; a lock date marks compliance mode."""
        snap = snapshot(resources={el.VAULT: [vault("prod", True, lock_date="2026-01-01T00:00:00Z")]})
        found = findings(el.vault_lock, snap)
        assert statuses(found) == ["pass"] and len(found[0].evidence["compliance_mode"]) == 1

    def test_unlocked_vault_fails_and_empty_vaults_ignored(self) -> None:
        """An unlocked vault with recovery points fails; an empty unlocked one is not judged."""
        snap = snapshot(resources={el.VAULT: [vault("prod", False), vault("Default", False, points=0)]})
        found = findings(el.vault_lock, snap)
        assert statuses(found) == ["fail"] and found[0].evidence["noncompliant_count"] == 1

    def test_mixed_is_partial(self) -> None:
        """One locked of two holding vaults: partial."""
        snap = snapshot(resources={el.VAULT: [vault("a", True), vault("b", False, points=None)]})
        assert statuses(findings(el.vault_lock, snap)) == ["partial"]

    def test_only_empty_vaults_is_not_applicable(self) -> None:
        """No vault holds recovery points: not applicable."""
        snap = snapshot(resources={el.VAULT: [vault("Default", False, points=0)]})
        assert statuses(findings(el.vault_lock, snap)) == ["not_applicable"]

    def test_uncollected_is_unknown(self) -> None:
        """Vaults not collected: unknown."""
        assert statuses(findings(el.vault_lock, snapshot())) == ["unknown"]
