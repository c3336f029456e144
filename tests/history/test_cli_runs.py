"""`assess --history` as real processes against both stores: two at once both land, and a second run is compared with
the first (exit 4 on a regression). The store is SQLite and a real PostgreSQL (see conftest.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "acme"


def start(snapshots: Path, out: Path, url: str, when: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "assessor", "assess", "--snapshots", str(snapshots), "--answers",
                             str(EXAMPLE / "answers.yaml"), "--out", str(out), "--format", "json",
                             "--generated-at", when, "--history", url, "--quiet", *extra],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_concurrent_assessments_both_land(store_url: str, tmp_path: Path) -> None:
    """Two `assess --history` processes started together on one new store: both exit 0 and both runs are whole."""
    runs = [start(EXAMPLE / "snapshots", tmp_path / f"out{n}", store_url, f"2026-11-0{n}T02:00:00Z")
            for n in (1, 2)]
    for process in runs:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
    listed = subprocess.run([sys.executable, "-m", "assessor", "history", "list", "--history", store_url, "--json"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    recorded = json.loads(listed.stdout)
    assert sorted(r["run_id"] for r in recorded) == [1, 2]
    assert len({r["scope_key"] for r in recorded}) == 1
    expected = json.loads((tmp_path / "out1" / "assessment.json").read_text())["status_counts"]
    assert all(r["status_counts"] == expected for r in recorded)  # every finding of both runs is there


def test_second_run_with_a_regression_exits_4(store_url: str, tmp_path: Path) -> None:
    """A change between two runs is found through the store, whichever database holds it."""
    snapshots = tmp_path / "snapshots"
    shutil.copytree(EXAMPLE / "snapshots", snapshots)
    first = start(snapshots, tmp_path / "a", store_url, "2026-11-01T02:00:00Z", "--fail-on-regression")
    assert first.wait(timeout=600) == 0
    aws = snapshots / "aws-111122223333.json"
    data = json.loads(aws.read_text())
    for trail in data["resources"]["aws.cloudtrail.trail"]:
        trail["is_logging"] = False  # the trail was stopped: logging coverage is worse
    aws.write_text(json.dumps(data))
    second = start(snapshots, tmp_path / "b", store_url, "2026-11-02T02:00:00Z", "--fail-on-regression")
    _, stderr = second.communicate(timeout=600)
    assert second.returncode == 4, stderr
    assert "LC-01" in stderr


@pytest.mark.parametrize("bad", ["postgresql://nobody@127.0.0.1:9/none", "mysql://x@y/z"])
def test_unusable_store_urls_are_exit_2(bad: str, tmp_path: Path) -> None:
    """A store that cannot be reached, or an unsupported kind, is one clear line and exit 2."""
    process = start(EXAMPLE / "snapshots", tmp_path / "o", bad, "2026-11-01T02:00:00Z")
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 2, stderr
    assert "Traceback" not in stderr and "--history" in stderr
    assert len([line for line in stderr.splitlines() if line.strip()]) == 1
