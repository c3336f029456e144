"""History of assessment runs in SQLite or PostgreSQL, and what changed between two of them."""

from assessor.history.diff import diff
from assessor.history.models import (
    ControlChange,
    ControlState,
    DomainChange,
    RunDiff,
    RunSummary,
    StoredFinding,
    StoredRun,
    TrendPoint,
)
from assessor.history.store import HistoryStore, open_store, scope_key

__all__ = [
    "ControlChange",
    "ControlState",
    "DomainChange",
    "HistoryStore",
    "RunDiff",
    "RunSummary",
    "StoredFinding",
    "StoredRun",
    "TrendPoint",
    "diff",
    "open_store",
    "scope_key",
]
