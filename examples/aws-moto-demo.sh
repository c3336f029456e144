#!/bin/sh
# A live `scan aws` against a local moto server: no AWS account, no network beyond 127.0.0.1.
# Starts moto_server from the venv, seeds a small organisation, scans it with --org-role, stops the server.
set -eu
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
if ! .venv/bin/python -c "import assessor, boto3, moto.server" 2>/dev/null; then
    PYTHONWARNINGS=ignore .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[aws]' 'moto[server]>=5'
fi
OUT=out/aws-moto-demo
# moto makes new account ids each time: start from an empty folder so no earlier run's snapshot lingers.
rm -rf "$OUT/snapshots"
mkdir -p "$OUT"
PORT=$(.venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
ENDPOINT="http://127.0.0.1:$PORT"
.venv/bin/moto_server -H 127.0.0.1 -p "$PORT" >"$OUT/moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT INT TERM
.venv/bin/python - "$ENDPOINT" <<'EOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("moto_server did not start; see out/aws-moto-demo/moto.log")
EOF
# Fake credentials: moto accepts any. Nothing here can reach real AWS.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_DEFAULT_REGION=eu-west-1
export AWS_ENDPOINT_URL="$ENDPOINT" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN 2>/dev/null || true
.venv/bin/python examples/aws_moto_seed.py "$ENDPOINT" "$OUT/answers.yaml"
rc=0
.venv/bin/python -m assessor scan aws --org-role OrganizationAccountAccessRole --regions eu-west-1,us-east-1 \
    --answers "$OUT/answers.yaml" --out "$OUT" --format html,json "$@" || rc=$?
echo "Report: $(pwd)/$OUT/report.html; snapshots in $OUT/snapshots/"
exit "$rc"
