"""Split the accounts, subscriptions or projects of one collection into N parallel shards: `--shard I/N`.

Membership depends only on the unit id, so N jobs started anywhere, in any order, on any host or Python version
(no `hash()`, whose seed changes per process) cover every unit exactly once. Ids are compared lower-cased, so an
account listed as `ABC` by one source and `abc` by another cannot land in two shards.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from assessor.errors import InputError

MAX_SHARDS = 10_000  # far above any sensible fan-out; stops a typo such as 1/40000000 from looking valid
_SPEC = re.compile(r"([0-9]+)/([0-9]+)", re.ASCII)


def parse_shard(spec: str) -> tuple[int, int]:
    """`"I/N"` -> (I, N), I counted from 1; InputError unless 1 <= I <= N <= MAX_SHARDS."""
    match = _SPEC.fullmatch(spec.strip())
    if match is None:
        raise InputError(f"expected I/N such as 1/4 (shard I of N, counted from 1), got {spec!r}", key="--shard")
    index, total = int(match.group(1)), int(match.group(2))
    _check(index, total)
    return index, total


def _check(index: int, total: int) -> None:
    if not 1 <= total <= MAX_SHARDS:
        raise InputError(f"the number of shards must be between 1 and {MAX_SHARDS}, got {total}", key="--shard")
    if not 1 <= index <= total:
        raise InputError(f"shard {index} does not exist: shards are numbered 1 to {total}", key="--shard")


def shard_index(unit_id: str, total: int) -> int:
    """The 1-based shard that owns `unit_id` among `total` shards."""
    digest = hashlib.sha256(unit_id.lower().encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % total + 1


def in_shard(unit_id: str, index: int, total: int) -> bool:
    """True when shard `index` of `total` owns `unit_id`."""
    _check(index, total)
    return shard_index(unit_id, total) == index


def shard_of(unit_ids: Iterable[str], index: int, total: int) -> list[str]:
    """The ids shard `index` of `total` owns, in the order given."""
    _check(index, total)
    return [u for u in unit_ids if shard_index(u, total) == index]
