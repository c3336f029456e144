"""Load saved snapshots (files or folders of `*.json`), each validated and hashed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assessor.errors import InputError
from assessor.inputs import load_json, parse_model
from assessor.models import SNAPSHOT_FORMAT_VERSION, Snapshot


@dataclass(frozen=True)
class LoadedSnapshot:
    path: Path
    snapshot: Snapshot
    sha256: str
    size: int


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as their `*.json` files (recursively, sorted); missing paths are errors."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file() and not p.name.startswith("."))
            if not found:
                raise InputError("folder holds no *.json snapshot", path=str(path))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError("file not found", path=str(path))
    return files


def load_snapshot(path: Path) -> LoadedSnapshot:
    data, lines, text = load_json(path)
    if isinstance(data, dict):
        version = data.get("format_version")
        if version is not None and version != SNAPSHOT_FORMAT_VERSION:
            raise InputError(
                f"snapshot format version {version!r} is not supported; this tool reads version "
                f"{SNAPSHOT_FORMAT_VERSION} (re-collect it or upgrade ir-assessor)",
                path=str(path), line=lines.get(("format_version",)), key="format_version",
            )
    snapshot = parse_model(Snapshot, data, path, lines)
    for type_name, records in snapshot.resources.items():
        for index, record in enumerate(records):
            if not isinstance(record.get("id"), str) or not record["id"]:
                raise InputError("every resource needs a non-empty string `id`", path=str(path),
                                 line=lines.get(("resources",)), key=f"resources.{type_name}[{index}].id")
    raw = text.encode("utf-8")  # the file's exact bytes: it was read as bytes and decoded strictly
    return LoadedSnapshot(path, snapshot, hashlib.sha256(raw).hexdigest(), len(raw))


def load_snapshots(paths: Iterable[Path]) -> list[LoadedSnapshot]:
    loaded = [load_snapshot(p) for p in expand_paths(paths)]
    seen: dict[tuple[str, str], Path] = {}
    for item in loaded:
        key = (item.snapshot.provider, item.snapshot.account_id)
        if key in seen:
            raise InputError(
                f"{key[0]} account {key[1]} is also in {seen[key]}; pass one snapshot per account",
                path=str(item.path), key="account_id",
            )
        seen[key] = item.path
    loaded.sort(key=lambda s: (s.snapshot.provider, s.snapshot.account_id))
    return loaded
