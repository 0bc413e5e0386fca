#!/usr/bin/env bash
# rms and nats-server side by side on this machine (docs/performance.md). Not part of ./run-tests.
#
# Starts a fresh server for every workload and run, drives it with the same Netty load generator
# (bench/target/rms-bench.jar) speaking each server's protocol over WebSocket, and prints one
# Markdown table per workload with the median (and range) of each figure over the runs.
#
# Usage: scripts/bench-vs-nats.sh [--runs N] [--only LIST] [--out DIR] [--jfr]
#   --runs N     repetitions of everything (default 3; report medians)
#   --only LIST  comma-separated workloads: fanout,peak,idle,room,cluster (default: all)
#   --out DIR    where results, logs and recordings go (default target/bench/<timestamp>)
#   --jfr        record rms with JFR (settings=profile) during fanout (and both nodes during cluster)
#                and print its hot spots
# Scale (environment): SUBSCRIBERS=1000 RATE=200000 SIZE=100 WARMUP=10 DURATION=20
#   IDLE_CONNECTIONS=15000 IDLE_ROUNDS=2 ROOM_SIZE=10 ROOM_MEMBERS=10000 ROOM_ROUNDS=2 ROOM_TIMEOUT=120 ROOM_MAX_RSS_MB=6000
#   IDLE_HOLD=70: seconds the idle connections stay idle before the RSS is read, for both servers:
#   an idle node gives back what the connect burst grew (rms: G1's periodic collection, 15-30 s
#   after its last collection, docs/operations.md "JVM memory"; nats: Go's scavenger). The last
#   collection can come up to ~30 s after the burst (the eden the burst left, filled by this
#   script's scrapes of /metrics, DIRECT_SAMPLE_S), so the release can come ~60 s after it; with
#   35 s the RSS was read before it in 3 of 6 runs (docs/performance.md, "Round 12")
#   IDLE_ROUNDS: idle connects all (the cold-server figures), closes them, and connects them again
#   against the now warm server, for both servers alike (the last round: the warm-server figures)
#   CLUSTER_PUBLISHERS=8 CLUSTER_SUBSCRIBERS=1 GEN_THREADS=2
#   CLUSTER_IN_FLIGHT=2048: publishes not yet received by the subscribers, at most, over all
#   publishers (rms-bench cluster --in-flight; docs/performance.md "Round 10")
#   RMS_JAVA_OPTS="": JVM options of rms after its defaults (dist/jvm.options, as bin/rms has them); they win
#   CLUSTER_EVENT_LOOPS="": server.eventLoopThreads of the two cluster nodes (empty: the server's default)
#   REDIS_BENCH_REQUESTS=$((DURATION * 50000)): redis-benchmark's requests, about as long as rms is measured
#   ROOM_JAVA_OPTS="-Xmx512m": extra JVM options of rms in the room workload (a bounded heap, so
#   that the RSS growth measured is what the room needs, not a default heap of a quarter of the RAM)
#   ROOM_ROUNDS=2: the room joined (and closed) this many times against the same server: round 1
#   is the cold figure (both JVMs compile while the room joins), the last the warm one
#   ROOM_GEN_JAVA_OPTS="-XX:TieredStopAtLevel=1": JVM options of the load generator in the room
#   (C1 only: in its short life C2 compiling cost the generator more than C2's code saved it;
#   docs/performance.md "Room", round 6)
#   IDLE_GEN_JAVA_OPTS="-XX:TieredStopAtLevel=1": JVM options of the load generator in the idle
#   workload, for both servers (C1 only, as in the room: over its one-minute life C2's compiling
#   cost the generator more than its code saved, and that CPU was taken from the server measured
#   on the same two cores; docs/performance.md "Round 10")
#   DIRECT_SAMPLE_S=5: seconds between two reads of rms's off-heap memory (a scrape of /metrics by
#   curl) during fanout, peak and idle. Only rms is sampled, so the sampler is load that nats-server
#   does not get: every 5 s rather than every second (round 12 measured the 1 s sampler at 0.05
#   cores of curl and awk, and a scrape at ~6 ms of a warm rms's CPU, ~45 ms of a fresh one's)
#   QUIET_CORES=0.3 QUIET_WAIT=300: before each server run, wait (at most QUIET_WAIT seconds) until
#   other processes use less than QUIET_CORES cores; every result also records what they used.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS=3
ONLY="fanout,peak,idle,room,cluster"
OUT="$ROOT/target/bench/$(date +%Y%m%d-%H%M%S)"
JFR=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --jfr) JFR=1; shift ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    *) echo "bench-vs-nats: unknown argument $1" >&2; exit 2 ;;
  esac
