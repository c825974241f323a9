#!/usr/bin/env bash
# The real desktop app, end to end: a real sync server with demo data, the built app under
# Xvfb driven by tauri-driver + WebKitWebDriver. Signs in as a technician, accepts a
# dispatched order, checks in, ticks the required checklist and completes it in the UI, and
# checks that the server has every event; then stops the server and restarts the app, which
# opens on the local orders, records offline work and sends it once the server is back.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target/debug"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

db="sqlite://$work/server.sqlite"
"$bin/fieldops-tools" demo-data --tenant demo --database "$db" >/dev/null
port=$(free_port)
"$bin/fieldops-sync-server" serve --listen "127.0.0.1:$port" --database "$db" > "$work/server.log" 2>&1 &
server_pid=$!
pids+=($server_pid)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

if [ -z "${DISPLAY:-}" ]; then
  # Let Xvfb pick a free display number and tell us which (no clash with stale lock files).
  Xvfb -displayfd 3 -screen 0 1280x900x24 3>"$work/display" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
  [ -s "$work/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
  export DISPLAY=":$(cat "$work/display")"
fi

driver=$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")
dport=$(free_port)
nport=$(free_port)
# The app's location service is scripted to stand ~30 m from the demo order's site (深圳 南山).
FIELDOPS_DATA_DIR="$work/app" FIELDOPS_SERVER_URL="http://127.0.0.1:$port" FIELDOPS_TENANT=demo LANG=en_US.UTF-8 \
  FIELDOPS_SIMULATED_POSITION="22.53357,113.9304,8" \
  "$driver" --port "$dport" --native-port "$nport" > "$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$dport/status" >/dev/null && break; sleep 0.2; done

mkdir -p "$root/ui/test-results"
if [ "${1:-}" = "--cold-starts" ]; then
  # The benchmark (make bench): the app's start-up, timed; no test steps.
  node "$root/tests/e2e/desktop.mjs" --driver "http://127.0.0.1:$dport" --app "${FIELDOPS_APP:-$bin/fieldops}" \
    --cold-starts "${2:-7}"
  exit
fi
if ! node "$root/tests/e2e/desktop.mjs" --driver "http://127.0.0.1:$dport" --app "$bin/fieldops" \
    --server-bin "$bin/fieldops-sync-server" --database "$db" --server-pid "$server_pid" --server-port "$port" \
    --screenshot "$root/ui/test-results/desktop.png"; then
  echo "--- tauri-driver log"; tail -30 "$work/driver.log"; echo "--- server log"; tail -30 "$work/server.log"
  exit 1
fi
