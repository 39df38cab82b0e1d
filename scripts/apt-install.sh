#!/bin/sh
# apt-install.sh PACKAGE WHAT: install a Debian package the tests need, when we may.
# Used by the ensure-*.sh scripts; prints how to proceed when it cannot install.
set -e
package=$1
what=$2
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's $package for $what..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    exit 0
fi
echo "$package is missing and cannot be installed here (needs root and apt-get)." >&2
exit 1
