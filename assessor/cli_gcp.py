"""GCP commands: `import gcp-asset-export FILE... --out DIR` turns `gcloud asset export` files into snapshots."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assessor.errors import InputError

IMPORT_COMMAND = "import"


def add_import_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add `import gcp-asset-export` to the top-level sub-parsers."""
    imp = sub.add_parser(IMPORT_COMMAND, help="turn offline exports into snapshots (no credentials needed)")
    gcp = imp.add_subparsers(dest="source", required=True, parser_class=parser_class).add_parser(
        "gcp-asset-export", help="read `gcloud asset export` newline-delimited JSON (RESOURCE, IAM_POLICY)")
    gcp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files (one asset per line)")
    gcp.add_argument("--out", type=Path, required=True, metavar="DIR",
                     help="folder for the snapshots (gcp-<project>.json)")
    gcp.add_argument("--quiet", action="store_true", help="no summary")


def run_import_command(args: argparse.Namespace) -> int:
    from assessor import __version__
    from assessor.cli_aws import snapshot_json
    from assessor.collectors.gcp.assets import build_snapshots
    from assessor.inputs import atomic_write

    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder", path=str(out))
    # Read and check every line of every file before writing anything.
    assets = list(read_export(args.files))
    snapshots = build_snapshots(assets, collected_at=datetime.now(UTC), tool_version=__version__,
                                source="gcloud asset export: " + ", ".join(p.name for p in args.files))
    if not snapshots:
        raise InputError("no cloudresourcemanager.googleapis.com/Project asset with RESOURCE content found; "
                         "export with --content-type=resource (and iam-policy)", path=str(args.files[0]))
    for snapshot in snapshots:
        atomic_write(out / f"gcp-{snapshot.account_id}.json", snapshot_json(snapshot))
    if not args.quiet:
        print(f"ir-assessor: {len(snapshots)} project snapshot(s) written to {out}", file=sys.stderr)
    return 0


def read_export(paths: Sequence[Path]) -> Iterator[dict[str, Any]]:
    """Asset records from export files; InputError with file and line for anything malformed."""
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", path=str(path)) from None
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                asset = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON ({exc.msg})", path=str(path), line=number) from None
            if not isinstance(asset, dict):
                raise InputError("not a JSON object (one asset per line expected)", path=str(path),
                                 line=number)
            for key in ("name", "assetType"):
                if not isinstance(asset.get(key), str) or not asset[key]:
                    raise InputError("missing or not a string", path=str(path), line=number, key=key)
            yield asset
