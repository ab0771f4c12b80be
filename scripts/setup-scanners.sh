#!/usr/bin/env bash
# Creates .venv-scanners with checkov, zizmor, check-jsonschema, actionlint, PMapper and pindock, pinned in
# requirements/scanners/constraints.txt. A venv of their own: checkov pins boto3 exactly.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

venv_with .venv-scanners
"$UV" pip install --quiet --python .venv-scanners/bin/python \
  -r requirements/scanners/requirements.txt -c requirements/scanners/constraints.txt
echo "setup: .venv-scanners ready ($(.venv-scanners/bin/checkov --version | tail -1) checkov)" >&2
