"""manifest.json: what went in and what came out, with SHA-256 digests, so an auditor can prove that a
report file is the one this run wrote from these inputs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from assessor.models import Assessment

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_manifest(assessment: Assessment, outputs: Sequence[tuple[str, bytes]]) -> bytes:
    """The manifest for outputs given as (file name, content), in a stable order."""
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "tool": "ir-assessor",
        "tool_version": assessment.tool_version,
        "generated_at": assessment.generated_at.isoformat(),
        "organization": assessment.organization,
        "inputs": [
            {"path": i.path, "kind": i.kind, "sha256": i.sha256, "size": i.size}
            for i in sorted(assessment.inputs, key=lambda i: (i.kind, i.path))
        ],
        "outputs": [
            {"path": name, "sha256": sha256(data), "size": len(data)}
            for name, data in sorted(outputs)
        ],
    }
    return (json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")
