#!/usr/bin/env bash
# End-to-end delivery benchmark (bench/README.md, "Delivery (end to end)"). Builds nothing.
#
#   bash bench/delivery_load.sh [BUILD_DIR]        (default build/; a Release build)
#
# Needs BUILD_DIR/cli/lienthong, BUILD_DIR/bench/mllp_load and BUILD_DIR/bench/fhir_sink.
# For each load (connections x window) a fresh store and engine: bench/mllp_load sends the
# built-in ADT^A01 over MLLP (--patient-per-connection: one patient, so one ordering key, per
# connection) to `lienthong run` (store synchronous full, so each message and its outbound item
# are on disk before the ACK), whose route maps it with mappings/hl7v2/adt.json and delivers the
# transaction Bundle to a "fhir" destination: bench/fhir_sink, which counts, checks per-key
# order, and answers 200. Printed per run: intake ok msgs/s and ACK p50/p99 (mllp_load), the
# delivered rate during the load (fhir_sink's count over the load's seconds), and how long the
# receiver needed after the load ended to get the rest, and the CPU time (user + system, all
# threads) the engine and the receiver used per delivered message: steadier than the rates on a
# shared machine, so a change's cost shows even when the rates are lost in the noise.
# Then the drain: DRAIN_MESSAGES (default 100000) messages are loaded while nothing listens at
# the destination's port (every attempt: connection refused, RETRY); then fhir_sink starts and
# the time until it has every Bundle is the drain time; `lienthong queue` must show 0 pending.
#
# Environment: DELIVERY_SECONDS (per load, default 10), DELIVERY_LOADS (default
# "8x1 64x1 8x8 64x8"), DRAIN_MESSAGES (default 100000; 0: no drain), DELIVERY_CONCURRENCY (the destination's
# concurrency, default 64), DELIVERY_MAX_CONNECTIONS (default 8), SINK_THREADS (default 1).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# shellcheck source=scripts/lib/stop_processes.sh
source "$REPO/scripts/lib/stop_processes.sh"
BUILD="$(cd "${1:-$REPO/build}" && pwd)" || exit 2
LIENTHONG="$BUILD/cli/lienthong"
LOAD="$BUILD/bench/mllp_load"
SINK="$BUILD/bench/fhir_sink"
SECONDS_PER_RUN="${DELIVERY_SECONDS:-10}"
LOADS="${DELIVERY_LOADS:-8x1 64x1 8x8 64x8}"
DRAIN_MESSAGES="${DRAIN_MESSAGES:-100000}"
CONCURRENCY="${DELIVERY_CONCURRENCY:-64}"
MAX_CONNECTIONS="${DELIVERY_MAX_CONNECTIONS:-8}"
SINK_THREADS="${SINK_THREADS:-1}"
BODY_COMPRESSION="${DELIVERY_BODY_COMPRESSION:-lz4}"
ENGINE_DELIVERY_THREADS="${DELIVERY_THREADS:-1}"
PYTHON="$(command -v python3)"

for exe in "$LIENTHONG" "$LOAD" "$SINK"; do
  [[ -x "$exe" ]] || { echo "delivery_load: $exe missing; build lienthong mllp_load fhir_sink in $BUILD" >&2; exit 2; }
done

WORK="$(mktemp -d /tmp/lienthong-delivery.XXXXXX)"
pids=()
cleanup() {
  stop_processes 100 "${pids[@]}"
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # PORT PID LOG
  for _ in $(seq 300); do
    kill -0 "$2" 2>/dev/null || { echo "delivery_load: process died: $(tail -c 600 "$3")" >&2; exit 1; }
    "$PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "delivery_load: nothing listens on $1 after 30 s" >&2
  exit 1
}
stop() {  # PID: SIGTERM, wait (bounded)
  kill "$1" 2>/dev/null
  for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
}
# The sink's request count at or before epoch ms T (its per-second lines carry epoch ms).
sink_count_at() {  # LOG T
  awk -v t="$2" '$1 == "fhir_sink" && $2 ~ /^ms=/ { ms = substr($2, 4) + 0; if (ms <= t) { n = $4; at = ms } }
                 END { printf "%.0f %.0f\n", n, at }' "$1"
}
sink_count() { sink_count_at "$1" 99999999999999 | cut -d' ' -f1; }

