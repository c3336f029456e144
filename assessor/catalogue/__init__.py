"""The catalogue as data: domains, controls, capabilities, responsibilities, questions, scoring, jurisdictions.

`load_catalogue()` reads the YAML files shipped in this package (or a directory that replaces them),
validates each file against its model, then checks the references between files. Every problem is
reported with the file, line and id that hold it, as a `CatalogueError`.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from importlib import resources
from pathlib import Path
from typing import TypeVar, get_args

from pydantic import BaseModel, ConfigDict

from assessor.errors import CatalogueError, InputError
from assessor.inputs import LineMap, load_yaml, parse_model
from assessor.models import (
    PROVIDERS,
    SERVICE_MODELS,
    Capability,
    Catalogue,
    Control,
    Domain,
    Effort,
    Provider,
    Question,
    ResponsibilityActivity,
    ScoringRules,
    Severity,
)

__all__ = [
    "FILES",
    "MIN_CAPABILITIES",
    "MIN_CONTROLS",
    "capabilities_by_id",
    "controls_by_id",
    "load_catalogue",
    "questions_by_id",
]

# The catalogue is the product's substance: a copy that shrank this far is broken, not customised.
MIN_CONTROLS = 50
MIN_CAPABILITIES = 20
MAX_FILE_BYTES = 4 * 1024 * 1024

SEVERITIES: tuple[str, ...] = get_args(Severity)
EFFORTS: tuple[str, ...] = get_args(Effort)
JURISDICTION_CODE = re.compile(r"^[A-Z]{2}$")

M = TypeVar("M", bound=BaseModel)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _DomainsFile(_File):
    domains: list[Domain]


class _ControlsFile(_File):
    controls: list[Control]


class _CapabilitiesFile(_File):
    capabilities: list[Capability]


class _ResponsibilitiesFile(_File):
    responsibilities: list[ResponsibilityActivity]


class _QuestionsFile(_File):
    questions: list[Question]


class _JurisdictionsFile(_File):
    jurisdictions: dict[Provider, dict[str, str]]


FILES = ("domains.yaml", "controls.yaml", "capabilities.yaml", "responsibilities.yaml", "questions.yaml",
         "scoring.yaml", "jurisdictions.yaml")


# --------------------------------------------------------------------------- public API


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """The validated catalogue; the bundled one is read once per process and shared (do not mutate it)."""
    if directory is None:
        return _bundled_catalogue()
    root = Path(directory)
    return _load(lambda name: nullcontext(root / name))


def controls_by_id(catalogue: Catalogue) -> dict[str, Control]:
    return {c.id: c for c in catalogue.controls}


def questions_by_id(catalogue: Catalogue) -> dict[str, Question]:
    return {q.id: q for q in catalogue.questions}


def capabilities_by_id(catalogue: Catalogue) -> dict[str, Capability]:
    return {c.id: c for c in catalogue.capabilities}


# --------------------------------------------------------------------------- reading


@functools.lru_cache(maxsize=1)
def _bundled_catalogue() -> Catalogue:
    root = resources.files(__name__)
    # as_file gives a real path even when the package is imported from a zip.
    return _load(lambda name: resources.as_file(root.joinpath(name)))


Opener = Callable[[str], AbstractContextManager[Path]]


class _Sources:
    """Where each file was read from and the line of every key, for pointing at problems."""

    def __init__(self, opener: Opener) -> None:
        self._opener = opener
        self.paths: dict[str, Path] = {}
        self.lines: dict[str, LineMap] = {}

    def read(self, name: str, model: type[M]) -> M:
        with self._opener(name) as path:
            self.paths[name] = path
            try:
                data, self.lines[name] = load_yaml(path, limit=MAX_FILE_BYTES)
                return parse_model(model, data, path, self.lines[name])
            except InputError as exc:
                # Not user input: keep the file, line and key of the message, but as a catalogue error.
                raise CatalogueError(f"catalogue file {exc}") from None


def _load(opener: Opener) -> Catalogue:
    sources = _Sources(opener)
    catalogue = Catalogue(
        domains=sources.read("domains.yaml", _DomainsFile).domains,
        controls=sources.read("controls.yaml", _ControlsFile).controls,
        capabilities=sources.read("capabilities.yaml", _CapabilitiesFile).capabilities,
        responsibilities=sources.read("responsibilities.yaml", _ResponsibilitiesFile).responsibilities,
        questions=sources.read("questions.yaml", _QuestionsFile).questions,
        scoring=sources.read("scoring.yaml", ScoringRules),
        jurisdictions=sources.read("jurisdictions.yaml", _JurisdictionsFile).jurisdictions,
    )
    problems = _Problems(sources)
    _cross_check(catalogue, problems)
    problems.raise_if_any()
    return catalogue


# --------------------------------------------------------------------------- cross-validation


class _Problems:
    def __init__(self, sources: _Sources) -> None:
        self._sources = sources
        self._found: list[str] = []

    def add(self, file: str, loc: tuple[str | int, ...], ident: str, message: str) -> None:
        where = str(self._sources.paths.get(file, file))
        line = self.line_of(file, loc)
        if line is not None:
            where += f":{line}"
        self._found.append(f"{where}: {ident}: {message}")

    def line_of(self, file: str, loc: tuple[str | int, ...]) -> int | None:
        """Line of the key at `loc`, or of its nearest enclosing key."""
        lines = self._sources.lines.get(file, {})
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in lines:
                return lines[loc[:cut]]
        return None

    def raise_if_any(self) -> None:
        if not self._found:
            return
        count = len(self._found)
        head = "the catalogue is inconsistent" + (f" ({count} problems)" if count > 1 else "")
        raise CatalogueError(head + ":\n  " + "\n  ".join(self._found))


def _cross_check(cat: Catalogue, problems: _Problems) -> None:
    _unique_ids(problems, "domains.yaml", "domains", (d.id for d in cat.domains))
    _unique_ids(problems, "controls.yaml", "controls", (c.id for c in cat.controls))
    _unique_ids(problems, "capabilities.yaml", "capabilities", (c.id for c in cat.capabilities))
    _unique_ids(problems, "responsibilities.yaml", "responsibilities", (r.id for r in cat.responsibilities))
    _unique_ids(problems, "questions.yaml", "questions", (q.id for q in cat.questions))
    _check_controls(cat, problems)
    _check_capabilities(cat, problems)
    _check_questions(cat, problems)
    _check_responsibilities(cat, problems)
    _check_scoring(cat, problems)
    _check_jurisdictions(cat, problems)


def _unique_ids(problems: _Problems, file: str, key: str, ids: Iterable[str]) -> None:
    first_index: dict[str, int] = {}
    for index, ident in enumerate(ids):
        if ident in first_index:
            first_line = problems.line_of(file, (key, first_index[ident]))
            problems.add(file, (key, index, "id"), ident,
                         f"duplicate id (first defined at line {first_line})")
        else:
            first_index[ident] = index


def _check_controls(cat: Catalogue, problems: _Problems) -> None:
    file = "controls.yaml"
    domains = {d.id for d in cat.domains}
    capabilities = capabilities_by_id(cat)
    questions = {q.id for q in cat.questions}
    for i, control in enumerate(cat.controls):
        at = ("controls", i)
        if control.domain not in domains:
            problems.add(file, (*at, "domain"), control.id,
                         f"domain {control.domain!r} is not defined in domains.yaml")
        elif not control.id.startswith(control.domain + "-"):
            problems.add(file, (*at, "id"), control.id, f"id must start with its domain {control.domain!r}")
        if not control.service_models:
            problems.add(file, (*at, "service_models"), control.id, "lists no service models")
        if not control.automatable and not control.questions:
            problems.add(file, (*at, "questions"), control.id,
                         "has neither automatable providers nor questions, so it could never be assessed")
        for field, values in (("service_models", control.service_models), ("automatable", control.automatable),
                              ("questions", control.questions)):
            for value, count in Counter(values).items():
                if count > 1:
                    problems.add(file, (*at, field), control.id, f"{field} lists {value!r} twice")
        if control.capability is not None:
            capability = capabilities.get(control.capability)
            if capability is None:
                problems.add(file, (*at, "capability"), control.id,
                             f"capability {control.capability!r} is not defined in capabilities.yaml")
            elif control.id not in capability.controls:
                problems.add(file, (*at, "capability"), control.id,
                             f"stands for capability {control.capability!r}, which does not list it "
                             "in its controls in capabilities.yaml")
        for j, question in enumerate(control.questions):
            if question not in questions:
                problems.add(file, (*at, "questions", j), control.id,
                             f"question {question!r} is not defined in questions.yaml")
        refs = [(r.framework, r.version, r.id) for r in control.references]
        for ref, count in Counter(refs).items():
            if count > 1:
                problems.add(file, (*at, "references"), control.id, f"reference {'/'.join(ref)} is listed twice")
    if len(cat.controls) < MIN_CONTROLS:
        problems.add(file, ("controls",), "controls",
                     f"only {len(cat.controls)} controls; the catalogue needs at least {MIN_CONTROLS}")
    used_domains = {c.domain for c in cat.controls}
    for i, domain in enumerate(cat.domains):
        if domain.id not in used_domains:
            problems.add("domains.yaml", ("domains", i, "id"), domain.id, "no control belongs to this domain")


def _check_capabilities(cat: Catalogue, problems: _Problems) -> None:
    file = "capabilities.yaml"
    controls = {c.id for c in cat.controls}
    for i, capability in enumerate(cat.capabilities):
        at = ("capabilities", i)
        for provider in PROVIDERS:
            if provider not in capability.counterparts:
                problems.add(file, (*at, "counterparts"), capability.id, f"has no counterpart for {provider}")
        for model in SERVICE_MODELS:
            if model not in capability.ownership:
                problems.add(file, (*at, "ownership"), capability.id, f"has no ownership for {model}")
        for j, control in enumerate(capability.controls):
            if control not in controls:
                problems.add(file, (*at, "controls", j), capability.id,
                             f"control {control!r} is not defined in controls.yaml")
        for control, count in Counter(capability.controls).items():
            if count > 1:
                problems.add(file, (*at, "controls"), capability.id, f"controls lists {control!r} twice")
    if len(cat.capabilities) < MIN_CAPABILITIES:
        problems.add(file, ("capabilities",), "capabilities",
                     f"only {len(cat.capabilities)} capabilities; the catalogue needs at least "
                     f"{MIN_CAPABILITIES}")


def _check_questions(cat: Catalogue, problems: _Problems) -> None:
    file = "questions.yaml"
    users: dict[str, list[Control]] = {}
    for control in cat.controls:
        for question_id in control.questions:
            users.setdefault(question_id, []).append(control)
    for i, question in enumerate(cat.questions):
        at = ("questions", i)
        for message, key in _question_shape_problems(question):
            problems.add(file, (*at, key), question.id, message)
        controls = users.get(question.id, [])
        if not controls:
            problems.add(file, (*at, "id"), question.id, "no control in controls.yaml uses this question")
            continue
        reachable = {m for c in controls for m in c.service_models}
        if not set(question.service_models) & reachable:
            problems.add(file, (*at, "service_models"), question.id,
                         f"applies to {sorted(question.service_models)} but its controls "
                         f"({', '.join(c.id for c in controls)}) only apply to {sorted(reachable)}")


def _question_shape_problems(q: Question) -> Iterator[tuple[str, str]]:
    """What is wrong with a question's kind-specific settings, as (message, key) pairs."""
    if not q.service_models:
        yield "lists no service models", "service_models"
    if q.kind == "choice":
        if not q.choices:
            yield "choice question has no choices", "choices"
        for value, count in Counter(q.choices).items():
            if count > 1:
                yield f"choice {value!r} is listed twice", "choices"
        if not q.pass_values:
            yield "choice question has no pass_values", "pass_values"
        for key, values in (("pass_values", q.pass_values), ("partial_values", q.partial_values)):
            outside = [v for v in values if v not in q.choices]
            if outside:
                yield f"{key} {outside} are not among the choices {q.choices}", key
        both = sorted(set(q.pass_values) & set(q.partial_values))
        if both:
            yield f"{both} are in both pass_values and partial_values", "partial_values"
    else:
        for key, values in (("choices", q.choices), ("pass_values", q.pass_values),
                            ("partial_values", q.partial_values)):
            if values:
                yield f"{key} only apply to choice questions, not {q.kind}", key
    if q.kind == "integer" and q.min_value is None:
        yield "integer question needs min_value (the passing minimum)", "min_value"
    if q.kind != "integer" and q.min_value is not None:
        yield f"min_value only applies to integer questions, not {q.kind}", "min_value"
    if q.kind == "date":
        if q.stale_after_days is None:
            yield "date question needs stale_after_days", "stale_after_days"
        elif q.stale_after_days <= 0:
            yield "stale_after_days must be positive", "stale_after_days"
    elif q.stale_after_days is not None:
        yield f"stale_after_days only applies to date questions, not {q.kind}", "stale_after_days"


