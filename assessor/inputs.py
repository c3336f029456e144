"""Read YAML and JSON input files into pydantic models, with errors that name file, line and key."""

from __future__ import annotations

import json
import os
from collections.abc import Hashable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assessor.errors import InputError

M = TypeVar("M", bound=BaseModel)

MAX_INPUT_BYTES = 512 * 1024 * 1024  # a snapshot of a very large account stays far below this
MAX_ANSWERS_BYTES = 16 * 1024 * 1024

LineMap = dict[tuple[str | int, ...], int]


_BaseSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class _UniqueKeyLoader(_BaseSafeLoader):  # type: ignore[valid-type,misc]
    """Safe loader that rejects duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _yaml_lines(node: yaml.Node | None, path: tuple[str | int, ...], out: LineMap) -> None:
    if node is None:
        return
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + 1
            _yaml_lines(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _yaml_lines(item, (*path, index), out)


def _check_size(path: Path, limit: int) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from None
    if size == 0:
        raise InputError("file is empty", path=str(path))
    if size > limit:
        raise InputError(f"file is {size} bytes, over the {limit}-byte limit", path=str(path))
    return size


def _read_text(path: Path, limit: int) -> str:
    _check_size(path, limit)
    try:
        # Bytes, not read_text: newline translation would make the hash differ from `sha256sum`.
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from None


def load_yaml(path: Path, limit: int = MAX_ANSWERS_BYTES) -> tuple[Any, LineMap]:
    text = _read_text(path, limit)
    loader = _UniqueKeyLoader(text)
    try:
        # Compose once, then build the data from that node: line numbers and values from one parse.
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"invalid YAML: {exc.problem or exc}", path=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path=str(path)) from None
    finally:
        loader.dispose()
    lines: LineMap = {}
    _yaml_lines(node, (), lines)
    return data, lines


def _json_line_map(text: str, data: Any) -> LineMap:
    """Approximate line numbers for JSON keys: good enough to point a reader at the right place."""
    lines: LineMap = {}
    # Only top-level and second-level keys are located; deep errors fall back to their parent.
    offsets = _line_offsets(text)

    def locate(key: str, start: int) -> tuple[int, int] | None:
        pos = text.find(json.dumps(key) + ":", start)
        if pos < 0:
            pos = text.find(json.dumps(key), start)
        if pos < 0:
            return None
        return _line_of(offsets, pos), pos

    if isinstance(data, dict):
        for key in data:
            found = locate(str(key), 0)
            if found:
                lines[(key,)] = found[0]
    return lines


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for index, char in enumerate(text):
        if char == "\n":
            offsets.append(index + 1)
    return offsets


def _line_of(offsets: list[int], pos: int) -> int:
    import bisect

    return bisect.bisect_right(offsets, pos)


def load_json(path: Path, limit: int = MAX_INPUT_BYTES) -> tuple[Any, LineMap, str]:
    text = _read_text(path, limit)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=str(path), line=exc.lineno) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", path=str(path)) from None
    return data, _json_line_map(text, data), text


def _nearest_line(lines: LineMap, loc: tuple[str | int, ...]) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def _format_loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_error(exc: ValidationError, path: Path, lines: LineMap) -> InputError:
    """The first validation problem as an InputError with file, line and key; a count of the rest."""
    errors = exc.errors()
    first = errors[0]
    # pydantic adds union-member and type names into loc; drop parts that are not in the data.
    loc = tuple(p for p in first["loc"] if isinstance(p, int) or not str(p)[:1].isupper())
    loc = tuple(p for p in loc if p not in ("bool", "int", "date", "str", "function-after"))
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown key (not allowed here; check its spelling)"
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(message, path=str(path), line=_nearest_line(lines, loc), key=_format_loc(loc) or None)


def parse_model(model: type[M], data: Any, path: Path, lines: LineMap) -> M:
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping at the top level, found {type(data).__name__}", path=str(path), line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, lines) from None


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside the target and rename it: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