# A config + route in DIR with the fhir destination at SINK_PORT.
write_config() {  # DIR MLLP_PORT SINK_PORT
  mkdir -p "$1/routes" "$1/store"
  cat >"$1/lienthong.json" <<EOF
{
  "store": {"path": "store/lienthong.db", "synchronous": "full", "body_compression": "$BODY_COMPRESSION"},
  "listeners": [{"type": "mllp", "name": "mllp", "host": "127.0.0.1", "port": $2}],
  "routes": "routes",
  "mappings": "$REPO/mappings",
  "unrouted": "reject",
  "delivery_threads": $ENGINE_DELIVERY_THREADS,
  "destinations": [
    {"type": "fhir", "name": "ehr", "url": "http://127.0.0.1:$3/fhir",
     "concurrency": $CONCURRENCY, "max_connections": $MAX_CONNECTIONS,
     "backoff_initial": "100ms", "backoff_max": "500ms"}
  ],
  "log": {"level": "warning"}
}
EOF
  cat >"$1/routes/adt-a01.json" <<'EOF'
{"from": ["mllp"], "when": {"message": "ADT^A01"}, "mapping": "hl7v2/adt.json", "to": [{"destination": "ehr"}]}
EOF
}

# CPU time (user + system, all threads) a process has used, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Microseconds of CPU per message: TICKS over N messages.
per_message_us() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }'; }

json_field() { "$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))" "$@"; }

echo "delivery_load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), build $BUILD"
echo "delivery_load: fhir destination concurrency $CONCURRENCY, max_connections $MAX_CONNECTIONS; fhir_sink threads $SINK_THREADS; store body_compression $BODY_COMPRESSION; delivery_threads $ENGINE_DELIVERY_THREADS"
echo
printf '| conns | window | intake ok msgs/s | ACK p50 us | ACK p99 us | delivered/s during load | delivered | tail after load s | order violations | CPU us/msg engine | CPU us/msg receiver |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'

run_load() {  # CONNS WINDOW
  local dir="$WORK/load-$1x$2" mllp_port sink_port engine sink t0 t1 ok
  mllp_port="$(free_port)"
  sink_port="$(free_port)"
  write_config "$dir" "$mllp_port" "$sink_port"
  "$SINK" --port "$sink_port" --threads "$SINK_THREADS" >"$dir/sink.log" 2>&1 &
  sink=$!
  pids+=("$sink")
  wait_port "$sink_port" "$sink" "$dir/sink.log"
  "$LIENTHONG" run --config "$dir/lienthong.json" >"$dir/engine.log" 2>&1 &
  engine=$!
  pids+=("$engine")
  wait_port "$mllp_port" "$engine" "$dir/engine.log"

  local engine_cpu0 sink_cpu0 engine_cpu sink_cpu
  engine_cpu0="$(cpu_ticks "$engine")"
  sink_cpu0="$(cpu_ticks "$sink")"
  t0="$(now_ms)"
  "$LOAD" --port "$mllp_port" --connections "$1" --window "$2" --duration "$SECONDS_PER_RUN" --warmup 1 \
    --patient-per-connection --json >"$dir/load.json" 2>"$dir/load.err"
  t1="$(now_ms)"
  ok="$(json_field "$dir/load.json" ok)"
  # Wait (bounded) for the receiver to have every accepted message.
  local deadline=$(( $(now_ms) + 300000 )) got=0
  while (( $(now_ms) < deadline )); do
    got="$(sink_count "$dir/sink.log")"
    (( got >= ok )) && break
    sleep 0.5
  done
  local t_done
  t_done="$(awk -v ok="$ok" '$1 == "fhir_sink" && $2 ~ /^ms=/ && $4 + 0 >= ok + 0 { print substr($2, 4); exit }' "$dir/sink.log")"
  engine_cpu=$(( $(cpu_ticks "$engine") - engine_cpu0 ))
  sink_cpu=$(( $(cpu_ticks "$sink") - sink_cpu0 ))
  stop "$engine"
  stop "$sink"
  # Delivered during the load's measured seconds: the sink's count from 1 s in to the end.
  read -r c_start ms_start < <(sink_count_at "$dir/sink.log" $((t0 + 1000)))
  read -r c_end ms_end < <(sink_count_at "$dir/sink.log" "$t1")
  local rate="-"
  (( ms_end > ms_start )) && rate=$(( (c_end - c_start) * 1000 / (ms_end - ms_start) ))
  local tail_s="not all (got $got of $ok)"
  [[ -n "$t_done" ]] && tail_s="$(awk -v a="$t_done" -v b="$t1" 'BEGIN { d = (a - b) / 1000; printf "%.1f", d < 0 ? 0 : d }')"
  local violations
  violations="$(sed -n 's/.*order_violations \([0-9]*\) .*repeated.*/\1/p' "$dir/sink.log" | tail -1)"
  printf '| %s | %s | %s | %s | %s | %s | %s of %s | %s | %s | %s | %s |\n' "$1" "$2" \
    "$(json_field "$dir/load.json" ok_per_s)" "$(json_field "$dir/load.json" 'latency_us["p50"]')" \
    "$(json_field "$dir/load.json" 'latency_us["p99"]')" "$rate" "$got" "$ok" "$tail_s" "${violations:-?}" \
    "$(per_message_us "$engine_cpu" "$got")" "$(per_message_us "$sink_cpu" "$got")"
  if [[ "$(json_field "$dir/load.json" 'ok == sent')" != True ]]; then
    echo "  (mllp_load: not every message was answered OK: $(head -c 300 "$dir/load.err"))"
  fi
}

