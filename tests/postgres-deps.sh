#!/bin/sh
# The history-store tests run against a real PostgreSQL server that they start themselves (initdb + pg_ctl on
# 127.0.0.1); install Debian's server binaries when none are found. Idempotent. IR_SKIP_POSTGRES=1 skips both
# the install and those tests, explicitly.
set -eu
[ "${IR_SKIP_POSTGRES:-}" = "1" ] && exit 0
command -v initdb >/dev/null 2>&1 && exit 0
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) are missing: install them, or set IR_SKIP_POSTGRES=1" >&2
    exit 2
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing system packages: postgresql (server binaries for the history-store tests)" >&2
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
