"""The full assessment as JSON: sorted keys, fixed indentation, ASCII only, so equal inputs give equal bytes.

ASCII escapes keep bidirectional-override and control characters from hostile names visible (for example as
\\u202e) in any viewer, instead of reordering the text on screen.
"""

from __future__ import annotations

import json
from typing import Any

from assessor.models import Assessment


def render_json(assessment: Assessment) -> bytes:
    data = assessment.model_dump(mode="json")
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def assessment_json_schema() -> dict[str, Any]:
    """The published JSON Schema of assessment.json (`ir-assessor schema assessment`)."""
    schema = Assessment.model_json_schema()
    schema["title"] = "ir-assessor assessment"
    return schema
