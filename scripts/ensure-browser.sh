#!/usr/bin/env bash
# ensure-browser.sh: make sure Debian's Chromium is at /usr/bin/chromium, for the report's browser
# test (tests/test_report_browser.py drives it through Playwright; no browser is ever downloaded).
#
# Idempotent: when /usr/bin/chromium is there it installs nothing. Otherwise it installs the Debian
# package `chromium` with apt-get (as root, or through sudo) and nothing else.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "ensure-browser: $CHROMIUM is present"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-browser: $CHROMIUM is missing and apt-get is not available; install Debian's 'chromium' package" >&2
    exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "ensure-browser: installing chromium needs root (or sudo)" >&2
        exit 1
    fi
fi

echo "ensure-browser: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium

if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-browser: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "ensure-browser: $CHROMIUM installed"
