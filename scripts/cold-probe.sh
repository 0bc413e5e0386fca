#!/usr/bin/env bash
# One freshly started rms, one cold round of the idle workload, and where the server's CPU went,
# by thread group (docs/performance.md, "Round 10"). For trying JVM options on a cold node one
# set against another; not part of ./run-tests.
#
# Usage: scripts/cold-probe.sh [--connections N] [--rounds R] [--] [rms JVM options...]
#   rms runs as bin/rms starts it (dist/jvm.options), then the options given (which win):
#     scripts/cold-probe.sh                                 # rms's defaults
#     scripts/cold-probe.sh -- -XX:TieredStopAtLevel=1      # the same, C1 only
#   --connections N  connections in rooms of 10, each welcomed and subscribed (default 15000)
#   --rounds R       idle rounds against the same server (default 1: the cold round only)
# Environment: GEN_JAVA_OPTS="-XX:TieredStopAtLevel=1" (the load generator's, as in
#   scripts/bench-vs-nats.sh), PROBE_LOCK=/tmp/rms-bench.lock (held while measuring; "" for none).
# Prints rms-bench idle's figures, then the server's CPU (user, system) by thread group
# (rms-bench idle --cpu-by-thread): everything since the server started, its start-up included.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONNECTIONS=15000
ROUNDS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) break ;;
    *) echo "cold-probe: unknown argument $1" >&2; exit 2 ;;
  esac
done
GEN_JAVA_OPTS="${GEN_JAVA_OPTS--XX:TieredStopAtLevel=1}"
PROBE_LOCK="${PROBE_LOCK-/tmp/rms-bench.lock}"

[ -f cli/target/rms.jar ] && [ -f bench/target/rms-bench.jar ] \
  || mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl cli,bench -am package >/dev/null
if [ "$(ulimit -n)" -lt $((CONNECTIONS + 1000)) ]; then
  ulimit -n $((CONNECTIONS + 1000)) 2>/dev/null || echo "cold-probe: open files limit is $(ulimit -n)" >&2
fi
if [ -n "$PROBE_LOCK" ]; then
  exec 9>"$PROBE_LOCK"
  flock 9
fi

# shellcheck source=lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"
PORT=$(free_port)
LOG="$(mktemp -t rms-cold-probe.XXXXXX.log)"
# shellcheck disable=SC2086
java $(rms_default_opts) "$@" -jar cli/target/rms.jar serve \
  --config config/bench-server.yaml --port "$PORT" >"$LOG" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT
deadline=$(( SECONDS + 60 ))
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do
  kill -0 "$PID" 2>/dev/null && [ $SECONDS -lt $deadline ] || { echo "cold-probe: rms did not start ($LOG)" >&2; exit 1; }
  sleep 0.2
done
echo "rms options: $(rms_default_opts) $*; generator: $GEN_JAVA_OPTS"
# shellcheck disable=SC2086
java $GEN_JAVA_OPTS -jar bench/target/rms-bench.jar idle --protocol rms \
  --url "ws://127.0.0.1:$PORT/v1?key=pk_live_bench_presence" --server-pid "$PID" --threads 2 \
  --connections "$CONNECTIONS" --room-size 10 --hold 1 --rounds "$ROUNDS" --cpu-by-thread
