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
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
echo "No Chromium found and it cannot be installed here (needs root and apt-get)." >&2
echo "Install chromium, or set ABITARE_SKIP_BROWSER=1 to run without browser tests." >&2
exit 1