done
SUBSCRIBERS="${SUBSCRIBERS:-1000}"
RATE="${RATE:-200000}"
SIZE="${SIZE:-100}"
WARMUP="${WARMUP:-10}"
DURATION="${DURATION:-20}"
IDLE_CONNECTIONS="${IDLE_CONNECTIONS:-15000}"
IDLE_HOLD="${IDLE_HOLD:-70}"
IDLE_ROUNDS="${IDLE_ROUNDS:-2}"
ROOM_SIZE="${ROOM_SIZE:-10}"
ROOM_MEMBERS="${ROOM_MEMBERS:-10000}"
ROOM_TIMEOUT="${ROOM_TIMEOUT:-120}"
ROOM_MAX_RSS_MB="${ROOM_MAX_RSS_MB:-6000}"
CLUSTER_PUBLISHERS="${CLUSTER_PUBLISHERS:-8}"
CLUSTER_SUBSCRIBERS="${CLUSTER_SUBSCRIBERS:-1}"
CLUSTER_IN_FLIGHT="${CLUSTER_IN_FLIGHT:-2048}"
CLUSTER_EVENT_LOOPS="${CLUSTER_EVENT_LOOPS:-}"
GEN_THREADS="${GEN_THREADS:-2}"
RMS_JAVA_OPTS="${RMS_JAVA_OPTS:-}"
# rms runs with its defaults, as bin/rms starts it: dist/jvm.options, then RMS_JAVA_OPTS (which wins).
# shellcheck source=lib/bench.sh
. "$ROOT/scripts/lib/bench.sh"
RMS_DEFAULT_OPTS="$(rms_default_opts)"
ROOM_JAVA_OPTS="${ROOM_JAVA_OPTS--Xmx512m}"
ROOM_ROUNDS="${ROOM_ROUNDS:-2}"
ROOM_GEN_JAVA_OPTS="${ROOM_GEN_JAVA_OPTS--XX:TieredStopAtLevel=1}"
IDLE_GEN_JAVA_OPTS="${IDLE_GEN_JAVA_OPTS--XX:TieredStopAtLevel=1}"
DIRECT_SAMPLE_S="${DIRECT_SAMPLE_S:-5}"
QUIET_CORES="${QUIET_CORES:-0.3}"
QUIET_WAIT="${QUIET_WAIT:-300}"

wants() { [[ ",$ONLY," == *",$1,"* ]]; }

# --- prerequisites -----------------------------------------------------------------------------
if ! command -v nats-server >/dev/null; then
  echo "== installing nats-server (Debian package)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nats-server
fi
for tool in java curl ss redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "bench-vs-nats: $tool is needed (scripts/install-test-deps.sh)" >&2; exit 1; }
done
if [ "$(ulimit -n)" -lt 20000 ] && wants idle; then
  ulimit -n 20000 2>/dev/null || echo "bench-vs-nats: open files limit is $(ulimit -n); idle needs ~$((IDLE_CONNECTIONS + 1000))" >&2
fi

echo "== building rms.jar and rms-bench.jar"
mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl cli,bench -am package >/dev/null
RMS_JAR="$ROOT/cli/target/rms.jar"
BENCH=(java -jar "$ROOT/bench/target/rms-bench.jar")

mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
NATS_VERSION="$(nats-server --version | sed 's/^nats-server: v//')"
RMS_LABEL="rms $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo dev)"
NATS_LABEL="nats-server $NATS_VERSION"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB RAM, kernel $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "servers: $RMS_LABEL (java -jar rms.jar serve with dist/jvm.options '$RMS_DEFAULT_OPTS', RMS_JAVA_OPTS='$RMS_JAVA_OPTS', room: ROOM_JAVA_OPTS='$ROOM_JAVA_OPTS', generator ROOM_GEN_JAVA_OPTS='$ROOM_GEN_JAVA_OPTS' IDLE_GEN_JAVA_OPTS='$IDLE_GEN_JAVA_OPTS'), $NATS_LABEL"
  echo "load at start: $(uptime | sed 's/.*load average/load average/')"
  echo "runs: $RUNS; subscribers=$SUBSCRIBERS rate=$RATE size=$SIZE warmup=${WARMUP}s duration=${DURATION}s idle=$IDLE_CONNECTIONS (hold ${IDLE_HOLD}s, rounds $IDLE_ROUNDS) room=$ROOM_MEMBERS (rounds $ROOM_ROUNDS)"
} | tee "$OUT/machine.txt"

# --- process helpers ---------------------------------------------------------------------------
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# listens PID PORT: whether process PID itself holds the listening TCP socket on PORT (an open port
# alone may be another process's, which took the port the server was given)
listens() {
  local inode
  inode=$(awk -v p=":$(printf '%04X' "$2")" '$4 == "0A" && substr($2, length($2) - 4) == p {print $10; exit}' /proc/net/tcp)
  [ -n "$inode" ] && find "/proc/$1/fd" -lname "socket:\\[$inode\\]" 2>/dev/null | grep -q .
}
rms_ready() { curl -sf "http://127.0.0.1:$1/readyz" >/dev/null; }

stop() { # pid
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=()
  for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

# await_up PID WHAT CHECK...: polls CHECK until it succeeds (returns 0) or the process PID has
# exited (returns 1); after 60 s of neither, the script stops.
await_up() {
  local pid="$1" what="$2" deadline=$(( SECONDS + 60 )); shift 2
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || { echo "bench-vs-nats: $what did not start in 60 s" >&2; exit 1; }
    sleep 0.2
  done
}

# start_retrying WHAT LOG LAUNCH [ARGS...]: LAUNCH ARGS picks free ports, starts a server in the
# background (output to LOG) and sets LAUNCHED_PID and LAUNCHED_CHECK (a command that succeeds
# once the server serves). A port found free may be taken before the server binds it (an rms
# cluster node's own connections to Redis are made first, from ephemeral ports): then the server
# exits at once, and the next of three tries picks other ports.
start_retrying() {
  local what="$1" log="$2" attempt; shift 2
  for attempt in 1 2 3; do
    "$@"
    PIDS+=("$LAUNCHED_PID")
    # shellcheck disable=SC2086
    await_up "$LAUNCHED_PID" "$what (see $log)" $LAUNCHED_CHECK && return 0
    echo "   ($what exited at start, attempt $attempt: $(tail -1 "$log"))"
    stop "$LAUNCHED_PID"
  done
  echo "bench-vs-nats: $what did not start (see $log)" >&2
  exit 1
}

# start_rms CONFIG LOG [extra JVM options...]: sets RMS_PID and RMS_PORT
start_rms() { start_retrying rms "$2" launch_rms "$@"; }
launch_rms() {
  local config="$1" log="$2"; shift 2
  RMS_PORT=$(free_port)
  # shellcheck disable=SC2086
  java $RMS_DEFAULT_OPTS $RMS_JAVA_OPTS "$@" -jar "$RMS_JAR" serve --config "$config" --port "$RMS_PORT" >"$log" 2>&1 &
  RMS_PID=$! LAUNCHED_PID=$! LAUNCHED_CHECK="rms_ready $RMS_PORT"
}

# start_nats LOG: sets NATS_PID and NATS_WS_PORT
start_nats() { start_retrying nats-server "$1" launch_nats "$1"; }
launch_nats() {
  local log="$1" conf="$OUT/nats.conf"
  NATS_WS_PORT=$(free_port)
  printf 'listen: 127.0.0.1:%s\nwebsocket { listen: "127.0.0.1:%s", no_tls: true }\n' "$(free_port)" "$NATS_WS_PORT" >"$conf"
  nats-server -c "$conf" >"$log" 2>&1 &
  NATS_PID=$! LAUNCHED_PID=$! LAUNCHED_CHECK="listens $NATS_PID $NATS_WS_PORT"
}

# start_redis LOG: sets REDIS_PID and REDIS_PORT
start_redis() { start_retrying redis-server "$1" launch_redis "$1"; }
launch_redis() {
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$1" 2>&1 &
  REDIS_PID=$! LAUNCHED_PID=$! LAUNCHED_CHECK="listens $REDIS_PID $REDIS_PORT"
}

busy_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }
# CPU ticks of a running process, and of this shell's finished children (redis-benchmark).
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
child_ticks() { awk '{print $16 + $17}' /proc/$$/stat; }

