#!/bin/sh
# Main job: set up a virtual environment and assess the bundled example organisation, offline.
set -eu
cd "$(dirname "$0")/.."
sh examples/system-deps.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
PYTHONWARNINGS=ignore .venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/ir-assessor assess \
    --snapshots examples/acme/snapshots \
    --answers examples/acme/answers.yaml \
    --generated-at 2026-11-01T12:00:00Z \
    --out out/acme "$@"
echo "Report: $(pwd)/out/acme/report.html and $(pwd)/out/acme/report.pdf"
