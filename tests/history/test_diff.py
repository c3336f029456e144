"""The diff rules, on assessments made by the real scoring code and read back from a store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime

import pytest

from assessor.history import HistoryStore, RunDiff, diff, open_store
from assessor.history.models import FINDING_LIST_CAP, as_json
from assessor.models import Assessment, Finding
from tests.history.builders import S, State, assessment


@pytest.fixture
def store(sqlite_url: str) -> Iterator[HistoryStore]:
    with open_store(sqlite_url) as opened:
        yield opened


def changes(store: HistoryStore, before: Assessment, after: Assessment) -> RunDiff:
    a, b = store.record(before), store.record(after)
    return diff(store.run(a.run_id), store.run(b.run_id))


def ids(items: list) -> list[str]:  # type: ignore[type-arg]
    return [c.control_id for c in items]


def one(store: HistoryStore, was: State | None, now: State) -> RunDiff:
    """LC-02 goes from `was` (None: absent from the earlier run) to `now`; LC-01 stays passing."""
    before = assessment({"LC-01": S.PASS, **({"LC-02": was} if was is not None else {})})
    if was is None:
        before = before.model_copy(update={"controls": [c for c in before.controls if c.control_id != "LC-02"]})
    return changes(store, before, assessment({"LC-01": S.PASS, "LC-02": now}))


@pytest.mark.parametrize(("was", "now", "new_failure", "fixed", "new_unknown", "regression"), [
    (S.PASS, S.FAIL, True, False, False, True),
    (S.PASS, (S.PARTIAL, 0.5), True, False, False, True),
    (S.NOT_APPLICABLE, S.FAIL, True, False, False, False),
    ("accepted", S.FAIL, True, False, False, True),  # the acceptance lapsed: worse, so a CI gate fails
    (None, S.FAIL, True, False, False, False),
    (S.FAIL, S.PASS, False, True, False, False),
    ((S.PARTIAL, 0.5), S.PASS, False, True, False, False),
    (S.FAIL, (S.PARTIAL, 0.5), False, False, False, False),
    ((S.PARTIAL, 0.5), S.FAIL, False, False, False, True),
    (S.PASS, S.UNKNOWN, False, False, True, True),
    (S.FAIL, S.ERROR, False, False, True, True),
    (S.UNKNOWN, S.FAIL, False, False, False, False),
    (S.NOT_APPLICABLE, S.UNKNOWN, False, False, False, False),
    (S.PASS, S.NOT_APPLICABLE, False, False, False, False),
    ((S.PARTIAL, 0.8), (S.PARTIAL, 0.6), False, False, False, True),
    ((S.PARTIAL, 0.8), (S.PARTIAL, 0.797), False, False, False, False),
    ((S.PARTIAL, 0.6), (S.PARTIAL, 0.8), False, False, False, False),
    (S.FAIL, S.FAIL, False, False, False, False),
])
def test_control_change_rules(store: HistoryStore, was: State | None, now: State, new_failure: bool, fixed: bool,
                              new_unknown: bool, regression: bool) -> None:
    """Each before/after pair lands in exactly the lists the rules say, and nowhere else."""
    d = one(store, was, now)
    assert ids(d.new_failures) == (["LC-02"] if new_failure else [])
    assert ids(d.fixed) == (["LC-02"] if fixed else [])
    assert ids(d.new_unknowns) == (["LC-02"] if new_unknown else [])
    assert ids(d.regressions) == (["LC-02"] if regression else [])


def test_control_change_carries_both_sides(store: HistoryStore) -> None:
    """A change names the control, its severity and both statuses and scores."""
    d = one(store, (S.PARTIAL, 0.8), S.FAIL)
    change = d.regressions[0]
    assert (change.title, change.severity) == ("Control LC-02", "high")
    assert (change.before_status, change.after_status) == ("partial", "fail")
    assert change.before_score == pytest.approx(0.8) and change.after_score == 0.0
    absent = one(store, None, S.FAIL).new_failures[0]
    assert absent.before_status is None and absent.before_score is None


def test_index_and_domain_changes(store: HistoryStore) -> None:
    """The index change is after minus before; only domains whose score moved are listed."""
    d = changes(store, assessment({"LC-01": S.PASS, "LC-02": S.PASS, "PP-01": S.PASS}),
                assessment({"LC-01": S.PASS, "LC-02": S.FAIL, "PP-01": S.PASS}))
    assert d.before.readiness_index == pytest.approx(100.0)
    assert d.index_change == pytest.approx(d.after.readiness_index - 100.0)  # type: ignore[operator]
    assert d.index_change is not None and d.index_change < 0
    assert [c.domain for c in d.domain_changes] == ["LC"]
    lc = d.domain_changes[0]
    assert lc.before == pytest.approx(1.0) and lc.after == pytest.approx(10 / 16)
    assert lc.change == pytest.approx(10 / 16 - 1.0)


def test_domain_losing_its_score_is_listed_without_a_number(store: HistoryStore) -> None:
    """A domain that could be scored before and not now is a change, with no numeric delta to invent."""
    d = changes(store, assessment({"LC-01": S.PASS, "PP-01": S.PASS}),
                assessment({"LC-01": S.PASS, "PP-01": S.UNKNOWN}))
    assert [(c.domain, c.before, c.after, c.change) for c in d.domain_changes] == [("PP", 1.0, None, None)]


def test_no_index_on_either_side_gives_no_index_change(store: HistoryStore) -> None:
    """When a run has no readiness index the change is None, never a made-up number."""
    d = changes(store, assessment({"LC-01": S.UNKNOWN}), assessment({"LC-01": S.PASS}))
    assert d.before.readiness_index is None and d.index_change is None


def test_identical_runs_have_no_changes(store: HistoryStore) -> None:
    """Recording the same assessment twice shows nothing changed."""
    same = assessment({"LC-01": S.PASS, "LC-02": S.FAIL, "LC-03": S.UNKNOWN, "PP-01": (S.PARTIAL, 0.5)})
    d = changes(store, same, same)
    assert (d.new_failures, d.fixed, d.new_unknowns, d.regressions, d.domain_changes) == ([], [], [], [], [])
    assert d.index_change == 0.0
    assert (d.new_failing_findings_total, d.fixed_findings_total, d.new_unknown_findings_total) == (0, 0, 0)


def test_changes_are_ordered_by_severity(store: HistoryStore) -> None:
    """The most severe regressions come first, so a short notification shows what matters."""
    d = changes(store, assessment({"LC-04": S.PASS, "LC-01": S.PASS, "LC-03": S.PASS}),
                assessment({"LC-04": S.FAIL, "LC-01": S.FAIL, "LC-03": S.FAIL}))
    assert ids(d.regressions) == ["LC-01", "LC-03", "LC-04"]  # critical, medium, low


def _resource(n: int, status: S) -> Finding:
    return Finding(check_id="aws.test.bucket", control_id="LC-03", provider="aws", account_id="111111111111",
                   region="eu-west-1", resource_id=f"arn:aws:s3:::bucket-{n}", status=status, message=f"bucket {n}")


def test_finding_changes_are_keyed_by_check_account_and_resource(store: HistoryStore) -> None:
    """A resource that starts failing is new; one that now passes is fixed; one that vanished is not 'fixed'."""
    before = [_resource(1, S.PASS), _resource(2, S.FAIL), _resource(3, S.FAIL), _resource(4, S.FAIL)]
    after = [_resource(1, S.FAIL), _resource(2, S.PASS), _resource(4, S.FAIL), _resource(5, S.FAIL)]
    d = changes(store, assessment({"LC-01": S.PASS}, extra=before), assessment({"LC-01": S.PASS}, extra=after))
    assert sorted(f.resource_id or "" for f in d.new_failing_findings) == ["arn:aws:s3:::bucket-1",
                                                                            "arn:aws:s3:::bucket-5"]
    assert [f.resource_id for f in d.fixed_findings] == ["arn:aws:s3:::bucket-2"]
    assert (d.new_failing_findings_total, d.fixed_findings_total) == (2, 1)


def test_finding_lists_are_capped_but_totals_exact(store: HistoryStore) -> None:
    """Hundreds of new failures list at most the cap; the total still counts them all."""
    many = FINDING_LIST_CAP + 55
    d = changes(store, assessment({"LC-01": S.PASS}, extra=[_resource(n, S.PASS) for n in range(many)]),
                assessment({"LC-01": S.PASS}, extra=[_resource(n, S.FAIL) for n in range(many)]))
    assert len(d.new_failing_findings) == FINDING_LIST_CAP
    assert d.new_failing_findings_total == many
    back = changes(store, assessment({"LC-01": S.PASS}, extra=[_resource(n, S.FAIL) for n in range(many)]),
                   assessment({"LC-01": S.PASS}, extra=[_resource(n, S.PASS) for n in range(many)]))
    assert len(back.fixed_findings) == FINDING_LIST_CAP and back.fixed_findings_total == many


def test_diff_is_serialisable(store: HistoryStore) -> None:
    """The diff becomes plain JSON, as `diff --json` prints it: every field, UTC times ending in Z, nothing lost."""
    d = one(store, S.PASS, S.FAIL)
    data = json.loads(json.dumps(as_json(d)))
    assert list(data) == [f.name for f in fields(RunDiff)]
    assert data["regressions"] == [as_json(c) for c in d.regressions] and len(data["regressions"]) == 1
    assert data["regressions"][0]["control_id"] == "LC-02"
    assert data["regressions"][0]["before_status"] == "pass" and data["regressions"][0]["after_status"] == "fail"
    assert data["after"]["run_id"] == d.after.run_id and data["after"]["scope"] == d.after.scope
    assert data["after"]["generated_at"].endswith("Z")
    assert datetime.fromisoformat(data["after"]["generated_at"]) == d.after.generated_at
    assert data["index_change"] == d.index_change


def test_visibility_lost_in_one_account_shows_at_finding_level(store: HistoryStore) -> None:
    """One account going dark can leave an organisation-wide control partial; the lost findings are still listed."""
    before = assessment({"LC-01": S.PASS}, accounts=("111", "222"),
                        extra=[_resource(1, S.PASS), _resource(2, S.FAIL), _resource(3, S.UNKNOWN)])
    after = assessment({"LC-01": S.PASS}, accounts=("111", "222"),
                       extra=[_resource(1, S.UNKNOWN), _resource(2, S.ERROR), _resource(3, S.UNKNOWN)])
    dark = assessment({"LC-01": S.PASS}, accounts=("111", "222"))
    dark.controls[0].findings[1].status = S.UNKNOWN  # LC-01 in account 222 is no longer readable
    d = changes(store, before, after)
    assert sorted(f.resource_id or "" for f in d.new_unknown_findings) == ["arn:aws:s3:::bucket-1",
                                                                            "arn:aws:s3:::bucket-2"]
    assert d.new_unknown_findings_total == 2  # bucket-3 was never seen: not a loss
    org = changes(store, assessment({"LC-01": S.PASS}, accounts=("111", "222")), dark)
    assert [(f.control_id, f.account_id) for f in org.new_unknown_findings] == [("LC-01", "222")]
