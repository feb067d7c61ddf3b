# stop_processes TENTHS PID...: asks each process to stop (SIGTERM), waits up to
# TENTHS tenths of a second for each to exit, then kills what is left (SIGKILL).
# Sourced by the scripts that start an engine, a receiver or a load tool and must
# not leave them running (bench/delivery_load.sh, tests/e2e/mllp_send_fhir_flow.sh).
stop_processes() {
  local tenths="$1" pid
  shift
  for pid in "$@"; do kill "$pid" 2>/dev/null; done
  for pid in "$@"; do
    for _ in $(seq "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  return 0
}
