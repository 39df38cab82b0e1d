#!/bin/sh
# Make sure PostgreSQL's server programs are installed: the storage tests start a
# throwaway server (initdb in a temporary folder, a free port) and run against it.
# ABITARE_SKIP_POSTGRES=1 or ABITARE_TEST_PG_URL (an existing server) skip the install.
set -e
if [ "${ABITARE_SKIP_POSTGRES:-0}" = "1" ] || [ -n "${ABITARE_TEST_PG_URL:-}" ]; then
    exit 0
fi
if command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's postgresql for the storage tests..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    exit 0
fi
echo "PostgreSQL not found and it cannot be installed here (needs root and apt-get)." >&2
echo "Install postgresql, set ABITARE_TEST_PG_URL, or set ABITARE_SKIP_POSTGRES=1." >&2
exit 1
