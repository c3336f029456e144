"""What the GCP and Azure collectors share about their calls: counting them per owner, and the failure they raise."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from assessor.models import ApiCall, CollectionError


class CallFailed(Exception):
    """An API call that failed, already turned into the CollectionError the snapshot records."""

    def __init__(self, error: CollectionError) -> None:
        super().__init__(error.message)
        self.error = error


class CallLedger:
    """Thread-safe count of calls per owner (a project or subscription; None for calls shared by all of them),
    so each snapshot can say which calls were made for it and the totals stay true."""

    def __init__(self) -> None:
        self._calls: Counter[tuple[str | None, str, str]] = Counter()
        self._lock = threading.Lock()

    def count(self, owner: str | None, service: str, operation: str) -> None:
        with self._lock:
            self._calls[(owner, service, operation)] += 1

    def calls_of(self, owners: Iterable[str | None]) -> list[ApiCall]:
        wanted = set(owners)
        totals: Counter[tuple[str, str]] = Counter()
        for (owner, service, operation), n in self._calls.items():
            if owner in wanted:
                totals[(service, operation)] += n
        return [ApiCall(service=s, operation=o, count=n) for (s, o), n in sorted(totals.items())]
