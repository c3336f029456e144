"""Cloud Asset Inventory records -> one GCP snapshot per project.

Pure: the caller gives the asset records as plain dicts in the `gcloud asset export` JSON shape
(`name`, `assetType`, `ancestors`, `resource` {data, location, parent} or `iamPolicy`), and gets
snapshots back. The live collector and the offline import share it.

What an export cannot tell is recorded as a CollectionError, never as an empty list: a content type
that is absent (no IAM_POLICY line means audit configs were not read), the APIs CAI does not carry
(SCC, Essential Contacts) when no line holds them, and ancestors outside the export's scope (an
organisation whose sinks or IAM policy are not in the file).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assessor.models import CollectionError, Snapshot

PROJECT = "cloudresourcemanager.googleapis.com/Project"
FOLDER = "cloudresourcemanager.googleapis.com/Folder"
ORGANIZATION = "cloudresourcemanager.googleapis.com/Organization"
_HOLDERS = {PROJECT: "project", FOLDER: "folder", ORGANIZATION: "organization"}
_PLURAL = {"project": "projects", "folder": "folders", "organization": "organizations"}
_LOG_TYPES = {1: "ADMIN_READ", 2: "DATA_WRITE", 3: "DATA_READ"}

# Types read from content RESOURCE / IAM_POLICY; inherited types also need every ancestor's line.
INHERITED_RESOURCE_TYPES = ("gcp.logging.sink",)
# Types CAI may not carry: collected only when the export holds at least one of their lines.
OPTIONAL_TYPES = {
    "gcp.orgpolicy.policy": "the export holds no org policy (content type ORG_POLICY or "
                            "orgpolicy.googleapis.com/Policy)",
    "gcp.essentialcontacts.contact": "the export holds no essentialcontacts.googleapis.com/Contact",
    "gcp.scc.settings": "Security Command Center settings are not part of an asset export",
    "gcp.scc.notification_config": "Security Command Center notification configs are not part of "
                                   "an asset export",
}


def _num(value: Any) -> float | int | None:
    """A number from CAI data, which turns whole numbers into floats (30.0): whole ones come back as integers."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def _int(value: Any) -> int | None:
    """An integer field: a whole number, else None."""
    number = _num(value)
    return number if isinstance(number, int) else None


def _lower(value: Any) -> str | None:
    return str(value).lower() if value else None


def _region(location: Any) -> str | None:
    """Lower-case region; a zone (europe-west1-b) becomes its region."""
    text = _lower(location)
    if text and text.count("-") == 2 and len(text.rsplit("-", 1)[1]) == 1:
        return text.rsplit("-", 1)[0]
    return text


def _tail(value: Any) -> str:
    return str(value or "").rstrip("/").rsplit("/", 1)[-1]


def _strs(values: Any) -> list[str]:
    return [str(v) for v in values or []]


def _holder_of(asset: dict[str, Any]) -> str | None:
    """`projects/N`, `folders/N` or `organizations/N` holding the asset (first CAI ancestor)."""
    ancestors = asset.get("ancestors") or []
    return str(ancestors[0]) if ancestors else None


def _scope_fields(holder: str | None) -> dict[str, Any]:
    if not holder or "/" not in holder:
        return {}
    plural, number = holder.split("/", 1)
    scope = {v: k for k, v in _PLURAL.items()}.get(plural, plural)
    return {"scope": scope, "scope_id": number, "parent": holder}


# --------------------------------------------------------------------------- per-type mappings


def _project(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    parent = data.get("parent") or {}
    parent_ref = None
    if isinstance(parent, dict) and parent.get("id"):
        parent_ref = f"{_PLURAL.get(str(parent.get('type')), str(parent.get('type')) + 's')}/{parent['id']}"
    elif isinstance(parent, str):
        parent_ref = parent
    ancestors = _strs(asset.get("ancestors"))
    if parent_ref is None and len(ancestors) > 1:
        parent_ref = ancestors[1]
    number = data.get("projectNumber")
    return {"id": asset["name"], "project_id": data.get("projectId"),
            "number": str(_int(number)) if _int(number) is not None else (str(number) if number else None),
            "display_name": data.get("name"), "state": data.get("lifecycleState"),
            "parent": parent_ref, "ancestors": ancestors, "labels": data.get("labels") or {}}


def _sink(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], "name": data.get("name") or _tail(asset["name"]),
            **_scope_fields(_holder_of(asset)),
            "destination": data.get("destination"), "filter": data.get("filter") or "",
            "exclusions": [{"name": e.get("name"), "filter": e.get("filter"),
                            "disabled": bool(e.get("disabled"))} for e in data.get("exclusions") or []],
            "disabled": bool(data.get("disabled")), "include_children": bool(data.get("includeChildren")),
            "writer_identity": data.get("writerIdentity")}


