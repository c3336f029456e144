"""GCP containment (CT): a quarantine rule ready to apply, and protection against deleting evidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import EVIDENCE_CAP, capped, coverage_result, path_of

ANY_IPV4 = "0.0.0.0/0"


def _denies_everything(rule: dict[str, Any]) -> bool:
    return any(str(d.get("protocol", "")).lower() == "all" and not d.get("ports")
               for d in rule.get("denied") or [])


def _quarantine_rule(rule: dict[str, Any], direction: str, allows: list[dict[str, Any]]) -> bool:
    """A deny-all rule limited to tagged (or service-account) targets that no allow rule outranks."""
    if rule.get("direction") != direction or rule.get("disabled") or not _denies_everything(rule):
        return False
    if not (rule.get("target_tags") or rule.get("target_service_accounts")):
        return False  # a deny-all on every instance is an outage, not a quarantine
    ranges = rule.get("source_ranges") if direction == "INGRESS" else rule.get("destination_ranges")
    if ANY_IPV4 not in (ranges or []):
        return False
    priority = int(rule.get("priority", 1000))
    # At equal priority a deny wins, so only a strictly lower number can punch through.
    return all(int(a.get("priority", 1000)) >= priority for a in allows if a.get("direction") == direction)


@check(
    id="gcp.compute.quarantine_firewall_rule",
    title="A quarantine firewall rule is ready in every VPC network",
    control="CT-01", severity="high", provider="gcp",
    needs=("gcp.compute.network", "gcp.compute.firewall"),
    remediation="In every VPC network create two rules targeting a reserved tag (e.g. quarantine): "
                "ingress deny all from 0.0.0.0/0 and egress deny all to 0.0.0.0/0, at a priority number "
                "lower than any allow rule (e.g. 0-100), plus an ingress allow from the forensic range "
                "if responders need access; document the tag in the playbook.",
    refs=("nist-csf-2.0:RS.MI-01", "aws-waf:SEC10-BP05"),
)
def quarantine_firewall_rule(ctx: CheckContext) -> Iterable[CheckResult]:
    """On-prem a suspect host is moved to a quarantine VLAN. The VPC equivalent is a pair of deny-all
    rules that apply to a reserved network tag and outrank every allow rule: isolating a VM is then
    one tag change, fast and reversible, instead of editing firewall rules under pressure."""
    networks = ctx.resources("gcp.compute.network")
    rules = ctx.resources("gcp.compute.firewall")
    if not networks:
        yield CheckResult.not_applicable("No VPC networks in this project")
        return
    ready: dict[str, list[str]] = {}
    score = 0.0
    for network in networks:
        own = [r for r in rules if path_of(r.get("network")) == path_of(str(network["id"]))]
        allows = [r for r in own if r.get("allowed") and not r.get("disabled")]
        directions = [d for d in ("INGRESS", "EGRESS")
                      if any(_quarantine_rule(r, d, allows) for r in own)]
        ready[str(network["id"])] = directions
        score += len(directions) / 2
    complete = sorted(n for n, d in ready.items() if len(d) == 2)
    half = sorted(n for n, d in ready.items() if len(d) == 1)
    missing = sorted(n for n, d in ready.items() if not d)
    evidence = {"networks": len(networks), "ready": capped(complete),
                "one_direction_only": {n: ready[n] for n in half[:EVIDENCE_CAP]}, "no_quarantine": capped(missing),
                "quarantine_rules": capped(str(r["id"]) for r in rules if _denies_everything(r)
                                           and (r.get("target_tags") or r.get("target_service_accounts")))}
    coverage = score / len(networks)
    if coverage == 1.0:
        yield CheckResult.passed(f"All {len(networks)} VPC networks have an ingress and egress quarantine "
                                 "rule", evidence=evidence)
    elif coverage == 0.0:
        yield CheckResult.failed("No VPC network has a deny-all quarantine rule for tagged instances",
                                 evidence=evidence)
    else:
        yield CheckResult.partial(f"{len(complete)} of {len(networks)} VPC networks have a complete "
                                  "quarantine rule pair (one direction counts half)", coverage=coverage,
                                  evidence=evidence)


@check(
    id="gcp.compute.instance_deletion_protection",
    title="Stand-alone VM instances have deletion protection",
    control="CT-04", severity="medium", provider="gcp", service_models=("iaas",),
    needs=("gcp.compute.instance",),
    remediation="Set deletionProtection on stand-alone VMs (gcloud compute instances update VM "
                "--deletion-protection), and include setting it in the containment playbook.",
    refs=("nist-csf-2.0:RS.AN-07",),
)
def instance_deletion_protection(ctx: CheckContext) -> Iterable[CheckResult]:
    """Deleting a compromised VM destroys its disks and memory, which is what an intruder wants and a
    hurried administrator sometimes does. Deletion protection makes the evidence survive until someone
    deliberately lifts it. VMs created by managed instance groups are left out: their group must be able
    to replace them."""
    instances = ctx.resources("gcp.compute.instance")
    standalone = [i for i in instances if not i.get("created_by")]
    yield coverage_result(standalone, lambda i: bool(i.get("deletion_protection")),
                          noun="stand-alone VM instances", what="have deletion protection",
                          extra={"managed_instances_skipped": len(instances) - len(standalone)})
