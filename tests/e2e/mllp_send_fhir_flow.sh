#!/usr/bin/env bash
# ctest mllp_send_fhir_flow: the whole flow with a client and a receiver lienthong did not write.
# python3-hl7's `mllp_send` sends public corpus messages (ADT, ORU, VXU, SIU, ORM, OML, MDM, and
# one PPR^PC1 no shipped mapping serves) over one MLLP connection to `lienthong run`, whose route
# maps every type with "mapping": "hl7v2/" and delivers to a "fhir" destination pointing at
# samples/fhir-receiver/receiver.py, which stores each Bundle it gets. Asserts:
#   - every message got AA or CA, with MSA-2 = its MSH-10 (mllp_send prints each ACK);
#   - the receiver got exactly one Bundle per message a mapping serves (Bundle.identifier.value
#     is the MSH-10; none for the PPR^PC1), and `lienthong queue` ends with nothing pending;
#   - every received Bundle is valid against the official FHIR R4 JSON schema (validate.js).
# Each message's MSH-10 is made unique first (several corpus files share MSG00001, which the
# engine's duplicate detection would rightly answer without a new Bundle); nothing else changes.
# Usage: mllp_send_fhir_flow.sh LIENTHONG NODE CORPUS_DIR WORK_DIR [PYTHON] [MLLP_SEND]
set -uo pipefail

LIENTHONG="${1:?lienthong executable}"
NODE="${2:?node}"
CORPUS="${3:?corpus dir}"
WORK="${4:?work dir}"
PYTHON="${5:-/usr/bin/python3}"
MLLP_SEND="${6:-/usr/bin/mllp_send}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=scripts/lib/stop_processes.sh
source "$REPO/scripts/lib/stop_processes.sh"
VALIDATE="$REPO/tests/fhir_schema/validate.js"
WAIT_S=60  # bound on every wait: start, delivery

# corpus file (relative to CORPUS) and whether a shipped mapping serves its type.
MESSAGES=(
  "hl7-v2-to-fhir-ig/ig-test-conversions/ADT_A01.hl7 served"
  "hl7-v2-to-fhir-ig/ig-test-conversions/MDM_T02.hl7 served"
  "hl7-v2-to-fhir-ig/ig-test-conversions/OML_O21.hl7 served"
  "hl7-v2-to-fhir-ig/ig-test-conversions/ORM_O01.hl7 served"
  "hl7-v2-to-fhir-ig/ig-test-conversions/ORU_R01.hl7 served"
  "hl7-v2-to-fhir-ig/ig-test-conversions/SIU_S12.hl7 served"
  "hl7-v2-to-fhir-ig/ig-test-conversions/VXU_V04.hl7 served"
  "microsoft-fhir-converter/input/ADT-A04-01.hl7 served"
  "microsoft-fhir-converter/input/ADT-A06-01.hl7 served"
  "microsoft-fhir-converter/input/ADT-A08-02.hl7 served"
  "microsoft-fhir-converter/input/ADT-A13-01.hl7 served"
  "microsoft-fhir-converter/input/ADT-A29-01.hl7 served"
  "microsoft-fhir-converter/input/PC1-Problem-Add-v2.3.1.hl7 unserved"
  "microsoft-fhir-converter/input/SIU-S12-01.hl7 served"
  "microsoft-fhir-converter/input/SIU-S13-01.hl7 served"
  "microsoft-fhir-converter/input/SIU-S14-02.hl7 served"
  "microsoft-fhir-converter/input/ORM-O01-03.hl7 served"
  "microsoft-fhir-converter/input/OML-O21-01.hl7 served"
  "microsoft-fhir-converter/input/MDM-T09-01.hl7 served"
  "cdc-trusted-intermediary/Automated/001_Staging_ORM_O01_short_linked_to_002_ORU.hl7 served"
  "cdc-trusted-intermediary/Automated/003_CA_ORU_R01_CDPH_produced.hl7 served"
  "cdc-trusted-intermediary/Automated/004_CA_ORU_R01_leading_zeroes.hl7 served"
  "cdc-trusted-intermediary/Automated/006_CA_ORU_R01_LOINC.hl7 served"
  "cdc-trusted-intermediary/Automated/007_CA_ORU_R01_PLT.hl7 served"
)

