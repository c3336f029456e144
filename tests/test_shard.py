"""`--shard I/N`: every unit lands in exactly one shard, the same one on every run and host."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.errors import InputError
from assessor.shard import in_shard, parse_shard, shard_index, shard_of

REPO = Path(__file__).resolve().parent.parent

AWS_IDS = [f"{n:012d}" for n in range(100_000_000_000, 100_000_000_000 + 997 * 37, 37)]
GCP_IDS = [f"proj-{n}-prod" for n in range(300)]
AZURE_IDS = [f"{n:08x}-0000-4000-8000-{n:012x}" for n in range(300)]
MANY = AWS_IDS + GCP_IDS + AZURE_IDS


# --------------------------------------------------------------------------- partition


@pytest.mark.parametrize("total", range(1, 8))
def test_union_of_shards_is_the_whole_and_no_id_is_twice(total: int) -> None:
    """For 1..7 shards over ~1600 ids, the shards are disjoint and together hold every id."""
    shards = [shard_of(MANY, i, total) for i in range(1, total + 1)]
    flat = [u for shard in shards for u in shard]
    assert len(flat) == len(MANY)
    assert sorted(flat) == sorted(MANY)
    assert len(set(flat)) == len(flat)


@pytest.mark.parametrize("total", [2, 4, 7])
def test_every_shard_gets_a_fair_share(total: int) -> None:
    """No shard is empty or holds more than twice its fair share of many ids (the hash spreads them)."""
    sizes = [len(shard_of(MANY, i, total)) for i in range(1, total + 1)]
    fair = len(MANY) / total
    assert all(0.5 * fair < size < 2 * fair for size in sizes), sizes


def test_one_shard_of_one_is_everything_in_order() -> None:
    """1/1 keeps every id in the order given, so `--shard 1/1` equals no sharding."""
    assert shard_of(MANY, 1, 1) == MANY


def test_shard_of_keeps_input_order_and_agrees_with_in_shard() -> None:
    """shard_of is the ordered filter of in_shard."""
    ids = list(reversed(GCP_IDS))
    assert shard_of(ids, 3, 5) == [u for u in ids if in_shard(u, 3, 5)]


def test_each_id_is_in_exactly_one_shard() -> None:
    """in_shard is true for exactly one I of N, the one shard_index names."""
    for unit in AWS_IDS[:200]:
        owners = [i for i in range(1, 6) if in_shard(unit, i, 5)]
        assert owners == [shard_index(unit, 5)]


# --------------------------------------------------------------------------- determinism


def test_case_does_not_move_an_id() -> None:
    """An id spelled in upper or mixed case lands where its lower-case form does."""
    for unit in GCP_IDS[:50] + AZURE_IDS[:50]:
        for total in (2, 3, 7):
            assert shard_index(unit.upper(), total) == shard_index(unit, total)
            assert shard_index(unit.title(), total) == shard_index(unit, total)


def test_assignment_is_pinned() -> None:
    """Known ids keep their shard: changing the formula would split one run's shards across two versions."""
    assert [shard_index(u, 4) for u in ("111111111111", "123456789012", "my-project", "ABC")] == [4, 3, 1, 2]
    assert [shard_index(u, 7) for u in ("111111111111", "123456789012", "my-project", "abc")] == [6, 2, 4, 6]


def test_assignment_is_the_same_in_other_processes() -> None:
    """Two interpreters with different hash seeds compute the same shards (no use of hash())."""
    code = ("from assessor.shard import shard_of; import sys; "
            "ids = [f'proj-{n}' for n in range(200)]; print(','.join(shard_of(ids, 2, 3)))")
    outputs = set()
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                              check=True, timeout=60)
        outputs.add(done.stdout.strip())
    assert len(outputs) == 1
    assert outputs.pop().split(",") == shard_of([f"proj-{n}" for n in range(200)], 2, 3)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(("spec", "expected"), [("1/1", (1, 1)), ("1/4", (1, 4)), ("4/4", (4, 4)),
                                                 (" 2/3 ", (2, 3)), ("07/10", (7, 10))])
def test_good_specs_parse(spec: str, expected: tuple[int, int]) -> None:
    """I/N with 1 <= I <= N parses to (I, N), I counted from 1."""
    assert parse_shard(spec) == expected


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1/0", "0/0", "a/b", "", "/", "1/", "/3", "1/3/4", "-1/3", "+1/3",
                                  "1.0/3", "1 / 3", "1of3", "\u0661/\u0663", "1/10001"])
def test_bad_specs_are_input_errors(spec: str) -> None:
    """Anything but I/N with 1 <= I <= N is a usage error (exit 2) that names --shard."""
    with pytest.raises(InputError, match="--shard") as caught:
        parse_shard(spec)
    assert caught.value.exit_code == 2


def test_out_of_range_shard_message_says_how_they_are_numbered() -> None:
    """4/3 is explained: shards run from 1 to N."""
    with pytest.raises(InputError, match="numbered 1 to 3"):
        parse_shard("4/3")


@pytest.mark.parametrize(("index", "total"), [(0, 3), (4, 3), (1, 0)])
def test_filters_reject_shards_that_do_not_exist(index: int, total: int) -> None:
    """in_shard and shard_of refuse a shard outside 1..N instead of silently selecting nothing."""
    with pytest.raises(InputError):
        in_shard("111111111111", index, total)
    with pytest.raises(InputError):
        shard_of(["111111111111"], index, total)
