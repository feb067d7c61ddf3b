#!/usr/bin/env bash
# ctest mapping_public_inputs: every public HL7 v2 input listed in inputs.tsv either
# converts with the shipped mappings to a Bundle the official FHIR R4 JSON schema accepts,
# or is rejected with exit 2 and a reason, as the line says. Each glob must match a file.
# Each Bundle must also be the "output" of the same conversion with --explain, which runs
# without the include memo and run constants (same_output.js): what they save must not
# change a value.
# Usage: convert_and_validate.sh LIENTHONG NODE CORPUS_DIR WORK_DIR INPUTS_TSV [no-explain-check]
# (the last: the sanitizer build skips the --explain comparison, a check of values made in the
# plain build, which doubles this test's time under the sanitizers)
set -uo pipefail

LIENTHONG="${1:?lienthong executable}"
NODE="${2:?node}"
CORPUS="${3:?corpus dir}"
WORK="${4:?work dir}"
INPUTS="$(realpath "${5:?inputs.tsv}")"
EXPLAIN_CHECK=1
[[ "${6:-}" == no-explain-check ]] && EXPLAIN_CHECK=0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VALIDATE="$HERE/../fhir_schema/validate.js"
SAME_OUTPUT="$HERE/same_output.js"
MAPPINGS="$HERE/../../mappings"

rm -rf "$WORK"
mkdir -p "$WORK"
passed=0
failed=0
fail() {
  echo "FAIL $1"
  failed=$((failed + 1))
}
bundles=()
declare -A source_of
# What each input must give, in the order of inputs.tsv; converted first, a few at a time
# (each run starts a process and compiles a mapping: most of this test's time).
names=()
expects=()
outs=()
jobs_max="$(nproc 2>/dev/null || echo 2)"
(( jobs_max > 4 )) && jobs_max=4

while IFS=$'\t' read -r pattern expect; do
  [[ -z "$pattern" || "$pattern" == \#* ]] && continue
  shopt -s nullglob
  # ./PATH: a file of this directory (messages written for the project), else under the corpus.
  if [[ "$pattern" == ./* ]]; then
    root="$HERE"
    files=("$HERE"/${pattern#./})
  else
    root="$CORPUS"
    files=("$CORPUS"/$pattern)
  fi
  shopt -u nullglob
  if [[ ${#files[@]} -eq 0 ]]; then
    fail "$pattern: no file matches"
    continue
  fi
  for f in "${files[@]}"; do
    name="${f#"$root"/}"
    out="$WORK/$(tr '/' '_' <<<"$name").json"
    names+=("$name")
    expects+=("$expect")
    outs+=("$out")
    while (( $(jobs -rp | wc -l) >= jobs_max )); do wait -n; done
    (
      status=0
      "$LIENTHONG" map --mappings "$MAPPINGS" --input "$f" >"$out" 2>"$out.err" || status=$?
      if [[ $status -eq 0 && $EXPLAIN_CHECK -eq 1 ]]; then
        "$LIENTHONG" map --mappings "$MAPPINGS" --input "$f" --explain >"$out.explain" 2>/dev/null
      fi
      echo "$status" >"$out.status"
    ) &
  done
done <"$INPUTS"
wait

for i in "${!outs[@]}"; do
  name="${names[$i]}"
  expect="${expects[$i]}"
  out="${outs[$i]}"
  status="$(cat "$out.status" 2>/dev/null || echo 127)"
  case "$expect" in
    bundle)
      if [[ $status -ne 0 ]]; then
        fail "$name: exit $status, want a Bundle: $(head -c 300 "$out.err")"
      elif ! grep -q '"resourceType":"Bundle"' "$out"; then
        fail "$name: output is not a Bundle"
      else
        bundles+=("$out")
        source_of["$out"]="$name"
      fi
      ;;
    reject\ *)
      want="${expect#reject }"
      if [[ $status -ne 2 ]]; then
        fail "$name: exit $status, want 2 (rejected: $want)"
      elif [[ -s "$out" ]]; then
        fail "$name: rejected but wrote output"
      elif ! grep -Eq -- "$want" "$out.err"; then
        fail "$name: reason does not match '$want': $(head -c 300 "$out.err")"
      else
        echo "ok   $name: rejected ($(head -c 160 "$out.err"))"
        passed=$((passed + 1))
      fi
      ;;
    *) fail "$INPUTS: unknown expectation '$expect' for $name" ;;
  esac
done

if [[ ${#bundles[@]} -gt 0 ]]; then
  # One validator run for all Bundles (compiling the schema takes seconds).
  while read -r verdict file rest; do
    file="${file%:}"
    name="${source_of[$file]:-$file}"
    if [[ "$verdict" == ok ]]; then
      echo "ok   $name: valid Bundle"
      passed=$((passed + 1))
    else
      fail "$name: schema: $rest"
    fi
  done < <("$NODE" "$VALIDATE" "${bundles[@]}" 2>&1)
fi

if [[ ${#bundles[@]} -gt 0 && $EXPLAIN_CHECK -eq 1 ]]; then
  pairs=()
  for b in "${bundles[@]}"; do pairs+=("$b" "$b.explain"); done
  while read -r verdict file rest; do
    file="${file%:}"
    name="${source_of[$file]:-$file}"
    if [[ "$verdict" == ok ]]; then
      passed=$((passed + 1))
    else
      fail "$name: differs from its --explain output at ${rest:-?}"
    fi
  done < <("$NODE" "$SAME_OUTPUT" "${pairs[@]}" 2>&1)
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
