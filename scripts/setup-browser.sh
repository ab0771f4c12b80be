#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (Playwright drives it; it never downloads
# a browser of its own). Idempotent; `make test` runs it, `make run` does not need it.
set -euo pipefail
if [ -x /usr/lib/chromium/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-browser: Chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "setup-browser: installing Debian's chromium (about a minute)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
test -x /usr/lib/chromium/chromium || { echo "setup-browser: chromium did not install" >&2; exit 1; }
