"""One module per AWS service; importing this package registers every sweep."""

from assessor.collectors.aws.services import cloudtrail  # noqa: F401
