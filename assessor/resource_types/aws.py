"""AWS resource types a snapshot may hold (see the package docstring for conventions).

Conventions for every AWS record:
- `id` is the resource ARN. Where AWS issues no ARN (Config recorders, Resolver query-log
  associations, alternate contacts) the collector builds one in the ARN shape so ids stay unique
  across accounts and regions.
- `region` is the region the record was read in; global resources (IAM, Organizations, account
  contacts) have none.
- `tags` is a flat {key: value} object (empty when untagged). Tag keys and values are customer
  text and may hold anything, including markup.
- A field the API left unset is `null`, never omitted, so a check can tell "off" from "not read".
- `source` lists the boto3 operations that fill the record as `<client>:<Operation>`.
"""

from typing import Any

_ID = "ARN of the resource (the stable unique identifier)"
_REGION = "Region the record was read in"
_TAGS = "Resource tags as {key: value}"

TYPES: dict[str, dict[str, Any]] = {
    # ------------------------------------------------------------------ CloudTrail
    "aws.cloudtrail.trail": {
        "description": "A CloudTrail trail visible from the account, with its status and event selectors. "
        "Shadow copies of multi-region and organisation trails are folded into one record per trail ARN.",
        "fields": {
            "id": "Trail ARN",
            "name": "Trail name",
            "region": "Home region of the trail",
            "is_multi_region": "True when the trail records every region",
            "is_organization_trail": "True when the trail records every account of the organisation",
            "is_logging": "True when the trail is currently delivering (GetTrailStatus IsLogging)",
            "log_file_validation": "True when digest files are written (LogFileValidationEnabled)",
            "kms_key_id": "ARN of the customer-managed KMS key encrypting the log files, or null for SSE-S3",
            "s3_bucket": "Name of the bucket receiving the log files",
            "s3_key_prefix": "Key prefix inside that bucket, or null",
            "cloudwatch_log_group_arn": "ARN of the CloudWatch Logs group also receiving events, or null",
            "include_global_events": "True when global-service events (IAM, STS, CloudFront) are recorded",
            "management_events": "Management events recorded: 'All', 'ReadOnly', 'WriteOnly', or null "
            "when management events are excluded",
            "data_events": "Data-event selectors, basic and advanced alike, as a list of {type: e.g. "
            "'AWS::S3::Object', read_write: 'All'|'ReadOnly'|'WriteOnly', arn_prefixes: resource ARN "
            "prefixes selected, empty meaning every resource of that type}",
        },
        "source": "cloudtrail:DescribeTrails (includeShadowTrails), cloudtrail:GetTrailStatus, "
        "cloudtrail:GetEventSelectors",
    },
    # ------------------------------------------------------------------ S3
    "aws.s3.bucket": {
        "description": "An S3 bucket owned by the account, with the settings that decide whether it can "
        "serve as tamper-proof evidence or log storage.",
        "fields": {
            "id": "Bucket ARN (arn:aws:s3:::name)",
            "name": "Bucket name",
            "region": "Region the bucket lives in (GetBucketLocation)",
            "tags": _TAGS + "; a purpose or data-classification tag marks evidence, log and sensitive buckets",
            "versioning": "'Enabled', 'Suspended' or 'Disabled' (never enabled)",
            "mfa_delete": "True when MFA Delete is enabled on versioning",
            "object_lock_enabled": "True when Object Lock is enabled on the bucket",
            "object_lock_mode": "Default retention mode 'GOVERNANCE' or 'COMPLIANCE', or null when there is "
            "no default retention",
            "retention_days": "Default retention period in days (years converted at 365), or null",
            "access_logging_target": "Bucket receiving server access logs, or null when logging is off",
            "public_access_block_all": "True when all four bucket-level Block Public Access settings are on",
        },
        "source": "s3:ListBuckets, s3:GetBucketLocation, s3:GetBucketTagging, s3:GetBucketVersioning, "
        "s3:GetObjectLockConfiguration, s3:GetBucketLogging, s3:GetPublicAccessBlock",
    },
    # ------------------------------------------------------------------ EC2 and VPC
    "aws.ec2.vpc": {
        "description": "A VPC: the unit that flow logs, DNS query logs and quarantine groups are judged per.",
        "fields": {
            "id": _ID,
            "vpc_id": "VPC id (vpc-...)",
            "region": _REGION,
            "name": "Value of the Name tag, or null",
            "is_default": "True for the region's default VPC",
            "cidr_block": "Primary IPv4 CIDR block",
            "tags": _TAGS,
        },
        "source": "ec2:DescribeVpcs",
    },
    "aws.ec2.flow_log": {
        "description": "A VPC flow log (the NetFlow counterpart) attached to a VPC, subnet or network interface.",
        "fields": {
            "id": _ID,
            "flow_log_id": "Flow log id (fl-...)",
            "region": _REGION,
            "resource_id": "Id of the VPC, subnet or network interface it records",
            "resource_type": "'vpc', 'subnet' or 'network_interface'",
            "traffic_type": "'ALL', 'ACCEPT' or 'REJECT'",
            "status": "Flow log status, 'ACTIVE' when it is set up",
            "deliver_logs_status": "'SUCCESS' or 'FAILED' (delivery to the destination)",
            "destination_type": "'cloud-watch-logs', 's3' or 'kinesis-data-firehose'",
            "destination": "ARN of the destination log group, bucket or stream",
        },
        "source": "ec2:DescribeFlowLogs",
    },
    "aws.ec2.instance": {
        "description": "An EC2 instance (terminated instances are left out) with its evidence-preserving settings.",
        "fields": {
            "id": _ID,
            "instance_id": "Instance id (i-...)",
            "region": _REGION,
            "state": "'pending', 'running', 'stopping' or 'stopped'",
            "vpc_id": "VPC id, or null for EC2-Classic leftovers",
            "termination_protection": "True when DisableApiTermination is set",
            "root_device_name": "Device name of the root volume",
            "root_delete_on_termination": "True when the root EBS volume is deleted with the instance, "
            "null when the root device is not EBS",
            "autoscaling_group": "Name of the Auto Scaling group managing it (aws:autoscaling:groupName tag), "
            "or null",
            "tags": _TAGS,
        },
        "source": "ec2:DescribeInstances, ec2:DescribeInstanceAttribute (disableApiTermination)",
    },
    "aws.ec2.security_group": {
        "description": "A security group with its rule counts, enough to recognise a prepared quarantine group.",
        "fields": {
            "id": _ID,
            "group_id": "Group id (sg-...)",
            "region": _REGION,
            "name": "Group name",
            "description": "Group description (free text)",
            "vpc_id": "VPC the group belongs to",
            "ingress_rule_count": "Number of inbound sources allowed (each CIDR, prefix list or group pair counts)",
            "egress_rule_count": "Number of outbound destinations allowed, counted the same way",
            "tags": _TAGS,
        },
        "source": "ec2:DescribeSecurityGroups",
    },
    "aws.ec2.traffic_mirror_target": {
        "description": "A traffic mirroring target (the SPAN/TAP counterpart) that mirrored packets can be sent to.",
        "fields": {
            "id": _ID,
            "target_id": "Target id (tmt-...)",
            "region": _REGION,
            "type": "'network-interface', 'network-load-balancer' or 'gateway-load-balancer-endpoint'",
            "description": "Target description (free text)",
            "tags": _TAGS,
        },
        "source": "ec2:DescribeTrafficMirrorTargets",
    },
    "aws.ec2.traffic_mirror_session": {
        "description": "A traffic mirroring session copying one network interface's packets to a target.",
        "fields": {
            "id": _ID,
            "session_id": "Session id (tms-...)",
            "region": _REGION,
            "network_interface_id": "Source network interface (eni-...)",
            "target_id": "Traffic mirror target id",
            "filter_id": "Traffic mirror filter id",
            "description": "Session description (free text)",
            "tags": _TAGS,
        },
        "source": "ec2:DescribeTrafficMirrorSessions",
    },
    # ------------------------------------------------------------------ detection
    "aws.guardduty.detector": {
        "description": "The GuardDuty detector of one region (at most one per region and account).",
        "fields": {
            "id": _ID,
            "detector_id": "Detector id",
            "region": _REGION,
            "status": "'ENABLED' or 'DISABLED'",
            "finding_publishing_frequency": "'FIFTEEN_MINUTES', 'ONE_HOUR' or 'SIX_HOURS'",
            "features": "Protection plans as {name: status}, e.g. {'S3_DATA_EVENTS': 'ENABLED', "
            "'EKS_AUDIT_LOGS': 'DISABLED', 'RUNTIME_MONITORING': 'ENABLED'}",
        },
        "source": "guardduty:ListDetectors, guardduty:GetDetector",
    },
    "aws.securityhub.hub": {
        "description": "Security Hub enabled in one region (no record when it is not enabled there).",
        "fields": {
            "id": "Hub ARN",
            "region": _REGION,
            "subscribed_at": "When Security Hub was enabled (ISO 8601)",
            "auto_enable_controls": "True when new controls of enabled standards switch on automatically",
        },
        "source": "securityhub:DescribeHub (InvalidAccessException means not enabled: no record, no error)",
    },
    "aws.securityhub.standard": {
        "description": "A security standard subscribed in a region's Security Hub (the posture baseline).",
        "fields": {
            "id": "Standards subscription ARN",
            "region": _REGION,
            "standard_arn": "ARN of the standard, e.g. arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark"
            "/v/1.2.0",
            "status": "'PENDING', 'READY', 'FAILED', 'DELETING' or 'INCOMPLETE'",
        },
        "source": "securityhub:GetEnabledStandards",
    },
    "aws.securityhub.finding_aggregator": {
        "description": "A cross-region finding aggregator: findings of linked regions are replicated to its "
        "home region.",
        "fields": {
            "id": "Finding aggregator ARN",
            "region": "Aggregation (home) region",
            "region_linking_mode": "'ALL_REGIONS', 'ALL_REGIONS_EXCEPT_SPECIFIED', 'SPECIFIED_REGIONS' or "
            "'NO_REGIONS'",
            "regions": "Regions listed with the linking mode (included or excluded, depending on the mode)",
        },
        "source": "securityhub:ListFindingAggregators, securityhub:GetFindingAggregator",
    },
    # ------------------------------------------------------------------ Config
    "aws.config.recorder": {
        "description": "The AWS Config configuration recorder of one region (the CMDB and change-history "
        "counterpart).",
        "fields": {
            "id": "Recorder ARN, or arn:aws:config:<region>:<account>:configuration-recorder/<name> when the "
            "API returns none",
            "name": "Recorder name",
            "region": _REGION,
            "recording": "True when the recorder is running (DescribeConfigurationRecorderStatus)",
            "last_status": "'SUCCESS', 'PENDING' or 'FAILURE' of the last recording attempt, or null",
            "all_supported": "True when every supported resource type is recorded",
            "include_global_resource_types": "True when global resources (IAM) are recorded in this region",
            "resource_types": "Resource types recorded when all_supported is false",
            "role_arn": "Service role the recorder uses",
        },
        "source": "config:DescribeConfigurationRecorders, config:DescribeConfigurationRecorderStatus",
    },
    # ------------------------------------------------------------------ CloudWatch Logs
    "aws.logs.log_group": {
        "description": "A CloudWatch Logs log group with retention, encryption and forwarding.",
        "fields": {
            "id": "Log group ARN (without the trailing ':*')",
            "name": "Log group name",
            "region": _REGION,
            "retention_days": "Retention in days, or null when events never expire",
            "kms_key_id": "ARN of the KMS key encrypting the group, or null",
            "stored_bytes": "Bytes stored",
            "subscription_filters": "Forwarding rules as a list of {name, destination_arn, filter_pattern}; "
            "the destination is a Kinesis stream, Firehose stream, Lambda function or cross-account "
            "logs destination",
        },
        "source": "logs:DescribeLogGroups, logs:DescribeSubscriptionFilters",
    },
    # ------------------------------------------------------------------ edge
    "aws.elbv2.load_balancer": {
        "description": "An Application, Network or Gateway Load Balancer with its access-log setting.",
        "fields": {
            "id": _ID,
            "name": "Load balancer name",
            "region": _REGION,
            "type": "'application', 'network' or 'gateway'",
            "scheme": "'internet-facing' or 'internal'",
            "vpc_id": "VPC id",
            "access_logs_enabled": "True when access_logs.s3.enabled is 'true'",
            "access_logs_bucket": "Bucket receiving the access logs, or null",
            "deletion_protection": "True when deletion_protection.enabled is 'true'",
        },
        "source": "elbv2:DescribeLoadBalancers, elbv2:DescribeLoadBalancerAttributes",
    },
    # ------------------------------------------------------------------ elasticity
    "aws.autoscaling.group": {
        "description": "An Auto Scaling group and its lifecycle hooks: where instances (and their disks) "
        "disappear on scale-in.",
        "fields": {
            "id": _ID,
            "name": "Group name",
            "region": _REGION,
            "min_size": "Minimum capacity",
            "max_size": "Maximum capacity",
            "desired_capacity": "Desired capacity",
            "instance_ids": "Ids of the instances currently in the group",
            "lifecycle_hooks": "List of {name, transition: 'autoscaling:EC2_INSTANCE_LAUNCHING' or "
            "'autoscaling:EC2_INSTANCE_TERMINATING', default_result: 'CONTINUE' or 'ABANDON', "
            "heartbeat_timeout: seconds}",
        },
        "source": "autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeLifecycleHooks",
    },
    "aws.backup.vault": {
        "description": "An AWS Backup vault and its Vault Lock (immutable backup counterpart).",
        "fields": {
            "id": _ID,
            "name": "Vault name",
            "region": _REGION,
            "locked": "True when Vault Lock is applied (governance or compliance mode)",
            "lock_date": "When a compliance-mode lock became or becomes immutable (ISO 8601), or null for "
            "governance mode or no lock",
            "min_retention_days": "Minimum retention enforced by the lock, or null",
            "max_retention_days": "Maximum retention enforced by the lock, or null",
            "recovery_points": "Number of recovery points held",
            "encryption_key_arn": "KMS key encrypting the backups",
        },
        "source": "backup:ListBackupVaults, backup:DescribeBackupVault",
    },
    "aws.eks.cluster": {
        "description": "An EKS cluster and the control-plane log types it sends to CloudWatch Logs.",
        "fields": {
            "id": _ID,
            "name": "Cluster name",
            "region": _REGION,
            "version": "Kubernetes version",
            "enabled_log_types": "Enabled control-plane log types among 'api', 'audit', 'authenticator', "
            "'controllerManager', 'scheduler'",
        },
        "source": "eks:ListClusters, eks:DescribeCluster",
    },
    # ------------------------------------------------------------------ DNS
    "aws.route53resolver.query_log_association": {
        "description": "A Route 53 Resolver query-logging configuration associated with one VPC (the DNS "
        "log counterpart), joined with the configuration's destination.",
        "fields": {
            "id": "arn:aws:route53resolver:<region>:<account>:resolver-query-log-config-association/<id>",
            "region": _REGION,
            "vpc_id": "VPC whose DNS queries are logged",
            "config_id": "Query-logging configuration id (rqlc-...)",
            "config_name": "Query-logging configuration name",
            "destination_arn": "Log group, bucket or Firehose stream receiving the queries",
            "status": "'CREATING', 'ACTIVE', 'ACTION_NEEDED', 'DELETING' or 'FAILED'",
        },
        "source": "route53resolver:ListResolverQueryLogConfigAssociations, "
        "route53resolver:ListResolverQueryLogConfigs",
    },
    # ------------------------------------------------------------------ keys
    "aws.kms.key": {
        "description": "A KMS key with its manager and automatic rotation state.",
        "fields": {
            "id": "Key ARN",
            "key_id": "Key id (uuid or mrk-...)",
            "region": _REGION,
            "key_manager": "'CUSTOMER' or 'AWS'",
            "key_state": "'Enabled', 'Disabled', 'PendingDeletion', ...",
            "key_spec": "e.g. 'SYMMETRIC_DEFAULT'",
            "rotation_enabled": "True when automatic rotation is on; null where rotation does not apply "
            "(asymmetric, imported, AWS-managed keys)",
            "aliases": "Alias names pointing at the key, e.g. ['alias/cloudtrail']",
        },
        "source": "kms:ListKeys, kms:DescribeKey, kms:GetKeyRotationStatus, kms:ListAliases",
    },
    # ------------------------------------------------------------------ Organizations and account
    "aws.organizations.account": {
        "description": "A member account of the organisation (readable from the management account or a "
        "delegated administrator).",
        "fields": {
            "id": "Account ARN",
            "account_id": "12-digit account id",
            "name": "Account name",
            "status": "'ACTIVE', 'SUSPENDED' or 'PENDING_CLOSURE'",
            "ancestor_ids": "Ids from the root down to the account's parent OU, e.g. ['r-ab12', 'ou-ab12-x']",
            "parent_name": "Name of the parent OU (or 'Root')",
        },
        "source": "organizations:ListAccounts, organizations:ListParents, organizations:DescribeOrganizationalUnit",
    },
    "aws.organizations.policy": {
        "description": "A service control policy, reduced to what the assessor judges (targets and region "
        "restriction).",
        "fields": {
            "id": "Policy ARN",
            "policy_id": "Policy id (p-...)",
            "name": "Policy name",
            "type": "'SERVICE_CONTROL_POLICY'",
            "aws_managed": "True for FullAWSAccess and other AWS-managed policies",
            "targets": "Where it is attached: list of {id, type: 'ROOT', 'ORGANIZATIONAL_UNIT' or 'ACCOUNT'}",
            "region_allowlist": "Regions left usable by a Deny statement conditioned on aws:RequestedRegion "
            "(StringNotEquals / StringNotLike), or null when the policy restricts no region",
        },
        "source": "organizations:ListPolicies, organizations:DescribePolicy, organizations:ListTargetsForPolicy",
    },
    "aws.account.alternate_contact": {
        "description": "An alternate contact registered on the account (AWS uses the SECURITY one for abuse "
        "and security notices). No record when the contact type is unset.",
        "fields": {
            "id": "arn:aws:account::<account>:alternate-contact/<type>",
            "type": "'SECURITY', 'OPERATIONS' or 'BILLING'",
            "name": "Contact name",
            "title": "Contact title",
            "email_address": "Contact e-mail address (the phone number is not collected)",
        },
        "source": "account:GetAlternateContact (ResourceNotFoundException means unset: no record, no error)",
    },
    # ------------------------------------------------------------------ EventBridge
    "aws.events.rule": {
        "description": "An EventBridge rule on an event bus, reduced to the event sources it matches and its "
        "targets.",
        "fields": {
            "id": "Rule ARN",
            "name": "Rule name",
            "region": _REGION,
            "event_bus_name": "Event bus the rule belongs to",
            "state": "'ENABLED' or 'DISABLED'",
            "sources": "Values of 'source' in the event pattern, e.g. ['aws.guardduty']; empty for scheduled "
            "rules",
            "detail_types": "Values of 'detail-type' in the event pattern",
            "targets": "List of {id, arn} the rule sends matching events to",
        },
        "source": "events:ListEventBuses, events:ListRules, events:ListTargetsByRule",
    },
    # ------------------------------------------------------------------ IAM
    "aws.iam.role": {
        "description": "An IAM role with who may assume it and on which condition.",
        "fields": {
            "id": "Role ARN",
            "name": "Role name",
            "path": "Role path",
            "description": "Role description (free text), or null",
            "trusted_aws_principals": "AWS principals (account ids, role/user ARNs) allowed by the trust policy",
            "trusted_services": "Service principals allowed by the trust policy, e.g. 'ec2.amazonaws.com'",
            "trusted_federated": "Federated principals (SAML/OIDC providers) allowed by the trust policy",
            "mfa_required": "True when every Allow statement for AWS principals requires "
            "aws:MultiFactorAuthPresent (Bool true) or a maximum aws:MultiFactorAuthAge",
            "attached_policies": "ARNs of the managed policies attached to the role",
            "tags": _TAGS,
        },
        "source": "iam:GetAccountAuthorizationDetails (or iam:ListRoles, iam:ListAttachedRolePolicies, "
        "iam:ListRoleTags)",
    },
}

