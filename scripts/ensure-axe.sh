#!/bin/sh
# axe-core (the accessibility checker the browser tests inject) from the npm registry.
# Needs node and npm: installed from Debian's packages when missing and the user is root.
set -e
[ "${ABITARE_SKIP_BROWSER:-0}" = "1" ] && exit 0
target=.cache/axe
[ -f "$target/node_modules/axe-core/axe.min.js" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
    sh "$(dirname "$0")/apt-install.sh" npm "axe-core" || {
        echo "Install node and npm, or set ABITARE_SKIP_BROWSER=1." >&2
        exit 1
    }
fi
mkdir -p "$target"
npm install --prefix "$target" --silent --no-audit --no-fund axe-core@4