# Waits until the machine is quiet: other builds and tests on a shared box distort every figure.
wait_quiet() {
  local deadline=$(( SECONDS + QUIET_WAIT )) hz b0 b1 cores
  hz=$(getconf CLK_TCK)
  while :; do
    b0=$(busy_ticks); sleep 3; b1=$(busy_ticks)
    cores=$(awk -v d=$((b1 - b0)) -v hz="$hz" 'BEGIN {printf "%.2f", d / hz / 3}')
    if awk -v c="$cores" -v q="$QUIET_CORES" 'BEGIN {exit !(c < q)}'; then return; fi
    if [ $SECONDS -ge $deadline ]; then
      echo "   (machine still busy: $cores cores used by others; running anyway)"
      return
    fi
    sleep 7
  done
}

rms_url() { echo "ws://127.0.0.1:$RMS_PORT/v1?key=$1"; }

# Netty's direct memory as /metrics reports it (bytes; loopback scrapes need no token).
direct_bytes() {
  curl -sf "http://127.0.0.1:$RMS_PORT/metrics" 2>/dev/null \
    | awk '/^rms_netty_allocator_memory_used\{/ && /memory_type="direct"/ {s += $NF} END {printf "%.0f", s}'
}

# sample_direct FILE: records the highest Netty direct memory, every DIRECT_SAMPLE_S, until killed.
sample_direct() {
  local peak=0 v
  while :; do
    v=$(direct_bytes); v=${v:-0}
    [ "$v" -gt "$peak" ] && peak=$v && echo "$peak" >"$1"
    sleep "$DIRECT_SAMPLE_S"
  done
}

# Whether off-heap memory is given back after a burst: the peak during the run, and what the
# allocator still holds 10 s after the load generator closed its connections.
report_direct() { # tag run peak-file
  local after peak
  sleep 10
  after=$(direct_bytes); peak=$(cat "$3" 2>/dev/null || echo 0)
  printf '   rms off-heap (Netty direct): peak %d MiB during %s, %d MiB 10 s after the run\n' \
    $((peak >> 20)) "$1" $((${after:-0} >> 20)) | tee -a "$OUT/direct-memory.txt"
}

# run_both TAG WORKLOAD RUN ARGS...: the workload against a fresh nats-server and a fresh rms, in
# an order that alternates between runs so neither always goes first. TAG names the logs.
run_both() {
  local tag="$1" workload="$2" run="$3"; shift 3
  local order=(nats rms)
  [ $((run % 2)) -eq 0 ] && order=(rms nats)
  local bench=("${BENCH[@]}")
  # shellcheck disable=SC2206
  [ "$workload" = idle ] && bench=(java $IDLE_GEN_JAVA_OPTS -jar "$ROOT/bench/target/rms-bench.jar")
  for server in "${order[@]}"; do
    wait_quiet
    echo "-- run $run: $tag against $server (load $(cut -d' ' -f1 /proc/loadavg))"
    if [ "$server" = nats ]; then
      start_nats "$OUT/nats-$tag-$run.log"
      "${bench[@]}" "$workload" --protocol nats --url "ws://127.0.0.1:$NATS_WS_PORT" --server-pid "$NATS_PID" \
          --label "$NATS_LABEL" --threads "$GEN_THREADS" --json "$RESULTS" "$@" || echo "(exit $?)"
      stop "$NATS_PID"
    else
      local key=pk_live_bench_fanout jfr=()
      [ "$workload" = idle ] && key=pk_live_bench_presence
      if [ "$JFR" = 1 ] && [ "$workload" = fanout ]; then
        jfr=("-XX:StartFlightRecording=filename=$OUT/rms-$tag-$run.jfr,settings=profile,dumponexit=true")
      fi
      start_rms config/bench-server.yaml "$OUT/rms-$tag-$run.log" "${jfr[@]+"${jfr[@]}"}"
      local heap=()
      [ "$workload" = idle ] && heap=(--heap)
      local sampler peak_file="$OUT/direct-peak-$tag-$run"
      echo 0 >"$peak_file"
      sample_direct "$peak_file" & sampler=$!
      "${bench[@]}" "$workload" --protocol rms --url "$(rms_url $key)" --server-pid "$RMS_PID" \
          --label "$RMS_LABEL" --threads "$GEN_THREADS" --json "$RESULTS" "${heap[@]+"${heap[@]}"}" "$@" || echo "(exit $?)"
      kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
      report_direct "$tag" "$run" "$peak_file"
      stop "$RMS_PID"
    fi
  done
}

