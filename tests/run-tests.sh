#!/bin/sh
# Test job: set up a virtual environment with the dev tools, then lint, type-check and run the suite.
set -eu
cd "$(dirname "$0")/.."
sh examples/system-deps.sh
sh tests/postgres-deps.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
PYTHONWARNINGS=ignore .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,all]'
.venv/bin/ruff check assessor checks tests benchmarks
.venv/bin/mypy assessor
.venv/bin/python -m pytest -q "$@"
