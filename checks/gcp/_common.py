"""Helpers shared by the GCP checks: the project's place in the hierarchy, reference matching,
coverage results and small evidence lists. No checks live here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, Unavailable

EVIDENCE_CAP = 50

# `https://www.googleapis.com/compute/v1/`, `//compute.googleapis.com/`, `pubsub.googleapis.com/`
_REFERENCE_PREFIX = re.compile(
    r"^(?:https://[a-z0-9.-]+/[a-z0-9]+/v[0-9][a-z0-9]*/|//[a-z0-9.-]+\.googleapis\.com/|"
    r"[a-z0-9-]+\.googleapis\.com/)"
)
_ZONE = re.compile(r"^([a-z]+-[a-z]+[0-9]+)-[a-z]$")
# One selector of a sink filter that only picks log names: logName:"..." / logName="..." / LOG_ID("...").
_LOG_TERM = re.compile(r'^(?:logName\s*[:=]\s*"[^"]*"|LOG_ID\("[^"]*"\))$')
# Built-in project sinks that only feed the project's own log buckets.
BUILT_IN_SINKS = frozenset({"_Default", "_Required"})
REQUIRED_BUCKET = "_Required"


def path_of(reference: str | None) -> str:
    """`projects/p/...` (or a bare bucket name) from a self-link, full resource name or destination."""
    return _REFERENCE_PREFIX.sub("", (reference or "").strip()).rstrip("/")


def region_of(location: str | None) -> str | None:
    """Lower-case region of a location; a zone becomes its region."""
    if not location:
        return None
    location = location.strip().lower()
    match = _ZONE.match(location)
    return match.group(1) if match else location


def capped(values: Iterable[str], cap: int = EVIDENCE_CAP) -> list[str]:
    """Sorted, de-duplicated and capped: evidence stays small whatever the estate size."""
    return sorted(set(values))[:cap]


def id_list(key: str, values: Iterable[str]) -> dict[str, Any]:
    """`{key: [first ids], key_count: n}` so a reader knows when the list was cut."""
    unique = sorted(set(values))
    return {key: unique[:EVIDENCE_CAP], f"{key}_count": len(unique)}


def coverage_result(items: list[dict[str, Any]], complies: Callable[[dict[str, Any]], bool], *,
                    noun: str, what: str, region: str | None = None,
                    extra: dict[str, Any] | None = None) -> CheckResult:
    """Pass when every item complies, fail when none does, partial with the share otherwise.

    `noun` names the items (plural, "subnets") and `what` the property ("have flow logs enabled").
    """
    if not items:
        return CheckResult.not_applicable(f"No {noun} to assess", region=region)
    good = [i["id"] for i in items if complies(i)]
    bad = [i["id"] for i in items if not complies(i)]
    evidence: dict[str, Any] = {"assessed": len(items), "compliant": len(good)}
    evidence.update(id_list("non_compliant", bad))
    evidence.update(extra or {})
    where = f" in {region}" if region else ""
    if not bad:
        return CheckResult.passed(f"{len(items)} of {len(items)} {noun}{where} {what}", region=region,
                                  evidence=evidence)
    if not good:
        return CheckResult.failed(f"0 of {len(items)} {noun}{where} {what}", region=region,
                                  evidence=evidence)
    return CheckResult.partial(f"{len(good)} of {len(items)} {noun}{where} {what}",
                               coverage=len(good) / len(items), region=region, evidence=evidence)


def region_unknowns(failed: dict[str, str]) -> list[CheckResult]:
    """One `unknown` per region the collector could not read."""
    return [CheckResult.unknown(reason, region=region) for region, reason in sorted(failed.items())]


# --------------------------------------------------------------------------- hierarchy


class Hierarchy:
    """The assessed project and its ancestors, to decide which inherited records apply."""

    def __init__(self, project: dict[str, Any]) -> None:
        # Inherited records name the project by number, some APIs by id: accept both.
        self.own = {f"projects/{project[k]}" for k in ("number", "project_id") if project.get(k)}
        ancestors = [str(a) for a in project.get("ancestors") or []]
        if not ancestors and project.get("parent"):
            ancestors = [str(project["parent"])]  # without CAI ancestors, only the direct parent is known
        self.above = [a for a in ancestors if a not in self.own]  # nearest first

    def holds(self, parent: str | None) -> bool:
        """True when a record held by `parent` applies to this project (project or an ancestor)."""
        return parent in self.own or parent in self.above

    def held_above(self, parent: str | None) -> bool:
        return parent in self.above

    def level(self, parent: str | None) -> int:
        """0 for the project, 1 for its parent, ...; large for records outside the chain."""
        if parent in self.own:
            return 0
        if parent in self.above:
            return 1 + self.above.index(parent)
        return 1_000

    def applicable(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Records held by the project or an ancestor, nearest first."""
        chosen = [r for r in records if self.holds(holder_of(r))]
        return sorted(chosen, key=lambda r: (self.level(holder_of(r)), str(r.get("id"))))


