"""A separate process that records runs into a history store: `python -m tests.history.writer URL TAG RUNS GO`.

It waits for the file GO to appear so that several writers start at the same moment, opens the (possibly new)
store, records RUNS assessments whose organisation is TAG, and prints the run ids it got. `open_when_told` is the
same start-together open, for a pool of worker processes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assessor.history import open_store
from tests.history.builders import organisation


def _wait_for(go: Path) -> bool:
    """Wait (up to a minute) for the start signal: the file `go` appearing. False if it never came."""
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def main(url: str, tag: str, runs: int, go: Path) -> None:
    if not _wait_for(go):
        raise SystemExit("writer: the start signal never came")
    ids = []
    with open_store(url) as store:
        for day in range(runs):
            run = organisation(10, day=day).model_copy(update={"organization": tag})
            ids.append(store.record(run).run_id)
    print(" ".join(str(i) for i in ids))


def open_when_told(url: str, go: str) -> str:
    """Open the store at `url` the moment the file `go` appears; the error's text if that failed, else "opened"."""
    if not _wait_for(Path(go)):
        return "the start signal never came"
    try:
        with open_store(url):
            return "opened"
    except Exception as exc:  # reported to the test, which shows it
        return f"{type(exc).__name__}: {exc}"


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
