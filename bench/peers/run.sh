#!/usr/bin/env bash
# Compares lienthong's parse + 10-field read (BM_ParseAndRead in
# bench/hl7v2_parse_bench.cc) with other HL7 v2 parsers doing the same work on
# the same files: python-hl7 (Debian python3-hl7), npm simple-hl7 and npm
# node-hl7-client. Prints msgs/s for each and how many times faster ours is.
# Peers are only measured here, never linked. Needs node + npm for the npm peers
# (skipped with a note when absent). Usage: bench/peers/run.sh [seconds]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECONDS_PER_RUN="${1:-2}"
BUILD_DIR="${LIENTHONG_BUILD_DIR:-$ROOT/build}"
BENCH="$BUILD_DIR/bench/hl7v2_parse_bench"
FILES=(adt_a01 oru_r01_50obx)

if [[ ! -x "$BENCH" ]]; then
  bash "$ROOT/scripts/build.sh" "$BUILD_DIR" >/dev/null
fi
cmake --build "$BUILD_DIR" --target hl7v2_parse_bench >/dev/null 2>&1

have_node=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  have_node=1
  if [[ ! -d "$HERE/node_modules/simple-hl7" || ! -d "$HERE/node_modules/node-hl7-client" ]]; then
    (cd "$HERE" && npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi

# Ours: Google Benchmark's JSON, items_per_second = messages per second.
ours_json="$(mktemp)"
trap 'rm -f "$ours_json"' EXIT
"$BENCH" --benchmark_filter='^BM_ParseAndRead/' --benchmark_min_time="$SECONDS_PER_RUN" \
  --benchmark_format=json >"$ours_json" 2>/dev/null

ours() {
  /usr/bin/python3 - "$ours_json" "$1" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for b in data["benchmarks"]:
    if b["name"] == "BM_ParseAndRead/" + sys.argv[2]:
        print(f'{b["items_per_second"]:.0f}')
PY
}

printf '%-16s %-18s %12s %14s\n' file parser msgs/s "ours is x"
for file in "${FILES[@]}"; do
  path="$ROOT/bench/data/$file.hl7"
  mine="$(ours "$file")"
  printf '%-16s %-18s %12s %14s\n' "$file" lienthong "$mine" "-"
  peers=("python-hl7:/usr/bin/python3 $HERE/peer_python_hl7.py")
  if [[ $have_node -eq 1 ]]; then
    peers+=("simple-hl7:node $HERE/peer_simple_hl7.js" "node-hl7-client:node $HERE/peer_node_hl7_client.js")
  fi
  for peer in "${peers[@]}"; do
    name="${peer%%:*}"
    cmd="${peer#*:}"
    rate="$($cmd "$path" "$SECONDS_PER_RUN")"
    ratio="$(awk -v a="$mine" -v b="$rate" 'BEGIN { printf "%.1f", a / b }')"
    printf '%-16s %-18s %12s %14s\n' "$file" "$name" "$rate" "$ratio"
  done
done
if [[ $have_node -eq 0 ]]; then
  echo "(node/npm not found: npm peers skipped)"
fi
