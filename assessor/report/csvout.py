"""One CSV row per finding, exhaustive, safe to open in a spreadsheet.

A cell a spreadsheet would read as a formula (first visible character = + - @, or a leading tab or
carriage return) gets a leading single quote, so hostile resource names stay text.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from assessor.models import Assessment, Finding

COLUMNS = ("control", "domain", "severity", "check", "provider", "account", "region", "resource", "status",
           "message", "reason")

# ASCII triggers and their fullwidth forms, which some spreadsheet locales also treat as formula starts.
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_CONTROL_START = frozenset("\t\r\n")


def _first_visible(text: str) -> str:
    for char in text:
        if char.isspace() or unicodedata.category(char) == "Cf":  # spaces, zero-width and bidi marks
            continue
        return char
    return ""


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    if not cell:
        return cell
    if cell[0] in _CONTROL_START or _first_visible(cell) in _FORMULA_START:
        return "'" + cell
    return cell


def _row(domain: str, severity: str, f: Finding) -> list[str]:
    values = (f.control_id, domain, severity, f.check_id, f.provider or "", f.account_id or "", f.region or "",
              f.resource_id or "", f.status.value, f.message, f.reason or "")
    return [neutralise(v) for v in values]


def _order(f: Finding) -> tuple[str, ...]:
    return (f.provider or "", f.account_id or "", f.region or "", f.resource_id or "", f.check_id,
            f.status.value, f.message)


def render_csv(assessment: Assessment) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for control in sorted(assessment.controls, key=lambda c: c.control_id):
        for finding in sorted(control.findings, key=_order):
            writer.writerow(_row(control.domain, control.severity, finding))
    return out.getvalue().encode("utf-8")