def _log_bucket(asset: dict[str, Any], data: dict[str, Any], location: str | None) -> dict[str, Any]:
    name = str(asset["name"])
    where = location or (name.split("/locations/", 1)[1].split("/", 1)[0] if "/locations/" in name else None)
    retention = _int(data.get("retentionDays")) or 30  # 0 or absent is the 30-day default
    return {"id": name, "name": _tail(name), "parent": _holder_of(asset),
            "location": _lower(where), "region": _lower(where), "retention_days": retention,
            "locked": bool(data.get("locked")),
            "cmek_key_name": (data.get("cmekSettings") or {}).get("kmsKeyName"),
            "lifecycle_state": data.get("lifecycleState"),
            "analytics_enabled": bool(data.get("analyticsEnabled"))}


def _network(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], "name": data.get("name"),
            "auto_create_subnetworks": bool(data.get("autoCreateSubnetworks")),
            "routing_mode": (data.get("routingConfig") or {}).get("routingMode"),
            "subnetworks": _strs(data.get("subnetworks"))}


def _subnetwork(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    log = data.get("logConfig") or {}
    enabled = log.get("enable") if "enable" in log else data.get("enableFlowLogs")
    return {"id": asset["name"], "name": data.get("name"), "region": _region(_tail(data.get("region"))),
            "network": data.get("network"), "ip_cidr_range": data.get("ipCidrRange"),
            "purpose": data.get("purpose") or "PRIVATE", "flow_logs_enabled": bool(enabled),
            "aggregation_interval": log.get("aggregationInterval"),
            "flow_sampling": _num(log.get("flowSampling")), "metadata": log.get("metadata")}


def _rules(values: Any) -> list[dict[str, Any]]:
    return [{"protocol": r.get("IPProtocol") or r.get("ipProtocol"), "ports": _strs(r.get("ports"))}
            for r in values or []]


def _firewall(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], "name": data.get("name"), "network": data.get("network"),
            "direction": data.get("direction"),
            "priority": 1000 if data.get("priority") is None else _int(data["priority"]),  # API default
            "disabled": bool(data.get("disabled")),
            "log_enabled": bool((data.get("logConfig") or {}).get("enable")),
            "target_tags": _strs(data.get("targetTags")),
            "target_service_accounts": _strs(data.get("targetServiceAccounts")),
            "source_ranges": _strs(data.get("sourceRanges")), "source_tags": _strs(data.get("sourceTags")),
            "destination_ranges": _strs(data.get("destinationRanges")),
            "allowed": _rules(data.get("allowed")), "denied": _rules(data.get("denied")),
            "description": data.get("description")}


def _dns_policy(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], "name": data.get("name"), "enable_logging": bool(data.get("enableLogging")),
            "enable_inbound_forwarding": bool(data.get("enableInboundForwarding")),
            "networks": [str(n.get("networkUrl")) for n in data.get("networks") or [] if n.get("networkUrl")]}


