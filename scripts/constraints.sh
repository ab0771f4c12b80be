#!/usr/bin/env bash
# Re-resolve every requirement file of the project in a throwaway venv and freeze the
# result into constraints.txt, the one place where versions are pinned; then the same for
# the scanners' own venv (requirements/scanners/, see why there).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3.11 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --upgrade pip setuptools wheel 2> >(grep -v "is ignored: it is neither" >&2)
# (pip on some machines warns about configured local indexes that do not exist: noise.)
"$scratch/venv/bin/pip" install --quiet $(printf -- '-r %s ' src/*/requirements.txt requirements/*.txt) 2> >(grep -v "is ignored: it is neither" >&2)
{
  echo "# Every Python version this project installs, pinned once (pip install -c constraints.txt)."
  echo "# Regenerate: make constraints (resolves the requirement files afresh and freezes)."
  "$scratch/venv/bin/pip" freeze --all | sort -f
} > constraints.txt
echo "constraints.txt: $(grep -c '==' constraints.txt) pins" >&2

python3.11 -m venv "$scratch/scanners"
"$scratch/scanners/bin/pip" install --quiet --upgrade pip setuptools wheel 2> >(grep -v "is ignored: it is neither" >&2)
"$scratch/scanners/bin/pip" install --quiet -r requirements/scanners/requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
{
  echo "# Every version the scanners' venv installs (make constraints regenerates it)."
  "$scratch/scanners/bin/pip" freeze | sort -f
} > requirements/scanners/constraints.txt
echo "requirements/scanners/constraints.txt: $(grep -c '==' requirements/scanners/constraints.txt) pins" >&2
