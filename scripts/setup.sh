#!/usr/bin/env bash
# Creates .venv with every pinned Python dependency and installs the project into it.
# Idempotent: `make setup` calls it only when a dependency file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 is required (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
pip() { .venv/bin/python -m pip --disable-pip-version-check --quiet "$@"; }
pip install -c constraints.txt pip setuptools wheel
# No build isolation: the build uses the setuptools pinned above, not whatever is newest.
pip install --no-build-isolation -c constraints.txt -e '.[train,api,ui,ops,serve,dev]'
echo "setup: .venv ready ($(.venv/bin/python --version))" >&2
