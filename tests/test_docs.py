"""Generated reference pages stay in step with the code."""

from __future__ import annotations

from pathlib import Path

from assessor.catalogue import load_catalogue
from assessor.docgen import snapshot_format_markdown
from assessor.plugins import load_checks
from assessor.resource_types import RESOURCE_TYPES

DOC = Path(__file__).resolve().parents[1] / "docs" / "snapshot-format.md"


def test_snapshot_format_page_is_current() -> None:
    """docs/snapshot-format.md equals what `python -m assessor.docgen` generates (refresh it if this fails)."""
    expected = snapshot_format_markdown(load_checks(load_catalogue()))
    assert DOC.read_text(encoding="utf-8") == expected


def test_every_resource_type_is_documented_with_fields() -> None:
    """Each registered type has a description, a source API and documented fields."""
    text = DOC.read_text(encoding="utf-8")
    for name, rtype in RESOURCE_TYPES.items():
        assert f"#### `{name}`" in text
        assert rtype.description and rtype.source and rtype.fields, name


def test_readme_starts_with_the_two_commands() -> None:
    """The README opens with the main-job command and the test command, and CI runs that test command."""
    root = DOC.parents[1]
    head = (root / "README.md").read_text(encoding="utf-8").split("```")[1]
    assert "sh examples/run-example.sh" in head and "sh tests/run-tests.sh" in head
    assert "sh tests/run-tests.sh" in (root / ".ci" / "run").read_text(encoding="utf-8")
