"""GCP log routing: whether the log router keeps the audit logs it is given and where the exported copies land,
out of the workload's reach, under a customer key and queryable (LC-02, LI-01, LI-05, EV-07)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, Unavailable, check

from ._common import (
    BUILT_IN_SINKS,
    EVIDENCE_CAP,
    Hierarchy,
    capped,
    coverage_result,
    destination_kind,
    effective_sinks,
    hierarchy,
    holder_of,
    path_of,
    routes_audit_logs,
)

HOLDER_KINDS = frozenset({"projects", "folders", "organizations", "billingAccounts"})
# A bare log selector (`logName:"..."`, `logName="..."`, `LOG_ID("...")`), optionally negated.
_LOG_TERM = re.compile(r'^(NOT\s+)?(?:logName\s*[:=]\s*"([^"]*)"|LOG_ID\("([^"]*)"\))$')
# A selector naming every audit log (`.../logs/cloudaudit.googleapis.com` with no log after it), at the
# end of a bare log name or before the closing quote in a filter.
_ALL_AUDIT = re.compile(r'cloudaudit\.googleapis\.com(?:%2f|/)?(?:"|$)', re.IGNORECASE)


# --------------------------------------------------------------------------- helpers


def _holder_of_path(path: str) -> str | None:
    """`projects/p` from `projects/p/datasets/d`; None when the path names no project, folder or org."""
    parts = path.split("/")
    if len(parts) >= 2 and parts[0] in HOLDER_KINDS and parts[1]:
        return f"{parts[0]}/{parts[1]}"
    return None


def _own_tail(path: str, tree: Hierarchy) -> str | None:
    """The part after `projects/<this project>/`, whichever of id or number the path uses; else None."""
    holder = _holder_of_path(path)
    if holder is None or holder not in tree.own:
        return None
    return path[len(holder):].strip("/")


def _destination_place(sink: dict[str, Any], tree: Hierarchy, own_buckets: set[str] | None) -> str:
    """`inside` this project, `outside` it, or `unknown` (a Cloud Storage bucket when buckets were not read).

    Bucket names are global and carry no project, so a bucket is outside by elimination: it is not among
    this project's buckets, which must have been read for that conclusion.
    """
    destination = sink.get("destination")
    path = path_of(destination)
    if destination_kind(destination) == "storage":
        if own_buckets is None:
            return "unknown"
        return "inside" if path.split("/")[0] in own_buckets else "outside"
    holder = _holder_of_path(path)
    if holder is None:
        return "unknown"
    return "inside" if holder in tree.own else "outside"


def _log_terms(text: str, joiner: str) -> list[re.Match[str]] | None:
    """The log selectors of a filter made only of them, joined by `joiner` (OR / AND); else None."""
    terms = [_strip_parentheses(t) for t in re.split(rf"\s+{joiner}\s+", text)]
    matches = [_LOG_TERM.match(t) for t in terms]
    return None if any(m is None for m in matches) else [m for m in matches if m is not None]


def _strip_parentheses(term: str) -> str:
    term = term.strip().lstrip("(").strip()
    while term.endswith(")") and term.count(")") > term.count("("):
        term = term[:-1].rstrip()
    return term


def _selects_data_access(log_name: str) -> bool:
    """True when a log selector matches Data Access audit entries (named, or every audit log)."""
    name = log_name.strip()
    return "data_access" in name.lower() or bool(_ALL_AUDIT.search(name))


def _log_name(match: re.Match[str]) -> str:
    return match.group(2) if match.group(2) is not None else match.group(3)


def _data_access_verdict(sink: dict[str, Any]) -> tuple[str, str]:
    """(`kept` / `not kept` / `unproven`, why) for the Data Access audit entries reaching a sink."""
    active = [e for e in sink.get("exclusions") or [] if not e.get("disabled")]
    for exclusion in active:
        text = str(exclusion.get("filter") or "")
        names_them = "data_access" in text.lower() or bool(_ALL_AUDIT.search(text))
        # A negation may turn the selector around (drop all but audit logs): then it is only unproven.
        if names_them and not re.search(r"\bNOT\b|-\s*(?:logName|LOG_ID)", text):
            return "not kept", f"exclusion {exclusion.get('name')} drops them"
    text = (sink.get("filter") or "").strip()
    if not text:
        verdict, why = "kept", "no filter"
    elif (ors := _log_terms(text, "OR")) is not None and not any(m.group(1) for m in ors):
        selected = any(_selects_data_access(_log_name(m)) for m in ors)
        verdict, why = ("kept", "the filter selects them") if selected else ("not kept", "the filter leaves them out")
    elif (ands := _log_terms(text, "AND")) is not None and all(m.group(1) for m in ands):
        # Only negated log selectors: everything else passes, unless one of them names Data Access.
        if any(_selects_data_access(_log_name(m)) for m in ands):
            verdict, why = "not kept", "the filter negates them"
        else:
            verdict, why = "kept", "the filter only leaves out other logs"
    else:
        verdict, why = "unproven", "the filter may leave some out"
    if verdict == "kept" and active:
        return "unproven", f"{len(active)} active exclusion(s) may drop some"
    return verdict, why


# --------------------------------------------------------------------------- LC-02


@check(
    id="gcp.logging.data_access_logs_kept",
    title="Data Access audit logs are kept, not excluded by the log router",
    control="LC-02", severity="high", provider="gcp",
    needs=("gcp.project", "gcp.logging.sink"),
    remediation="Remove exclusions and filter terms that drop cloudaudit.googleapis.com/data_access from the "
                "_Default sink (or route Data Access logs to a cheaper bucket instead of excluding them), and "
                "keep an aggregated sink whose filter selects every cloudaudit.googleapis.com log.",
    refs=("cis-gcp-5.0.0:2.1", "csa-ccm-4.0:LOG-07", "nist-csf-2.0:PR.PS-04"),
)
def data_access_logs_kept(ctx: CheckContext) -> Iterable[CheckResult]:
    """Data Access audit logs are voluminous, and a common way to cut the Cloud Logging bill is an
    exclusion on the `_Default` sink. The audit configuration then still says the logs are on, but the
    router throws every entry away before it is stored, and nothing shows which identity read the data.
    At least one enabled sink that routes this project's logs must provably keep them: no filter term or
    exclusion that drops them, and no other exclusion that might."""
    tree = hierarchy(ctx)
    sinks = effective_sinks(ctx, tree)
    verdicts = {str(s["id"]): _data_access_verdict(s) for s in sinks}
    kept = [s for s in sinks if verdicts[str(s["id"])][0] == "kept"]
    unproven = [s for s in sinks if verdicts[str(s["id"])][0] == "unproven"]
    evidence: dict[str, Any] = {
        "sinks": {k: f"{v[0]}: {v[1]}" for k, v in sorted(verdicts.items())[:EVIDENCE_CAP]},
        "sinks_count": len(verdicts),
    }
    if kept:
        best = kept[0]
        yield CheckResult.passed(f"Sink {best.get('name')} on {holder_of(best)} routes Data Access audit logs "
                                 f"to {best.get('destination')}", resource=str(best["id"]), evidence=evidence)
    elif unproven:
        yield CheckResult.partial(f"Sink {unproven[0].get('name')} routes Data Access audit logs, but its "
                                  "filter or exclusions may drop some of them", coverage=0.5,
                                  resource=str(unproven[0]["id"]), evidence=evidence)
    elif sinks:
        yield CheckResult.failed("No enabled sink keeps this project's Data Access audit logs: every sink "
                                 "excludes or filters them out", evidence=evidence)
    else:
        yield CheckResult.failed("No enabled sink routes this project's logs, so Data Access audit logs are "
                                 "not stored anywhere", evidence=evidence)


# --------------------------------------------------------------------------- LI-01


@check(
    id="gcp.logging.central_archive_project",
    title="Audit logs are exported to a project the workload does not own",
    control="LI-01", severity="high", provider="gcp",
    needs=("gcp.project", "gcp.logging.sink", "gcp.storage.bucket"),
    remediation="Route the aggregated audit-log sink to a log bucket, BigQuery dataset, Pub/Sub topic or "
                "Cloud Storage bucket in a dedicated logging project, where workload administrators hold no "
                "roles; point project-level sinks that write into the project itself there as well.",
    refs=("aws-waf:SEC04-BP02", "csa-ccm-4.0:LOG-04", "csa-ccm-4.0:LOG-09", "nist-csf-2.0:PR.PS-04"),
)
def central_archive_project(ctx: CheckContext) -> Iterable[CheckResult]:
    """An intruder who holds owner or logging-admin rights in a project can shorten its log buckets'
    retention, delete its datasets and empty its storage buckets; cleaning up traces is routine. Audit
    logs copied to a separate logging project stay out of that reach. Exports written back into the same
    project only move the logs within the attacker's grasp. The central logging project itself, receiving
    an aggregated sink, is the archive and passes."""
    tree = hierarchy(ctx)
    sinks = [s for s in effective_sinks(ctx, tree) if s.get("name") not in BUILT_IN_SINKS]
    if not sinks:
        yield CheckResult.failed("No sink exports this project's logs: its audit trail lives only in its own "
                                 "log buckets, within reach of the project's administrators")
        return
    buckets: set[str] | None = set()
    unread = ""
    if any(destination_kind(s.get("destination")) == "storage" for s in sinks):
        try:
            buckets = {str(b.get("name")) for b in ctx.resources("gcp.storage.bucket")}
        except Unavailable as exc:
            buckets, unread = None, exc.reason
    place = {str(s["id"]): _destination_place(s, tree, buckets) for s in sinks}

    def isolated(sink: dict[str, Any]) -> bool:
        where = place[str(sink["id"])]
        return where == "outside" or (where == "inside" and tree.held_above(holder_of(sink)))

    audit = [s for s in sinks if routes_audit_logs(s)]
    evidence: dict[str, Any] = {
        "destinations": {str(s["id"]): f"{place[str(s['id'])]}: {s.get('destination')}"
                         for s in sinks[:EVIDENCE_CAP]},
        "audit_sinks": capped(str(s["id"]) for s in audit),
    }
    good = [s for s in audit if isolated(s)]
    narrowed = [s for s in sinks if isolated(s) and s not in audit]
    unknown = [s for s in sinks if place[str(s["id"])] == "unknown"]
    if good:
        best = good[0]
        hosted = place[str(best["id"])] == "inside"
        where = "this project, the central archive," if hosted else "another project"
        yield CheckResult.passed(f"Sink {best.get('name')} on {holder_of(best)} archives audit logs in {where} "
                                 f"({best.get('destination')})", resource=str(best["id"]), evidence=evidence)
    elif narrowed:
        yield CheckResult.partial(f"Sink {narrowed[0].get('name')} exports out of the workload's reach, but its "
                                  "filter or exclusions may drop audit logs", coverage=0.5,
                                  resource=str(narrowed[0]["id"]), evidence=evidence)
    elif unknown:
        why = f": {unread}" if unread else ""
        yield CheckResult.unknown(f"Sink {unknown[0].get('name')} writes to {unknown[0].get('destination')}, "
                                  f"whose project cannot be told from this snapshot{why}",
                                  resource=str(unknown[0]["id"]), evidence=evidence)
    else:
        yield CheckResult.failed("Every sink exporting this project's logs writes back into the project itself",
                                 resource=str(sinks[0]["id"]), evidence=evidence)


# --------------------------------------------------------------------------- LI-05


_KEY_FIELD = {"storage": ("gcp.storage.bucket", "default_kms_key"),
              "bigquery": ("gcp.bigquery.dataset", "default_kms_key"),
              "pubsub": ("gcp.pubsub.topic", "kms_key_name")}


@check(
    id="gcp.logging.export_destination_cmek",
    title="Log export destinations in this project use a customer-managed key",
    control="LI-05", severity="low", provider="gcp",
    needs=("gcp.project", "gcp.logging.sink", "gcp.storage.bucket", "gcp.bigquery.dataset", "gcp.pubsub.topic"),
    remediation="Set a default Cloud KMS key on the Cloud Storage buckets and BigQuery datasets that receive "
                "exported logs, and a KMS key on Pub/Sub topics carrying them, using keys with automatic "
                "rotation whose use is logged.",
    refs=("csa-ccm-4.0:LOG-10", "csa-ccm-4.0:LOG-11"),
)
def export_destination_cmek(ctx: CheckContext) -> Iterable[CheckResult]:
    """Log buckets are not the only place logs live: sinks copy them into Cloud Storage, BigQuery and
    Pub/Sub, where Google-managed keys apply unless a customer key is set. With a customer-managed key the
    organisation decides who can read the exported trail, can revoke it, and sees each use of the key in
    its own audit log. Destinations in other projects are judged in those projects; log buckets are judged
    by gcp.logging.bucket_cmek."""
    tree = hierarchy(ctx)
    sinks = [s for s in effective_sinks(ctx, tree) if destination_kind(s.get("destination")) in _KEY_FIELD]
    wanted: dict[str, list[dict[str, Any]]] = {}
    for sink in sinks:
        wanted.setdefault(destination_kind(sink.get("destination")), []).append(sink)
    judged: list[dict[str, Any]] = []
    elsewhere: list[str] = []
    unknowns: list[CheckResult] = []
    for kind, kind_sinks in sorted(wanted.items()):
        type_name, key_field = _KEY_FIELD[kind]
        try:
            records = ctx.resources(type_name)
        except Unavailable as exc:
            unknowns.append(CheckResult.unknown(f"{type_name} could not be read, so the keys of {len(kind_sinks)} "
                                                f"{kind} log destination(s) are unknown: {exc.reason}"))
            continue
        for sink in kind_sinks:
            record = _destination_record(kind, path_of(sink.get("destination")), records, tree)
            if record is None:
                elsewhere.append(str(sink.get("destination")))
            elif not record:
                unknowns.append(CheckResult.unknown(f"Sink {sink.get('name')} writes to {sink.get('destination')} "
                                                    "in this project, which is not in the snapshot",
                                                    resource=str(sink["id"])))
            elif all(record["id"] != r["id"] for r in judged):
                judged.append({"id": record["id"], "key": record.get(key_field)})
    yield from unknowns
    if judged:
        yield coverage_result(judged, lambda r: bool(r.get("key")), noun="log export destinations in this project",
                              what="use a customer-managed key",
                              extra={"destinations_in_other_projects": capped(elsewhere)})
    elif not unknowns:
        yield CheckResult.not_applicable("No sink exports this project's logs to Cloud Storage, BigQuery or "
                                         "Pub/Sub inside this project")


def _destination_record(kind: str, path: str, records: list[dict[str, Any]],
                        tree: Hierarchy) -> dict[str, Any] | None:
    """The destination's record; None when it lives in another project, {} when it should be here but is not."""
    if kind == "storage":
        name = path.split("/")[0]
        # Bucket names carry no project: a bucket missing from this project's list is elsewhere.
        return next((r for r in records if r.get("name") == name), None)
    tail = _own_tail(path, tree)
    if tail is None:
        return None
    return next((r for r in records if _own_tail(path_of(str(r["id"])), tree) == tail), {})


