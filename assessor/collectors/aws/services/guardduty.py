"""GuardDuty: the detector of each region, its status and protection plans."""

from __future__ import annotations

from typing import Any

from assessor.collectors.aws.framework import Caller, Operation, sweep

DETECTOR = "aws.guardduty.detector"
OPS = (
    Operation("guardduty", "ListDetectors", "guardduty:ListDetectors", (DETECTOR,)),
    Operation("guardduty", "GetDetector", "guardduty:GetDetector", (DETECTOR,)),
)


@sweep(service="guardduty", scope="regional", types=(DETECTOR,), operations=OPS)
def detectors(call: Caller, region: str) -> dict[str, list[dict[str, Any]]]:
    ids = [str(d) for page in call.pages("ListDetectors") for d in page.get("DetectorIds") or []]
    if not ids:
        return {DETECTOR: []}
    account = call.account_id  # detector ARNs are built: GetDetector does not return one
    out = []
    for detector_id in sorted(ids):
        detector = call("GetDetector", DetectorId=detector_id)
        out.append({
            "id": f"arn:aws:guardduty:{region}:{account}:detector/{detector_id}", "detector_id": detector_id,
            "region": region, "status": detector.get("Status"),
            "finding_publishing_frequency": detector.get("FindingPublishingFrequency"),
            "features": _features(detector),
        })
    return {DETECTOR: out}


def _features(detector: dict[str, Any]) -> dict[str, str]:
    """Protection plans by feature name; detectors from before features existed report data sources only."""
    sources = detector.get("DataSources") or {}
    found: dict[str, str] = {}
    legacy = {
        "CLOUD_TRAIL": sources.get("CloudTrail"),
        "DNS_LOGS": sources.get("DNSLogs"),
        "FLOW_LOGS": sources.get("FlowLogs"),
        "S3_DATA_EVENTS": sources.get("S3Logs"),
        "EKS_AUDIT_LOGS": (sources.get("Kubernetes") or {}).get("AuditLogs"),
        "EBS_MALWARE_PROTECTION": ((sources.get("MalwareProtection") or {}).get("ScanEc2InstanceWithFindings")
                                   or {}).get("EbsVolumes"),
    }
    for name, source in legacy.items():
        if isinstance(source, dict) and source.get("Status"):
            found[name] = str(source["Status"])
    for feature in detector.get("Features") or []:
        if feature.get("Name") and feature.get("Status"):
            found[str(feature["Name"])] = str(feature["Status"])
    return dict(sorted(found.items()))
