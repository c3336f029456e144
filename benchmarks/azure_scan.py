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
import shutil
import sys
import tempfile
import uuid
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

    from scan_figures import print_collection, run_collect, time_assessment

    from tests.collectors.azure_env import start_tenant

    work = Path(tempfile.mkdtemp(prefix="azure-bench-"))
    try:
        rows, documents = tenant(args.subscriptions)
        scopes = sum(len(s) for s in documents.values())
        server_tenant = start_tenant(work, rows=rows, documents=documents, page_size=args.arm_page)
        print(f"tenant: {args.subscriptions} subscriptions, {len(rows)} Resource Graph rows, {scopes} ARM lists")
        out = work / "snapshots"
        argv = ["collect", "azure", *server_tenant.options(), "--max-workers", str(args.workers), "--out", str(out),
                "--quiet"]
        collected = run_collect(argv, server_tenant.env())
        server_tenant.server.stop()
        if collected.result.returncode != 0:
            print(collected.result.stderr, file=sys.stderr)
            return 1
        print_collection("collect azure", collected, out, paged_service="resourcegraph",
                         paged_label="Resource Graph pages",
                         server_line=f"server answered {len(server_tenant.server.requests)} requests, issued "
                                     f"{server_tenant.server.tokens_issued} token(s)")
        status = time_assessment(out, work, "azure", server_tenant.env())
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        return 0 if status in (0, 3) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
