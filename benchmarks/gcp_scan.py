"""GCP scan benchmark: an organisation of N projects on the local Cloud Asset server, collected live, then assessed.

Usage: python benchmarks/gcp_scan.py [--projects 200] [--folders 10] [--per-project 45] [--page-size 1000]
       [--workers 8] [--keep DIR]

The organisation has `--folders` folders and `--projects` projects spread over them; every project holds about
`--per-project` assets (networks, subnetworks with and without flow logs, firewalls, a DNS policy, backend
services, buckets, instances in autoscaled groups, log buckets and sinks, Pub/Sub topics, KMS keys) plus its
IAM policy; the organisation holds an aggregated sink, Data Access audit configs, a resource-locations policy,
the SCC tier and detectors, a notification config and a security contact.

The server (tests/collectors/gcp_asset_server.py: the real library's response types over HTTP on 127.0.0.1)
runs in this process; the collector runs as `ir-assessor collect gcp --organization ...` in a child process,
with a real service-account key whose token endpoint is the local server, so the figures are the CLI's own:
wall time, CPU, peak RSS (the child's maximum resident set), API calls by operation, pages of assets, and the
size of the snapshots. The snapshots are then assessed (`ir-assessor assess --format json`), timed apart.

Run it a second time with a different `--page-size` to see calls follow pages of assets, not checks: every
Cloud Asset call is a page; the other calls are a fixed three per hierarchy node (SCC services and
notification configs, Essential Contacts) plus one SCC tier per organisation.

Nothing leaves loopback; to be sure, run it in a network namespace that has only `lo`:

    unshare -rn sh -c 'ip link set lo up && .venv/bin/python benchmarks/gcp_scan.py --projects 200'
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ORG = "organizations/900"
REGIONS = ("europe-west1", "europe-west3", "us-central1")


def asset(name: str, kind: str, ancestors: list[str], data: dict[str, Any], location: str | None = None
          ) -> dict[str, Any]:
    resource_part: dict[str, Any] = {"version": "v1", "data": data}
    if location:
        resource_part["location"] = location
    return {"name": name, "assetType": kind, "ancestors": ancestors, "resource": resource_part}


def organisation(projects: int, folders: int, per_project: int) -> list[dict[str, Any]]:
    """Export-shaped assets of the whole organisation."""
    crm = "//cloudresourcemanager.googleapis.com/"
    out = [
        asset(f"{crm}{ORG}", "cloudresourcemanager.googleapis.com/Organization", [ORG],
              {"displayName": "bench.example", "name": ORG}),
        {"name": f"{crm}{ORG}", "assetType": "cloudresourcemanager.googleapis.com/Organization", "ancestors": [ORG],
         "iamPolicy": {"auditConfigs": [{"service": "allServices", "auditLogConfigs": [
             {"logType": "ADMIN_READ"}, {"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}]}]}},
        {"name": f"{crm}{ORG}", "assetType": "cloudresourcemanager.googleapis.com/Organization", "ancestors": [ORG],
         "orgPolicy": [{"constraint": "constraints/gcp.resourceLocations",
                        "listPolicy": {"allowedValues": ["in:eu-locations"]}}]},
        asset(f"//logging.googleapis.com/{ORG}/sinks/org-audit", "logging.googleapis.com/LogSink", [ORG],
              {"name": "org-audit", "includeChildren": True, "filter": 'logName:"cloudaudit.googleapis.com"',
               "destination": "pubsub.googleapis.com/projects/prj-0000/topics/siem"}),
    ]
    for f in range(folders):
        folder = f"folders/{5000 + f}"
        out.append(asset(f"{crm}{folder}", "cloudresourcemanager.googleapis.com/Folder", [folder, ORG],
                         {"displayName": f"unit-{f}", "name": folder}))
        out.append({"name": f"{crm}{folder}", "assetType": "cloudresourcemanager.googleapis.com/Folder",
                    "ancestors": [folder, ORG], "iamPolicy": {"bindings": []}})
    kinds = [
        ("compute.googleapis.com/Subnetwork", "regions/{r}/subnetworks/s{i}",
         lambda i, r: {"name": f"s{i}", "region": r, "logConfig": {"enable": i % 3 != 0, "flowSampling": 0.5}}),
        ("compute.googleapis.com/Firewall", "global/firewalls/fw{i}",
         lambda i, r: {"name": f"fw{i}", "direction": "INGRESS", "priority": 1000.0,
                       "logConfig": {"enable": i % 2 == 0}, "sourceRanges": ["10.0.0.0/8"],
                       "allowed": [{"IPProtocol": "tcp", "ports": ["443"]}]}),
        ("compute.googleapis.com/Instance", "zones/{r}-b/instances/vm{i}",
         lambda i, r: {"name": f"vm{i}", "zone": f"zones/{r}-b", "status": "RUNNING",
                       "disks": [{"boot": True, "autoDelete": i % 2 == 0, "deviceName": "boot"}]}),
        ("storage.googleapis.com/Bucket", "b{i}",
         lambda i, r: {"name": f"b{i}", "location": r.upper(), "versioning": {"enabled": True},
                       "retentionPolicy": {"retentionPeriod": "31536000", "isLocked": i % 2 == 0}}),
        ("compute.googleapis.com/Network", "global/networks/n{i}", lambda i, r: {"name": f"n{i}"}),
        ("dns.googleapis.com/Policy", "policies/p{i}", lambda i, r: {"name": f"p{i}", "enableLogging": i % 2 == 0}),
        ("compute.googleapis.com/BackendService", "global/backendServices/be{i}",
         lambda i, r: {"name": f"be{i}", "loadBalancingScheme": "EXTERNAL", "logConfig": {"enable": True}}),
        ("logging.googleapis.com/LogBucket", "locations/{r}/buckets/lb{i}",
         lambda i, r: {"retentionDays": 400.0, "locked": i % 2 == 0}),
        ("pubsub.googleapis.com/Topic", "topics/t{i}", lambda i, r: {"name": f"t{i}"}),
        ("cloudkms.googleapis.com/CryptoKey", "locations/{r}/keyRings/k/cryptoKeys/c{i}",
         lambda i, r: {"purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "7776000s"}),
        ("compute.googleapis.com/InstanceGroupManager", "zones/{r}-b/instanceGroupManagers/g{i}",
         lambda i, r: {"name": f"g{i}", "zone": f"zones/{r}-b", "targetSize": 2.0}),
    ]
    service = {"compute": "compute", "storage": "storage", "dns": "dns", "logging": "logging", "pubsub": "pubsub",
               "cloudkms": "cloudkms"}
    for p in range(projects):
        project_id, number = f"prj-{p:04d}", str(100000 + p)
        chain = [f"projects/{number}", *([f"folders/{5000 + p % folders}"] if folders else []), ORG]
        out.append(asset(f"{crm}projects/{number}", "cloudresourcemanager.googleapis.com/Project", chain,
                         {"projectId": project_id, "projectNumber": number, "name": f"Project {p}",
                          "lifecycleState": "ACTIVE", "labels": {"team": f"t{p % 7}"}}))
        out.append({"name": f"{crm}projects/{number}", "assetType": "cloudresourcemanager.googleapis.com/Project",
                    "ancestors": chain, "iamPolicy": {"bindings": [{"role": "roles/viewer",
                                                                     "members": ["group:sec@example.com"]}]}})
        for i in range(per_project):
            kind, path, make = kinds[i % len(kinds)]
            region = REGIONS[i % len(REGIONS)]
            host = service[kind.split(".", 1)[0]]
            if kind == "storage.googleapis.com/Bucket":
                name = f"//storage.googleapis.com/{project_id}-{path.format(i=i, r=region)}"
            else:
                name = f"//{host}.googleapis.com/projects/{project_id}/{path.format(i=i, r=region)}"
            location = region if "{r}" in path else None
            out.append(asset(name, kind, chain, make(i, region), location))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--folders", type=int, default=10)
    parser.add_argument("--per-project", type=int, default=45)
    parser.add_argument("--page-size", type=int, default=1000, help="the server's page size cap (1000 is the API's)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="keep the snapshots and the assessment in this folder")
    args = parser.parse_args()

    from scan_figures import print_collection, run_collect, time_assessment

    from tests.collectors.gcp_env import SERVICES, start_org

    work = Path(tempfile.mkdtemp(prefix="gcp-bench-"))
    try:
        assets = organisation(args.projects, args.folders, args.per_project)
        org = start_org(work, assets=assets, page_size_cap=args.page_size, scc_tiers={ORG: "PREMIUM"},
                        scc_services={ORG: {"event-threat-detection": "ENABLED",
                                            "security-health-analytics": "ENABLED"}},
                        scc_notifications={ORG: [{"id": "siem", "pubsubTopic": "projects/prj-0000/topics/siem"}]},
                        contacts={ORG: [{"id": "1", "email": "soc@example.com",
                                         "notificationCategorySubscriptions": ["SECURITY"]}]})
        print(f"organisation: {args.projects} projects in {args.folders} folders, {len(assets)} asset lines, "
              f"page size {args.page_size}")
        out = work / "snapshots"
        argv = ["collect", "gcp", "--organization", ORG.split("/")[1], "--key-file", str(org.key_file),
                "--max-workers", str(args.workers), "--out", str(out), "--quiet",
                *(f"--endpoint={s}={org.server.url}" for s in SERVICES)]
        collected = run_collect(argv, org.env())
        org.server.stop()
        if collected.result.returncode != 0:
            print(collected.result.stderr, file=sys.stderr)
            return 1
        answered = len([p for p, _ in org.server.requests if p != "/token"])
        print_collection("collect gcp", collected, out, paged_service="cloudasset", paged_label="Cloud Asset pages",
                         server_line=f"server answered {answered} requests")
        status = time_assessment(out, work, "gcp", org.env())
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        return 0 if status in (0, 3) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