def _backend_service(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    log = data.get("logConfig") or {}
    record = {"id": asset["name"], "name": data.get("name"),
              "load_balancing_scheme": data.get("loadBalancingScheme"), "protocol": data.get("protocol"),
              "log_enabled": bool(log.get("enable")), "log_sample_rate": _num(log.get("sampleRate"))}
    if data.get("region"):
        record["region"] = _region(_tail(data["region"]))
    return record


def _storage_bucket(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    policy = data.get("retentionPolicy") or {}
    seconds = _num(policy.get("retentionPeriod"))
    location = _lower(data.get("location"))
    return {"id": asset["name"], "name": data.get("name") or data.get("id") or _tail(asset["name"]),
            "location": location, "location_type": data.get("locationType"), "region": location,
            "data_locations": [str(x).lower() for x in
                               (data.get("customPlacementConfig") or {}).get("dataLocations") or []],
            "retention_period_days": _num(seconds / 86400) if seconds is not None else None,
            "retention_locked": bool(policy.get("isLocked")),
            "versioning": bool((data.get("versioning") or {}).get("enabled")),
            "default_kms_key": (data.get("encryption") or {}).get("defaultKmsKeyName"),
            "labels": data.get("labels") or {}}


def _packet_mirroring(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    mirrored = data.get("mirroredResources") or {}
    return {"id": asset["name"], "name": data.get("name"), "region": _region(_tail(data.get("region"))),
            "network": (data.get("network") or {}).get("url"),
            "enabled": str(data.get("enable") or "TRUE").upper() != "FALSE",
            "collector_ilb": (data.get("collectorIlb") or {}).get("url"),
            "mirrored_subnetworks": [str(s.get("url")) for s in mirrored.get("subnetworks") or []],
            "mirrored_instances": [str(s.get("url")) for s in mirrored.get("instances") or []],
            "mirrored_tags": _strs(mirrored.get("tags"))}


def _cluster(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    components = ((data.get("loggingConfig") or {}).get("componentConfig") or {}).get("enableComponents")
    location = _lower(data.get("location") or data.get("zone"))
    return {"id": asset["name"], "name": data.get("name"), "location": location, "region": _region(location),
            "autopilot": bool((data.get("autopilot") or {}).get("enabled")),
            "logging_service": data.get("loggingService"), "logging_components": sorted(_strs(components))}


def _instance(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    zone = _lower(_tail(data.get("zone")))
    disks = [{"device_name": d.get("deviceName"), "boot": bool(d.get("boot")),
              "auto_delete": bool(d.get("autoDelete")), "source": d.get("source")}
             for d in data.get("disks") or []]
    boot = [d for d in disks if d["boot"]]
    metadata = {str(i.get("key")): i.get("value") for i in (data.get("metadata") or {}).get("items") or []}
    accounts = data.get("serviceAccounts") or []
    return {"id": asset["name"], "name": data.get("name"), "zone": zone, "region": _region(zone),
            "status": data.get("status"), "deletion_protection": bool(data.get("deletionProtection")),
            "boot_disk_auto_delete": boot[0]["auto_delete"] if boot else None, "disks": disks,
            "created_by": metadata.get("created-by"),
            "network_tags": _strs((data.get("tags") or {}).get("items")),
            "service_account": accounts[0].get("email") if accounts else None,
            "labels": data.get("labels") or {}}


def _group_manager(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    zone = _lower(_tail(data.get("zone"))) or None
    region = _region(zone) if zone else _lower(_tail(data.get("region")))
    return {"id": asset["name"], "name": data.get("name"), "zone": zone, "region": region,
            "instance_template": data.get("instanceTemplate"), "target_size": _int(data.get("targetSize")),
            "autoscaled": False, "autoscaler_mode": None, "_self_link": data.get("selfLink")}


def _snapshot(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], "name": data.get("name"),
            "storage_locations": [str(x).lower() for x in data.get("storageLocations") or []],
            "source_disk": data.get("sourceDisk"), "labels": data.get("labels") or {}}


def _topic(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], "name": _tail(data.get("name") or asset["name"]),
            "kms_key_name": data.get("kmsKeyName"),
            "allowed_persistence_regions": _strs((data.get("messageStoragePolicy") or {})
                                                 .get("allowedPersistenceRegions")),
            "labels": data.get("labels") or {}}


def _subscription(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], "name": _tail(data.get("name") or asset["name"]), "topic": data.get("topic"),
            "push_endpoint": (data.get("pushConfig") or {}).get("pushEndpoint") or None,
            "labels": data.get("labels") or {}}


def _dataset(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    location = _lower(data.get("location"))
    reference = data.get("datasetReference") or {}
    return {"id": asset["name"], "name": reference.get("datasetId") or _tail(asset["name"]),
            "location": location, "region": location,
            "default_kms_key": (data.get("defaultEncryptionConfiguration") or {}).get("kmsKeyName"),
            "labels": data.get("labels") or {}}


def _crypto_key(asset: dict[str, Any], data: dict[str, Any], location: str | None) -> dict[str, Any]:
    name = str(asset["name"])
    where = location or (name.split("/locations/", 1)[1].split("/", 1)[0] if "/locations/" in name else None)
    period = str(data.get("rotationPeriod") or "").rstrip("s")
    seconds = _num(period) if period else None
    return {"id": name, "name": _tail(name), "location": _lower(where), "region": _lower(where),
            "purpose": data.get("purpose"),
            "rotation_period_days": _num(seconds / 86400) if seconds is not None else None,
            "primary_state": (data.get("primary") or {}).get("state"),
            "protection_level": (data.get("versionTemplate") or {}).get("protectionLevel")}


def _contact(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"id": asset["name"], **_scope_fields(_holder_of(asset)), "email": data.get("email"),
            "notification_categories": _strs(data.get("notificationCategorySubscriptions")),
            "validation_state": data.get("validationState")}


def contact_record(holder: str, item: dict[str, Any]) -> dict[str, Any]:
    """An Essential Contacts `contacts.list` item (`name`: organizations/1/contacts/2) held by `holder`."""
    return _contact({"name": f"//essentialcontacts.googleapis.com/{item.get('name')}", "ancestors": [holder]},
                    item)


def notification_record(holder: str, item: dict[str, Any]) -> dict[str, Any]:
    """An SCC `notificationConfigs.list` item held by `holder`."""
    return {"id": f"//securitycenter.googleapis.com/{item.get('name')}", **_scope_fields(holder),
            "pubsub_topic": item.get("pubsubTopic"),
            "filter": str((item.get("streamingConfig") or {}).get("filter") or "")}


def scc_settings_record(holder: str, tier: str | None, services: dict[str, str]) -> dict[str, Any]:
    """SCC state at one node: the subscription tier (organisations only) and effective service states."""
    return {"id": f"//securitycenter.googleapis.com/{holder}/settings", **_scope_fields(holder),
            "tier": tier, "services": dict(sorted(services.items()))}


def _org_policy_v2(asset: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    spec = data.get("spec") or {}
    rules = spec.get("rules") or []
    allowed = [v for r in rules for v in (r.get("values") or {}).get("allowedValues") or []]
    denied = [v for r in rules for v in (r.get("values") or {}).get("deniedValues") or []]
    enforced = next((r["enforce"] for r in rules if "enforce" in r), None)
    return {"id": asset["name"], **_scope_fields(_holder_of(asset)),
            "constraint": _tail(data.get("name") or asset["name"]),
            "inherit_from_parent": bool(spec.get("inheritFromParent")), "reset": bool(spec.get("reset")),
            "allow_all": any(r.get("allowAll") for r in rules), "deny_all": any(r.get("denyAll") for r in rules),
            "allowed_values": _strs(allowed), "denied_values": _strs(denied),
            "enforced": bool(enforced) if enforced is not None else None}


def _org_policy_v1(asset: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    holder = _holder_of(asset)
    constraint = str(policy.get("constraint") or "").removeprefix("constraints/")
    listed = policy.get("listPolicy") or {}
    boolean = policy.get("booleanPolicy")
    service = "//orgpolicy.googleapis.com/"
    return {"id": f"{service}{holder}/policies/{constraint}", **_scope_fields(holder),
            "constraint": constraint, "inherit_from_parent": bool(listed.get("inheritFromParent")),
            "reset": "restoreDefault" in policy, "allow_all": listed.get("allValues") == "ALLOW",
            "deny_all": listed.get("allValues") == "DENY",
            "allowed_values": _strs(listed.get("allowedValues")), "denied_values": _strs(listed.get("deniedValues")),
            "enforced": bool(boolean.get("enforced")) if isinstance(boolean, dict) else None}


def _audit_configs(asset: dict[str, Any], policy: dict[str, Any]) -> list[dict[str, Any]]:
    holder = _holder_of(asset)
    records = []
    for config in policy.get("auditConfigs") or []:
        service = str(config.get("service") or "")
        types: set[str] = set()
        exempted: dict[str, list[str]] = {}
        for entry in config.get("auditLogConfigs") or []:
            raw = entry.get("logType")
            name = _LOG_TYPES.get(_int(raw) or 0, str(raw)) if not isinstance(raw, str) or raw.isdigit() \
                else raw
            types.add(name)
            if entry.get("exemptedMembers"):
                exempted[name] = sorted(_strs(entry["exemptedMembers"]))
        records.append({"id": f"{asset['name']}/auditConfigs/{service}", **_scope_fields(holder),
                        "service": service, "log_types": sorted(types), "exempted_members": exempted})
    return records


_SIMPLE = {
    "logging.googleapis.com/LogSink": ("gcp.logging.sink", _sink),
    "compute.googleapis.com/Network": ("gcp.compute.network", _network),
    "compute.googleapis.com/Subnetwork": ("gcp.compute.subnetwork", _subnetwork),
    "compute.googleapis.com/Firewall": ("gcp.compute.firewall", _firewall),
    "dns.googleapis.com/Policy": ("gcp.dns.policy", _dns_policy),
    "compute.googleapis.com/BackendService": ("gcp.compute.backend_service", _backend_service),
    "compute.googleapis.com/RegionBackendService": ("gcp.compute.backend_service", _backend_service),
    "storage.googleapis.com/Bucket": ("gcp.storage.bucket", _storage_bucket),
    "compute.googleapis.com/PacketMirroring": ("gcp.compute.packet_mirroring", _packet_mirroring),
    "container.googleapis.com/Cluster": ("gcp.container.cluster", _cluster),
    "compute.googleapis.com/Instance": ("gcp.compute.instance", _instance),
    "compute.googleapis.com/InstanceGroupManager": ("gcp.compute.instance_group_manager", _group_manager),
    "compute.googleapis.com/RegionInstanceGroupManager": ("gcp.compute.instance_group_manager",
                                                          _group_manager),
    "compute.googleapis.com/Snapshot": ("gcp.compute.snapshot", _snapshot),
    "pubsub.googleapis.com/Topic": ("gcp.pubsub.topic", _topic),
    "pubsub.googleapis.com/Subscription": ("gcp.pubsub.subscription", _subscription),
    "bigquery.googleapis.com/Dataset": ("gcp.bigquery.dataset", _dataset),
    "essentialcontacts.googleapis.com/Contact": ("gcp.essentialcontacts.contact", _contact),
    "orgpolicy.googleapis.com/Policy": ("gcp.orgpolicy.policy", _org_policy_v2),
}
_AUTOSCALERS = ("compute.googleapis.com/Autoscaler", "compute.googleapis.com/RegionAutoscaler")
# Cloud Asset types the live collector lists with content RESOURCE: everything mapped above.
RESOURCE_ASSET_TYPES = tuple(sorted(
    {PROJECT, FOLDER, ORGANIZATION, "logging.googleapis.com/LogBucket", "cloudkms.googleapis.com/CryptoKey",
     *_AUTOSCALERS, *_SIMPLE} - {"essentialcontacts.googleapis.com/Contact", "orgpolicy.googleapis.com/Policy"}))
# Types every RESOURCE export yields (an empty list then means "none exist").
RESOURCE_TYPES = sorted({"gcp.project", "gcp.logging.bucket", "gcp.kms.crypto_key"}
                        | {t for t, _ in _SIMPLE.values()} - set(OPTIONAL_TYPES))


@dataclass
class LiveResults:
    """What a live collection adds to the Cloud Asset records.

    `records` are read from APIs Cloud Asset does not cover (SCC, Essential Contacts), each with the hierarchy
    node holding it; `read_types` are the optional types the collector asked for, so finding none means none
    exist; `failures` are the calls that failed, each with the node it concerns (None: every project).
    """

    records: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (holder, type, record)
    read_types: set[str] = field(default_factory=set)
    failures: list[tuple[str | None, CollectionError]] = field(default_factory=list)


class _Record:
    """One mapped record and the hierarchy node holding it."""

    __slots__ = ("ancestors", "holder", "record", "type_name")

    def __init__(self, holder: str | None, ancestors: list[str], type_name: str, record: dict[str, Any]) -> None:
        self.holder, self.ancestors, self.type_name, self.record = holder, ancestors, type_name, record


def build_snapshots(assets: Iterable[dict[str, Any]], *, collected_at: datetime, tool_version: str,
                    source: str = "asset export", live: LiveResults | None = None) -> list[Snapshot]:
    """One snapshot per project found in `assets` (validated dicts with `name` and `assetType`).

    `live` is given by the live collector: its extra records, the optional types it read and its failures.
    """
    records: list[_Record] = []
    has_resource = has_iam = False
    seen_resource: set[str] = set()  # holders whose own RESOURCE line is in the export
    seen_iam: set[str] = set()
    number_of: dict[str, str] = {}  # project id -> number
    autoscalers: dict[str, str] = {}  # target self link -> mode
    for asset in assets:
        kind = str(asset["assetType"])
        ancestors = _strs(asset.get("ancestors"))
        holder = ancestors[0] if ancestors else None
        resource = asset.get("resource")
        if isinstance(resource, dict):
            has_resource = True
            data = resource.get("data") or {}
            location = resource.get("location")
            if kind in _HOLDERS and holder:
                seen_resource.add(holder)
            if kind == PROJECT:
                project = _project(asset, data)
                if project["project_id"] and project["number"]:
                    number_of[str(project["project_id"])] = str(project["number"])
                records.append(_Record(holder, ancestors, "gcp.project", project))
            elif kind == "logging.googleapis.com/LogBucket":
                records.append(_Record(holder, ancestors, "gcp.logging.bucket",
                                       _log_bucket(asset, data, location)))
            elif kind == "cloudkms.googleapis.com/CryptoKey":
                records.append(_Record(holder, ancestors, "gcp.kms.crypto_key",
                                       _crypto_key(asset, data, location)))
            elif kind in _AUTOSCALERS and data.get("target"):
                mode = (data.get("autoscalingPolicy") or {}).get("mode") or "ON"
                autoscalers[str(data["target"])] = str(mode)
            elif kind in _SIMPLE:
                type_name, mapper = _SIMPLE[kind]
                record = mapper(asset, data)
                _fill_region(type_name, record, location)
                records.append(_Record(holder, ancestors, type_name, record))
        if isinstance(asset.get("iamPolicy"), dict):
            has_iam = True
            # Audit configs live only on organisation, folder and project policies.
            if holder and kind in _HOLDERS:
                seen_iam.add(holder)
                for config in _audit_configs(asset, asset["iamPolicy"]):
                    records.append(_Record(holder, ancestors, "gcp.iam.audit_config", config))
        for policy in asset.get("orgPolicy") or []:
            if isinstance(policy, dict):
                records.append(_Record(holder, ancestors, "gcp.orgpolicy.policy", _org_policy_v1(asset, policy)))
    for item in records:
        if item.type_name == "gcp.compute.instance_group_manager":
            link = item.record.pop("_self_link", None)
            mode = autoscalers.get(str(link)) if link else None
            if mode is None:
                mode = next((m for t, m in autoscalers.items() if t.endswith(_path(item.record["id"]))), None)
            item.record["autoscaler_mode"] = mode
            item.record["autoscaled"] = mode is not None and mode != "OFF"
    present = {r.type_name for r in records}
    if live is not None:
        records.extend(_Record(holder, [holder], type_name, record) for holder, type_name, record in live.records)
        present |= live.read_types
    projects = [r for r in records if r.type_name == "gcp.project"]
    snapshots = []
    for node in sorted(projects, key=lambda p: str(p.record.get("project_id") or p.record["id"])):
        snapshots.append(_project_snapshot(node, records, has_resource=has_resource, has_iam=has_iam,
                                           seen_resource=seen_resource, seen_iam=seen_iam, present=present,
                                           collected_at=collected_at, tool_version=tool_version,
                                           source=source, live=live))
    return snapshots


# Regional types whose region may only be given by the asset's `resource.location`.
_REGIONAL = frozenset({"gcp.compute.subnetwork", "gcp.compute.packet_mirroring", "gcp.container.cluster",
                       "gcp.compute.instance", "gcp.compute.instance_group_manager", "gcp.storage.bucket",
                       "gcp.bigquery.dataset", "gcp.compute.backend_service"})


def _fill_region(type_name: str, record: dict[str, Any], location: Any) -> None:
    """Fall back on `resource.location` when the data itself names no region (never for `global`)."""
    where = _lower(location)
    if type_name not in _REGIONAL or record.get("region") or not where or where == "global":
        return
    record["region"] = _region(where)
    if "location" in record and not record["location"]:
        record["location"] = where
    if "zone" in record and not record["zone"] and where != record["region"]:
        record["zone"] = where


def _path(reference: str) -> str:
    """`projects/...` path of a full resource name or self link."""
    index = reference.find("projects/")
    return reference[index:] if index >= 0 else reference


def _project_snapshot(project: _Record, records: list[_Record], *, has_resource: bool, has_iam: bool,
                      seen_resource: set[str], seen_iam: set[str], present: set[str],
                      collected_at: datetime, tool_version: str, source: str,
                      live: LiveResults | None) -> Snapshot:
    data = project.record
    own = {f"projects/{data[k]}" for k in ("number", "project_id") if data.get(k)}
    above = [a for a in project.ancestors if a not in own]
    operation = "ListAssets" if live else "ExportAssets"
    resources: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in records:
        mine = item.holder in own
        inherited = item.holder in above and item.type_name in {
            "gcp.logging.sink", "gcp.iam.audit_config", "gcp.orgpolicy.policy",
            "gcp.essentialcontacts.contact", "gcp.scc.settings", "gcp.scc.notification_config"}
        if not (mine or inherited):
            continue
        record = dict(item.record)
        if mine and "scope" not in record and item.type_name != "gcp.project":
            record["project_id"] = data.get("project_id")
        resources[item.type_name].append(record)
    errors: list[CollectionError] = []
    failed_at: set[str] = set()  # hierarchy nodes whose reads failed: their failures already say why
    for holder, failure in live.failures if live else ():
        if holder is None or holder in own or holder in above:
            errors.append(failure)
            failed_at.add(holder or "*")
    # A live listing that failed is in `errors` already, and an error outweighs the empty list set here.
    if has_resource or live:
        for type_name in RESOURCE_TYPES:
            resources.setdefault(type_name, [])
    else:
        errors.append(_error("RESOURCE", "the export holds no RESOURCE content (gcloud asset export "
                             "--content-type=resource)", [t for t in RESOURCE_TYPES if t != "gcp.project"],
                             operation))
    if has_iam or live:
        resources.setdefault("gcp.iam.audit_config", [])
    else:
        errors.append(_error("IAM_POLICY", "the export holds no IAM_POLICY content (gcloud asset export "
                             "--content-type=iam-policy), so Data Access audit settings were not read",
                             ["gcp.iam.audit_config"], operation))
    for type_name, why in OPTIONAL_TYPES.items():
        if type_name in present:
            resources.setdefault(type_name, [])
        else:
            errors.append(_error("NotCollected", why, [type_name], operation))
    # Inherited settings are only complete when every ancestor's own lines were read.
    where = "returned by Cloud Asset" if live else "in the export"
    missing_resource = [a for a in above if a not in seen_resource and a not in failed_at]
    if has_resource and missing_resource:
        errors.append(_error("AncestorNotRead" if live else "AncestorNotInExport",
                             ", ".join(missing_resource) + f" is not {where}, so its aggregated sinks are unknown",
                             list(INHERITED_RESOURCE_TYPES), operation))
    missing_iam = [a for a in above if a not in seen_iam and a not in failed_at]
    if has_iam and missing_iam:
        errors.append(_error("AncestorNotRead" if live else "AncestorNotInExport",
                             "no IAM policy " + f"{where} for " + ", ".join(missing_iam) +
                             ", so inherited audit configs are unknown", ["gcp.iam.audit_config"], operation))
    regions = sorted({str(r["region"]) for items in resources.values() for r in items if r.get("region")})
    organization = next((a.split("/", 1)[1] for a in above if a.startswith("organizations/")), None)
    for items in resources.values():
        items.sort(key=lambda r: str(r.get("id")))
    return Snapshot(provider="gcp", account_id=str(data.get("project_id") or data.get("number")),
                    account_name=data.get("display_name"), organization_id=organization, regions=regions,
                    collected_at=collected_at, tool_version=tool_version, identity=f"{source}",
                    errors=errors, resources=dict(sorted(resources.items())))


def _error(code: str, message: str, types: list[str], operation: str) -> CollectionError:
    return CollectionError(service="cloudasset", operation=operation, code=code, message=message,
                           resource_types=sorted(types))
