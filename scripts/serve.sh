#!/usr/bin/env bash
# Serves the newest bundle: the API in the background, the UI in the foreground.
# Ctrl-C (or the UI stopping) stops both.   usage: scripts/serve.sh [BUNDLE_DIR [SCORES_DIR]]
set -euo pipefail
cd "$(dirname "$0")/.."
bundle="${1:-artifacts}"
scores="${2:-$bundle/scores}"  # churn-score's runs: the UI's Customer base tab
api_port="${API_PORT:-8000}"
ui_port="${UI_PORT:-8501}"

.venv/bin/churn-api --bundle "$bundle" --scores "$scores" --port "$api_port" &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null || true' EXIT INT TERM

if ! .venv/bin/python - "$api_port" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/v1/health"
for _ in range(120):
    try:
        urllib.request.urlopen(url, timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(1)
PY
then
  echo "serve: the API did not become healthy on port $api_port" >&2
  exit 1
fi
echo "serve: API http://localhost:$api_port/docs  ·  UI http://localhost:$ui_port  (Ctrl-C stops both)" >&2
.venv/bin/churn-ui --api "http://127.0.0.1:$api_port" --port "$ui_port"
