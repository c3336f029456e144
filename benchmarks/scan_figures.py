"""What the cloud scan benchmarks (gcp_scan.py, azure_scan.py) share: run the collect command as a child process
and print its figures, then time the assessment of what it wrote."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Collected:
    wall: float
    cpu: float
    peak_rss_mib: float
    result: subprocess.CompletedProcess[str]


def run_collect(argv: list[str], env: dict[str, str]) -> Collected:
    """The CLI as a child process: its wall time, CPU and peak RSS are its own, not the server's in this process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "assessor", *argv], capture_output=True, text=True, cwd=REPO,
                            env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Collected(wall, cpu, after.ru_maxrss / 1024, result)


def print_collection(label: str, collected: Collected, out: Path, *, paged_service: str, paged_label: str,
                     server_line: str) -> None:
    """Wall, CPU, peak RSS, snapshots, resources, errors, size, and the API calls by operation."""
    snaps = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    calls: Counter[str] = Counter()
    for snap in snaps:
        for call in snap["api_calls"]:
            calls[f"{call['service']} {call['operation']}"] += call["count"]
    resources = sum(len(v) for s in snaps for v in s["resources"].values())
    errors = sum(len(s["errors"]) for s in snaps)
    size = sum(p.stat().st_size for p in out.glob("*.json"))
    pages = sum(n for op, n in calls.items() if op.startswith(paged_service + " "))
    print(f"{label}: {collected.wall:.2f} s wall, {collected.cpu:.2f} s CPU, peak RSS {collected.peak_rss_mib:.0f} MiB")
    print(f"  {len(snaps)} snapshots, {resources} resources, {errors} collection errors, {size / 1e6:.2f} MB")
    print(f"  API calls: {sum(calls.values())} in total, {pages} of them {paged_label}; {server_line}")
    for op, n in sorted(calls.items()):
        print(f"    {n:6d}  {op}")


def time_assessment(snapshots: Path, work: Path, provider: str, env: dict[str, str]) -> int:
    """Assess the snapshots (JSON only) with a one-workload profile; print the time; return the exit status."""
    answers = work / "answers.yaml"
    answers.write_text("version: 1\nprofile:\n  organization: bench\n  onprem_capabilities: [netflow, siem]\n"
                       f"  workloads: [{{name: app, provider: {provider}, service_model: iaas}}]\n"
                       "  allowed_jurisdictions: [EU]\n  required_log_retention_days: 365\n")
    started = time.perf_counter()
    assess = subprocess.run([sys.executable, "-m", "assessor", "assess", "--snapshots", str(snapshots), "--answers",
                             str(answers), "--out", str(work / "report"), "--format", "json", "--quiet"],
                            capture_output=True, text=True, cwd=REPO, env=env)
    print(f"assess (load, evaluate, score, JSON): {time.perf_counter() - started:.2f} s, exit {assess.returncode}")
    return assess.returncode