die() {
  echo "FAIL: $*" >&2
  exit 1
}
for tool in "$LIENTHONG" "$PYTHON" "$MLLP_SEND" "$NODE"; do
  [[ -x "$tool" ]] || command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/install-deps.sh installs node and python3-hl7)"
done
[[ -d "$REPO/tests/fhir_schema/node_modules" ]] || die "tests/fhir_schema/node_modules missing (scripts/install-deps.sh)"

rm -rf "$WORK"
mkdir -p "$WORK/routes" "$WORK/received" "$WORK/store"
pids=()
cleanup() {
  stop_processes 50 "${pids[@]}"
}
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # PORT PID WHAT
  for _ in $(seq $((WAIT_S * 10))); do
    kill -0 "$2" 2>/dev/null || die "$3 exited at start: $(tail -c 600 "$WORK/$3.log")"
    "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$3 does not listen on port $1 after ${WAIT_S}s"
}

# One file of MLLP-framed messages for `mllp_send --file` (not --loose: that splits on
# "MSH|^~\&|", and the IG's v2.8 messages start "MSH|^~\&#|"), and the control ids.
"$PYTHON" - "$CORPUS" "$WORK/messages.hl7" "$WORK/expected.tsv" "${MESSAGES[@]}" <<'EOF' || die "cannot prepare the messages"
import sys
corpus, out_path, expected_path, entries = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
out, expected = [], []
for n, entry in enumerate(entries, 1):
    name, served = entry.rsplit(" ", 1)
    data = open(corpus + "/" + name, "rb").read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    segments = [s for s in data.replace(b"\r\n", b"\r").replace(b"\n", b"\r").split(b"\r") if s.strip()]
    msh = segments[0].split(b"|")
    if not segments[0].startswith(b"MSH|") or len(msh) < 12:
        sys.exit("%s: no MSH with MSH-10" % name)
    control_id = b"E2E%02d-%s" % (n, msh[9] or b"none")
    msh[9] = control_id  # msh[0] is "MSH", msh[1] is MSH-2: MSH-10 is index 9
    segments[0] = b"|".join(msh)
    out.append(b"\x0b" + b"\r".join(segments) + b"\r\x1c\r")
    expected.append("%s\t%s\t%s" % (control_id.decode(), served, name))
open(out_path, "wb").write(b"".join(out))
open(expected_path, "w").write("\n".join(expected) + "\n")
EOF

MLLP_PORT="$(free_port)"
FHIR_PORT="$(free_port)"
cat >"$WORK/lienthong.json" <<EOF
{
  "store": {"path": "store/lienthong.db", "synchronous": "full"},
  "listeners": [{"type": "mllp", "name": "mllp", "host": "127.0.0.1", "port": $MLLP_PORT}],
  "routes": "routes",
  "mappings": "$REPO/mappings",
  "unrouted": "accept",
  "destinations": [
    {"type": "fhir", "name": "ehr", "url": "http://127.0.0.1:$FHIR_PORT/fhir", "backoff_initial": "100ms"}
  ],
  "log": {"level": "warning"}
}
EOF
cat >"$WORK/routes/to-ehr.json" <<'EOF'
{"from": ["mllp"], "mapping": "hl7v2/", "on_mapping_error": "reject", "to": [{"destination": "ehr"}]}
EOF

"$PYTHON" "$REPO/samples/fhir-receiver/receiver.py" --port "$FHIR_PORT" --dir "$WORK/received" >"$WORK/receiver.log" 2>&1 &
pids+=($!)
wait_port "$FHIR_PORT" "${pids[-1]}" receiver
"$LIENTHONG" run --config "$WORK/lienthong.json" >"$WORK/lienthong.log" 2>&1 &
pids+=($!)
wait_port "$MLLP_PORT" "${pids[-1]}" lienthong

