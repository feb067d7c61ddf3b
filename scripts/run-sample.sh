#!/usr/bin/env bash
# Builds lienthong and runs it on the shipped sample admission message: the
# message as JSON, then a few fields read by path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install-deps.sh
BUILD_DIR="${LIENTHONG_BUILD_DIR:-$ROOT/build}"
bash scripts/build.sh "$BUILD_DIR" >/dev/null

LT="$BUILD_DIR/cli/lienthong"
SAMPLE="samples/messages/adt_a01.hl7"

echo "== lienthong hl7 json $SAMPLE"
"$LT" hl7 json "$SAMPLE"
echo
for path in 'MSH-9' 'MSH-10' 'PID-3[*]' 'PID-5' 'PV1-3' 'IN1-36'; do
  echo "== lienthong hl7 get $SAMPLE $path"
  "$LT" hl7 get "$SAMPLE" "$path"
done
