"""Recording and reading runs, on SQLite and on a real PostgreSQL, through the same code."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from assessor.errors import InputError
from assessor.history import open_store, scope_key
from assessor.history.models import RunSummary, as_json
from tests.history.builders import T0, S, assessment, organisation, scope


def test_record_then_read_back_everything(store_url: str) -> None:
    """A recorded run comes back with its summary, domain scores, control states and every finding."""
    before = assessment({"LC-01": S.PASS, "LC-02": (S.PARTIAL, 0.8), "LC-03": S.UNKNOWN, "PP-01": "accepted"},
                        accounts=("222", "111"))
    with open_store(store_url) as store:
        summary = store.record(before)
        stored = store.run(summary.run_id)
    assert stored.summary == summary
    assert summary.scope == ["aws:111", "aws:222"]
    assert summary.scope_key == scope_key(before)
    assert summary.readiness_index == pytest.approx(before.readiness_index)
    assert summary.generated_at == T0 and summary.generated_at.tzinfo is not None
    assert summary.recorded_at.tzinfo is not None
    assert [as_json(i) for i in summary.inputs] == [i.model_dump(mode="json") for i in before.inputs]
    assert summary.status_counts == {str(k): v for k, v in before.status_counts.items()}
    assert summary.tool_version == "9.9.9" and summary.assessment_format_version == 1
    assert stored.domains == {d.domain: d.score for d in before.domains}
    assert stored.controls["LC-02"].status == "partial" and stored.controls["LC-02"].score == pytest.approx(0.8)
    assert stored.controls["PP-01"].status == "accepted" and stored.controls["LC-01"].severity == "critical"
    expected = sorted((f.check_id, f.account_id, f.resource_id, f.status.value, f.message, f.reason)
                      for c in before.controls for f in c.findings)
    got = sorted((f.check_id, f.account_id, f.resource_id, f.status, f.message, f.reason) for f in stored.findings)
    assert got == expected


def test_runs_previous_and_trend_follow_scope_and_order(store_url: str) -> None:
    """runs() is newest first, previous() stays within the scope, trend() is oldest first and bounded."""
    with open_store(store_url) as store:
        a1 = store.record(assessment({"LC-01": S.PASS}, generated_at=T0))
        b1 = store.record(assessment({"LC-01": S.FAIL}, accounts=("999",), generated_at=T0))
        a2 = store.record(assessment({"LC-01": S.FAIL}, generated_at=T0 + timedelta(days=1)))
        a3 = store.record(assessment({"LC-01": (S.PARTIAL, 0.5)}, generated_at=T0 + timedelta(days=2)))
        assert [r.run_id for r in store.runs()] == [a3.run_id, a2.run_id, b1.run_id, a1.run_id]
        assert [r.run_id for r in store.runs(scope_key=a1.scope_key)] == [a3.run_id, a2.run_id, a1.run_id]
        assert [r.run_id for r in store.runs(scope_key=a1.scope_key, limit=2)] == [a3.run_id, a2.run_id]
        assert store.runs(scope_key="0" * 16) == []
        previous = store.previous(a2.run_id)
        assert previous is not None and previous.summary.run_id == a1.run_id  # not b1, another scope
        assert store.previous(a1.run_id) is None
        assert store.previous(b1.run_id) is None
        trend = store.trend(a1.scope_key)
        assert [p.run_id for p in trend] == [a1.run_id, a2.run_id, a3.run_id]
        assert [p.generated_at for p in trend] == [T0, T0 + timedelta(days=1), T0 + timedelta(days=2)]
        assert [p.run_id for p in store.trend(a1.scope_key, limit=2)] == [a2.run_id, a3.run_id]
        assert [p.run_id for p in store.trend(a1.scope_key, up_to=a2.run_id)] == [a1.run_id, a2.run_id]
        assert trend[0].readiness_index == pytest.approx(100.0) and trend[1].readiness_index == pytest.approx(0.0)


def test_store_keeps_runs_across_reopening(store_url: str) -> None:
    """Closing and reopening a store (the next scheduled run) sees the earlier runs unchanged."""
    with open_store(store_url) as store:
        first = store.record(assessment({"LC-01": S.PASS}))
    with open_store(store_url) as store:
        assert store.runs() == [first]
        second = store.record(assessment({"LC-01": S.FAIL}))
        assert second.run_id > first.run_id


def test_unknown_run_is_an_input_error(store_url: str) -> None:
    """Asking for a run that does not exist names the run; it is a usage error (exit 2), not a crash."""
    with open_store(store_url) as store:
        with pytest.raises(InputError, match="no run 42"):
            store.run(42)
        with pytest.raises(InputError, match="no run 42"):
            store.previous(42)


def test_hostile_text_is_stored_as_data(store_url: str) -> None:
    """HTML, template braces, RTL overrides, quotes and 10k-char names go in and come out byte for byte."""
    from assessor.models import Finding

    nasty = "<script>alert(1)</script> {{ 7*7 }} '; DROP TABLE runs; -- \u202e" + "x" * 10_000
    extra = [Finding(check_id="aws.test.lc_01", control_id="LC-01", provider="aws", account_id="111111111111",
                     resource_id=nasty, status=S.FAIL, message=nasty, reason=None)]
    with open_store(store_url) as store:
        stored = store.run(store.record(assessment({"LC-01": S.PASS}, extra=extra)).run_id)
    hit = [f for f in stored.findings if f.resource_id == nasty]
    assert len(hit) == 1 and hit[0].message == nasty


def test_scope_key_is_stable_and_order_free() -> None:
    """The same accounts in any order give the same 16-hex key; another account set gives another key."""
    a = assessment({"LC-01": S.PASS}, accounts=("111", "222"))
    b = assessment({"LC-01": S.FAIL}, accounts=("222", "111"))
    c = assessment({"LC-01": S.PASS}, accounts=("111",))
    assert scope_key(a) == scope_key(b) != scope_key(c)
    assert len(scope_key(a)) == 16 and int(scope_key(a), 16) >= 0
    gcp = a.model_copy(update={"scopes": [scope("111", provider="gcp"), scope("222")]})
    assert scope_key(gcp) != scope_key(a)  # the provider is part of the key


def test_a_50_account_run_lands_whole(store_url: str) -> None:
    """About 2,500 findings of one run are recorded, each with its account and status (speed: benchmarks/)."""
    org = organisation(50)
    total = sum(len(c.findings) for c in org.controls)
    assert total >= 2500
    with open_store(store_url) as store:
        store.record(organisation(50, day=1))
        summary: RunSummary = store.record(org)
        stored = store.run(summary.run_id)
    assert len(stored.findings) == total
    expected = Counter((f.account_id, f.check_id, f.resource_id, f.status.value)
                       for c in org.controls for f in c.findings)
    assert Counter((f.account_id, f.check_id, f.resource_id, f.status) for f in stored.findings) == expected
