#!/usr/bin/env bash
# Install Debian's headless browser for the HTML-map test (tests/test_webmap.py).
#
# Installs `chromium` and `chromium-driver` (/usr/bin/chromium, /usr/bin/chromedriver)
# with apt-get when they are missing and we run as root. Quiet, and it never fails the
# build: without root or apt the browser test itself fails and says to run this script.
#
#   bash tools/ensure_browser.sh
set -u

have() { command -v "$1" >/dev/null 2>&1; }

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "ensure_browser: not root; install chromium and chromium-driver yourself (apt-get install chromium chromium-driver)" >&2
    exit 0
fi
if ! have apt-get; then
    echo "ensure_browser: apt-get not available; install chromium and chromium-driver by hand" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/ensure_browser.XXXXXX.log")
if apt-get update -qq >"$log" 2>&1 \
    && apt-get install -y -qq --no-install-recommends chromium chromium-driver >>"$log" 2>&1; then
    echo "ensure_browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)" >&2
    rm -f "$log"
else
    echo "ensure_browser: apt-get could not install chromium/chromium-driver (log: $log); the browser test will fail" >&2
fi
exit 0
