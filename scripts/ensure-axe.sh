#!/bin/sh
# axe-core (the accessibility checker the browser tests inject) from the npm registry.
# Needs node and npm: installed from Debian's packages when missing and the user is root.
set -e
[ "${ABITARE_SKIP_BROWSER:-0}" = "1" ] && exit 0
target=.cache/axe
[ -f "$target/node_modules/axe-core/axe.min.js" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's npm for axe-core..."
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    else
        echo "npm not found: install node and npm, or set ABITARE_SKIP_BROWSER=1." >&2
        exit 1
    fi
fi
mkdir -p "$target"
npm install --prefix "$target" --silent --no-audit --no-fund axe-core@4
