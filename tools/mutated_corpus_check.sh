#!/usr/bin/env bash
# Converts mutated copies of every public and hand-written HL7 v2 input with the shipped
# mappings and checks each outcome: exit 0 with a Bundle the FHIR R4 JSON schema accepts
# (tests/fhir_schema/validate.js), or exit 2 with a reason; anything else (a crash, a
# timeout, an invalid Bundle) is listed. A search for mapping gaps on messages nobody wrote
# for the tests, run by hand (minutes): not part of ctest. Needs a build and the validator's
# npm packages (scripts/install-deps.sh installs them).
# Usage: bash tools/mutated_corpus_check.sh [SEED] [PER_INPUT]     (default 1 and 4)
#   env: LIENTHONG_BUILD_DIR (default build/), LIENTHONG_CORPUS_DIR (default ../shared/corpus)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${LIENTHONG_BUILD_DIR:-$ROOT/build}/cli/lienthong"
CORPUS="${LIENTHONG_CORPUS_DIR:-$ROOT/../shared/corpus}"
SEED="${1:-1}"
PER_INPUT="${2:-4}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mapfile -t inputs < <(find "$CORPUS" "$ROOT/samples/messages" "$ROOT/tests/mapping_inputs/hand" -name '*.hl7' | sort)
python3 "$ROOT/tools/mutate_hl7.py" "$SEED" "$PER_INPUT" "$WORK/in" "${inputs[@]}"

cd "$ROOT"
export BIN WORK
ls "$WORK"/in/*.hl7 | xargs -P "$(nproc)" -I{} bash -c '
  f="{}"; b="$(basename "$f" .hl7)"
  timeout 20 "$BIN" map --input "$f" >"$WORK/in/$b.json" 2>"$WORK/in/$b.err"
  echo $? >"$WORK/in/$b.rc"'

bundles=() problems=0 rejected=0
for rc in "$WORK"/in/*.rc; do
  b="${rc%.rc}"
  case "$(cat "$rc")" in
    0) bundles+=("$b.json") ;;
    2) rejected=$((rejected + 1)) ;;
    *) echo "FAIL exit $(cat "$rc"): $b.hl7"; problems=$((problems + 1)) ;;
  esac
done
invalid=""
# (validate.js with no file reads stdin)
if [[ ${#bundles[@]} -gt 0 ]]; then
  invalid="$(node "$ROOT/tests/fhir_schema/validate.js" "${bundles[@]}" </dev/null | grep -v '^ok ')"
fi
if [[ -n "$invalid" ]]; then
  echo "$invalid"
  problems=$((problems + $(wc -l <<<"$invalid")))
fi
echo "mutated inputs: $(ls "$WORK"/in/*.hl7 | wc -l); Bundles: ${#bundles[@]}; rejected with a reason: $rejected; problems: $problems"
[[ $problems -eq 0 ]]
