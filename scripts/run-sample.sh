#!/usr/bin/env bash
# README's first command: installs what is missing, builds, and runs the engine
# with the shipped sample configuration (samples/lienthong.json: MLLP on
# 127.0.0.1:2575, the embedded SQLite store in data/lienthong.db, the route
# routes/hl7v2-to-fhir.json, and two destinations: the sample FHIR
# receiver on 127.0.0.1:8080 and the directory data/outbox).
#
# It starts the sample FHIR receiver (samples/fhir-receiver/receiver.py, storing
# what it gets in data/received), then the engine; once the listener is up it
# sends the shipped sample messages with `lienthong send`, waits for their FHIR
# Bundles to be delivered, and shows the store and the queues, so the first run
# shows the whole path: MLLP in -> stored -> mapped -> delivered. Then the engine
# keeps running in the foreground until Ctrl-C (SIGINT) or SIGTERM, which it
# answers by finishing what is in flight and closing the store. `--once` stops
# it after the demonstration instead.
#
# Usage: bash scripts/run-sample.sh [--once]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ONCE=0
for arg in "$@"; do
  case "$arg" in
    --once) ONCE=1 ;;
    *) echo "usage: bash scripts/run-sample.sh [--once]" >&2; exit 64 ;;
  esac
done

bash scripts/install-deps.sh
BUILD_DIR="${LIENTHONG_BUILD_DIR:-$ROOT/build}"
BUILD_LOG="$(mktemp)"
trap 'rm -f "$BUILD_LOG"' EXIT
if ! bash scripts/build.sh "$BUILD_DIR" >"$BUILD_LOG" 2>&1; then
  cat "$BUILD_LOG"
  echo "run-sample: build failed" >&2
  exit 1
fi

LT="$BUILD_DIR/cli/lienthong"
CONFIG="samples/lienthong.json"
HOST=127.0.0.1
PORT=2575

RECEIVER_PORT=8080

"$LT" check --config "$CONFIG"
echo "== sample FHIR receiver on 127.0.0.1:$RECEIVER_PORT (samples/fhir-receiver/receiver.py -> data/received)"
python3 samples/fhir-receiver/receiver.py --port "$RECEIVER_PORT" --dir data/received &
RECEIVER=$!
echo "== lienthong run --config $CONFIG"
"$LT" run --config "$CONFIG" &
ENGINE=$!
trap 'kill -TERM "$ENGINE" 2>/dev/null || true; wait "$ENGINE" 2>/dev/null || true; kill "$RECEIVER" 2>/dev/null || true; rm -f "$BUILD_LOG"' EXIT
trap 'kill -INT "$ENGINE" 2>/dev/null || true' INT
trap 'kill -TERM "$ENGINE" 2>/dev/null || true' TERM

# Wait (at most 10 s) until the listener accepts connections, or the engine has exited.
for _ in $(seq 100); do
  if ! kill -0 "$ENGINE" 2>/dev/null; then
    wait "$ENGINE" || status=$?
    echo "run-sample: the engine stopped (exit status ${status:-0}); is port $PORT already in use?" >&2
    exit 1
  fi
  if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then break; fi
  sleep 0.1
done

echo "== lienthong send --host $HOST --port $PORT samples/messages/*.hl7"
"$LT" send --host "$HOST" --port "$PORT" samples/messages/*.hl7 || true
echo "== lienthong messages list --config $CONFIG --limit 10"
"$LT" messages list --config "$CONFIG" --limit 10
# Delivery runs after the ACK: give it a few seconds to empty the queues.
for _ in $(seq 50); do
  if "$LT" queue --config "$CONFIG" | awk 'NR > 1 && ($2 + $4 + $5) > 0 { busy = 1 } END { exit busy }'; then break; fi
  sleep 0.1
done
echo "== lienthong queue --config $CONFIG"
"$LT" queue --config "$CONFIG"
echo "== delivered: $(ls data/outbox | wc -l) file(s) in data/outbox, $(ls data/received 2>/dev/null | wc -l) Bundle(s) at the FHIR receiver (data/received)"

if [[ "$ONCE" -eq 1 ]]; then
  kill -TERM "$ENGINE"
  wait "$ENGINE"
  exit $?
fi
echo "== the engine is running: send more with '$LT send FILE...', stop it with Ctrl-C"
# `wait` returns when a trapped signal arrives; keep waiting until the engine has exited.
while kill -0 "$ENGINE" 2>/dev/null; do
  wait "$ENGINE" || true
done
