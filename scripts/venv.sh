# Sourced by the setup scripts: the Python they need and the venv they start from.
# PYTHON: Python 3.11 (PYTHON=/path/to/python3.11 chooses one).
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 is required (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi

# venv_with DIR [PACKAGE...]: DIR as a venv (kept when it exists) with these packages of
# constraints.txt in it, and UV set to the installer for the rest: uv, pinned there too
# (it resolves against the same pins about ten times faster than pip and writes no bytecode
# up front). Where the pinned uv is on PATH already (CI's setup-uv step), it makes the venv
# without pip's bootstrap (a job's ops venv: about 2 s instead of 10); elsewhere pip
# installs uv into the venv first.
venv_with() {
  local dir="$1"
  shift
  local pinned
  pinned="$(sed -n 's/^uv==//p' constraints.txt)"
  if command -v uv >/dev/null 2>&1 && [ "$(uv --version | cut -d' ' -f2)" = "$pinned" ]; then
    UV=uv
    [ -x "$dir/bin/python" ] || uv venv --quiet --python "$PYTHON" "$dir"
    [ $# -eq 0 ] || uv pip install --quiet --python "$dir/bin/python" -c constraints.txt "$@"
  else
    [ -x "$dir/bin/python" ] || "$PYTHON" -m venv "$dir"
    "$dir/bin/python" -m pip --disable-pip-version-check --quiet install -c constraints.txt uv "$@" \
      2> >(grep -v "is ignored: it is neither" >&2)
    UV="$dir/bin/uv"
  fi
}