run_cluster() { # run
  local run="$1" redis_port redis_pid conf a_pid a_port b_pid
  start_redis "$OUT/redis-$run.log"; redis_pid=$REDIS_PID; redis_port=$REDIS_PORT
  conf="$OUT/bench-cluster.yaml"
  { if [ -n "$CLUSTER_EVENT_LOOPS" ]; then
      sed "s/^server:\$/server:\n  eventLoopThreads: $CLUSTER_EVENT_LOOPS/" config/bench-server.yaml
    else
      cat config/bench-server.yaml
    fi
    printf 'cluster:\n  redis: redis://127.0.0.1:%s\n  keyPrefix: "bench%s:"\n' "$redis_port" "$run"; } >"$conf"
  local jfr_a=() jfr_b=()
  if [ "$JFR" = 1 ]; then
    jfr_a=("-XX:StartFlightRecording=filename=$OUT/rms-cluster-a-$run.jfr,settings=profile,dumponexit=true")
    jfr_b=("-XX:StartFlightRecording=filename=$OUT/rms-cluster-b-$run.jfr,settings=profile,dumponexit=true")
  fi
  start_rms "$conf" "$OUT/rms-cluster-a-$run.log" "${jfr_a[@]+"${jfr_a[@]}"}"; a_pid=$RMS_PID; a_port=$RMS_PORT
  start_rms "$conf" "$OUT/rms-cluster-b-$run.log" "${jfr_b[@]+"${jfr_b[@]}"}"; b_pid=$RMS_PID
  wait_quiet
  echo "-- run $run: cluster (load $(cut -d' ' -f1 /proc/loadavg))"
  "${BENCH[@]}" cluster --publish-url "ws://127.0.0.1:$a_port/v1?key=pk_live_bench_fanout" \
      --subscribe-url "$(rms_url pk_live_bench_fanout)" --pid "$a_pid,$b_pid,$redis_pid" \
      --publishers "$CLUSTER_PUBLISHERS" --subscribers "$CLUSTER_SUBSCRIBERS" --in-flight "$CLUSTER_IN_FLIGHT" --size "$SIZE" \
      --warmup "$WARMUP" --duration "$DURATION" \
      --threads "$GEN_THREADS" --label "$RMS_LABEL" --json "$RESULTS" || echo "(exit $?)"
  stop "$a_pid"; stop "$b_pid"
  # The baseline of docs/clustering.md: unpipelined PUBLISH with one subscriber connected. Held to
  # the same conditions as rms: a quiet machine first, about as long as rms is measured (a 4 s run
  # moved by ±15 % between runs), and what other processes used meanwhile is recorded.
  wait_quiet
  redis-cli -p "$redis_port" subscribe ch >/dev/null &
  local sub_pid=$!
  PIDS+=("$sub_pid")
  sleep 0.5
  local rps hz b0 b1 r0 r1 s0 s1 c0 c1 t0 t1 other
  hz=$(getconf CLK_TCK)
  b0=$(busy_ticks); r0=$(proc_ticks "$redis_pid"); s0=$(proc_ticks "$sub_pid"); c0=$(child_ticks); t0=$(date +%s.%N)
  rps=$(redis-benchmark -p "$redis_port" -n "${REDIS_BENCH_REQUESTS:-$((DURATION * 50000))}" -c 50 -q \
          PUBLISH ch "$(head -c "$SIZE" /dev/zero | tr '\0' x)" \
        | tr '\r' '\n' | grep -Eo '[0-9.]+ requests per second' | tail -1 | cut -d' ' -f1)
  b1=$(busy_ticks); r1=$(proc_ticks "$redis_pid"); s1=$(proc_ticks "$sub_pid"); c1=$(child_ticks); t1=$(date +%s.%N)
  other=$(awk -v b=$((b1 - b0)) -v own=$(( (r1 - r0) + (s1 - s0) + (c1 - c0) )) -v hz="$hz" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
          'BEGIN {o = (b - own) / hz / t; printf "%.3f", o < 0 ? 0 : o}')
  echo "   redis-benchmark PUBLISH (-c 50, unpipelined): $rps/s (other processes meanwhile: $other cores)"
  printf '{"time":"%s","workload":"cluster","server":"redis-benchmark","params":{"publishers":%s,"subscribers":%s,"window":64,"inFlight":%s,"size":%s},"figures":{"redis_publish_per_s":{"label":"redis-benchmark PUBLISH/s (-c 50, unpipelined, 1 subscriber)","unit":"1/s","value":%s},"other_cores":{"label":"other processes'"'"' CPU meanwhile (cores busy)","unit":"cores","value":%s}},"notes":{}}\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$CLUSTER_PUBLISHERS" "$CLUSTER_SUBSCRIBERS" "$CLUSTER_IN_FLIGHT" "$SIZE" "${rps:-0}" "$other" >>"$RESULTS"
  stop "$sub_pid"; stop "$redis_pid"
}

