#!/usr/bin/env bash
# Network load on durable intake: `lienthong run` (ACK after the SQLite group
# commit, synchronous full and normal) against npm simple-hl7's MLLP server
# (answers at once, stores nothing), both driven by build/bench/mllp_load, which
# checks every ACK (MSA-1 AA/CA, MSA-2 = the message's own control id).
#
# Usage: bash bench/mllp_load.sh [SECONDS_PER_RUN]      (default 3; whole script ~1 minute)
#   env: LIENTHONG_BUILD_DIR (default build/), MLLP_LOAD_WARMUP (seconds, default 0.5)
#
# Per target: 1, 8 and 64 connections at window 1 (one message at a time per
# connection, what most HL7 senders do) and window 8 (pipelined; lienthong only:
# simple-hl7 3.3.0 merges frames that arrive in one read); then a latency run at
# 1,000 msg/s offered over 8 connections, window 1. Peak RSS is VmHWM after the
# 64-connection runs. Prints one table and the lienthong/simple-hl7 ratio.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BUILD_DIR="${LIENTHONG_BUILD_DIR:-$ROOT/build}"
SECS="${1:-3}"
WARMUP="${MLLP_LOAD_WARMUP:-0.5}"
ENGINE="$BUILD_DIR/cli/lienthong"
LOAD="$BUILD_DIR/bench/mllp_load"

TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! {
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release; fi
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target lienthong mllp_load
} >"$TMP/build.log" 2>&1; then
  cat "$TMP/build.log" >&2
  exit 1
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until PORT accepts a connection (or PID exits: then fails).
wait_port() {
  local port="$1" pid="$2"
  for _ in $(seq 200); do
    kill -0 "$pid" 2>/dev/null || { echo "mllp_load.sh: server (pid $pid) exited" >&2; return 1; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "mllp_load.sh: port $port never opened" >&2
  return 1
}

peak_rss_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

ROWS=()  # target sync conns window rate ok/s p50 p99 wrong_id negative other rss
STATUS=0
# load TARGET SYNC PORT CONNECTIONS WINDOW [RATE]
load() {
  local target="$1" sync="$2" port="$3" conns="$4" window="$5" rate="${6:-0}" json rc=0
  json="$("$LOAD" --port "$port" --connections "$conns" --window "$window" --rate "$rate" \
    --duration "$SECS" --warmup "$WARMUP" --json 2>>"$TMP/load-errors.txt")" || rc=$?
  [[ $rc -eq 0 ]] || STATUS=1
  ROWS+=("$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
other = d["unparseable"] + d["unexpected"] + d["timeouts"] + d["unanswered"] + d["conn_errors"]
rate = str(int(d["rate"])) if d["rate"] else "max"
l = d["latency_us"]
print(*sys.argv[2:6], rate, round(d["ok_per_s"]), l["p50"], l["p99"], d["wrong_id"], d["negative"], other, "-")
' "$json" "$target" "$sync" "$conns" "$window")")
}
# Puts the peak RSS on the last row.
set_rss() { ROWS[-1]="${ROWS[-1]% -} $1"; }
ok_per_s() { echo "${ROWS[$1]}" | awk '{ print $6 }'; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "runs: ${SECS} s measured after ${WARMUP} s warmup; window 1 = one message at a time per connection, window 8 = pipelined"
python3 - "$TMP" <<'PY'
# What synchronous=full pays per group commit on this disk: fdatasync after an 8 KiB write.
import os, sys, time
fd = os.open(os.path.join(sys.argv[1], "probe"), os.O_WRONLY | os.O_CREAT)
t = []
for i in range(300):
    os.pwrite(fd, b"x" * 8192, (i % 64) * 8192)
    s = time.perf_counter(); os.fdatasync(fd); t.append(time.perf_counter() - s)
    time.sleep(0.001)
os.close(fd); t.sort()
print("disk: fdatasync p50 %.0f us, p99 %.0f us (temp dir, 300 syncs)" % (t[150] * 1e6, t[296] * 1e6))
PY

declare -A RSS_ROW
for sync in full normal; do
  port="$(free_port)"
  mkdir -p "$TMP/$sync"
  cat >"$TMP/$sync/lienthong.json" <<EOF
{
  "store": {"path": "store/lienthong.db", "synchronous": "$sync"},
  "listeners": [{"type": "mllp", "name": "load", "host": "127.0.0.1", "port": $port}],
  "log": {"level": "warning"},
}
EOF
  "$ENGINE" run --config "$TMP/$sync/lienthong.json" 2>"$TMP/engine-$sync.log" &
  pid=$!
  PIDS+=("$pid")
  wait_port "$port" "$pid"
  load lienthong "$sync" "$port" 1 1
  load lienthong "$sync" "$port" 8 1
  load lienthong "$sync" "$port" 8 8
  load lienthong "$sync" "$port" 64 1
  RSS_ROW["$sync-64-1"]=$((${#ROWS[@]} - 1))
  load lienthong "$sync" "$port" 64 8
  RSS_ROW["$sync-64-8"]=$((${#ROWS[@]} - 1))
  set_rss "$(peak_rss_mb "$pid")"
  load lienthong "$sync" "$port" 8 1 1000
  kill -TERM "$pid"
  wait "$pid" || echo "mllp_load.sh: lienthong ($sync) exited with status $?" >&2
  if [[ -s "$TMP/engine-$sync.log" ]]; then
    echo "lienthong ($sync) logged $(wc -l <"$TMP/engine-$sync.log") line(s) at warning or above; first:"
    head -3 "$TMP/engine-$sync.log"
  fi
done

have_peer=0
if command -v node >/dev/null 2>&1; then
  if [[ ! -d "$HERE/peers/node_modules/simple-hl7" ]]; then
    (cd "$HERE/peers" && npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  have_peer=1
  port="$(free_port)"
  node "$HERE/peers/simple_hl7_server.js" "$port" >/dev/null 2>"$TMP/simple-hl7.log" &
  pid=$!
  PIDS+=("$pid")
  wait_port "$port" "$pid"
  load simple-hl7 - "$port" 1 1
  load simple-hl7 - "$port" 64 1
  RSS_ROW["peer-64-1"]=$((${#ROWS[@]} - 1))
  set_rss "$(peak_rss_mb "$pid")"
  load simple-hl7 - "$port" 8 1 1000
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
else
  echo "(node not found: simple-hl7 skipped)"
fi

echo
{
  echo "target sync conns window rate ok_msgs/s p50_us p99_us wrong_id negative other_errors peak_RSS_MB"
  printf '%s\n' "${ROWS[@]}"
} | column -t
echo "(rate: offered msgs/s, max = as fast as answers allow; other_errors: unparseable + unexpected + timeouts + unanswered + connection errors)"

if [[ $have_peer -eq 1 ]]; then
  peer="$(ok_per_s "${RSS_ROW[peer-64-1]}")"
  for key in full-64-1 full-64-8 normal-64-1 normal-64-8; do
    ours="$(ok_per_s "${RSS_ROW[$key]}")"
    IFS=- read -r sync _ window <<<"$key"
    awk -v a="$ours" -v b="$peer" -v s="$sync" -v w="$window" 'BEGIN {
      printf "lienthong/simple-hl7 at 64 connections: %.2fx (lienthong %s window %s vs simple-hl7 window 1)\n", (b > 0 ? a / b : 0), s, w }'
  done
fi
if [[ -s "$TMP/load-errors.txt" ]]; then
  echo "mllp_load reported problems:"
  sort -u "$TMP/load-errors.txt" | head -5
fi
exit "$STATUS"
