"""Edge and hybrid logging, bucket access logs and the log archive's account (LC-02, LC-05, IN-05, LI-01)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assessor.checks_api import CheckContext, CheckResult, check

from ._common import Record, listing, logging_trails, read_regional, share

TRAIL = "aws.cloudtrail.trail"
BUCKET = "aws.s3.bucket"
STAGE = "aws.apigateway.stage"
WEB_ACL = "aws.wafv2.web_acl"
VPN = "aws.ec2.vpn_connection"

SENSITIVE_CLASSES = frozenset({"confidential", "restricted", "secret", "sensitive"})
CLASSIFICATION_KEYS = frozenset({"dataclassification", "classification", "dataclass", "confidentiality"})


def _classification(bucket: Record) -> str | None:
    for key, value in (bucket.get("tags") or {}).items():
        if re.sub(r"[^a-z]", "", str(key).lower()) in CLASSIFICATION_KEYS:
            return str(value).strip().lower()
    return None


@check(
    id="aws.s3.server_access_logging",
    title="Sensitive S3 buckets write server access logs",
    control="LC-02",
    severity="medium",
    provider="aws",
    needs=(BUCKET,),
    remediation="Enable server access logging on every bucket tagged confidential or restricted (or on all "
    "buckets when none is classified), delivering to a dedicated log bucket in the log archive.",
    refs=("nist-csf-2.0:DE.CM-03", "csa-ccm-4.0:LOG-07", "aws-waf:SEC04-BP01"),
)
def s3_server_access_logging(ctx: CheckContext) -> Iterator[CheckResult]:
    """Server access logs record every request to a bucket, including anonymous requests and requests
    refused by a policy, which CloudTrail data events leave out; they are the second source when the scope
    of a leak must be established. Buckets tagged confidential, restricted, secret or sensitive are judged;
    when no bucket carries a classification tag, all buckets except those that receive access logs are."""
    buckets = ctx.resources(BUCKET)
    classified = [b for b in buckets if _classification(b) is not None]
    if classified:
        judged = [b for b in classified if _classification(b) in SENSITIVE_CLASSES]
        basis = "buckets classified as sensitive"
    else:
        # A log bucket logging into itself (or another log bucket) loops; it is not judged.
        targets = {b.get("access_logging_target") for b in buckets}
        judged = [b for b in buckets if b.get("name") not in targets]
        basis = "all buckets (none carries a data-classification tag) except access-log targets"
    if not judged:
        yield CheckResult.not_applicable("No S3 bucket holds data classified as sensitive")
        return
    good = [b["id"] for b in judged if b.get("access_logging_target")]
    bad = [b["id"] for b in judged if not b.get("access_logging_target")]
    yield share("Judged S3 buckets writing server access logs", good, bad, evidence={"basis": basis})


@check(
    id="aws.apigateway.access_logs",
    title="API Gateway stages write access logs",
    control="LC-05",
    severity="medium",
    provider="aws",
    needs=(STAGE,),
    remediation="Set access log settings (a CloudWatch Logs group or Firehose stream, with a format that "
    "includes the source IP, caller identity and request id) on every REST, HTTP and WebSocket API stage.",
    refs=("nist-csf-2.0:PR.PS-04", "csa-ccm-4.0:LOG-07", "aws-waf:SEC04-BP01"),
)
def apigateway_access_logs(ctx: CheckContext) -> Iterator[CheckResult]:
    """API Gateway is provider-run front-door infrastructure: no flow log or packet capture shows the
    requests it answers, and the backend only sees what the gateway forwards. The stage access log is the
    only record of who called which route from where, and it is off until a destination is set."""
    data = read_regional(ctx, STAGE)
    yield from data.unknown
    stages = data.of(STAGE)
    if not stages:
        if not data.unknown:
            yield CheckResult.not_applicable("No API Gateway stage in the swept regions")
        return
    good = [s["id"] for s in stages if s.get("access_log_destination")]
    bad = [s["id"] for s in stages if not s.get("access_log_destination")]
    kinds = sorted({str(s.get("api_type")) for s in stages})
    yield share("API Gateway stages writing access logs", good, bad, evidence={"api_types": kinds})


@check(
    id="aws.wafv2.logging",
    title="WAF web ACLs log the requests they inspect",
    control="LC-05",
    severity="medium",
    provider="aws",
    needs=(WEB_ACL,),
    remediation="Add a logging configuration to every WAFv2 web ACL, sending to a CloudWatch Logs group, S3 "
    "bucket or Firehose stream whose name starts with 'aws-waf-logs-', in the log archive.",
    refs=("nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:LOG-07", "aws-waf:SEC04-BP01"),
)
def wafv2_logging(ctx: CheckContext) -> Iterator[CheckResult]:
    """A web ACL sees every HTTP request before the application does, including the probes and exploit
    attempts it blocked; its counters say only how many. Request logs are what tie an attack on the
    application to a source address and time, and WAF keeps none unless a logging configuration exists.
    CloudFront web ACLs are only seen when us-east-1 is swept."""
    data = read_regional(ctx, WEB_ACL)
    yield from data.unknown
    acls = data.of(WEB_ACL)
    if not acls:
        if not data.unknown:
            yield CheckResult.not_applicable("No WAFv2 web ACL in the swept regions")
        return
    good = [a["id"] for a in acls if a.get("logging_destinations")]
    bad = [a["id"] for a in acls if not a.get("logging_destinations")]
    yield share("WAF web ACLs with request logging", good, bad,
                evidence={"cloudfront_scope_read": "us-east-1" in data.regions})


@check(
    id="aws.ec2.vpn_tunnel_logging",
    title="Site-to-Site VPN tunnels send their logs to CloudWatch Logs",
    control="IN-05",
    severity="medium",
    provider="aws",
    needs=(VPN,),
    remediation="Enable tunnel logging (LogOptions.CloudWatchLogOptions with LogEnabled) on both tunnels of "
    "every Site-to-Site VPN connection, sending to a log group forwarded to the SIEM; add flow logs on the "
    "transit gateway attachments.",
    refs=("nist-csf-2.0:DE.CM-01", "csa-ccm-4.0:LOG-07", "csa-ccm-4.0:IVS-09"),
)
def vpn_tunnel_logging(ctx: CheckContext) -> Iterator[CheckResult]:
    """The VPN is the seam between the data centre and the cloud, and an intruder crosses it in one
    direction or the other. Tunnel logs record IKE and IPsec negotiation, tunnel up and down events and
    the peer addresses, which tell whether a link was tampered with or used from an unexpected peer. Both
    tunnels of a connection must log, because traffic fails over silently between them."""
    data = read_regional(ctx, VPN)
    yield from data.unknown
    connections = [c for c in data.of(VPN) if c.get("state") != "deleting"]
    if not connections:
        if not data.unknown:
            yield CheckResult.not_applicable("No Site-to-Site VPN connection in the swept regions")
        return
    unread = [c for c in connections
              if not c.get("tunnels") or any(t.get("log_enabled") is None for t in c["tunnels"])]
    judged = [c for c in connections if c not in unread]
    if unread:
        yield CheckResult.unknown(f"{len(unread)} VPN connection(s) returned no tunnel log options",
                                  evidence=listing("connections", [c["id"] for c in unread]))
    if not judged:
        return
    good = [c["id"] for c in judged if all(t.get("log_enabled") is True for t in c["tunnels"])]
    some = [c["id"] for c in judged if c["id"] not in good and any(t.get("log_enabled") for t in c["tunnels"])]
    bad = [c["id"] for c in judged if c["id"] not in good]
    yield share("VPN connections logging every tunnel", good, bad, evidence=listing("one_tunnel_only", some))


@check(
    id="aws.cloudtrail.central_archive",
    title="Trails deliver to a bucket outside the account",
    control="LI-01",
    severity="high",
    provider="aws",
    needs=(TRAIL, BUCKET),
    remediation="Deliver the organisation trail to a bucket in a dedicated Log Archive account whose bucket "
    "policy denies deletion and policy changes to every workload account; remove local-only trails or point "
    "them at the archive.",
    refs=("aws-waf:SEC04-BP02", "csa-ccm-4.0:LOG-04", "nist-csf-2.0:PR.PS-04"),
)
def central_archive(ctx: CheckContext) -> Iterator[CheckResult]:
    """An intruder with administrator rights in an account can delete the logs stored in that account,
    and cleaning up traces is routine. A trail whose bucket is owned by another account (a log archive)
    keeps the record out of reach. A bucket that is not among this account's own buckets is, by
    elimination, owned elsewhere; the bucket list must have been read for that conclusion."""
    trails = logging_trails(ctx.resources(TRAIL))
    own = {b.get("name") for b in ctx.resources(BUCKET)}
    if not trails:
        yield CheckResult.not_applicable("No trail is logging; trail coverage is judged under LC-01")
        return
    good = [t["id"] for t in trails if t.get("s3_bucket") and t.get("s3_bucket") not in own]
    bad = [t["id"] for t in trails if t["id"] not in good]
    local = sorted({str(t.get("s3_bucket")) for t in trails if t.get("s3_bucket") in own})
    yield share("Logging trails delivering to a bucket in another account", good, bad,
                evidence=listing("local_buckets", local))