for load in $LOADS; do
  run_load "${load%x*}" "${load#*x}"
done

# Drain after an outage (DRAIN_MESSAGES=0: none).
[[ "$DRAIN_MESSAGES" -gt 0 ]] || exit 0
echo
dir="$WORK/drain"
mllp_port="$(free_port)"
sink_port="$(free_port)"
write_config "$dir" "$mllp_port" "$sink_port"
"$LIENTHONG" run --config "$dir/lienthong.json" >"$dir/engine.log" 2>&1 &
engine=$!
pids+=("$engine")
wait_port "$mllp_port" "$engine" "$dir/engine.log"
echo "drain: loading $DRAIN_MESSAGES messages (64 connections, window 8) while the receiver is down"
t0="$(now_ms)"
"$LOAD" --port "$mllp_port" --connections 64 --window 8 --messages "$DRAIN_MESSAGES" --patient-per-connection \
  --timeout 30000 --json >"$dir/load.json" 2>"$dir/load.err"
t1="$(now_ms)"
echo "drain: intake $(json_field "$dir/load.json" ok) ok of $(json_field "$dir/load.json" sent) in $(( (t1 - t0) / 1000 )) s ($(json_field "$dir/load.json" ok_per_s) msgs/s, ACK p50 $(json_field "$dir/load.json" 'latency_us["p50"]') us, p99 $(json_field "$dir/load.json" 'latency_us["p99"]') us)"
"$LIENTHONG" queue --config "$dir/lienthong.json" | sed 's/^/drain: /'
ok="$(json_field "$dir/load.json" ok)"
t_up="$(now_ms)"
drain_cpu0="$(cpu_ticks "$engine")"
"$SINK" --port "$sink_port" --threads "$SINK_THREADS" --expect "$ok" >"$dir/sink.log" 2>&1 &
sink=$!
pids+=("$sink")
# Bounded: the sink exits once it has every Bundle; meanwhile watch the queue.
queue_zero_ms=""
deadline=$(( t_up + 600000 ))
while (( $(now_ms) < deadline )); do
  if [[ -z "$queue_zero_ms" ]] && "$LIENTHONG" queue --config "$dir/lienthong.json" 2>/dev/null |
    awk '$1 == "ehr" && $2 == 0 && $4 == 0 {ok = 1} END {exit !ok}'; then
    queue_zero_ms="$(now_ms)"
  fi
  # After the sink exits, a few more seconds for the engine to record the last answers.
  kill -0 "$sink" 2>/dev/null || { [[ -n "$queue_zero_ms" ]] && break; (( deadline > $(now_ms) + 10000 )) && deadline=$(( $(now_ms) + 10000 )); }
  sleep 1  # `lienthong queue` loads the whole config: not too often, it takes CPU from the drain
done
kill -0 "$sink" 2>/dev/null && { echo "drain: the receiver did not get all $ok in 600 s"; stop "$sink"; }
wait "$sink" 2>/dev/null
drain_cpu=$(( $(cpu_ticks "$engine") - drain_cpu0 ))
t_all="$(sed -n 's/^fhir_sink summary: .* last_ms=\([0-9]*\).*/\1/p' "$dir/sink.log")"
[[ -n "$t_all" ]] || t_all="$(now_ms)"
got="$(sed -n 's/^fhir_sink summary: requests \([0-9]*\) .*/\1/p' "$dir/sink.log")"
grep '^fhir_sink summary' "$dir/sink.log" | sed 's/^/drain: /'
grep '^fhir_sink first order' "$dir/sink.log" | sed 's/^/drain: /'
"$LIENTHONG" queue --config "$dir/lienthong.json" | sed 's/^/drain: /'
echo "drain: receiver up -> it had $got of $ok Bundles: $(( (t_all - t_up) )) ms => $(( ${got:-0} * 1000 / (t_all - t_up + 1) )) Bundles/s; engine CPU $(per_message_us "$drain_cpu" "${got:-0}") us per Bundle"
[[ -n "$queue_zero_ms" ]] && echo "drain: receiver up -> \`lienthong queue\` pending 0: $(( queue_zero_ms - t_up )) ms"
stop "$engine"
