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
sh "$(dirname "$0")/apt-install.sh" postgresql "the storage tests" || {
    echo "Install postgresql, set ABITARE_TEST_PG_URL, or set ABITARE_SKIP_POSTGRES=1." >&2
    exit 1
}
