#!/bin/sh
# configurable-http-proxy (JupyterHub's proxy, a node program) from the npm registry, into
# the project's own folder .cache/hub (never installed globally): the JupyterHub test
# (tests/deploy/test_hub.py) and bench/hub_login.py start it from there.
# Needs node and npm: installed from Debian's packages when missing and the user is root.
# ABITARE_SKIP_HUB=1 skips it (the hub test then fails, saying so, unless deselected with -m "not hub").
set -e
[ "${ABITARE_SKIP_HUB:-0}" = "1" ] && exit 0
target=.cache/hub
[ -x "$target/node_modules/.bin/configurable-http-proxy" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
    sh "$(dirname "$0")/apt-install.sh" npm "configurable-http-proxy" || {
        echo "Install node and npm, or set ABITARE_SKIP_HUB=1." >&2
        exit 1
    }
fi
mkdir -p "$target"
npm install --prefix "$target" --silent --no-audit --no-fund configurable-http-proxy@5