# Types added for the edge, hybrid-network, inspection and serverless checks. Kept in a separate update so
# the definitions above stay untouched.
TYPES.update({
    # ------------------------------------------------------------------ hybrid connectivity
    "aws.ec2.vpn_connection": {
        "description": "A Site-to-Site VPN connection (deleted connections are left out) with the logging "
        "options of each of its tunnels.",
        "fields": {
            "id": "arn:aws:ec2:<region>:<account>:vpn-connection/<vpn-id>",
            "vpn_connection_id": "VPN connection id (vpn-...)",
            "region": _REGION,
            "state": "'pending', 'available' or 'deleting'",
            "type": "'ipsec.1'",
            "customer_gateway_id": "Customer gateway id (cgw-...), the on-premises end",
            "vpn_gateway_id": "Virtual private gateway id (vgw-...), or null",
            "transit_gateway_id": "Transit gateway id (tgw-...), or null",
            "tunnels": "One entry per tunnel as {outside_ip, log_enabled: true/false, or null when the API "
            "returned no tunnel log options, log_group_arn: CloudWatch Logs group or null}; empty when the "
            "API returned no tunnel options at all",
            "tags": _TAGS,
        },
        "source": "ec2:DescribeVpnConnections (Options.TunnelOptions[].LogOptions.CloudWatchLogOptions)",
    },
    # ------------------------------------------------------------------ edge
    "aws.apigateway.stage": {
        "description": "A deployed stage of an API Gateway REST, HTTP or WebSocket API with its access-log "
        "destination.",
        "fields": {
            "id": "Stage ARN: arn:aws:apigateway:<region>::/restapis/<api>/stages/<stage> (REST) or "
            "arn:aws:apigateway:<region>::/apis/<api>/stages/<stage> (HTTP, WebSocket)",
            "region": _REGION,
            "api_id": "API id",
            "api_name": "API name (free text)",
            "api_type": "'REST', 'HTTP' or 'WEBSOCKET'",
            "stage_name": "Stage name",
            "access_log_destination": "ARN of the log group or Firehose stream receiving access logs, or null "
            "when access logging is off",
            "tags": _TAGS,
        },
        "source": "apigateway:GetRestApis, apigateway:GetStages, apigatewayv2:GetApis, apigatewayv2:GetStages "
        "(IAM action apigateway:GET)",
    },
    "aws.wafv2.web_acl": {
        "description": "A WAFv2 web ACL with its logging configuration. Regional ACLs are read in every swept "
        "region; CloudFront ACLs only when us-east-1 is swept, where they live.",
        "fields": {
            "id": "Web ACL ARN",
            "name": "Web ACL name",
            "region": "Region the ACL was read in (us-east-1 for CloudFront ACLs)",
            "scope": "'REGIONAL' or 'CLOUDFRONT'",
            "logging_destinations": "ARNs of the log group, bucket or Firehose stream receiving the ACL's "
            "request logs; empty when logging is off",
        },
        "source": "wafv2:ListWebACLs, wafv2:ListLoggingConfigurations",
    },
    # ------------------------------------------------------------------ inspection
    "aws.networkfirewall.firewall": {
        "description": "An AWS Network Firewall (managed Suricata IPS) with its logging configuration.",
        "fields": {
            "id": "Firewall ARN",
            "name": "Firewall name",
            "region": _REGION,
            "vpc_id": "VPC the firewall endpoints are placed in",
            "policy_arn": "ARN of the firewall policy (rule groups) it enforces",
            "status": "'PROVISIONING', 'READY' or 'DELETING', or null when not returned",
            "delete_protection": "True when the firewall is protected from deletion",
            "log_types": "Log types delivered somewhere, among 'ALERT', 'FLOW' and 'TLS'",
        },
        "source": "network-firewall:ListFirewalls, network-firewall:DescribeFirewall, "
        "network-firewall:DescribeLoggingConfiguration",
    },
    # ------------------------------------------------------------------ serverless
    "aws.lambda.function": {
        "description": "A Lambda function and the CloudWatch Logs group its runtime output goes to.",
        "fields": {
            "id": "Function ARN (unqualified)",
            "name": "Function name",
            "region": _REGION,
            "runtime": "Runtime, e.g. 'python3.12', or null for container images",
            "package_type": "'Zip' or 'Image'",
            "log_group": "Name of the log group receiving its logs: LoggingConfig.LogGroup, or "
            "'/aws/lambda/<name>' when the function uses the default",
        },
        "source": "lambda:ListFunctions",
    },
})
