"""The report's "Since last assessment" section: what changed since the previous run of the same scope, and the
readiness trend over the last runs as an inline SVG line chart. Built only when the run is recorded in a history
store (`--history`); everything is pre-formatted here, the template only places it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assessor.models import Status
from assessor.report.view import (
    BAND_FILLS,
    Badge,
    KeyFigure,
    anchor,
    display,
    format_count,
    format_index,
    score_css,
    status_badge,
)

if TYPE_CHECKING:
    from assessor.history import RunDiff, TrendPoint

CHART_WIDTH, CHART_HEIGHT = 600.0, 160.0
_PAD_LEFT, _PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = 34.0, 22.0, 10.0, 22.0


@dataclass(frozen=True)
class HistoryContext:
    """What the history store gave for this run: the diff with the previous run (None for the first run of a
    scope) and the trend of the last runs, oldest first, this run included."""

    run_id: int
    diff: RunDiff | None
    trend: Sequence[TrendPoint]


@dataclass(frozen=True)
class ChangeRow:
    control: str
    link: str
    title: str
    kind: Badge
    before: Badge | None
    before_score: str
    after: Badge
    after_score: str


@dataclass(frozen=True)
class DomainChangeRow:
    name: str
    before: str
    after: str
    change: str
    css: str


@dataclass(frozen=True)
class ChartTick:
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: str
    height: str
    grid_x1: str
    grid_x2: str
    points: str  # SVG polyline points
    dots: list[ChartTick]  # one per run, label = its index
    y_ticks: list[ChartTick]
    x_labels: list[ChartTick]
    line_colour: str
    description: str  # the chart in words, for screen readers and the PDF text


@dataclass(frozen=True)
class SinceView:
    run_line: str
    first_run: bool
    figures: list[KeyFigure]
    rows: list[ChangeRow]
    rows_omitted: int
    domains: list[DomainChangeRow]
    chart: TrendChart | None


_KINDS = {"regression": Badge("Worse", "s-fail"), "fixed": Badge("Fixed", "s-pass"),
          "unknown": Badge("Visibility lost", "s-unknown"), "new": Badge("New failure", "s-fail")}


def _badge(status: str | None) -> Badge | None:
    if not status:
        return None
    try:
        return status_badge(Status(status))
    except ValueError:
        return Badge(display(status, 30), "")


def _score(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def build_since(history: HistoryContext, *, row_limit: int, domain_names: dict[str, str] | None = None
                ) -> SinceView:
    diff = history.diff
    chart = trend_chart(history.trend)
    if diff is None:
        return SinceView(run_line=f"This is run {history.run_id}, the first recorded for this scope: the next run "
                                  "will be compared with it.", first_run=True, figures=[], rows=[], rows_omitted=0,
                         domains=[], chart=chart)
    rows: list[ChangeRow] = []
    seen: set[str] = set()
    for kind, items in (("regression", diff.regressions), ("new", diff.new_failures),
                        ("unknown", diff.new_unknowns), ("fixed", diff.fixed)):
        for c in items:
            if c.control_id in seen:  # a control both worse and newly failing is listed once, as worse
                continue
            seen.add(c.control_id)
            after = _badge(c.after_status) or Badge("Absent", "")
            rows.append(ChangeRow(control=display(c.control_id, 20), link="#" + anchor("control", c.control_id),
                                  title=display(c.title, 120), kind=_KINDS[kind], before=_badge(c.before_status),
                                  before_score=_score(c.before_score), after=after,
                                  after_score=_score(c.after_score)))
    change = diff.index_change
    figures = [
        KeyFigure(f"Index now (run {diff.before.run_id}: {format_index(diff.before.readiness_index)})",
                  format_index(diff.after.readiness_index)),
        KeyFigure("Change", "n/a" if change is None else f"{change:+.1f}",
                  "band-poor" if change is not None and change < 0 else "band-good" if change else ""),
        KeyFigure("Controls worse", format_count(len(diff.regressions)), "band-poor" if diff.regressions else ""),
        KeyFigure("New failures", format_count(len(diff.new_failures)), "band-poor" if diff.new_failures else ""),
        KeyFigure("Fixed", format_count(len(diff.fixed)), "band-good" if diff.fixed else ""),
        KeyFigure("Findings newly unknown", format_count(diff.new_unknown_findings_total),
                  "band-fair" if diff.new_unknown_findings_total else ""),
    ]
    names = domain_names or {}
    domains = [DomainChangeRow(name=display(f"{d.domain} {names.get(d.domain, '')}".strip(), 80),
                               before=_percent(d.before), after=_percent(d.after),
                               change="n/a" if d.change is None else f"{d.change * 100:+.1f} points",
                               css="cell-warn" if d.change is not None and d.change < 0 else "")
               for d in diff.domain_changes]
    when = _when(diff.before.generated_at)
    return SinceView(
        run_line=f"Run {history.run_id} compared with run {diff.before.run_id} of the same scope, assessed {when}.",
        first_run=False, figures=figures, rows=rows[:row_limit], rows_omitted=max(0, len(rows) - row_limit),
        domains=domains, chart=chart)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def trend_chart(points: Sequence[Any]) -> TrendChart | None:
    """An SVG line chart of the readiness index over runs (0-100 on the y axis); None with fewer than two scored
    runs. A run whose index could not be computed has no dot: the line goes from the runs before it to the runs
    after it, and never draws a fake zero."""
    scored = [p for p in points if p.readiness_index is not None]
    if len(scored) < 2:
        return None
    inner_w = CHART_WIDTH - _PAD_LEFT - _PAD_RIGHT
    inner_h = CHART_HEIGHT - _PAD_TOP - _PAD_BOTTOM
    step = inner_w / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return _PAD_TOP + inner_h * (1 - max(0.0, min(value, 100.0)) / 100.0)

    coords = [(_PAD_LEFT + i * step, y_of(p.readiness_index)) for i, p in enumerate(points)
              if p.readiness_index is not None]
    dots = [ChartTick(f"{_PAD_LEFT + i * step:.1f}", f"{y_of(p.readiness_index):.1f}", format_index(p.readiness_index))
            for i, p in enumerate(points) if p.readiness_index is not None]
    y_ticks = [ChartTick(f"{_PAD_LEFT - 6:.1f}", f"{y_of(v):.1f}", str(v)) for v in (0, 25, 50, 75, 100)]
    label_every = max(1, len(points) // 6)
    x_labels = [ChartTick(f"{_PAD_LEFT + i * step:.1f}", f"{CHART_HEIGHT - 6:.1f}", p.generated_at.strftime("%m-%d"))
                for i, p in enumerate(points) if i % label_every == 0 or i == len(points) - 1]
    last = scored[-1].readiness_index
    first = scored[0].readiness_index
    description = (f"Readiness index over the last {len(points)} runs, from {format_index(first)} on "
                   f"{_when(scored[0].generated_at)} to {format_index(last)} on {_when(scored[-1].generated_at)}; "
                   f"lowest {format_index(min(p.readiness_index for p in scored))}, highest "
                   f"{format_index(max(p.readiness_index for p in scored))}.")
    return TrendChart(width=f"{CHART_WIDTH:.0f}", height=f"{CHART_HEIGHT:.0f}", grid_x1=f"{_PAD_LEFT:.0f}",
                      grid_x2=f"{CHART_WIDTH - _PAD_RIGHT:.0f}",
                      points=" ".join(f"{x:.1f},{y:.1f}" for x, y in coords), dots=dots, y_ticks=y_ticks,
                      x_labels=x_labels, line_colour=BAND_FILLS[score_css(last / 100.0)], description=description)
