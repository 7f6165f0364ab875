#!/usr/bin/env bash
# `make run`: the sandbox marketplace (with its warehouse and carrier, which push signed events to the
# receiver `ingest serve` runs on port 8766), the ingest scheduler and the console, together on one machine.
# Usage: bash scripts/run.sh [PORT]   (console port, default 8501; the sandbox listens on 8765)
# The console listens on ORDERHUB_BIND (default 127.0.0.1, this machine only; see docs/security.md).
# The sandbox and scheduler run in the background with logs under $ORDERHUB_DATA/logs/; both are stopped
# when the console exits (Ctrl-C) or this script is killed.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8501}"
SANDBOX_PORT="${SANDBOX_PORT:-8765}"
DATA="${ORDERHUB_DATA:-data}"
BIND="${ORDERHUB_BIND:-127.0.0.1}"
export ORDERHUB_DATA="$DATA"
PY=.venv/bin/python
mkdir -p "$DATA/logs"

children=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${children[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${children[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

"$PY" -m ingest sandbox --port "$SANDBOX_PORT" --lake "$DATA/lake" --push-to "http://127.0.0.1:${WEBHOOK_PORT:-8766}" >>"$DATA/logs/sandbox.log" 2>&1 &
children+=($!)
for _ in $(seq 1 600); do  # up to a minute: the sandbox reads the demo lake's open orders first
  if "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$SANDBOX_PORT/_sandbox/health', timeout=1)" \
      >/dev/null 2>&1; then break; fi
  sleep 0.1
done

"$PY" -m ingest serve >>"$DATA/logs/ingest.log" 2>&1 &
children+=($!)

echo "OrderHub console: http://localhost:$PORT on $BIND  (sandbox http://127.0.0.1:$SANDBOX_PORT, logs in $DATA/logs/)"
"$PY" -m streamlit run console.py --server.port "$PORT" --server.address "$BIND" --server.headless true &
console=$!
children+=("$console")
wait "$console"  # interruptible, unlike a foreground child: a SIGTERM reaches the trap at once
