#!/usr/bin/env bash
# Creates .venv with every pinned Python dependency and installs the project into it.
# Idempotent: `make setup` calls it only when a dependency file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

# VENV, EXTRAS and EDITABLE choose the environment: the project's full one by default; CI's
# plan, apply and image jobs make a small one (.venv-ops: EXTRAS=ops, not editable).
venv="${VENV:-.venv}"
extras="${EXTRAS:-train,api,ui,ops,serve,dev}"
editable=(-e)
[ "${EDITABLE:-yes}" = yes ] || editable=()

# pip and uv in the venv too: the tests install image dependency sets with them; the
# project builds with the pinned setuptools (no build isolation: not whatever is newest).
venv_with "$venv" pip setuptools wheel uv
"$UV" pip install --quiet --python "$venv/bin/python" --no-build-isolation \
  -c constraints.txt "${editable[@]}" ".[$extras]"
echo "setup: $venv ready ($("$venv/bin/python" --version))" >&2
