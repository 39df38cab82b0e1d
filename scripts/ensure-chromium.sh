#!/bin/sh
# Make sure Debian's Chromium is installed for the browser tests.
# Playwright's own browser download does not work on closed networks, so the tests
# drive the system Chromium. ABITARE_SKIP_BROWSER=1 opts out (browser tests are then
# deselected and the run says so); otherwise a missing browser is an error.
set -e
if [ "${ABITARE_SKIP_BROWSER:-0}" = "1" ]; then
    echo "ABITARE_SKIP_BROWSER=1: browser tests will not run."
    exit 0
fi
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then exit 0; fi
done
sh "$(dirname "$0")/apt-install.sh" chromium "the browser tests" || {
    echo "Install chromium, or set ABITARE_SKIP_BROWSER=1 to run without browser tests." >&2
    exit 1
}
