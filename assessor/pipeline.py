"""Load inputs, evaluate, score: the offline assessment as one function the CLI and benchmarks share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assessor import __version__
from assessor.catalogue import load_catalogue
from assessor.evaluate import evaluate, jurisdiction_maps
from assessor.models import Assessment, Catalogue, InputDigest
from assessor.plugins import RegisteredCheck, load_checks
from assessor.questionnaire import load_answers
from assessor.scoring import ScoringInput, assess, residency_of, scope_of
from assessor.snapshots import LoadedSnapshot, load_snapshots


@dataclass(frozen=True)
class AssessmentRun:
    assessment: Assessment
    catalogue: Catalogue
    warnings: tuple[str, ...]


Progress = Callable[[int], None]


def file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_assessment(snapshot_paths: Sequence[Path], answers_path: Path, generated_at: datetime,
                   checks: Sequence[RegisteredCheck] | None = None,
                   on_snapshots: Callable[[int], Progress] | None = None) -> AssessmentRun:
    catalogue = load_catalogue()
    registered = list(checks) if checks is not None else load_checks(catalogue)
    answers_file = load_answers(answers_path, catalogue, generated_at.date(), strict_expiry=False)
    profile = answers_file.answers.profile
    loaded: list[LoadedSnapshot] = load_snapshots(snapshot_paths)
    progress = on_snapshots(len(loaded)) if on_snapshots else None
    findings = evaluate([s.snapshot for s in loaded], profile, catalogue, registered, progress)

    checks_by_control: dict[str, list[str]] = {}
    providers = {s.snapshot.provider for s in loaded}
    for reg in registered:
        if reg.spec.provider in providers:
            checks_by_control.setdefault(reg.spec.control, []).append(reg.spec.id)
    jurisdictions = jurisdiction_maps(catalogue)
    residency = [entry for s in loaded
                 for entry in residency_of(s.snapshot, profile, jurisdictions.get(s.snapshot.provider, {}))]
    inputs = [InputDigest(path=_display(s.path), kind="snapshot", sha256=s.sha256, size=s.size) for s in loaded]
    inputs.append(InputDigest(path=_display(answers_path), kind="answers", sha256=file_sha256(answers_path),
                              size=answers_path.stat().st_size))
    assessment = assess(ScoringInput(
        findings=findings, answers=answers_file.answers, catalogue=catalogue,
        checks_by_control=checks_by_control, scopes=[scope_of(s.snapshot) for s in loaded],
        residency=residency, inputs=inputs, generated_at=generated_at, tool_version=__version__,
    ))
    return AssessmentRun(assessment, catalogue, answers_file.warnings)


def _display(path: Path) -> str:
    """Paths as given relative to the working directory, so reports do not leak home folders."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path.name
