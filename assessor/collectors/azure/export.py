"""Read Azure Resource Graph exports: the JSON `az graph query` prints, one or more pages.

A file holds either a list of rows or an object with `data` (the rows) and optional paging fields
(`count`, `skip_token`, `total_records`). Every row must be an object with a string `id` and `type`,
since the id places it in a subscription and the type decides its record. Errors name the file and the
key (`data[3].id`) or, for JSON syntax errors, the line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assessor.errors import InputError

_PAGING_KEYS = frozenset({"data", "count", "skip_token", "skipToken", "total_records", "totalRecords",
                          "result_truncated", "resultTruncated", "facets"})


def read_resource_graph_export(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """All rows of the given export files, in order (several files are pages of one query)."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        rows.extend(_read_one(Path(path)))
    return rows


def _read_one(path: Path) -> list[dict[str, Any]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # PowerShell redirection may add a BOM
    except OSError as exc:
        raise InputError(f"cannot read the Resource Graph export: {exc.strerror or exc}", path=name) from None
    except UnicodeDecodeError:
        raise InputError("the Resource Graph export is not UTF-8 text", path=name) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", path=name, line=exc.lineno) from None
    if isinstance(document, list):
        prefix, items = "", document
    elif isinstance(document, dict):
        if "data" not in document:
            unknown = sorted(set(document) - _PAGING_KEYS)[:5]
            hint = f" (found keys: {', '.join(unknown)})" if unknown else ""
            raise InputError("expected a list of rows or an object with `data`, as `az graph query` prints"
                             + hint, path=name, key="data")
        items = document["data"]
        prefix = "data"
        if isinstance(items, dict) and isinstance(items.get("rows"), list):
            raise InputError("the rows are in table format; run `az graph query` without `--query` "
                             "reshaping, or with the default objectArray result format", path=name, key="data")
        if not isinstance(items, list):
            raise InputError("must be a list of rows", path=name, key="data")
    else:
        raise InputError("expected a list of rows or an object with `data`", path=name)
    for index, row in enumerate(items):
        where = f"{prefix}[{index}]"
        if not isinstance(row, dict):
            raise InputError("each row must be a JSON object", path=name, key=where)
        for key in ("id", "type"):
            value = row.get(key)
            if not isinstance(value, str) or not value.strip():
                raise InputError("missing or not a non-empty string; export the `id` and `type` columns",
                                 path=name, key=f"{where}.{key}")
        for key in ("properties", "tags"):
            if row.get(key) is not None and not isinstance(row[key], dict):
                raise InputError("must be a JSON object", path=name, key=f"{where}.{key}")
        if row.get("subscriptionId") is not None and not isinstance(row["subscriptionId"], str):
            raise InputError("must be a string", path=name, key=f"{where}.subscriptionId")
    return list(items)