# --- the runs ----------------------------------------------------------------------------------
for run in $(seq 1 "$RUNS"); do
  if wants fanout; then
    run_both fanout fanout "$run" --subscribers "$SUBSCRIBERS" --rate "$RATE" --size "$SIZE" --warmup "$WARMUP" --duration "$DURATION"
  fi
  if wants peak; then
    run_both peak fanout "$run" --subscribers "$SUBSCRIBERS" --rate max --size "$SIZE" --warmup "$WARMUP" --duration "$DURATION"
  fi
  if wants idle; then
    run_both idle idle "$run" --connections "$IDLE_CONNECTIONS" --room-size "$ROOM_SIZE" --hold "$IDLE_HOLD" --rounds "$IDLE_ROUNDS"
  fi
  if wants room; then
    wait_quiet
    echo "-- run $run: room against rms (load $(cut -d' ' -f1 /proc/loadavg))"
    # shellcheck disable=SC2086
    start_rms config/bench-server.yaml "$OUT/rms-room-$run.log" $ROOM_JAVA_OPTS
    # shellcheck disable=SC2086
    java $ROOM_GEN_JAVA_OPTS -jar "$ROOT/bench/target/rms-bench.jar" room --protocol rms --url "$(rms_url pk_live_bench_presence)" \
        --server-pid "$RMS_PID" --label "$RMS_LABEL" --threads "$GEN_THREADS" --json "$RESULTS" --members "$ROOM_MEMBERS" \
        --rounds "$ROOM_ROUNDS" --timeout "$ROOM_TIMEOUT" --max-server-rss-mb "$ROOM_MAX_RSS_MB" || echo "(exit $?)"
    stop "$RMS_PID"
  fi
  if wants cluster; then
    run_cluster "$run"
  fi
done

echo "load at end: $(uptime | sed 's/.*load average/load average/')" | tee -a "$OUT/machine.txt"
echo
"${BENCH[@]}" report "$RESULTS" | tee "$OUT/report.md"
if [ "$JFR" = 1 ]; then
  for f in "$OUT"/rms-*.jfr; do
    [ -f "$f" ] || continue
    "${BENCH[@]}" jfr-top "$f" >"${f%.jfr}.txt"
    echo "JFR hot spots: ${f%.jfr}.txt"
  done
fi
echo "results: $OUT"
