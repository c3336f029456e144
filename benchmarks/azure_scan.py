"""Azure scan benchmark: a tenant of N subscriptions on the local HTTPS ARM server, collected live, then assessed.

Usage: python benchmarks/azure_scan.py [--subscriptions 200] [--workers 16] [--graph-page 1000] [--arm-page 100]
       [--keep DIR]

Every subscription is a copy of the well-prepared test subscription (tests/collectors/data/azure-*.json: about
25 resources with their properties, and its ARM documents: diagnostic settings, Defender plans and contacts,
policy assignments, locks, blob containers, Sentinel state), under a new id. The server
(tests/collectors/azure_arm_server.py, TLS with a private CA, also the Entra authority) runs in this process;
the collector runs as `ir-assessor collect azure` in a child process with a client secret in the environment,
so the figures are the CLI's own: wall time, CPU, peak RSS, API calls by operation (Resource Graph pages apart)
and snapshot size. The snapshots are then assessed (`ir-assessor assess --format json`), timed apart.

Resource Graph calls are pages of rows (1,000 rows a page, 1,000 subscriptions a query); ARM calls are one paged
list per subscription and kind, plus one per resource for the few resource types whose own settings the checks
judge (Key Vaults, AKS clusters, storage accounts, Network Watchers, Log Analytics workspaces). Neither grows with
the number of checks.

Nothing leaves loopback; to be sure, run it in a network namespace that has only `lo`:

    unshare -rn sh -c 'ip link set lo up && .venv/bin/python benchmarks/azure_scan.py --subscriptions 200'
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TEMPLATE = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"  # the prepared subscription of the test data


def tenant(subscriptions: int) -> tuple[list[dict[str, Any]], dict[str, dict[str, list[dict[str, Any]]]]]:
    """Rows and ARM documents of `subscriptions` copies of the template subscription."""
    from tests.collectors.azure_env import ARM, export_rows

    rows = [r for r in export_rows() if str(r.get("subscriptionId", "")).lower() == TEMPLATE]
    documents = json.loads(ARM.read_text())
    own = {kind: {scope: items for scope, items in scopes.items() if TEMPLATE in scope.lower() or scope == "/"}
           for kind, scopes in documents.items()}
    rows_text, docs_text = json.dumps(rows), json.dumps(own)
    template = re.compile(re.escape(TEMPLATE), re.IGNORECASE)  # ARM ids come in any case
    all_rows: list[dict[str, Any]] = []
    all_docs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for n in range(subscriptions):
        sid = str(uuid.UUID(int=(0xA2 << 120) + n))
        all_rows.extend(json.loads(template.sub(sid, rows_text)))
        for kind, scopes in json.loads(template.sub(sid, docs_text)).items():
            all_docs.setdefault(kind, {}).update(scopes)
    return all_rows, all_docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--subscriptions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--arm-page", type=int, default=100, help="items per ARM list page on the server")
    parser.add_argument("--keep", type=Path, help="keep the snapshots and the assessment in this folder")
    args = parser.parse_args()

    from tests.collectors.azure_env import start_tenant

    work = Path(tempfile.mkdtemp(prefix="azure-bench-"))
    try:
        rows, documents = tenant(args.subscriptions)
        scopes = sum(len(s) for s in documents.values())
        server_tenant = start_tenant(work, rows=rows, documents=documents, page_size=args.arm_page)
        print(f"tenant: {args.subscriptions} subscriptions, {len(rows)} Resource Graph rows, {scopes} ARM lists")
        out = work / "snapshots"
        argv = [sys.executable, "-m", "assessor", "collect", "azure", *server_tenant.options(),
                "--max-workers", str(args.workers), "--out", str(out), "--quiet"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, env=server_tenant.env())
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_tenant.server.stop()
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
        snaps = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
        calls: Counter[str] = Counter()
        for snap in snaps:
            for call in snap["api_calls"]:
                calls[f"{call['service']} {call['operation']}"] += call["count"]
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"collect azure: {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {after.ru_maxrss / 1024:.0f} MiB")
        print(f"  {len(snaps)} snapshots, {sum(len(v) for s in snaps for v in s['resources'].values())} resources, "
              f"{sum(len(s['errors']) for s in snaps)} collection errors, "
              f"{sum(p.stat().st_size for p in out.glob('*.json')) / 1e6:.2f} MB")
        graph = sum(n for op, n in calls.items() if op.startswith("resourcegraph"))
        print(f"  API calls: {sum(calls.values())} in total, {graph} of them Resource Graph pages; server answered "
              f"{len(server_tenant.server.requests)} requests, issued {server_tenant.server.tokens_issued} token(s)")
        for op, n in sorted(calls.items()):
            print(f"    {n:6d}  {op}")
        answers = work / "answers.yaml"
        answers.write_text("version: 1\nprofile:\n  organization: bench\n  onprem_capabilities: [netflow, siem]\n"
                           "  workloads: [{name: app, provider: azure, service_model: iaas}]\n"
                           "  allowed_jurisdictions: [EU]\n  required_log_retention_days: 365\n")
        started = time.perf_counter()
        assess = subprocess.run([sys.executable, "-m", "assessor", "assess", "--snapshots", str(out), "--answers",
                                 str(answers), "--out", str(work / "report"), "--format", "json", "--quiet"],
                                capture_output=True, text=True, cwd=REPO, env=server_tenant.env())
        print(f"assess (load, evaluate, score, JSON): {time.perf_counter() - started:.2f} s, exit {assess.returncode}")
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        return 0 if assess.returncode in (0, 3) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
