#!/usr/bin/env bash
# Installs the system packages OrderHub's tests and e-mail charts need: Debian's Chromium.
# Idempotent: does nothing when chromium is already on PATH.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: install Debian's 'chromium' package (apt-get install chromium) and re-run." >&2
  exit 1
fi
echo "Installing Debian's chromium (browser tests, e-mail charts)…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