def holder_of(record: dict[str, Any]) -> str | None:
    """`organizations/N`, `folders/N` or `projects/N` holding an inherited record."""
    if record.get("parent"):
        return str(record["parent"])
    scope, scope_id = record.get("scope"), record.get("scope_id")
    if scope and scope_id:
        plural = {"organization": "organizations", "folder": "folders", "project": "projects"}
        return f"{plural.get(str(scope), str(scope))}/{scope_id}"
    return None


def hierarchy(ctx: CheckContext) -> Hierarchy:
    """The assessed project's hierarchy; `Unavailable` when the project record is missing."""
    projects = ctx.resources("gcp.project")
    match = [p for p in projects if ctx.account_id in (p.get("project_id"), p.get("number"))]
    if not match and len(projects) == 1:
        match = projects
    if not match:
        raise Unavailable(f"the snapshot holds no gcp.project record for {ctx.account_id}, so "
                          "inherited settings cannot be placed in the hierarchy")
    return Hierarchy(match[0])


def effective_sinks(ctx: CheckContext, tree: Hierarchy) -> list[dict[str, Any]]:
    """Enabled sinks that route this project's logs: its own, and ancestors' with include_children."""
    chosen = []
    for sink in ctx.resources("gcp.logging.sink"):
        if sink.get("disabled"):
            continue
        holder = holder_of(sink)
        if holder in tree.own or (tree.held_above(holder) and sink.get("include_children")):
            chosen.append(sink)
    return sorted(chosen, key=lambda s: (tree.level(holder_of(s)), str(s["id"])))


def destination_kind(destination: str | None) -> str:
    """bigquery, pubsub, storage, logging (a log bucket or project) or other."""
    text = (destination or "").strip()
    for kind in ("bigquery", "pubsub", "storage", "logging"):
        if text.startswith(f"{kind}.googleapis.com/") or text.startswith(f"//{kind}.googleapis.com/"):
            return kind
    return "other"


def routes_audit_logs(sink: dict[str, Any]) -> bool:
    """True when the sink provably routes audit logs: no filter (every entry), or a filter made only of
    logName / LOG_ID terms joined by OR, one of them selecting cloudaudit.googleapis.com; and no
    active exclusion that could drop entries.

    Anything else (AND, NOT, other fields) may narrow the stream, so it is not taken as proof.
    """
    if any(not e.get("disabled") for e in sink.get("exclusions") or []):
        return False
    text = (sink.get("filter") or "").strip()
    if not text:
        return True
    terms = [_unwrap(t) for t in re.split(r"\s+OR\s+", text)]
    if not all(_LOG_TERM.match(t) for t in terms):
        return False
    return any("cloudaudit.googleapis.com" in t for t in terms)


def _unwrap(term: str) -> str:
    """Drop grouping parentheses around one OR term, keeping LOG_ID(...)'s own."""
    term = term.strip().lstrip("(").strip()
    while term.endswith(")") and term.count(")") > term.count("("):
        term = term[:-1].rstrip()
    return term
