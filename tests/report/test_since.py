"""The "Since last assessment" view: the trend chart's geometry and words, and the first run of a scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assessor.history import TrendPoint
from assessor.report.since import CHART_HEIGHT, CHART_WIDTH, HistoryContext, build_since, trend_chart

START = datetime(2026, 11, 1, 2, tzinfo=UTC)


def points(*indexes: float | None) -> list[TrendPoint]:
    return [TrendPoint(run_id=n + 1, generated_at=START + timedelta(days=n), readiness_index=v)
            for n, v in enumerate(indexes)]


def coords(text: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in text.split())]


def test_chart_needs_two_scored_runs() -> None:
    """One run, or runs with no index, draw no chart rather than a single dot or a line at zero."""
    assert trend_chart(points(55.0)) is None
    assert trend_chart(points(None, 55.0, None)) is None


def test_chart_stays_in_its_box_and_follows_the_index() -> None:
    """Every point is inside the SVG; a higher index is drawn higher (smaller y); x grows with time."""
    chart = trend_chart(points(10.0, 90.0, 50.0, 100.0, 0.0))
    assert chart is not None
    xy = coords(chart.points)
    assert all(0 <= x <= CHART_WIDTH and 0 <= y <= CHART_HEIGHT for x, y in xy)
    assert xy[1][1] < xy[2][1] < xy[0][1] and xy[3][1] < xy[1][1] and xy[4][1] > xy[0][1]
    assert [x for x, _ in xy] == sorted(x for x, _ in xy)
    assert "from 10 on 2026-11-01" in chart.description and "lowest 0, highest 100" in chart.description


def test_an_unscored_run_has_no_dot_and_no_fake_zero() -> None:
    """A run whose index could not be computed is left out of the line, never drawn at 0."""
    chart = trend_chart(points(60.0, None, 62.0))
    assert chart is not None
    assert len(coords(chart.points)) == 2 and len(chart.dots) == 2
    assert all(y < CHART_HEIGHT - 30 for _, y in coords(chart.points))


def test_first_run_of_a_scope_says_so() -> None:
    """With no previous run there is nothing to compare: the section says so and shows no change table."""
    view = build_since(HistoryContext(run_id=7, diff=None, trend=points(61.0)), row_limit=10)
    assert view.first_run and "run 7, the first recorded for this scope" in view.run_line
    assert view.rows == [] and view.chart is None
