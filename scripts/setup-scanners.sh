#!/usr/bin/env bash
# Creates .venv-scanners with checkov, zizmor, check-jsonschema, actionlint, PMapper and pindock, pinned in
# requirements/scanners/constraints.txt. A venv of their own: checkov pins boto3 exactly.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

venv_with .venv-scanners
"$UV" pip install --quiet --python .venv-scanners/bin/python \
  -r requirements/scanners/requirements.txt -c requirements/scanners/constraints.txt
# The version from the package's metadata: `checkov --version` imports all of checkov (2.5
# CPU-seconds, and more where bytecode is not written yet), in every checks job.
version="$(.venv-scanners/bin/python -c 'import importlib.metadata as m; print(m.version("checkov"))')"
echo "setup: .venv-scanners ready (checkov $version)" >&2