# mllp_send prints each ACK; one connection, one message at a time, bounded.
timeout "$WAIT_S" "$PYTHON" "$MLLP_SEND" --file "$WORK/messages.hl7" --port "$MLLP_PORT" 127.0.0.1 \
  >"$WORK/acks.txt" 2>"$WORK/mllp_send.err" ||
  die "mllp_send failed (exit $?): $(tail -c 600 "$WORK/mllp_send.err")"

# Every message answered AA or CA with its own control id.
"$PYTHON" - "$WORK/acks.txt" "$WORK/expected.tsv" <<'EOF' || die "ACKs are not all AA/CA for the messages sent (see $WORK/acks.txt)"
import re, sys
acks = open(sys.argv[1], "rb").read().replace(b"\n", b"\r").decode("utf-8", "replace")
answers = re.findall(r"\rMSA\|([A-Z]{2})\|([^|\r]*)", "\r" + acks)
expected = [line.split("\t")[0] for line in open(sys.argv[2]).read().splitlines()]
codes = [code for code, _ in answers]
ids = [cid for _, cid in answers]
bad = [(c, i) for c, i in answers if c not in ("AA", "CA")]
if ids != expected or bad:
    print("sent %d, answered %d; not AA/CA: %s; ids answered %s" % (len(expected), len(answers), bad, ids))
    sys.exit(1)
print("ok   %d messages answered AA/CA with their control ids" % len(answers))
EOF

# Delivery: wait (bounded) until the queue has nothing pending, in flight or retrying.
served="$(awk -F'\t' '$2 == "served"' "$WORK/expected.tsv" | wc -l)"
drained=""
for _ in $(seq $((WAIT_S * 5))); do
  kill -0 "${pids[-1]}" 2>/dev/null || die "lienthong run exited: $(tail -c 600 "$WORK/lienthong.log")"
  "$LIENTHONG" queue --config "$WORK/lienthong.json" >"$WORK/queue.txt" 2>&1 || true
  # columns: destination pending in_flight retrying held dead done oldest
  if awk '$1 == "ehr" && $2 == 0 && ($3 == 0 || $3 == "-") && $4 == 0 && $5 == 0 && $6 == 0 && $7 > 0 {ok = 1} END {exit !ok}' "$WORK/queue.txt"; then
    drained=yes
    break
  fi
  sleep 0.2
done
[[ -n "$drained" ]] || die "queue not drained after ${WAIT_S}s: $(cat "$WORK/queue.txt"); receiver: $(tail -c 400 "$WORK/receiver.log")"

# Exactly one Bundle per served message, none for the others.
"$PYTHON" - "$WORK/received" "$WORK/expected.tsv" <<'EOF' || die "the Bundles received do not match the messages a mapping serves"
import collections, json, os, sys
folder = sys.argv[1]
expected = [line.split("\t") for line in open(sys.argv[2]).read().splitlines()]
want = sorted(cid for cid, served, _ in expected if served == "served")
got = []
for name in sorted(os.listdir(folder)):
    bundle = json.load(open(os.path.join(folder, name), encoding="utf-8"))
    got.append((bundle.get("identifier") or {}).get("value", "<no identifier in %s>" % name))
counts = collections.Counter(got)
if sorted(got) != want:
    print("want one Bundle for each of %s" % want)
    print("got %s" % sorted(counts.items()))
    sys.exit(1)
print("ok   %d Bundles, one per served message (%d sent)" % (len(got), len(expected)))
EOF
[[ "$(ls "$WORK/received" | wc -l)" -eq "$served" ]] || die "want $served Bundles in $WORK/received"

# All valid against the FHIR R4 JSON schema (one validator run).
mapfile -t bundles < <(ls -d "$WORK"/received/*.json)
invalid=0
while read -r verdict file rest; do
  if [[ "$verdict" == ok ]]; then
    echo "ok   ${file%:}: valid"
  else
    echo "FAIL ${file%:}: schema: $rest"
    invalid=$((invalid + 1))
  fi
done < <("$NODE" "$VALIDATE" "${bundles[@]}" 2>&1)
[[ $invalid -eq 0 ]] || die "$invalid received Bundles are not valid FHIR R4"
echo "PASS: ${#MESSAGES[@]} messages sent by mllp_send, $served Bundles received and valid"
