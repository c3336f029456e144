"""gcp resource types a snapshot may hold (see the package docstring for conventions).

A GCP collector fills these from Cloud Asset Inventory (ListAssets or a `gcloud asset export` file):
content type RESOURCE for configuration and IAM_POLICY / ORG_POLICY for settings held in the
hierarchy, plus a few APIs that CAI does not cover (Security Command Center, Essential Contacts).

Conventions for every GCP record:
- `id` is the CAI asset name, a full resource name such as
  `//compute.googleapis.com/projects/p/regions/europe-west1/subnetworks/s`. References to other
  resources (a subnet's network, a sink's destination) keep the form the API gives; checks compare
  them on their `projects/...` path, so self-links and full resource names both work.
- `project_id` is the owning project's id (CAI names the parent by project number; the collector
  resolves it). It is absent on records held by a folder or the organisation.
- `region` is the lower-case location for regional, zonal, dual- and multi-region resources
  (`europe-west1`, `eu`, `us`, `eur4`, `global` for log buckets); it is absent for global resources.
- Numbers arrive from CAI as floats (30.0); the collector writes whole numbers as integers.
- Settings are inherited down the hierarchy (organisation -> folders -> project). For a project
  snapshot the collector also reads the records its ancestors hold (sinks, IAM audit configs, org
  policies, essential contacts, SCC settings) and marks each with `scope` / `scope_id` / `parent`;
  `gcp.project.ancestors` tells checks which of them apply. If it cannot read an ancestor, it records
  a CollectionError listing the affected types, so checks say `unknown` instead of judging the
  project's own settings alone.
"""

from typing import Any

_SCOPE = "Where the record is held: `organization`, `folder` or `project`."
_SCOPE_ID = "Numeric id of that organisation, folder or project (projects by number, as in CAI ancestors)."
_PARENT = "The holder as `organizations/N`, `folders/N` or `projects/N`, the form of `gcp.project.ancestors`."
_LABELS = "User labels, key -> value (free text from the account: hostile until escaped)."

