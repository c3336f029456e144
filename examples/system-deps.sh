#!/bin/sh
# Install the Debian libraries WeasyPrint needs (pango, fonts) when they are missing. Idempotent.
set -eu
need=""
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need="$need libpango-1.0-0 libpangoft2-1.0-0"
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || need="$need libharfbuzz-subset0"
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$need fonts-dejavu-core"
if [ -n "$need" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing system packages:$need (install them with your package manager)" >&2
        exit 2
    fi
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing system packages:$need" >&2
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
