#!/usr/bin/env bash
# ensure-browser.sh: make sure Debian's Chromium is at /usr/bin/chromium, for the browser tests
# (Playwright drives it; no browser is ever downloaded) and the report's PDF (Chromium prints it),
# and poppler's pdftoppm and pdfimages, with which the PDF test looks at the pages.
#
# Idempotent: when both are there it installs nothing. Otherwise it installs the Debian packages
# `chromium` and `poppler-utils` with apt-get (as root, or through sudo) and nothing else.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ] && command -v pdftoppm >/dev/null 2>&1 && command -v pdfimages >/dev/null 2>&1; then
    echo "ensure-browser: $CHROMIUM and poppler's pdftoppm are present"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-browser: $CHROMIUM or pdftoppm is missing and apt-get is not available; install Debian's 'chromium' and 'poppler-utils' packages" >&2
    exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "ensure-browser: installing chromium and poppler-utils needs root (or sudo)" >&2
        exit 1
    fi
fi

echo "ensure-browser: installing Debian's chromium and poppler-utils packages"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium poppler-utils

if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-browser: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "ensure-browser: $CHROMIUM installed"
