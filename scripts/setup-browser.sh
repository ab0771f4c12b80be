#!/usr/bin/env bash
# Makes sure the Chromium the browser tests drive exists (Playwright never downloads a
# browser of its own). CHROMIUM names the binary: Debian's real binary by default; GitHub's
# ubuntu-24.04 image already ships one at /usr/bin/chromium, and its runner user is not root.
# When it is missing, Debian's package is installed: as root directly, otherwise through
# passwordless sudo. Idempotent; `make test` runs it, `make run` does not need it.
set -euo pipefail
chromium="${CHROMIUM:-/usr/lib/chromium/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "setup-browser: no Chromium at $chromium; install it (sudo apt-get install -y chromium) or set CHROMIUM to one" >&2
  exit 1
fi
echo "setup-browser: no Chromium at $chromium; installing Debian's chromium (about a minute)" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
test -x "$chromium" || { echo "setup-browser: chromium installed, but $chromium is still missing: set CHROMIUM to its binary" >&2; exit 1; }
