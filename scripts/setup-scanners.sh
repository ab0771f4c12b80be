#!/usr/bin/env bash
# Creates .venv-scanners with checkov, zizmor, check-jsonschema, actionlint, PMapper and pindock, pinned in
# requirements/scanners/constraints.txt. A venv of their own: checkov pins boto3 exactly.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
[ -x .venv-scanners/bin/python ] || "$PYTHON" -m venv .venv-scanners
# The installer, uv, pinned with the project's own versions (scripts/setup.sh says why).
.venv-scanners/bin/python -m pip --disable-pip-version-check --quiet install -c constraints.txt uv \
  2> >(grep -v "is ignored: it is neither" >&2)
.venv-scanners/bin/uv pip install --quiet --python .venv-scanners/bin/python \
  -r requirements/scanners/requirements.txt -c requirements/scanners/constraints.txt
echo "setup: .venv-scanners ready ($(.venv-scanners/bin/checkov --version | tail -1) checkov)" >&2
