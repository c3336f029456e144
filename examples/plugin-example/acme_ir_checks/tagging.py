"""Acme policy: every CloudTrail trail carries an owner tag so responders know whom to call."""

from collections.abc import Iterable

from assessor.checks_api import CheckContext, CheckResult, check


@check(
    id="aws.acme.trail_owner_tag",
    title="Every trail names an owner",
    control="PP-05",
    severity="low",
    provider="aws",
    needs=("aws.cloudtrail.trail",),
    remediation="Tag each trail with `owner` set to the team that answers for it.",
)
def trail_owner_tag(ctx: CheckContext) -> Iterable[CheckResult]:
    """During an incident the first question about a log source is who runs it; an owner tag answers it."""
    for trail in ctx.resources("aws.cloudtrail.trail"):  # raises Unavailable -> `unknown`
        tags = trail.get("tags") or {}
        if tags.get("owner"):
            yield CheckResult.passed("Trail has an owner", resource=trail["id"], evidence={"owner": tags["owner"]})
        else:
            yield CheckResult.failed("Trail has no owner tag", resource=trail["id"])
