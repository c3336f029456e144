"""Scale benchmark: a synthetic estate of many accounts and resources through load, evaluate, score and render.

Usage: python benchmarks/assess_scale.py [--accounts 200] [--resources 100000] [--keep DIR]

The estate is grown from the example organisation's snapshots (so every record has the shape the checks
read), with each account's resources replicated under new ids and spread over the account's regions.
Prints wall time and peak memory for load+evaluate+score, the HTML size, and PDF page count and render time.
Targets (2 cores): load+evaluate+score < 10 s and < 1 GiB; HTML < 15 MB; PDF < 60 pages and < 20 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from copy import deepcopy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "acme"
sys.path.insert(0, str(REPO))


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_estate(folder: Path, accounts: int, total_resources: int) -> Path:
    """Write `accounts` snapshots holding about `total_resources` resources in all; return the answers file."""
    templates = [json.loads(p.read_text()) for p in sorted((EXAMPLE / "snapshots").glob("*.json"))]
    per_account = max(total_resources // accounts, 1)
    snaps = folder / "snapshots"
    snaps.mkdir(parents=True)
    account_ids: dict[str, list[str]] = {"aws": [], "azure": [], "gcp": []}
    for n in range(accounts):
        template = templates[n % len(templates)]
        snap = deepcopy(template)
        provider = snap["provider"]
        account = {"aws": f"{100000000000 + n}", "azure": f"00000000-0000-4000-8000-{n:012d}",
                   "gcp": f"bench-project-{n:04d}"}[provider]
        account_ids[provider].append(account)
        snap["account_id"] = account
        snap["account_name"] = f"bench-{n}"
        records = [(t, r) for t, rs in template["resources"].items() for r in rs]
        grown: dict[str, list[dict[str, Any]]] = {t: [] for t in template["resources"]}
        if records:
            for i in range(per_account):
                type_name, record = records[i % len(records)]
                copy = dict(record)
                copy["id"] = f"{record['id']}-{n}-{i}"
                grown[type_name].append(copy)
        snap["resources"] = grown
        (snaps / f"{provider}-{account}.json").write_text(json.dumps(snap))
    answers = (EXAMPLE / "answers.yaml").read_text()
    import yaml

    data = yaml.safe_load(answers)
    for workload in data["profile"]["workloads"]:
        workload["accounts"] = account_ids[workload["provider"]]
    path = folder / "answers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the estate and reports in this folder")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="ir-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    t0 = time.perf_counter()
    answers = generate_estate(work / "estate", args.accounts, args.resources)
    print(f"generated {args.accounts} snapshots, ~{args.resources} resources in {time.perf_counter() - t0:.1f} s")

    from assessor.catalogue import load_catalogue
    from assessor.pipeline import run_assessment
    from assessor.plugins import load_checks
    from assessor.report import write_reports

    checks = load_checks(load_catalogue())
    baseline = _peak_rss_mib()
    t0 = time.perf_counter()
    run = run_assessment([work / "estate" / "snapshots"], answers, datetime(2026, 11, 1, 12, tzinfo=UTC), checks)
    evaluate_s = time.perf_counter() - t0
    peak = _peak_rss_mib()
    findings = sum(len(c.findings) for c in run.assessment.controls)
    print(f"load+evaluate+score: {evaluate_s:.2f} s, peak RSS {peak:.0f} MiB (baseline {baseline:.0f} MiB), "
          f"{len(checks)} checks, {findings} findings")

    out = work / "report"
    t0 = time.perf_counter()
    write_reports(run.assessment, run.catalogue, out, ["html", "json", "csv"])
    html_mb = (out / "report.html").stat().st_size / 1e6
    print(f"html+json+csv: {time.perf_counter() - t0:.2f} s; report.html {html_mb:.2f} MB, "
          f"assessment.json {(out / 'assessment.json').stat().st_size / 1e6:.1f} MB, "
          f"findings.csv {(out / 'findings.csv').stat().st_size / 1e6:.1f} MB")
    t0 = time.perf_counter()
    write_reports(run.assessment, run.catalogue, out, ["pdf"])
    pdf_s = time.perf_counter() - t0
    from pypdf import PdfReader

    pages = len(PdfReader(out / "report.pdf").pages)
    print(f"pdf: {pdf_s:.2f} s, {pages} pages, {(out / 'report.pdf').stat().st_size / 1e6:.2f} MB; "
          f"process peak RSS {_peak_rss_mib():.0f} MiB")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
