"""One module per AWS service; importing this package registers every sweep."""

from assessor.collectors.aws.services import (
    account,  # noqa: F401
    apigateway,  # noqa: F401
    autoscaling,  # noqa: F401
    backup,  # noqa: F401
    cloudtrail,  # noqa: F401
    config,  # noqa: F401
    ec2,  # noqa: F401
    eks,  # noqa: F401
    elbv2,  # noqa: F401
    events,  # noqa: F401
    guardduty,  # noqa: F401
    iam,  # noqa: F401
    kms,  # noqa: F401
    lambda_,  # noqa: F401
    logs,  # noqa: F401
    networkfirewall,  # noqa: F401
    organizations,  # noqa: F401
    route53resolver,  # noqa: F401
    s3,  # noqa: F401
    securityhub,  # noqa: F401
    vpn,  # noqa: F401
    wafv2,  # noqa: F401
)
