"""Input reading: errors point at file, line and key; writes are atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.errors import InputError
from assessor.inputs import atomic_write, load_json, load_yaml, parse_model
from assessor.models import Answers, Snapshot

ANSWERS = """\
version: 1
profile:
  organization: X
  onprem_capabilities: []
  workloads:
    - name: a
      provider: aws
      service_model: iaas
  allowed_jurisdictions: [EU]
  required_log_retention_days: {retention}
"""


@pytest.mark.parametrize(("retention", "line", "key"), [
    ("many", 10, "profile.required_log_retention_days"),
    ("0", 10, "profile.required_log_retention_days"),
])
def test_yaml_validation_error_has_line_and_key(tmp_path: Path, retention: str, line: int, key: str) -> None:
    """A pydantic error in YAML maps back to the line of the offending key."""
    path = tmp_path / "a.yaml"
    path.write_text(ANSWERS.format(retention=retention))
    data, lines = load_yaml(path)
    with pytest.raises(InputError) as info:
        parse_model(Answers, data, path, lines)
    assert (info.value.line, info.value.key) == (line, key)
    assert str(info.value).startswith(f"{path}:{line}: {key}: ")


def test_nested_list_error_points_into_the_list(tmp_path: Path) -> None:
    """An error inside a list item names the index and the item's line."""
    path = tmp_path / "a.yaml"
    path.write_text(ANSWERS.format(retention=365).replace("service_model: iaas", "service_model: mainframe"))
    data, lines = load_yaml(path)
    with pytest.raises(InputError) as info:
        parse_model(Answers, data, path, lines)
    assert info.value.key == "profile.workloads[0].service_model"
    assert info.value.line == 8


def test_json_error_has_line(tmp_path: Path) -> None:
    """Malformed JSON reports the line of the syntax error."""
    path = tmp_path / "s.json"
    path.write_text('{\n  "provider": "aws",\n  "oops"\n}')
    with pytest.raises(InputError) as info:
        load_json(path)
    assert info.value.line == 4 or info.value.line == 3


def test_json_top_level_key_line(tmp_path: Path) -> None:
    """Validation errors in a snapshot point at the key's line."""
    path = tmp_path / "s.json"
    path.write_text('{\n "provider": "aws",\n "account_id": "1",\n "collected_at": "nope",\n "tool_version": "x"\n}')
    data, lines, _ = load_json(path)
    with pytest.raises(InputError) as info:
        parse_model(Snapshot, data, path, lines)
    assert info.value.key == "collected_at"
    assert info.value.line == 4


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    """The target holds either the old or the new content; no temporary file remains."""
    target = tmp_path / "out" / "report.html"
    atomic_write(target, "old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_atomic_write_failure_leaves_old_file(tmp_path: Path) -> None:
    """If writing fails midway (here: the data cannot be encoded), the old file stays intact."""
    target = tmp_path / "report.html"
    atomic_write(target, "old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "\ud800 lone surrogate")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
