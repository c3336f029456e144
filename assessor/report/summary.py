"""The `--summary-json` one-liner for schedulers: the run's headline numbers and what changed since the last run.

One JSON object on one line (ASCII, so a newline or control character inside a name cannot split it), keys in a
fixed order. Without a previous run to compare with (`diff` is None) the change fields are null, never 0: "no
regression" and "nothing to compare" are different answers. Only counts, control ids, names of the organisation
and the output paths given; no identities, evidence or input paths.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assessor.models import Assessment, Status

if TYPE_CHECKING:
    from assessor.history.models import ControlChange, RunDiff

SUMMARY_FORMAT_VERSION = 1


def _ids(changes: Sequence[ControlChange]) -> list[str]:
    return sorted({c.control_id for c in changes})


def summary_data(assessment: Assessment, diff: RunDiff | None, outputs: Mapping[str, str] | None = None,
                 run_id: int | None = None) -> dict[str, Any]:
    """The summary as a dict; `outputs` maps a format name to the path written, `run_id` is the history run."""
    control_counts = {s.value: 0 for s in Status}
    for control in assessment.controls:
        control_counts[control.status.value] += 1
    finding_counts = {s.value: assessment.status_counts.get(s, 0) for s in Status}
    index = assessment.readiness_index
    data: dict[str, Any] = {
        "summary_format_version": SUMMARY_FORMAT_VERSION,
        "tool_version": assessment.tool_version,
        "generated_at": assessment.generated_at.isoformat(),
        "organization": assessment.organization,
        "run_id": run_id,
        "readiness_index": None if index is None else round(index, 2),
        "maturity": assessment.maturity,
        "confidence": round(assessment.confidence, 4),
        "controls": control_counts,
        "findings": finding_counts,
        "compared": diff is not None,
        "index_change": None,
        "regressions": None,
        "new_failures": None,
        "fixed": None,
        "new_unknowns": None,
        "regressed_controls": None,
        "new_failure_controls": None,
        "outputs": dict(sorted((outputs or {}).items())),
    }
    if diff is not None:
        change = diff.index_change
        data["index_change"] = None if change is None else round(change, 2)
        data["regressions"] = len(diff.regressions)
        data["new_failures"] = len(diff.new_failures)
        data["fixed"] = len(diff.fixed)
        data["new_unknowns"] = len(diff.new_unknowns)
        data["regressed_controls"] = _ids(diff.regressions)
        data["new_failure_controls"] = _ids(diff.new_failures)
    return data


def summary_json(assessment: Assessment, diff: RunDiff | None, outputs: Mapping[str, str] | None = None,
                 run_id: int | None = None) -> str:
    """The summary as one line of JSON, without a trailing newline."""
    return json.dumps(summary_data(assessment, diff, outputs, run_id), ensure_ascii=True, separators=(",", ":"))