TYPES: dict[str, dict[str, Any]] = {
    "gcp.project": {
        "description": "A project and its place in the resource hierarchy.",
        "fields": {
            "id": "Full resource name `//cloudresourcemanager.googleapis.com/projects/NUMBER`.",
            "project_id": "Project id (`resource.data.projectId`).",
            "number": "Project number as a string (`resource.data.projectNumber`).",
            "display_name": "Display name (`resource.data.name`).",
            "state": "Lifecycle state, e.g. ACTIVE or DELETE_REQUESTED (`resource.data.lifecycleState`).",
            "parent": "Direct parent as `folders/N` or `organizations/N` (`resource.data.parent`).",
            "ancestors": "The chain from the project upwards: `projects/N`, `folders/N`..., "
                         "`organizations/N` (CAI `asset.ancestors`).",
            "labels": _LABELS,
        },
        "source": "cloudasset ListAssets, asset type cloudresourcemanager.googleapis.com/Project, "
                  "content RESOURCE",
    },
    "gcp.iam.audit_config": {
        "description": "One Data Access audit log configuration (an IAM policy auditConfig) held by the "
                       "organisation, a folder or the project. Configurations are additive down the "
                       "hierarchy: enabled log types and exempted members are unions of all levels.",
        "fields": {
            "id": "Holder's full resource name + `/auditConfigs/<service>`, e.g. "
                  "`//cloudresourcemanager.googleapis.com/organizations/123/auditConfigs/allServices`.",
            "scope": _SCOPE,
            "scope_id": _SCOPE_ID,
            "parent": _PARENT,
            "service": "`allServices` or a service name such as `storage.googleapis.com`.",
            "log_types": "Enabled log types, sorted: any of ADMIN_READ, DATA_READ, DATA_WRITE (the "
                         "protobuf enum 1/3/2 converted to names).",
            "exempted_members": "Log type -> principals exempted from it, e.g. "
                                "`{\"DATA_READ\": [\"user:a@example.com\"]}`; only types with exemptions.",
        },
        "source": "cloudasset ListAssets, asset types cloudresourcemanager.googleapis.com/{Organization,"
                  "Folder,Project}, content IAM_POLICY (`iamPolicy.auditConfigs`)",
    },
    "gcp.logging.sink": {
        "description": "A log router sink; at organisation or folder level with include_children it "
                       "aggregates the logs of every project below it.",
        "fields": {
            "id": "Full resource name, e.g. `//logging.googleapis.com/organizations/123/sinks/org-audit`.",
            "name": "Sink name (`_Default` and `_Required` are the built-in project sinks).",
            "scope": _SCOPE,
            "scope_id": _SCOPE_ID,
            "parent": _PARENT,
            "destination": "Where entries go, as the API writes it: `bigquery.googleapis.com/projects/p/"
                           "datasets/d`, `pubsub.googleapis.com/projects/p/topics/t`, "
                           "`storage.googleapis.com/bucket`, `logging.googleapis.com/projects/p/"
                           "locations/l/buckets/b`, or another project.",
            "filter": "Inclusion filter; empty means every log entry.",
            "exclusions": "List of {name, filter, disabled}; entries matching an active exclusion are "
                          "not routed.",
            "disabled": "True when the sink routes nothing.",
            "include_children": "True when an organisation or folder sink also routes its descendants' "
                                "logs.",
            "writer_identity": "Service account the sink writes as (needs access to the destination).",
        },
        "source": "cloudasset ListAssets, asset type logging.googleapis.com/LogSink, content RESOURCE, "
                  "at organisation, folder and project scope",
    },
    "gcp.logging.bucket": {
        "description": "A Cloud Logging storage bucket. `_Required` (400 days, fixed) and `_Default` "
                       "(30 days unless changed) exist in every project.",
        "fields": {
            "id": "Full resource name, e.g. `//logging.googleapis.com/projects/p/locations/global/"
                  "buckets/_Default`.",
            "name": "Bucket id: `_Required`, `_Default` or a user-defined name.",
            "project_id": "Owning project (absent for organisation or folder buckets).",
            "parent": _PARENT,
            "location": "Location: `global`, a region or a multi-region such as `eu`.",
            "region": "Same as location (lower case).",
            "retention_days": "Retention in days as an integer; the API's 0 or absence means the "
                              "30-day default (`retentionDays`).",
            "locked": "True when the retention policy is locked and can no longer be shortened or "
                      "the bucket deleted (`locked`).",
            "cmek_key_name": "Cloud KMS key protecting the bucket, or null (`cmekSettings.kmsKeyName`).",
            "lifecycle_state": "ACTIVE or DELETE_REQUESTED (`lifecycleState`).",
            "analytics_enabled": "True when Log Analytics is on (`analyticsEnabled`).",
        },
        "source": "cloudasset ListAssets, asset type logging.googleapis.com/LogBucket, content RESOURCE",
    },
    "gcp.compute.network": {
        "description": "A VPC network.",
        "fields": {
            "id": "Full resource name `//compute.googleapis.com/projects/p/global/networks/n`.",
            "name": "Network name.",
            "project_id": "Owning project.",
            "auto_create_subnetworks": "True for auto-mode networks (`autoCreateSubnetworks`).",
            "routing_mode": "REGIONAL or GLOBAL (`routingConfig.routingMode`).",
            "subnetworks": "Subnet references (`subnetworks`).",
        },
        "source": "cloudasset ListAssets, asset type compute.googleapis.com/Network, content RESOURCE",
    },
    "gcp.compute.subnetwork": {
        "description": "A VPC subnet; VPC Flow Logs are switched on per subnet.",
        "fields": {
            "id": "Full resource name `//compute.googleapis.com/projects/p/regions/r/subnetworks/s`.",
            "name": "Subnet name.",
            "project_id": "Owning project.",
            "region": "Region of the subnet.",
            "network": "Network reference (`network`).",
            "ip_cidr_range": "Primary range (`ipCidrRange`).",
            "purpose": "PRIVATE (ordinary subnet) or a special purpose such as REGIONAL_MANAGED_PROXY, "
                       "GLOBAL_MANAGED_PROXY or PRIVATE_SERVICE_CONNECT, which carry no flow logs "
                       "(`purpose`; absent means PRIVATE).",
            "flow_logs_enabled": "True when VPC Flow Logs are on (`logConfig.enable`, or the legacy "
                                 "`enableFlowLogs`).",
            "aggregation_interval": "e.g. INTERVAL_5_SEC (`logConfig.aggregationInterval`).",
            "flow_sampling": "Share of flows sampled, 0..1 (`logConfig.flowSampling`).",
            "metadata": "INCLUDE_ALL_METADATA, EXCLUDE_ALL_METADATA or CUSTOM_METADATA "
                        "(`logConfig.metadata`).",
        },
        "source": "cloudasset ListAssets, asset type compute.googleapis.com/Subnetwork, content RESOURCE",
    },
    "gcp.compute.firewall": {
        "description": "A VPC firewall rule.",
        "fields": {
            "id": "Full resource name `//compute.googleapis.com/projects/p/global/firewalls/f`.",
            "name": "Rule name.",
            "project_id": "Owning project.",
            "network": "Network reference (`network`).",
            "direction": "INGRESS or EGRESS.",
            "priority": "0..65535, lower wins; at equal priority a deny beats an allow (`priority`).",
            "disabled": "True when the rule is not enforced (`disabled`).",
            "log_enabled": "True when Firewall Rules Logging is on (`logConfig.enable`).",
            "target_tags": "Network tags the rule applies to; empty with no target service accounts "
                           "means every instance in the network (`targetTags`).",
            "target_service_accounts": "Service accounts the rule applies to (`targetServiceAccounts`).",
            "source_ranges": "Ingress source CIDRs (`sourceRanges`).",
            "source_tags": "Ingress source tags (`sourceTags`).",
            "destination_ranges": "Egress destination CIDRs (`destinationRanges`).",
            "allowed": "List of {protocol, ports} the rule allows (`allowed`; protocol `all` for any).",
            "denied": "List of {protocol, ports} the rule denies (`denied`).",
            "description": "Free text description (hostile until escaped).",
        },
        "source": "cloudasset ListAssets, asset type compute.googleapis.com/Firewall, content RESOURCE",
    },
    "gcp.dns.policy": {
        "description": "A Cloud DNS server policy; query logging for a VPC network is switched on here.",
        "fields": {
            "id": "Full resource name `//dns.googleapis.com/projects/p/policies/name`.",
            "name": "Policy name.",
            "project_id": "Owning project.",
            "enable_logging": "True when DNS query logging is on (`enableLogging`).",
            "enable_inbound_forwarding": "True when inbound forwarding is on.",
            "networks": "Network references the policy is bound to (`networks[].networkUrl`).",
        },
        "source": "cloudasset ListAssets, asset type dns.googleapis.com/Policy, content RESOURCE",
    },
    "gcp.compute.backend_service": {
        "description": "A load balancer backend service; request logging is set per backend service.",
        "fields": {
            "id": "Full resource name (`.../global/backendServices/b` or `.../regions/r/backendServices/b`).",
            "name": "Backend service name.",
            "project_id": "Owning project.",
            "region": "Region for regional backend services; absent for global ones.",
            "load_balancing_scheme": "EXTERNAL, EXTERNAL_MANAGED, INTERNAL, INTERNAL_MANAGED, ...",
            "protocol": "HTTP, HTTPS, HTTP2, TCP, SSL, UDP, ...",
            "log_enabled": "True when logging is on (`logConfig.enable`).",
            "log_sample_rate": "Share of requests logged, 0..1; null means the API default 1.0 "
                               "(`logConfig.sampleRate`).",
        },
        "source": "cloudasset ListAssets, asset types compute.googleapis.com/BackendService and "
                  "compute.googleapis.com/RegionBackendService, content RESOURCE",
    },
    "gcp.storage.bucket": {
        "description": "A Cloud Storage bucket (data, exported logs, evidence).",
        "fields": {
            "id": "Full resource name `//storage.googleapis.com/<bucket>`.",
            "name": "Bucket name.",
            "project_id": "Owning project.",
            "location": "Lower-case location: a region, a dual-region (`eur4`, `nam4`) or a "
                        "multi-region (`eu`, `us`, `asia`).",
            "location_type": "region, dual-region or multi-region (`locationType`).",
            "region": "Same as location.",
            "data_locations": "Regions of a configurable dual-region (`customPlacementConfig."
                              "dataLocations`), else empty.",
            "retention_period_days": "Retention policy in days (`retentionPolicy.retentionPeriod` "
                                     "seconds / 86400), or null without a policy.",
            "retention_locked": "True when the retention policy is locked (Bucket Lock, "
                                "`retentionPolicy.isLocked`).",
            "versioning": "True when object versioning is on (`versioning.enabled`).",
            "default_kms_key": "Default Cloud KMS key, or null (`encryption.defaultKmsKeyName`).",
            "labels": _LABELS,
        },
        "source": "cloudasset ListAssets, asset type storage.googleapis.com/Bucket, content RESOURCE",
    },
    "gcp.compute.packet_mirroring": {
        "description": "A Packet Mirroring policy (the counterpart of a SPAN port or network tap).",
        "fields": {
            "id": "Full resource name `//compute.googleapis.com/projects/p/regions/r/packetMirrorings/m`.",
            "name": "Policy name.",
            "project_id": "Owning project.",
            "region": "Region of the policy (mirroring is regional).",
            "network": "Network reference (`network.url`).",
            "enabled": "True when mirroring is active; false for a prepared but paused policy "
                       "(`enable` TRUE/FALSE).",
            "collector_ilb": "Forwarding rule of the collector load balancer (`collectorIlb.url`).",
            "mirrored_subnetworks": "Subnet references mirrored (`mirroredResources.subnetworks`).",
            "mirrored_instances": "Instance references mirrored (`mirroredResources.instances`).",
            "mirrored_tags": "Network tags mirrored (`mirroredResources.tags`).",
        },
        "source": "cloudasset ListAssets, asset type compute.googleapis.com/PacketMirroring, content "
                  "RESOURCE",
    },
    "gcp.container.cluster": {
        "description": "A GKE cluster and what it sends to Cloud Logging.",
        "fields": {
            "id": "Full resource name `//container.googleapis.com/projects/p/locations/l/clusters/c`.",
            "name": "Cluster name.",
            "project_id": "Owning project.",
            "location": "Region or zone of the cluster.",
            "region": "Region (the zone's region for zonal clusters).",
            "autopilot": "True for Autopilot clusters (`autopilot.enabled`).",
            "logging_service": "`logging.googleapis.com/kubernetes` or `none` (`loggingService`).",
            "logging_components": "Components sent to Cloud Logging, sorted: SYSTEM_COMPONENTS, "
                                  "WORKLOADS, APISERVER, SCHEDULER, CONTROLLER_MANAGER, ... "
                                  "(`loggingConfig.componentConfig.enableComponents`).",
        },
        "source": "cloudasset ListAssets, asset type container.googleapis.com/Cluster, content RESOURCE",
    },
    "gcp.compute.instance": {
        "description": "A Compute Engine VM instance.",
        "fields": {
            "id": "Full resource name `//compute.googleapis.com/projects/p/zones/z/instances/i`.",
            "name": "Instance name.",
            "project_id": "Owning project.",
            "zone": "Zone, e.g. europe-west1-b.",
            "region": "Region of the zone.",
            "status": "RUNNING, TERMINATED, ... (`status`).",
            "deletion_protection": "True when the instance cannot be deleted (`deletionProtection`).",
            "boot_disk_auto_delete": "True when the boot disk is deleted with the instance "
                                     "(`disks[boot=true].autoDelete`).",
            "disks": "List of {device_name, boot, auto_delete, source} (`disks`).",
            "created_by": "Managed instance group that created it, as a reference, or null "
                          "(metadata item `created-by`).",
            "network_tags": "Network tags (`tags.items`), used by firewall rules such as a quarantine.",
            "service_account": "Attached service account email, or null.",
            "labels": _LABELS,
        },
        "source": "cloudasset ListAssets, asset type compute.googleapis.com/Instance, content RESOURCE",
    },
    "gcp.compute.instance_group_manager": {
        "description": "A managed instance group (zonal or regional) and whether an autoscaler "
                       "can remove its instances.",
        "fields": {
            "id": "Full resource name (`.../zones/z/instanceGroupManagers/m` or "
                  "`.../regions/r/instanceGroupManagers/m`).",
            "name": "Group name.",
            "project_id": "Owning project.",
            "zone": "Zone for zonal groups, else null.",
            "region": "Region of the group.",
            "instance_template": "Instance template reference (`instanceTemplate`).",
            "target_size": "Target number of instances (`targetSize`).",
            "autoscaled": "True when an autoscaler targets this group and its mode is not OFF.",
            "autoscaler_mode": "ON, ONLY_SCALE_OUT or OFF (`autoscalingPolicy.mode` of the autoscaler); "
                               "null without an autoscaler.",
        },
        "source": "cloudasset ListAssets, asset types compute.googleapis.com/InstanceGroupManager, "
                  "RegionInstanceGroupManager, Autoscaler and RegionAutoscaler (`target`), content RESOURCE",
    },
    "gcp.compute.snapshot": {
        "description": "A persistent disk snapshot (a backup or a forensic copy).",
        "fields": {
            "id": "Full resource name `//compute.googleapis.com/projects/p/global/snapshots/s`.",
            "name": "Snapshot name.",
            "project_id": "Owning project.",
            "storage_locations": "Lower-case locations holding the snapshot data (`storageLocations`).",
            "source_disk": "Disk it was taken from (`sourceDisk`).",
            "labels": _LABELS,
        },
        "source": "cloudasset ListAssets, asset type compute.googleapis.com/Snapshot, content RESOURCE",
    },
    "gcp.pubsub.topic": {
        "description": "A Pub/Sub topic (the usual bridge from a log sink to a SIEM).",
        "fields": {
            "id": "Full resource name `//pubsub.googleapis.com/projects/p/topics/t`.",
            "name": "Topic name.",
            "project_id": "Owning project.",
            "kms_key_name": "Cloud KMS key, or null (`kmsKeyName`).",
            "allowed_persistence_regions": "Regions where messages may be stored "
                                           "(`messageStoragePolicy.allowedPersistenceRegions`).",
            "labels": _LABELS,
        },
        "source": "cloudasset ListAssets, asset type pubsub.googleapis.com/Topic, content RESOURCE",
    },
    "gcp.pubsub.subscription": {
        "description": "A Pub/Sub subscription: something (a SIEM connector) reads the topic.",
        "fields": {
            "id": "Full resource name `//pubsub.googleapis.com/projects/p/subscriptions/s`.",
            "name": "Subscription name.",
            "project_id": "Owning project.",
            "topic": "Topic path `projects/p/topics/t` (`topic`).",
            "push_endpoint": "Push endpoint URL, or null for a pull subscription "
                             "(`pushConfig.pushEndpoint`).",
            "labels": _LABELS,
        },
        "source": "cloudasset ListAssets, asset type pubsub.googleapis.com/Subscription, content RESOURCE",
    },
    "gcp.bigquery.dataset": {
        "description": "A BigQuery dataset (data, or a log sink destination).",
        "fields": {
            "id": "Full resource name `//bigquery.googleapis.com/projects/p/datasets/d`.",
            "name": "Dataset id.",
            "project_id": "Owning project.",
            "location": "Lower-case location: a region or `eu` / `us`.",
            "region": "Same as location.",
            "default_kms_key": "Default Cloud KMS key, or null "
                               "(`defaultEncryptionConfiguration.kmsKeyName`).",
            "labels": _LABELS,
        },
        "source": "cloudasset ListAssets, asset type bigquery.googleapis.com/Dataset, content RESOURCE",
    },
    "gcp.kms.crypto_key": {
        "description": "A Cloud KMS key (for CMEK on log buckets and evidence).",
        "fields": {
            "id": "Full resource name `//cloudkms.googleapis.com/projects/p/locations/l/keyRings/r/"
                  "cryptoKeys/k`.",
            "name": "Key name.",
            "project_id": "Owning project.",
            "location": "Key ring location.",
            "region": "Same as location.",
            "purpose": "ENCRYPT_DECRYPT, ASYMMETRIC_SIGN, ... (`purpose`).",
            "rotation_period_days": "Automatic rotation period in days, or null when rotation is off "
                                    "(`rotationPeriod`).",
            "primary_state": "State of the primary version, e.g. ENABLED (`primary.state`).",
            "protection_level": "SOFTWARE, HSM, EXTERNAL, ... (`versionTemplate.protectionLevel`).",
        },
        "source": "cloudasset ListAssets, asset type cloudkms.googleapis.com/CryptoKey, content RESOURCE",
    },
    "gcp.orgpolicy.policy": {
        "description": "An organisation policy set on the organisation, a folder or the project. The "
                       "nearest policy wins unless it merges with its parent (inherit_from_parent).",
        "fields": {
            "id": "e.g. `//orgpolicy.googleapis.com/organizations/123/policies/gcp.resourceLocations`.",
            "scope": _SCOPE,
            "scope_id": _SCOPE_ID,
            "parent": _PARENT,
            "constraint": "Constraint name without the `constraints/` prefix, e.g. "
                          "`gcp.resourceLocations`.",
            "inherit_from_parent": "True when the values merge with the parent's effective policy "
                                   "(`listPolicy.inheritFromParent`; v2 `spec.inheritFromParent`).",
            "reset": "True when the policy restores the constraint's default, i.e. no restriction "
                     "(`restoreDefault`; v2 `spec.reset`).",
            "allow_all": "True when every value is allowed (`listPolicy.allValues: ALLOW`).",
            "deny_all": "True when every value is denied (`listPolicy.allValues: DENY`).",
            "allowed_values": "Allowed values, e.g. `in:eu-locations`, `europe-west1` "
                              "(`listPolicy.allowedValues`).",
            "denied_values": "Denied values (`listPolicy.deniedValues`).",
            "enforced": "For boolean constraints: true when enforced (`booleanPolicy.enforced`).",
        },
        "source": "cloudasset ListAssets, asset types cloudresourcemanager.googleapis.com/{Organization,"
                  "Folder,Project}, content ORG_POLICY",
    },
    "gcp.scc.settings": {
        "description": "Security Command Center activation and detector state at one level of the "
                       "hierarchy.",
        "fields": {
            "id": "e.g. `//securitycenter.googleapis.com/organizations/123/settings`.",
            "scope": _SCOPE,
            "scope_id": _SCOPE_ID,
            "parent": _PARENT,
            "tier": "STANDARD, PREMIUM, ENTERPRISE, or null when SCC is not activated (organisation "
                    "subscription tier).",
            "services": "Service -> effective state ENABLED / DISABLED, for event-threat-detection, "
                        "container-threat-detection, vm-threat-detection, security-health-analytics, "
                        "web-security-scanner, ... (`effectiveEnablementState`, which already folds in "
                        "inheritance at project scope).",
        },
        "source": "securitycenter v1beta2 organizations.getSubscription (tier); securitycentermanagement "
                  "{organizations,folders,projects}.locations.securityCenterServices.list",
    },
    "gcp.scc.notification_config": {
        "description": "A Security Command Center notification config streaming findings to Pub/Sub.",
        "fields": {
            "id": "e.g. `//securitycenter.googleapis.com/organizations/123/notificationConfigs/siem`.",
            "scope": _SCOPE,
            "scope_id": _SCOPE_ID,
            "parent": _PARENT,
            "pubsub_topic": "Topic path `projects/p/topics/t` (`pubsubTopic`).",
            "filter": "Finding filter; empty means every finding (`streamingConfig.filter`).",
        },
        "source": "securitycenter {organizations,folders,projects}.notificationConfigs.list",
    },
    "gcp.essentialcontacts.contact": {
        "description": "An Essential Contact Google notifies, held by the organisation, a folder or the "
                       "project (contacts are inherited by descendants).",
        "fields": {
            "id": "e.g. `//essentialcontacts.googleapis.com/organizations/123/contacts/456`.",
            "scope": _SCOPE,
            "scope_id": _SCOPE_ID,
            "parent": _PARENT,
            "email": "Contact address.",
            "notification_categories": "Categories, e.g. SECURITY, TECHNICAL, LEGAL, ALL "
                                       "(`notificationCategorySubscriptions`).",
            "validation_state": "VALID, INVALID or VALIDATION_STATE_UNSPECIFIED (`validationState`).",
        },
        "source": "essentialcontacts {organizations,folders,projects}.contacts.list",
    },
}