def _check_responsibilities(cat: Catalogue, problems: _Problems) -> None:
    for i, activity in enumerate(cat.responsibilities):
        for model in SERVICE_MODELS:
            if model not in activity.split:
                problems.add("responsibilities.yaml", ("responsibilities", i, "split"), activity.id,
                             f"has no owner for {model}")


def _check_scoring(cat: Catalogue, problems: _Problems) -> None:
    file, rules = "scoring.yaml", cat.scoring
    _require_keys(problems, file, "severity_weights", rules.severity_weights, SEVERITIES)
    _require_keys(problems, file, "effort_factors", rules.effort_factors, EFFORTS)
    for key, weights in (("severity_weights", rules.severity_weights), ("effort_factors", rules.effort_factors)):
        for name, value in weights.items():
            if value <= 0:
                problems.add(file, (key, name), f"{key}.{name}", "must be greater than 0")
    bounds = [bound for bound, _ in rules.maturity]
    if not bounds:
        problems.add(file, ("maturity",), "maturity", "needs at least one level")
        return
    if bounds[0] != 0:
        problems.add(file, ("maturity", 0), "maturity", f"must start at 0, not {bounds[0]:g}")
    for i in range(1, len(bounds)):
        if bounds[i] <= bounds[i - 1]:
            problems.add(file, ("maturity", i), "maturity",
                         f"bounds must ascend: {bounds[i]:g} follows {bounds[i - 1]:g}")
    for i, (bound, label) in enumerate(rules.maturity):
        if not 0 <= bound <= 100:
            problems.add(file, ("maturity", i), "maturity", f"bound {bound:g} is outside 0..100")
        if not label.strip():
            problems.add(file, ("maturity", i), "maturity", "level has an empty label")


def _require_keys(problems: _Problems, file: str, key: str, found: Collection[str],
                  required: Iterable[str]) -> None:
    for name in required:
        if name not in found:
            problems.add(file, (key,), key, f"has no value for {name!r}")


def _check_jurisdictions(cat: Catalogue, problems: _Problems) -> None:
    file = "jurisdictions.yaml"
    for provider in PROVIDERS:
        regions = cat.jurisdictions.get(provider)
        if not regions:
            problems.add(file, ("jurisdictions",), provider, "has no regions")
            continue
        seen: dict[str, str] = {}
        for region, code in regions.items():
            at = ("jurisdictions", provider, region)
            if not JURISDICTION_CODE.match(code):
                problems.add(file, at, f"{provider} {region}",
                             f"jurisdiction {code!r} is not a two-letter upper-case code")
            folded = region.strip().lower()
            if not folded:
                problems.add(file, at, provider, "has an empty region name")
            elif folded in seen:
                problems.add(file, at, f"{provider} {region}",
                             f"duplicates {seen[folded]!r} (region names are case-insensitive)")
            else:
                seen[folded] = region
