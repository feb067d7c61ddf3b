#!/usr/bin/env bash
# Builds lienthong and runs it on the shipped sample admission message: the
# message as JSON, then a few fields read by path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
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
SAMPLE="samples/messages/adt_a01.hl7"

echo "== lienthong hl7 json --pretty $SAMPLE"
"$LT" hl7 json --pretty "$SAMPLE"
echo
PATHS=(MSH-9 MSH-10 'PID-3[*].1' PID-5 'PID-3[2].5' PV1-3.1 IN1-36)
echo "== lienthong hl7 get $SAMPLE ${PATHS[*]}"
"$LT" hl7 get "$SAMPLE" "${PATHS[@]}"