# --------------------------------------------------------------------------- EV-07


@check(
    id="gcp.logging.log_analytics",
    title="This project's logs can be queried at investigation scale",
    control="EV-07", severity="medium", provider="gcp",
    needs=("gcp.project", "gcp.logging.sink", "gcp.logging.bucket"),
    remediation="Upgrade the log bucket that receives the audit logs to Log Analytics (gcloud logging buckets "
                "update BUCKET --location=LOC --enable-analytics) and link a BigQuery dataset to it, or route "
                "the audit logs to a BigQuery dataset with an aggregated sink.",
    refs=("nist-csf-2.0:DE.AE-03",),
)
def log_analytics(ctx: CheckContext) -> Iterable[CheckResult]:
    """An investigation asks questions across months of logs and many projects: every action of one
    service account, every caller from one IP range. The Logs Explorer answers them page by page; SQL over
    a BigQuery dataset or a Log Analytics bucket answers them in seconds. A queryable store must receive
    this project's audit logs before the incident: `_Required` and `_Default` by construction, any other
    destination through a sink that provably routes them."""
    tree = hierarchy(ctx)
    sinks = effective_sinks(ctx, tree)
    buckets: dict[str, dict[str, Any]] = {}
    unread = ""
    if any(destination_kind(s.get("destination")) == "logging" for s in sinks):
        try:
            records = ctx.resources("gcp.logging.bucket")
        except Unavailable as exc:
            records, unread = [], exc.reason
        for record in records:
            tail = _own_tail(path_of(str(record["id"])), tree)
            if tail is not None:
                buckets[tail] = record
    queryable: list[dict[str, Any]] = []
    unverified: list[dict[str, Any]] = []
    for sink in sinks:
        kind = destination_kind(sink.get("destination"))
        if kind == "bigquery":
            queryable.append(sink)
        elif kind == "logging":
            tail = _own_tail(path_of(sink.get("destination")), tree)
            bucket = buckets.get(tail) if tail is not None else None
            if bucket is None:
                unverified.append(sink)  # a bucket in another project, a project as destination, or unread
            elif bucket.get("analytics_enabled"):
                queryable.append(sink)
    audit = [s for s in queryable if s.get("name") in BUILT_IN_SINKS or routes_audit_logs(s)]
    evidence: dict[str, Any] = {
        "queryable": capped(f"{s.get('destination')} ({s.get('name')} on {holder_of(s)})" for s in queryable),
        "not_verified": capped(str(s.get("destination")) for s in unverified),
        "analytics_buckets": capped(str(b["id"]) for b in buckets.values() if b.get("analytics_enabled")),
    }
    if audit:
        yield CheckResult.passed(f"Sink {audit[0].get('name')} feeds a queryable store "
                                 f"({audit[0].get('destination')})", resource=str(audit[0]["id"]),
                                 evidence=evidence)
    elif queryable:
        yield CheckResult.partial(f"Sink {queryable[0].get('name')} feeds a queryable store, but its filter or "
                                  "exclusions may leave audit logs out", coverage=0.5,
                                  resource=str(queryable[0]["id"]), evidence=evidence)
    elif unverified:
        why = f"the log buckets could not be read: {unread}" if unread else "outside this snapshot; assess " \
            "that project too"
        yield CheckResult.unknown(f"Sink {unverified[0].get('name')} writes to {unverified[0].get('destination')}, "
                                  f"whose Log Analytics setting is not known ({why})",
                                  resource=str(unverified[0]["id"]), evidence=evidence)
    else:
        yield CheckResult.failed("No BigQuery dataset or Log Analytics bucket receives this project's logs",
                                 evidence=evidence)
